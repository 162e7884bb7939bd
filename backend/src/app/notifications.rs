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

/// Whom an e-mail goes to.
pub struct Recipient<'a> {
    pub user_id: Uuid,
    pub address: &'a str,
    pub display_name: &'a str,
    pub language: wire::Language,
}

/// A notification as an e-mail tells it.
pub struct Told<'a> {
    pub kind: &'a str,
    pub payload: &'a Value,
    /// The topic the recipient may stop; `None` for a kind of no topic.
    pub topic: Option<wire::NotificationTopic>,
    /// The plan it is about, for a digest's parts.
    pub plan_title: Option<&'a str>,
}

/// An e-mail to send: one notification, or a digest of several, and its recipient.
pub struct Email<'a> {
    pub to: Recipient<'a>,
    /// One notification (an e-mail of its own), or the digest's, oldest first.
    pub told: Vec<Told<'a>>,
    pub digest: bool,
}

/// Attempts before a message is given up.
const MAX_ATTEMPTS: i32 = 8;
/// Notifications older than this are not e-mailed any more (e.g. SMTP configured late).
const MAX_AGE_HOURS: i64 = 48;
/// A digest lists what happened since the last one: a week, and room for a late send.
const MAX_DIGEST_AGE_HOURS: i64 = 9 * 24;
/// E-mails leased per pass.
const MAIL_BATCH: i64 = 20;
/// Recipients whose digest is leased per pass.
const DIGEST_BATCH: i64 = 20;

/// Sends, with `send`, the e-mails that are due — each notification of a topic its
/// recipient wants at once, then one digest per recipient whose digest is due — and
/// records each outcome: an inactive recipient or an old notification is skipped, a
/// failure retried with an exponential backoff until [`MAX_ATTEMPTS`]. Returns how many
/// e-mails went out.
pub fn send_due_mail(
    conn: &mut PgConnection,
    send: impl Fn(&Email<'_>) -> anyhow::Result<()>,
) -> anyhow::Result<usize> {
    let mut sent = 0;
    for due in notifications::lease_due_mail(conn, MAIL_BATCH)? {
        let too_old = due.created_at < Utc::now() - chrono::Duration::hours(MAX_AGE_HOURS);
        if !due.active || too_old {
            notifications::record_mail(conn, &[due.id], EmailStatus::Skipped, None, None)?;
            continue;
        }
        let email = Email {
            to: recipient(&due),
            told: vec![told(&due)],
            digest: false,
        };
        sent += usize::from(deliver(
            conn,
            &email,
            &[due.id],
            due.email_attempts,
            EmailStatus::Pending,
            &send,
        )?);
    }
    let mut digests: Vec<Vec<notifications::DueMail>> = Vec::new();
    for due in notifications::lease_due_digests(conn, DIGEST_BATCH)? {
        match digests.iter_mut().find(|d| d[0].user_id == due.user_id) {
            Some(digest) => digest.push(due),
            None => digests.push(vec![due]),
        }
    }
    let oldest = Utc::now() - chrono::Duration::hours(MAX_DIGEST_AGE_HOURS);
    for items in digests {
        let (skipped, mut kept): (Vec<_>, Vec<_>) = items
            .into_iter()
            .partition(|due| !due.active || due.created_at < oldest);
        let skipped: Vec<Uuid> = skipped.iter().map(|due| due.id).collect();
        if !skipped.is_empty() {
            notifications::record_mail(conn, &skipped, EmailStatus::Skipped, None, None)?;
        }
        // By plan (those of no plan last), then in the order they happened.
        kept.sort_by(|a, b| {
            (a.plan_title.is_none(), &a.plan_title, a.created_at).cmp(&(
                b.plan_title.is_none(),
                &b.plan_title,
                b.created_at,
            ))
        });
        let Some(first) = kept.first() else {
            continue;
        };
        let email = Email {
            to: recipient(first),
            told: kept.iter().map(told).collect(),
            digest: true,
        };
        let ids: Vec<Uuid> = kept.iter().map(|due| due.id).collect();
        let attempts = kept.iter().map(|due| due.email_attempts).max().unwrap_or(1);
        sent += usize::from(deliver(
            conn,
            &email,
            &ids,
            attempts,
            EmailStatus::Digest,
            &send,
        )?);
    }
    Ok(sent)
}

fn recipient(due: &notifications::DueMail) -> Recipient<'_> {
    Recipient {
        user_id: due.user_id,
        address: &due.email,
        display_name: &due.display_name,
        language: due.language,
    }
}

fn told(due: &notifications::DueMail) -> Told<'_> {
    Told {
        kind: &due.kind,
        payload: &due.payload,
        topic: due.topic,
        plan_title: due.plan_title.as_deref(),
    }
}

/// Sends one e-mail and records its outcome on the notifications it tells; a failure
/// leaves them `waiting` (pending, or in the digest) for a retry, until the last attempt.
/// True when it went out.
fn deliver(
    conn: &mut PgConnection,
    email: &Email<'_>,
    ids: &[Uuid],
    attempts: i32,
    waiting: EmailStatus,
    send: &impl Fn(&Email<'_>) -> anyhow::Result<()>,
) -> anyhow::Result<bool> {
    match send(email) {
        Ok(()) => {
            notifications::record_mail(conn, ids, EmailStatus::Sent, None, None)?;
            Ok(true)
        }
        Err(error) if attempts >= MAX_ATTEMPTS => {
            tracing::warn!(%error, ?ids, "e-mail given up");
            notifications::record_mail(
                conn,
                ids,
                EmailStatus::Failed,
                Some(&error.to_string()),
                None,
            )?;
            Ok(false)
        }
        Err(error) => {
            // 30 s, 1 min, 2 min… doubling.
            let delay = 30 * 2_i64.pow(u32::try_from(attempts - 1).unwrap_or(0));
            tracing::info!(%error, ?ids, retry_in_s = delay, "e-mail deferred");
            notifications::record_mail(conn, ids, waiting, Some(&error.to_string()), Some(delay))?;
            Ok(false)
        }
    }
}
