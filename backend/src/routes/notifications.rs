//! `/api/v1/notifications`: the caller's in-app inbox.

use actix_web::{HttpResponse, get, post, web};
use api_types::{Notification, Problem};
use serde::Deserialize;
use uuid::Uuid;

use super::RequestDb;
use crate::auth::Person;
use crate::db::follow_up;
use crate::error::ApiError;

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct InboxQuery {
    /// Only the unread ones.
    #[serde(default)]
    pub unread: bool,
}

/// The caller's notifications, newest first (at most 200).
#[utoipa::path(
    operation_id = "list_notifications",
    tag = "notifications",
    security(("bearer" = [])),
    params(InboxQuery),
    responses(
        (status = 200, body = Vec<Notification>),
        (status = 401, body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/notifications")]
pub async fn inbox(
    db: RequestDb,
    auth: Person,
    query: web::Query<InboxQuery>,
) -> Result<web::Json<Vec<Notification>>, ApiError> {
    let unread = query.unread;
    let list = db
        .run_as(&auth, move |conn, actor| {
            follow_up::inbox(conn, actor.user_id, unread, 200)
        })
        .await?;
    Ok(web::Json(list))
}

/// Marks one of the caller's notifications as read.
#[utoipa::path(
    operation_id = "mark_notification_read",
    tag = "notifications",
    security(("bearer" = [])),
    params(("notification_id" = Uuid, Path)),
    responses(
        (status = 204, description = "Marked read"),
        (status = 401, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/notifications/{notification_id}/read")]
pub async fn mark_read(
    db: RequestDb,
    auth: Person,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    db.run_as(&auth, move |conn, actor| {
        follow_up::mark_read(conn, actor.user_id, Some(id))?;
        // Already read is fine; someone else's is not found.
        if follow_up::inbox(conn, actor.user_id, false, i64::MAX)?
            .iter()
            .any(|n| n.id == id)
        {
            Ok(())
        } else {
            Err(ApiError::NotFound {
                resource: "notification",
            })
        }
    })
    .await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Marks all the caller's notifications as read.
#[utoipa::path(
    operation_id = "mark_all_notifications_read",
    tag = "notifications",
    security(("bearer" = [])),
    responses(
        (status = 204, description = "All read"),
        (status = 401, body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/notifications/read-all")]
pub async fn mark_all_read(db: RequestDb, auth: Person) -> Result<HttpResponse, ApiError> {
    db.run_as(&auth, |conn, actor| {
        follow_up::mark_read(conn, actor.user_id, None)
    })
    .await?;
    Ok(HttpResponse::NoContent().finish())
}
