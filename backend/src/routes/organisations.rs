//! `/api/v1/organisations` and `/api/v1/tenants`.

use actix_web::http::header;
use actix_web::{HttpResponse, get, post, put, web};
use api_types::{
    NewOrganisation, NewTenant, OrganisationSummary, Problem, TenantIdentity, TenantIdentityChange,
    TenantRef,
};
use uuid::Uuid;

use super::problems;
use super::users::TenantFilter;
use super::{Json, RequestDb};
use crate::app::organisations;
use crate::auth::Authenticated;
use crate::domain::{Label, NisCode, Slug, TenantId};
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

/// A CPAS as the Region knows it (eComptes' `Identifiants`): its name, the NIS code of its
/// municipality and its kind of administration. Its own people read it; the platform's
/// administrators read every CPAS's. `ETag` carries its version.
#[utoipa::path(
    tag = "tenants",
    security(("bearer" = []), ("api_token" = ["plans:read"])),
    params(("tenant_id" = uuid::Uuid, Path)),
    responses(
        (status = 200, body = TenantIdentity, headers(("ETag" = String, description = "The CPAS's version"))),
        problems::NotFound,
    )
)]
#[get("/tenants/{tenant_id}")]
pub async fn get_tenant(
    db: RequestDb,
    auth: Authenticated,
    tenant_id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    let identity =
        organisations::tenant_identity(&db, &auth, TenantId::new(tenant_id.into_inner())).await?;
    Ok(HttpResponse::Ok()
        .insert_header((header::ETAG, format!("\"{}\"", identity.version)))
        .json(identity))
}

/// Sets a CPAS's name and identity (platform administrators), against the `version` read.
#[utoipa::path(
    tag = "tenants",
    security(("bearer" = [])),
    params(("tenant_id" = uuid::Uuid, Path)),
    request_body = TenantIdentityChange,
    responses(
        (status = 200, body = TenantIdentity, headers(("ETag" = String, description = "The CPAS's new version"))),
        problems::NotFound,
        (status = 409, description = "Stale `version`", body = Problem, content_type = "application/problem+json"),
    )
)]
#[put("/tenants/{tenant_id}")]
pub async fn set_tenant(
    db: RequestDb,
    auth: Authenticated,
    tenant_id: web::Path<Uuid>,
    body: Json<TenantIdentityChange>,
) -> Result<HttpResponse, ApiError> {
    let change = body.into_inner();
    let name = Label::parse(&change.name, "name", 200)?;
    let nis_code = change
        .nis_code
        .map(|code| NisCode::parse(code, "nis_code"))
        .transpose()?;
    let identity = organisations::set_tenant_identity(
        &db,
        &auth,
        TenantId::new(tenant_id.into_inner()),
        change.version,
        name,
        nis_code,
        change.administration_type,
    )
    .await?;
    Ok(HttpResponse::Ok()
        .insert_header((header::ETAG, format!("\"{}\"", identity.version)))
        .json(identity))
}
