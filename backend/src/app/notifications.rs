//! Notifications: the in-app inbox, and their e-mail.

use api_types as wire;
use chrono::Utc;
use diesel::PgConnection;
use serde_json::Value;
use uuid::Uuid;

use super::RequestDb;
use crate::auth::Authenticated;
use crate::db::notifications;
use crate::db::stored::EmailStatus;
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
        let etag = notifications::inbox_etag(conn, actor.user_id, unread_only)?;
        if held(&etag) {
            return Ok((etag, None));
        }
        let list = notifications::inbox(conn, actor.user_id, unread_only, INBOX_SIZE)?;
        Ok((etag, Some(list)))
    })
    .await
}

/// Marks one of the caller's notifications as read. Already read is fine; someone else's
/// is not found.
pub async fn mark_read(db: &RequestDb, auth: &Authenticated, id: Uuid) -> Result<(), ApiError> {
    db.run_as(auth, move |conn, actor| {
        notifications::mark_read(conn, actor.user_id, Some(id))?;
        if notifications::inbox(conn, actor.user_id, false, i64::MAX)?
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
        notifications::mark_read(conn, actor.user_id, None)?;
        Ok(())
    })
    .await
}

/// An e-mail to send: a notification and its recipient.
pub struct Email<'a> {
    pub kind: &'a str,
    pub payload: &'a Value,
    pub address: &'a str,
    pub display_name: &'a str,
}

/// Attempts before a message is given up.
const MAX_ATTEMPTS: i32 = 8;
/// Notifications older than this are not e-mailed any more (e.g. SMTP configured late).
const MAX_AGE_HOURS: i64 = 48;
/// E-mails leased per pass.
const MAIL_BATCH: i64 = 20;

/// Sends, with `send`, the e-mails that are due, and records each outcome: an inactive
/// recipient or an old notification is skipped, a failure retried with an exponential
/// backoff until [`MAX_ATTEMPTS`]. Returns how many went out.
pub fn send_due_mail(
    conn: &mut PgConnection,
    send: impl Fn(&Email<'_>) -> anyhow::Result<()>,
) -> anyhow::Result<usize> {
    let mut sent = 0;
    for due in notifications::lease_due_mail(conn, MAIL_BATCH)? {
        let too_old = due.created_at < Utc::now() - chrono::Duration::hours(MAX_AGE_HOURS);
        if !due.active || too_old {
            notifications::record_mail(conn, due.id, EmailStatus::Skipped, None, None)?;
            continue;
        }
        let email = Email {
            kind: &due.kind,
            payload: &due.payload,
            address: &due.email,
            display_name: &due.display_name,
        };
        match send(&email) {
            Ok(()) => {
                notifications::record_mail(conn, due.id, EmailStatus::Sent, None, None)?;
                sent += 1;
            }
            Err(error) if due.email_attempts >= MAX_ATTEMPTS => {
                tracing::warn!(%error, id = %due.id, "e-mail given up");
                notifications::record_mail(
                    conn,
                    due.id,
                    EmailStatus::Failed,
                    Some(&error.to_string()),
                    None,
                )?;
            }
            Err(error) => {
                // 30 s, 1 min, 2 min… doubling.
                let delay = 30 * 2_i64.pow(u32::try_from(due.email_attempts - 1).unwrap_or(0));
                tracing::info!(%error, id = %due.id, retry_in_s = delay, "e-mail deferred");
                notifications::record_mail(
                    conn,
                    due.id,
                    EmailStatus::Pending,
                    Some(&error.to_string()),
                    Some(delay),
                )?;
            }
        }
    }
    Ok(sent)
}
