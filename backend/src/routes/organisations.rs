//! `/api/v1/organisations` and `/api/v1/tenants`.

use actix_web::{HttpResponse, get, post, web};
use api_types::{NewOrganisation, NewTenant, OrganisationSummary, Problem, TenantRef};

use super::problems;
use super::users::TenantFilter;
use super::{Json, RequestDb};
use crate::app::organisations;
use crate::auth::Authenticated;
use crate::domain::{Label, Slug};
use crate::error::ApiError;

/// The organisations of a CPAS: itself and its partners.
#[utoipa::path(
    tag = "organisations",
    security(("bearer" = []), ("api_token" = ["plans:read"])),
    params(TenantFilter),
    responses(
        (status = 200, body = Vec<OrganisationSummary>),
        problems::NotFound,
    )
)]
#[get("/organisations")]
pub async fn list_organisations(
    db: RequestDb,
    auth: Authenticated,
    filter: web::Query<TenantFilter>,
) -> Result<web::Json<Vec<OrganisationSummary>>, ApiError> {
    let list = organisations::list(&db, &auth, filter.tenant_id).await?;
    Ok(web::Json(list))
}

/// Adds an organisation (a partner) to a CPAS.
#[utoipa::path(
    tag = "organisations",
    security(("bearer" = [])),
    request_body = NewOrganisation,
    responses(
        (status = 201, body = OrganisationSummary),
        (status = 404, description = "No such CPAS (or another one)", body = Problem, content_type = "application/problem+json"),
        (status = 409, body = Problem, content_type = "application/problem+json"),
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
    let created = organisations::create(&db, &auth, new.tenant_id, name, new.kind).await?;
    Ok(HttpResponse::Created().json(created))
}

/// Every CPAS of the platform (administrators).
#[utoipa::path(
    tag = "tenants",
    security(("bearer" = [])),
    responses(
        (status = 200, body = Vec<TenantRef>),
    )
)]
#[get("/tenants")]
pub async fn list_tenants(
    db: RequestDb,
    auth: Authenticated,
) -> Result<web::Json<Vec<TenantRef>>, ApiError> {
    let list = organisations::list_tenants(&db, &auth).await?;
    Ok(web::Json(list))
}

/// Adds a CPAS to the platform, with its own organisation (administrators).
#[utoipa::path(
    tag = "tenants",
    security(("bearer" = [])),
    request_body = NewTenant,
    responses(
        (status = 201, body = TenantRef),
        (status = 409, body = Problem, content_type = "application/problem+json"),
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
    let created = organisations::create_tenant(&db, &auth, slug, name).await?;
    Ok(HttpResponse::Created().json(created))
}
