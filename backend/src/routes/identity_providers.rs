//! `/api/v1/identity-providers`: the CPAS's single sign-on, as its DG sets it up.

use actix_web::{HttpResponse, delete, get, patch, post, web};
use api_types::{IdentityProvider, IdentityProviderPatch, NewIdentityProvider, Problem};
use uuid::Uuid;

use super::problems;
use super::{Json, RequestDb};
use crate::app::single_sign_on;
use crate::auth::Person;
use crate::auth::oidc::OidcClients;
use crate::error::ApiError;
use crate::secrets::Keyring;

/// The CPAS's identity providers (its DG). The client secrets are never shown; each
/// provider says the redirect URI to register at the provider.
#[utoipa::path(
    operation_id = "list_identity_providers",
    tag = "single sign-on",
    security(("bearer" = [])),
    responses((status = 200, body = Vec<IdentityProvider>))
)]
#[get("/identity-providers")]
pub async fn list_identity_providers(
    db: RequestDb,
    auth: Person,
    oidc: web::Data<OidcClients>,
) -> Result<web::Json<Vec<IdentityProvider>>, ApiError> {
    Ok(web::Json(single_sign_on::list(&db, &auth, &oidc).await?))
}

/// Adds an identity provider (OpenID Connect): its issuer is asked at once for its
/// discovery document (422 `issuer_discovery_failed` when it does not answer as an
/// OpenID provider). Register the answer's `redirect_uri` at the provider. The client
/// secret is kept sealed and never shown again.
#[utoipa::path(
    operation_id = "create_identity_provider",
    tag = "single sign-on",
    security(("bearer" = [])),
    request_body = NewIdentityProvider,
    responses(
        (status = 201, body = IdentityProvider),
        (status = 409, description = "The CPAS has a provider of that label (`name_taken`)",
         body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/identity-providers")]
pub async fn create_identity_provider(
    db: RequestDb,
    auth: Person,
    oidc: web::Data<OidcClients>,
    keyring: web::Data<Keyring>,
    body: Json<NewIdentityProvider>,
) -> Result<HttpResponse, ApiError> {
    let created = single_sign_on::create(&db, &auth, &oidc, &keyring, body.into_inner()).await?;
    Ok(HttpResponse::Created()
        .insert_header((
            "Location",
            format!("/api/v1/identity-providers/{}", created.id),
        ))
        .json(created))
}

/// One identity provider of the CPAS.
#[utoipa::path(
    operation_id = "get_identity_provider",
    tag = "single sign-on",
    security(("bearer" = [])),
    params(("provider_id" = Uuid, Path)),
    responses((status = 200, body = IdentityProvider), problems::NotFound)
)]
#[get("/identity-providers/{provider_id}")]
pub async fn get_identity_provider(
    db: RequestDb,
    auth: Person,
    oidc: web::Data<OidcClients>,
    id: web::Path<Uuid>,
) -> Result<web::Json<IdentityProvider>, ApiError> {
    Ok(web::Json(
        single_sign_on::get(&db, &auth, &oidc, id.into_inner()).await?,
    ))
}

/// Changes a provider (label, secret, scopes, on/off, accounts made at a first sign-in) if
/// it is still at `version` (409 `stale_version` otherwise). The issuer and client id do
/// not change: add another provider instead.
#[utoipa::path(
    operation_id = "update_identity_provider",
    tag = "single sign-on",
    security(("bearer" = [])),
    params(("provider_id" = Uuid, Path)),
    request_body = IdentityProviderPatch,
    responses(
        (status = 200, body = IdentityProvider),
        problems::NotFound,
        (status = 409, description = "Another version (`stale_version`), or the label is taken (`name_taken`)",
         body = Problem, content_type = "application/problem+json"),
    )
)]
#[patch("/identity-providers/{provider_id}")]
pub async fn update_identity_provider(
    db: RequestDb,
    auth: Person,
    oidc: web::Data<OidcClients>,
    keyring: web::Data<Keyring>,
    id: web::Path<Uuid>,
    body: Json<IdentityProviderPatch>,
) -> Result<web::Json<IdentityProvider>, ApiError> {
    Ok(web::Json(
        single_sign_on::update(
            &db,
            &auth,
            &oidc,
            &keyring,
            id.into_inner(),
            body.into_inner(),
        )
        .await?,
    ))
}

/// Removes a provider: its button goes, its links to accounts too (the accounts stay).
#[utoipa::path(
    operation_id = "delete_identity_provider",
    tag = "single sign-on",
    security(("bearer" = [])),
    params(("provider_id" = Uuid, Path)),
    responses((status = 204, description = "Removed"), problems::NotFound)
)]
#[delete("/identity-providers/{provider_id}")]
pub async fn delete_identity_provider(
    db: RequestDb,
    auth: Person,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    single_sign_on::delete(&db, &auth, id.into_inner()).await?;
    Ok(HttpResponse::NoContent().finish())
}
