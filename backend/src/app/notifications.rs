//! The in-app inbox of notifications.

use api_types as wire;
use uuid::Uuid;

use super::RequestDb;
use crate::auth::Authenticated;
use crate::db::follow_up;
use crate::error::ApiError;

/// Most notifications the inbox answers.
const INBOX_SIZE: i64 = 200;

/// The caller's inbox as it is now: its weak validator, and its notifications (newest
/// first) unless the client already holds this version (`held` says so of the validator).
pub async fn inbox(
    db: &RequestDb,
    auth: &Authenticated,
    unread_only: bool,
    held: impl FnOnce(&str) -> bool + Send + 'static,
) -> Result<(String, Option<Vec<wire::Notification>>), ApiError> {
    db.run_as(auth, move |conn, actor| {
        let etag = follow_up::inbox_etag(conn, actor.user_id, unread_only)?;
        if held(&etag) {
            return Ok((etag, None));
        }
        let list = follow_up::inbox(conn, actor.user_id, unread_only, INBOX_SIZE)?;
        Ok((etag, Some(list)))
    })
    .await
}

/// Marks one of the caller's notifications as read. Already read is fine; someone else's
/// is not found.
pub async fn mark_read(db: &RequestDb, auth: &Authenticated, id: Uuid) -> Result<(), ApiError> {
    db.run_as(auth, move |conn, actor| {
        follow_up::mark_read(conn, actor.user_id, Some(id))?;
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
    .await
}

/// Marks all the caller's notifications as read.
pub async fn mark_all_read(db: &RequestDb, auth: &Authenticated) -> Result<(), ApiError> {
    db.run_as(auth, |conn, actor| {
        follow_up::mark_read(conn, actor.user_id, None)?;
        Ok(())
    })
    .await
}
