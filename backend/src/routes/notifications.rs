//! `/api/v1/notifications`: the caller's in-app inbox; how each topic reaches them
//! (`/api/v1/me/notification-preferences`); the e-mails' unsubscribe links
//! (`/api/v1/unsubscribe/{token}`, no login).

use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, get, post, put, web};
use api_types::{Notification, NotificationPreferences, Problem, UnsubscribeLink};
use serde::Deserialize;
use uuid::Uuid;

use super::problems;
use super::{IfNoneMatch, Json, RequestDb};
use crate::app::{notifications, preferences};
use crate::auth::Person;
use crate::auth::tokens::JwtSecret;
use crate::error::ApiError;

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct InboxQuery {
    /// Only the unread ones.
    #[serde(default)]
    pub unread: bool,
}

/// The caller's notifications, newest first (at most 200).
///
/// The answer carries a weak `ETag`; sent back in `If-None-Match`, it gets a `304 Not
/// Modified` without body while no notification arrived or was read: a client polls its
/// inbox for the price of one indexed count.
#[utoipa::path(
    operation_id = "list_notifications",
    tag = "notifications",
    security(("bearer" = [])),
    params(
        InboxQuery,
        ("If-None-Match" = Option<String>, Header,
         description = "The `ETag` of a copy already held: 304 if it is still current"),
    ),
    responses(
        (status = 200, body = Vec<Notification>, headers(
            ("ETag" = String, description = "Weak validator of this inbox, e.g. `W/\"9f86d081884c7d65\"`"),
            ("Cache-Control" = String, description = "`private, no-cache`: keep it, revalidate before use"),
        )),
        (status = 304, description = "Not modified: the copy whose `ETag` was sent is current; no body",
         headers(("ETag" = String, description = "The same validator"))),
    )
)]
#[get("/notifications")]
pub async fn inbox(
    db: RequestDb,
    auth: Person,
    req: HttpRequest,
    query: web::Query<InboxQuery>,
) -> Result<HttpResponse, ApiError> {
    let held = IfNoneMatch::of(&req);
    let (etag, list) =
        notifications::inbox(&db, &auth, query.unread, move |etag| held.holds(etag)).await?;
    let cached = (header::CACHE_CONTROL, "private, no-cache");
    Ok(match list {
        None => HttpResponse::NotModified()
            .insert_header((header::ETAG, etag))
            .insert_header(cached)
            .finish(),
        Some(list) => HttpResponse::Ok()
            .insert_header((header::ETAG, etag))
            .insert_header(cached)
            .json(list),
    })
}

/// Marks one of the caller's notifications as read.
#[utoipa::path(
    operation_id = "mark_notification_read",
    tag = "notifications",
    security(("bearer" = [])),
    params(("notification_id" = Uuid, Path)),
    responses(
        (status = 204, description = "Marked read"),
        problems::NotFound,
    )
)]
#[post("/notifications/{notification_id}/read")]
pub async fn mark_read(
    db: RequestDb,
    auth: Person,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    notifications::mark_read(&db, &auth, id.into_inner()).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Marks all the caller's notifications as read.
#[utoipa::path(
    operation_id = "mark_all_notifications_read",
    tag = "notifications",
    security(("bearer" = [])),
    responses(
        (status = 204, description = "All read"),
    )
)]
#[post("/notifications/read-all")]
pub async fn mark_all_read(db: RequestDb, auth: Person) -> Result<HttpResponse, ApiError> {
    notifications::mark_all_read(&db, &auth).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// The caller's choices: for each topic, whether its notifications are e-mailed at once, in
/// a daily or weekly digest, or kept in the app; and the language of the e-mails.
#[utoipa::path(
    operation_id = "get_my_notification_preferences",
    tag = "notifications",
    security(("bearer" = [])),
    responses(
        (status = 200, body = NotificationPreferences),
    )
)]
#[get("/me/notification-preferences")]
pub async fn my_notification_preferences(
    db: RequestDb,
    auth: Person,
) -> Result<web::Json<NotificationPreferences>, ApiError> {
    Ok(web::Json(preferences::mine(&db, &auth).await?))
}

/// Replaces the caller's choices; answers them as stored, every topic listed.
///
/// A topic left out goes back to `immediately`; a topic given twice is 422 `duplicate`.
/// The choice applies to the notifications that follow: those already waiting for a digest
/// go with it.
#[utoipa::path(
    operation_id = "set_my_notification_preferences",
    tag = "notifications",
    security(("bearer" = [])),
    request_body = NotificationPreferences,
    responses(
        (status = 200, body = NotificationPreferences),
        (status = 422, description = "A topic given twice", body = Problem,
         content_type = "application/problem+json"),
    )
)]
#[put("/me/notification-preferences")]
pub async fn set_my_notification_preferences(
    db: RequestDb,
    auth: Person,
    body: Json<NotificationPreferences>,
) -> Result<web::Json<NotificationPreferences>, ApiError> {
    Ok(web::Json(
        preferences::set_mine(&db, &auth, body.into_inner()).await?,
    ))
}

/// The token of an unsubscribe link, as the e-mail gives it.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Path)]
pub struct UnsubscribePath {
    /// Signed by the server for one person and one topic; works once.
    #[param(max_length = 200, pattern = r"^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$")]
    pub token: String,
}

/// What an e-mail's unsubscribe link stops (no login): the topic, the address masked, the
/// person's language, and whether it was used. Nothing changes: mail scanners that open
/// links unsubscribe nobody.
#[utoipa::path(
    operation_id = "get_unsubscribe_link",
    tag = "notifications",
    params(UnsubscribePath),
    responses(
        (status = 200, body = UnsubscribeLink),
        (status = 404, description = "Not a link the server signed, or its person is gone (`invalid_unsubscribe_link`)", body = Problem,
         content_type = "application/problem+json"),
    )
)]
#[get("/unsubscribe/{token}")]
pub async fn unsubscribe_link(
    db: RequestDb,
    secret: web::Data<JwtSecret>,
    path: web::Path<UnsubscribePath>,
) -> Result<web::Json<UnsubscribeLink>, ApiError> {
    Ok(web::Json(
        preferences::link(&db, secret.unsubscribe_key(), &path.token).await?,
    ))
}

/// Uses an unsubscribe link (no login): the person's e-mails of that topic stop, its
/// notifications stay in their inbox. The same address serves the one-click unsubscribe of
/// mail clients (RFC 8058: `List-Unsubscribe=One-Click` as a form body, ignored here). A
/// link works once: 409 `unsubscribe_link_used` after.
#[utoipa::path(
    operation_id = "use_unsubscribe_link",
    tag = "notifications",
    params(UnsubscribePath),
    responses(
        (status = 200, body = UnsubscribeLink),
        (status = 404, description = "Not a link the server signed, or its person is gone (`invalid_unsubscribe_link`)", body = Problem,
         content_type = "application/problem+json"),
        (status = 409, description = "The link was used already (`unsubscribe_link_used`)", body = Problem,
         content_type = "application/problem+json"),
    )
)]
#[post("/unsubscribe/{token}")]
pub async fn use_unsubscribe_link(
    db: RequestDb,
    secret: web::Data<JwtSecret>,
    path: web::Path<UnsubscribePath>,
) -> Result<web::Json<UnsubscribeLink>, ApiError> {
    Ok(web::Json(
        preferences::unsubscribe(&db, secret.unsubscribe_key(), &path.token).await?,
    ))
}
