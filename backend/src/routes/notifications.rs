//! `/api/v1/notifications`: the caller's in-app inbox.

use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, get, post, web};
use api_types::Notification;
use serde::Deserialize;
use uuid::Uuid;

use super::problems;
use super::{IfNoneMatch, RequestDb};
use crate::app::notifications;
use crate::auth::Person;
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
