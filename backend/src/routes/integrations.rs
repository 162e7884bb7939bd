//! `/api/v1/api-tokens` and `/api/v1/webhooks`: what integrators use.

use actix_web::{HttpResponse, delete, get, patch, post, web};
use api_types::{
    ApiToken, ApiTokenCreated, NewApiToken, NewWebhook, Problem, Webhook, WebhookCreated,
    WebhookDelivery, WebhookPatch, WebhookSecretRotated,
};
use uuid::Uuid;

use super::problems;
use super::users::TenantFilter;
use super::{Json, RequestDb};
use crate::app::integrations;
use crate::auth::Authenticated;
use crate::configuration::WebhookSettings;
use crate::error::ApiError;
use crate::secrets::Keyring;

/// Creates an API token for an organisation of the CPAS. The secret (`pst_…`) is in this
/// answer only: it is stored hashed.
#[utoipa::path(tag = "integrations", security(("bearer" = [])), request_body = NewApiToken,
    responses((status = 201, body = ApiTokenCreated),
        (status = 404, description = "No such CPAS (or another one)", body = Problem, content_type = "application/problem+json")))]
#[post("/api-tokens")]
pub async fn create_api_token(
    db: RequestDb,
    auth: Authenticated,
    body: Json<NewApiToken>,
) -> Result<HttpResponse, ApiError> {
    let created = integrations::create_token(&db, &auth, body.into_inner()).await?;
    Ok(HttpResponse::Created()
        .insert_header((
            "Location",
            format!("/api/v1/api-tokens/{}", created.token.id),
        ))
        .json(created))
}

/// The CPAS's API tokens, revoked ones included; never their secrets.
#[utoipa::path(tag = "integrations", security(("bearer" = [])), params(TenantFilter),
    responses((status = 200, body = Vec<ApiToken>),
        (status = 404, description = "No such CPAS (or another one)", body = Problem, content_type = "application/problem+json")))]
#[get("/api-tokens")]
pub async fn list_api_tokens(
    db: RequestDb,
    auth: Authenticated,
    filter: web::Query<TenantFilter>,
) -> Result<web::Json<Vec<ApiToken>>, ApiError> {
    Ok(web::Json(
        integrations::list_tokens(&db, &auth, filter.tenant_id).await?,
    ))
}

/// Revokes a token: it is refused (401) from the next request on.
#[utoipa::path(tag = "integrations", security(("bearer" = [])),
    params(("token_id" = Uuid, Path), TenantFilter),
    responses((status = 204, description = "Revoked"),
        problems::NotFound))]
#[delete("/api-tokens/{token_id}")]
pub async fn revoke_api_token(
    db: RequestDb,
    auth: Authenticated,
    id: web::Path<Uuid>,
    filter: web::Query<TenantFilter>,
) -> Result<HttpResponse, ApiError> {
    integrations::revoke_token(&db, &auth, id.into_inner(), filter.tenant_id).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Registers an endpoint for some events.
///
/// Its secret signs every delivery (`PST-Signature`). The secret is in this answer only: it
/// is stored sealed and never listed; `rotate-secret` replaces it.
#[utoipa::path(tag = "integrations", security(("bearer" = []), ("api_token" = ["webhooks:manage"])), request_body = NewWebhook,
    responses((status = 201, body = WebhookCreated)))]
#[post("/webhooks")]
pub async fn create_webhook(
    db: RequestDb,
    auth: Authenticated,
    settings: web::Data<WebhookSettings>,
    keyring: web::Data<Keyring>,
    body: Json<NewWebhook>,
) -> Result<HttpResponse, ApiError> {
    let created = integrations::create_webhook(
        &db,
        &auth,
        keyring.get_ref().clone(),
        settings.allow_loopback_http,
        body.into_inner(),
    )
    .await?;
    Ok(HttpResponse::Created()
        .insert_header((
            "Location",
            format!("/api/v1/webhooks/{}", created.webhook.id),
        ))
        .json(created))
}

/// Replaces an endpoint's signing key.
///
/// The new key is in this answer only (after a leak, or when the first answer was lost).
/// Deliveries signed from now on, retries of earlier events included, use it; the previous
/// key signs nothing more.
#[utoipa::path(tag = "integrations", security(("bearer" = []), ("api_token" = ["webhooks:manage"])),
    params(("webhook_id" = Uuid, Path)),
    responses((status = 200, body = WebhookSecretRotated),
        problems::NotFound))]
#[post("/webhooks/{webhook_id}/rotate-secret")]
pub async fn rotate_webhook_secret(
    db: RequestDb,
    auth: Authenticated,
    keyring: web::Data<Keyring>,
    id: web::Path<Uuid>,
) -> Result<web::Json<WebhookSecretRotated>, ApiError> {
    let rotated =
        integrations::rotate_webhook_secret(&db, &auth, keyring.get_ref().clone(), id.into_inner())
            .await?;
    Ok(web::Json(rotated))
}

/// The CPAS's webhook endpoints.
#[utoipa::path(tag = "integrations", security(("bearer" = []), ("api_token" = ["webhooks:manage"])),
    responses((status = 200, body = Vec<Webhook>)))]
#[get("/webhooks")]
pub async fn list_webhooks(
    db: RequestDb,
    auth: Authenticated,
) -> Result<web::Json<Vec<Webhook>>, ApiError> {
    Ok(web::Json(integrations::list_webhooks(&db, &auth).await?))
}

/// One webhook of the caller's CPAS: its address, events and state.
#[utoipa::path(tag = "integrations", security(("bearer" = []), ("api_token" = ["webhooks:manage"])),
    params(("webhook_id" = Uuid, Path)),
    responses((status = 200, body = Webhook),
        problems::NotFound))]
#[get("/webhooks/{webhook_id}")]
pub async fn get_webhook(
    db: RequestDb,
    auth: Authenticated,
    id: web::Path<Uuid>,
) -> Result<web::Json<Webhook>, ApiError> {
    Ok(web::Json(
        integrations::get_webhook(&db, &auth, id.into_inner()).await?,
    ))
}

/// Changes the URL or the events, or pauses (`active: false`) an endpoint.
#[utoipa::path(tag = "integrations", security(("bearer" = []), ("api_token" = ["webhooks:manage"])),
    params(("webhook_id" = Uuid, Path)), request_body = WebhookPatch,
    responses((status = 200, body = Webhook),
        problems::NotFound,
        (status = 409, body = Problem, content_type = "application/problem+json")))]
#[patch("/webhooks/{webhook_id}")]
pub async fn update_webhook(
    db: RequestDb,
    auth: Authenticated,
    settings: web::Data<WebhookSettings>,
    id: web::Path<Uuid>,
    body: Json<WebhookPatch>,
) -> Result<web::Json<Webhook>, ApiError> {
    let webhook = integrations::update_webhook(
        &db,
        &auth,
        settings.allow_loopback_http,
        id.into_inner(),
        body.into_inner(),
    )
    .await?;
    Ok(web::Json(webhook))
}

/// Removes an endpoint and its delivery log.
#[utoipa::path(tag = "integrations", security(("bearer" = []), ("api_token" = ["webhooks:manage"])),
    params(("webhook_id" = Uuid, Path)),
    responses((status = 204, description = "Deleted"),
        problems::NotFound))]
#[delete("/webhooks/{webhook_id}")]
pub async fn delete_webhook(
    db: RequestDb,
    auth: Authenticated,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    integrations::delete_webhook(&db, &auth, id.into_inner()).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// The delivery log of an endpoint: the last 100 deliveries, newest first.
#[utoipa::path(
    operation_id = "list_webhook_deliveries",tag = "integrations", security(("bearer" = []), ("api_token" = ["webhooks:manage"])),
    params(("webhook_id" = Uuid, Path)),
    responses((status = 200, body = Vec<WebhookDelivery>),
        problems::NotFound))]
#[get("/webhooks/{webhook_id}/deliveries")]
pub async fn list_deliveries(
    db: RequestDb,
    auth: Authenticated,
    id: web::Path<Uuid>,
) -> Result<web::Json<Vec<WebhookDelivery>>, ApiError> {
    Ok(web::Json(
        integrations::list_deliveries(&db, &auth, id.into_inner()).await?,
    ))
}

/// Sends a delivery again, now (whether it failed or not).
#[utoipa::path(
    operation_id = "redeliver_webhook_delivery",tag = "integrations", security(("bearer" = []), ("api_token" = ["webhooks:manage"])),
    params(("webhook_id" = Uuid, Path), ("delivery_id" = Uuid, Path)),
    responses((status = 202, body = WebhookDelivery),
        problems::NotFound))]
#[post("/webhooks/{webhook_id}/deliveries/{delivery_id}/redeliver")]
pub async fn redeliver(
    db: RequestDb,
    auth: Authenticated,
    ids: web::Path<(Uuid, Uuid)>,
) -> Result<HttpResponse, ApiError> {
    let (endpoint, delivery) = ids.into_inner();
    let queued = integrations::redeliver(&db, &auth, endpoint, delivery).await?;
    Ok(HttpResponse::Accepted().json(queued))
}
