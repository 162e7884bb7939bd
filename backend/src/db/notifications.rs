//! Notifications as stored: the inbox, the e-mail outbox, and the reminders of stale
//! actions that fill them.

use api_types as wire;
use chrono::{DateTime, Utc};
use diesel::dsl::sql;
use diesel::prelude::*;
use diesel::sql_types::{Array, BigInt, Bool, Int4, Jsonb, Nullable, Text, Timestamptz};
use serde_json::Value;
use uuid::Uuid;

use super::DbResult;
use super::rules::STALE_WITH_PLAN;
use super::schema::notifications;
use super::stored::{EmailStatus, Stored, StoredOption};

/// A user's inbox, newest first.
pub fn inbox(
    conn: &mut PgConnection,
    user: Uuid,
    unread_only: bool,
    limit: i64,
) -> DbResult<Vec<wire::Notification>> {
    let mut query = notifications::table
        .filter(notifications::user_id.eq(user))
        .order((notifications::created_at.desc(), notifications::id))
        .limit(limit)
        .select((
            notifications::id,
            notifications::kind,
            notifications::payload,
            notifications::created_at,
            notifications::read_at,
        ))
        .into_boxed();
    if unread_only {
        query = query.filter(notifications::read_at.is_null());
    }
    type Row = (Uuid, String, Value, DateTime<Utc>, Option<DateTime<Utc>>);
    let rows: Vec<Row> = query.load(conn)?;
    Ok(rows
        .into_iter()
        .map(
            |(id, kind, payload, created_at, read_at)| wire::Notification {
                id,
                kind,
                payload,
                created_at,
                read_at,
            },
        )
        .collect())
}

/// A weak validator of what [`inbox`] answers for this user: notifications are only
/// added or marked read, so their number, the unread ones, the newest and the last read
/// change whenever the list does. One indexed aggregate.
pub fn inbox_etag(conn: &mut PgConnection, user: Uuid, unread_only: bool) -> DbResult<String> {
    use sha2::{Digest, Sha256};
    type Row = (i64, i64, Option<DateTime<Utc>>, Option<DateTime<Utc>>);
    let (count, unread, newest, last_read): Row = notifications::table
        .filter(notifications::user_id.eq(user))
        .select(sql::<(
            BigInt,
            BigInt,
            Nullable<Timestamptz>,
            Nullable<Timestamptz>,
        )>(
            "count(*), count(*) FILTER (WHERE read_at IS NULL), max(created_at), max(read_at)",
        ))
        .first(conn)?;
    let state = format!(
        "{unread_only}:{count}:{unread}:{:?}:{:?}",
        newest.map(|t| t.timestamp_micros()),
        last_read.map(|t| t.timestamp_micros())
    );
    let digest = Sha256::digest(state.as_bytes());
    let hex: String = digest[..8].iter().map(|b| format!("{b:02x}")).collect();
    Ok(format!("W/\"{hex}\""))
}

/// Marks one notification (`Some`) or all of a user's (`None`) as read.
pub fn mark_read(conn: &mut PgConnection, user: Uuid, id: Option<Uuid>) -> DbResult<usize> {
    let mut query = diesel::update(notifications::table)
        .filter(notifications::user_id.eq(user))
        .filter(notifications::read_at.is_null())
        .into_boxed();
    if let Some(id) = id {
        query = query.filter(notifications::id.eq(id));
    }
    Ok(query
        .set(notifications::read_at.eq(Utc::now()))
        .execute(conn)?)
}

/// A notification whose e-mail is due (at once, or in a digest), leased to the caller for
/// five minutes, with its recipient.
#[derive(Debug, QueryableByName)]
pub struct DueMail {
    #[diesel(sql_type = diesel::sql_types::Uuid)]
    pub id: Uuid,
    #[diesel(sql_type = Text)]
    pub kind: String,
    #[diesel(sql_type = Jsonb)]
    pub payload: Value,
    /// What the recipient chooses for (see `pst_notification_topic`); `None` for a kind the
    /// schema maps to no topic.
    #[diesel(sql_type = Nullable<Text>, deserialize_as = StoredOption<wire::NotificationTopic>)]
    pub topic: Option<wire::NotificationTopic>,
    #[diesel(sql_type = diesel::sql_types::Uuid)]
    pub user_id: Uuid,
    #[diesel(sql_type = Text)]
    pub email: String,
    #[diesel(sql_type = Text)]
    pub display_name: String,
    #[diesel(sql_type = Text, deserialize_as = Stored<wire::Language>)]
    pub language: wire::Language,
    /// Whether the recipient's account is active.
    #[diesel(sql_type = Bool)]
    pub active: bool,
    /// Attempts so far, this one included.
    #[diesel(sql_type = Int4)]
    pub email_attempts: i32,
    #[diesel(sql_type = Timestamptz)]
    pub created_at: DateTime<Utc>,
    /// The title of the plan the notification is about, for a digest's parts.
    #[diesel(sql_type = Nullable<Text>)]
    pub plan_title: Option<String>,
}

/// What [`lease_due_mail`] and [`lease_due_digests`] answer of each leased row.
const DUE_MAIL_COLUMNS: &str = "n.id, n.kind, n.payload, pst_notification_topic(n.kind) AS topic,
    n.user_id, u.email, u.display_name, u.language, u.active, n.email_attempts, n.created_at,
    (SELECT p.title FROM plans p
     WHERE p.id = coalesce((n.payload->>'plan_id')::uuid,
                           (SELECT a.plan_id FROM actions a
                            WHERE a.id = (n.payload->>'action_id')::uuid))) AS plan_title";

/// Leases up to `limit` notifications whose e-mail is due for five minutes, so that no
/// other instance sends them meanwhile, and counts the attempt.
pub fn lease_due_mail(conn: &mut PgConnection, limit: i64) -> DbResult<Vec<DueMail>> {
    Ok(diesel::sql_query(format!(
        "UPDATE notifications n
         SET email_next_at = now() + interval '5 minutes', email_attempts = n.email_attempts + 1
         FROM users u
         WHERE u.id = n.user_id AND n.id IN (
             SELECT id FROM notifications
             WHERE email_status = $1 AND email_next_at <= now()
             ORDER BY email_next_at LIMIT $2
             FOR UPDATE SKIP LOCKED)
         RETURNING {DUE_MAIL_COLUMNS}"
    ))
    .bind::<Text, _>(Stored(EmailStatus::Pending))
    .bind::<BigInt, _>(limit)
    .load(conn)?)
}

/// Leases, for five minutes, every notification due in the digest of up to `people`
/// recipients: all of a person's due ones go in one e-mail.
pub fn lease_due_digests(conn: &mut PgConnection, people: i64) -> DbResult<Vec<DueMail>> {
    Ok(diesel::sql_query(format!(
        "WITH due_people AS (
             SELECT DISTINCT user_id FROM notifications
             WHERE email_status = $1 AND email_next_at <= now()
             LIMIT $2),
         leased AS (
             SELECT n.id FROM notifications n JOIN due_people d ON d.user_id = n.user_id
             WHERE n.email_status = $1 AND n.email_next_at <= now()
             FOR UPDATE OF n SKIP LOCKED)
         UPDATE notifications n
         SET email_next_at = now() + interval '5 minutes', email_attempts = n.email_attempts + 1
         FROM leased, users u
         WHERE n.id = leased.id AND u.id = n.user_id
         RETURNING {DUE_MAIL_COLUMNS}"
    ))
    .bind::<Text, _>(Stored(EmailStatus::Digest))
    .bind::<BigInt, _>(people)
    .load(conn)?)
}

/// Records the outcome of an e-mail (of the notifications it was written for): its status,
/// the error if any, and when to try again.
pub fn record_mail(
    conn: &mut PgConnection,
    ids: &[Uuid],
    status: EmailStatus,
    error: Option<&str>,
    retry_in_secs: Option<i64>,
) -> DbResult<()> {
    diesel::sql_query(
        "UPDATE notifications SET email_status = $2, email_error = $3,
             email_next_at = now() + make_interval(secs => $4)
         WHERE id = ANY($1)",
    )
    .bind::<Array<diesel::sql_types::Uuid>, _>(ids)
    .bind::<Text, _>(Stored(status))
    .bind::<Nullable<Text>, _>(error)
    .bind::<diesel::sql_types::Double, _>(retry_in_secs.unwrap_or(0) as f64)
    .execute(conn)?;
    Ok(())
}

/// Takes the reminders' lock for the rest of the transaction: `false` when another
/// instance holds it.
pub fn try_lock_reminders(conn: &mut PgConnection) -> DbResult<bool> {
    #[derive(QueryableByName)]
    struct Locked {
        #[diesel(sql_type = Bool)]
        locked: bool,
    }
    let lock: Locked =
        diesel::sql_query("SELECT pg_try_advisory_xact_lock(hashtext('pst-reminders')) AS locked")
            .get_result(conn)?;
    Ok(lock.locked)
}

/// What one batch of reminders handled: how many rows, and the last id (the next batch
/// starts after it).
#[derive(Debug, QueryableByName)]
pub struct Batch {
    #[diesel(sql_type = BigInt)]
    pub handled: i64,
    #[diesel(sql_type = Nullable<diesel::sql_types::Uuid>)]
    pub last: Option<Uuid>,
}

/// Reminds the lead organisation's users of up to `limit` due stale actions with ids after
/// `after`, and marks them reminded. Rows being changed meanwhile are skipped (`SKIP
/// LOCKED`) and left to the next pass; the due condition, checked under lock, reminds
/// nobody twice.
pub fn remind_stale_actions(conn: &mut PgConnection, after: Uuid, limit: i64) -> DbResult<Batch> {
    let statement = format!(
        "WITH due AS (
             SELECT actions.id, actions.tenant_id, actions.plan_id, actions.code, actions.title
             FROM actions JOIN plans p ON p.id = actions.plan_id
             WHERE actions.archived_at IS NULL AND actions.parent_id IS NULL
               AND {STALE_WITH_PLAN}
               AND (actions.reminded_at IS NULL
                    OR actions.reminded_at < now() - make_interval(days => p.update_cadence_days))
               AND actions.id > $2
             ORDER BY actions.id
             LIMIT $1
             FOR UPDATE OF actions SKIP LOCKED),
         notified AS (
             INSERT INTO notifications (tenant_id, user_id, kind, payload)
             SELECT due.tenant_id, u.id, 'action_stale',
                    jsonb_build_object('action_id', due.id, 'action_code', due.code,
                                       'action_title', due.title, 'plan_id', due.plan_id)
             FROM due
             JOIN action_organisations lead ON lead.action_id = due.id AND lead.role = $3
             JOIN users u ON u.organisation_id = lead.organisation_id AND u.active),
         marked AS (
             UPDATE actions SET reminded_at = now() FROM due WHERE actions.id = due.id
             RETURNING 1)
         SELECT (SELECT count(*) FROM marked) AS handled,
                (SELECT max(id::text)::uuid FROM due) AS last"
    );
    Ok(diesel::sql_query(statement)
        .bind::<BigInt, _>(limit)
        .bind::<diesel::sql_types::Uuid, _>(after)
        .bind::<Text, _>(Stored(api_types::OrgRole::Lead))
        .get_result(conn)?)
}

/// Sends the users of the `recipients` roles of up to `limit` plans (ids after `after`)
/// whose weekly digest is due the list of their stale actions (by code), and marks the
/// plans.
pub fn send_stale_digests(
    conn: &mut PgConnection,
    after: Uuid,
    limit: i64,
    recipients: &[&str],
) -> DbResult<Batch> {
    let statement = format!(
        "WITH due AS (
             SELECT p.id FROM plans p
             WHERE (p.digest_sent_at IS NULL OR p.digest_sent_at < now() - interval '7 days')
               AND EXISTS (SELECT 1 FROM actions
                           WHERE actions.plan_id = p.id AND actions.archived_at IS NULL
                             AND actions.parent_id IS NULL AND {STALE_WITH_PLAN})
               AND p.id > $2
             ORDER BY p.id
             LIMIT $1
             FOR UPDATE OF p SKIP LOCKED),
         digest AS (
             SELECT p.id, p.tenant_id, p.title,
                    jsonb_agg(jsonb_build_object('action_id', actions.id, 'code', actions.code,
                                                 'title', actions.title, 'lead', o.name)
                              ORDER BY actions.code) AS actions
             FROM due
             JOIN plans p ON p.id = due.id
             JOIN actions ON actions.plan_id = p.id
             LEFT JOIN action_organisations lead ON lead.action_id = actions.id AND lead.role = $4
             LEFT JOIN organisations o ON o.id = lead.organisation_id
             WHERE actions.archived_at IS NULL AND actions.parent_id IS NULL
               AND {STALE_WITH_PLAN}
             GROUP BY p.id, p.tenant_id, p.title),
         notified AS (
             INSERT INTO notifications (tenant_id, user_id, kind, payload)
             SELECT digest.tenant_id, u.id, 'stale_digest',
                    jsonb_build_object('plan_id', digest.id, 'plan_title', digest.title,
                                       'actions', digest.actions)
             FROM digest
             JOIN users u ON u.tenant_id = digest.tenant_id AND u.role = ANY($3)
                         AND u.active),
         marked AS (
             UPDATE plans SET digest_sent_at = now() FROM digest WHERE plans.id = digest.id
             RETURNING 1)
         SELECT (SELECT count(*) FROM marked) AS handled,
                (SELECT max(id::text)::uuid FROM due) AS last"
    );
    Ok(diesel::sql_query(statement)
        .bind::<BigInt, _>(limit)
        .bind::<diesel::sql_types::Uuid, _>(after)
        .bind::<Array<Text>, _>(recipients)
        .bind::<Text, _>(Stored(api_types::OrgRole::Lead))
        .get_result(conn)?)
}
