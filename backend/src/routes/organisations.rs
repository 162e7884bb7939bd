//! `/api/v1/organisations` and `/api/v1/tenants`.

use actix_web::{HttpResponse, get, post, web};
use api_types::{
    NewOrganisation, NewTenant, OrganisationSummary, Problem, ProblemCode, Role, TenantRef,
};

use super::users::TenantFilter;
use super::{Json, RequestDb};
use crate::auth::Authenticated;
use crate::authz::{self, Actor, Permission, Scope};
use crate::db::organisations;
use crate::domain::{Label, Slug, TenantId};
use crate::error::ApiError;

/// The CPAS a request is about: an administrator names it, anyone else works in their own.
pub(crate) fn tenant_of_request(
    actor: &Actor,
    requested: Option<uuid::Uuid>,
) -> Result<TenantId, ApiError> {
    match (actor.role, requested) {
        (_, Some(tenant)) => Ok(TenantId::new(tenant)),
        (Role::Admin, None) => Err(ApiError::invalid_field(
            "tenant_id",
            ProblemCode::Required,
            "name the CPAS",
        )),
        (_, None) => actor.tenant(),
    }
}

/// The organisations of a CPAS: itself and its partners.
#[utoipa::path(
    tag = "organisations",
    security(("bearer" = []), ("api_token" = ["plans:read"])),
    params(TenantFilter),
    responses(
        (status = 200, body = Vec<OrganisationSummary>),
        (status = 401, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/organisations")]
pub async fn list_organisations(
    db: RequestDb,
    auth: Authenticated,
    filter: web::Query<TenantFilter>,
) -> Result<web::Json<Vec<OrganisationSummary>>, ApiError> {
    let requested = filter.tenant_id;
    let list = db
        .run_as(&auth, move |conn, actor| {
            let tenant = tenant_of_request(actor, requested)?;
            let permission = if actor.role == Role::Admin {
                Permission::ManageOrganisations
            } else {
                Permission::ReadPlans
            };
            authz::ensure(actor, permission, Scope::Tenant(tenant))?;
            organisations::list_organisations(conn, tenant)
        })
        .await?;
    Ok(web::Json(list))
}

/// Adds an organisation (a partner) to a CPAS.
#[utoipa::path(
    tag = "organisations",
    security(("bearer" = [])),
    request_body = NewOrganisation,
    responses(
        (status = 201, body = OrganisationSummary),
        (status = 401, body = Problem, content_type = "application/problem+json"),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such CPAS (or another one)", body = Problem, content_type = "application/problem+json"),
        (status = 409, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/organisations")]
pub async fn create_organisation(
    db: RequestDb,
    auth: Authenticated,
    body: Json<NewOrganisation>,
) -> Result<HttpResponse, ApiError> {
    let new = body.into_inner();
    let name = Label::parse(&new.name, "name", 200)?;
    let created = db
        .run_as(&auth, move |conn, actor| {
            let tenant = tenant_of_request(actor, new.tenant_id)?;
            authz::ensure(
                actor,
                Permission::ManageOrganisations,
                Scope::Tenant(tenant),
            )?;
            if !organisations::tenant_exists(conn, tenant)? {
                return Err(ApiError::invalid_field(
                    "tenant_id",
                    ProblemCode::UnknownTenant,
                    "no such CPAS",
                ));
            }
            organisations::create_organisation(conn, tenant, &name, new.kind)
        })
        .await?;
    Ok(HttpResponse::Created().json(created))
}

/// Every CPAS of the platform (administrators).
#[utoipa::path(
    tag = "tenants",
    security(("bearer" = [])),
    responses(
        (status = 200, body = Vec<TenantRef>),
        (status = 401, body = Problem, content_type = "application/problem+json"),
        (status = 403, body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/tenants")]
pub async fn list_tenants(
    db: RequestDb,
    auth: Authenticated,
) -> Result<web::Json<Vec<TenantRef>>, ApiError> {
    let list = db
        .run_as(&auth, |conn, actor| {
            authz::ensure(actor, Permission::ManageTenants, Scope::Platform)?;
            organisations::list_tenants(conn)
        })
        .await?;
    Ok(web::Json(list))
}

/// Adds a CPAS to the platform, with its own organisation (administrators).
#[utoipa::path(
    tag = "tenants",
    security(("bearer" = [])),
    request_body = NewTenant,
    responses(
        (status = 201, body = TenantRef),
        (status = 401, body = Problem, content_type = "application/problem+json"),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 409, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/tenants")]
pub async fn create_tenant(
    db: RequestDb,
    auth: Authenticated,
    body: Json<NewTenant>,
) -> Result<HttpResponse, ApiError> {
    let new = body.into_inner();
    let slug = Slug::parse(&new.slug, "slug")?;
    let name = Label::parse(&new.name, "name", 200)?;
    let created = db
        .run_as(&auth, move |conn, actor| {
            authz::ensure(actor, Permission::ManageTenants, Scope::Platform)?;
            organisations::create_tenant(conn, &slug, &name)
        })
        .await?;
    Ok(HttpResponse::Created().json(created))
}
