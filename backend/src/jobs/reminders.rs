//! Reminders: an action of an adopted plan that was not updated within the plan's cadence
//! is stale. Its lead organisation's users are reminded (once per cadence), and the
//! management gets a weekly digest of the stale actions of the plan.

use diesel::prelude::*;

use crate::db::stored::Stored;

/// The SQL condition "this action is stale", over `actions` joined to its plan `p`.
const STALE: &str = crate::db::rules::STALE_WITH_PLAN;

/// What one run did.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct ReminderReport {
    /// Actions whose lead organisation was reminded.
    pub reminded: usize,
    /// Plans whose management got a digest.
    pub digests: usize,
}

/// Actions reminded, or plans digested, per transaction: row locks are held for one short
/// statement, never for the whole federation's pass (approvals of an action wait for them).
const BATCH: i64 = 500;

/// What one batch handled: how many rows, and the last id (the next batch starts after it).
#[derive(QueryableByName)]
struct Batch {
    #[diesel(sql_type = diesel::sql_types::BigInt)]
    n: i64,
    #[diesel(sql_type = diesel::sql_types::Nullable<diesel::sql_types::Uuid>)]
    last: Option<uuid::Uuid>,
}

/// One pass over every CPAS, in batches of [`BATCH`], each its own transaction; stops when
/// another instance is at it. Rows being changed meanwhile are skipped (`SKIP LOCKED`) and
/// left to the next pass; a due condition re-checked under lock reminds nobody twice.
pub fn run_once(conn: &mut PgConnection) -> anyhow::Result<ReminderReport> {
    let (reminded, busy) = in_batches(conn, &remind_sql())?;
    let digests = if busy {
        0
    } else {
        in_batches(conn, &digest_sql())?.0
    };
    Ok(ReminderReport { reminded, digests })
}

/// Runs `statement` (which handles at most `$1` rows of ids after `$2`, by id; `$3` is
/// the managers' roles, `$4` the lead organisation's role) until it handles fewer; `true` when another instance holds the reminders' lock.
fn in_batches(conn: &mut PgConnection, statement: &str) -> anyhow::Result<(usize, bool)> {
    let mut total = 0;
    let mut after = uuid::Uuid::nil();
    loop {
        let batch = conn.transaction(|conn| -> anyhow::Result<Option<Batch>> {
            #[derive(QueryableByName)]
            struct Locked {
                #[diesel(sql_type = diesel::sql_types::Bool)]
                locked: bool,
            }
            let lock: Locked = diesel::sql_query(
                "SELECT pg_try_advisory_xact_lock(hashtext('pst-reminders')) AS locked",
            )
            .get_result(conn)?;
            if !lock.locked {
                return Ok(None);
            }
            let batch: Batch = diesel::sql_query(statement)
                .bind::<diesel::sql_types::BigInt, _>(BATCH)
                .bind::<diesel::sql_types::Uuid, _>(after)
                .bind::<diesel::sql_types::Array<diesel::sql_types::Text>, _>(
                    crate::authz::manager_roles(),
                )
                .bind::<diesel::sql_types::Text, _>(Stored(api_types::OrgRole::Lead))
                .get_result(conn)?;
            Ok(Some(batch))
        })?;
        let Some(batch) = batch else {
            return Ok((total, true));
        };
        total += usize::try_from(batch.n).unwrap_or(0);
        match batch.last {
            Some(last) if batch.n == BATCH => after = last,
            _ => return Ok((total, false)),
        }
    }
}

/// Reminds the lead organisation's users of up to `$1` due stale actions, and marks them.
fn remind_sql() -> String {
    format!(
        "WITH due AS (
             SELECT actions.id, actions.tenant_id, actions.plan_id, actions.code, actions.title
             FROM actions JOIN plans p ON p.id = actions.plan_id
             WHERE actions.archived_at IS NULL AND {STALE}
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
             JOIN action_organisations lead ON lead.action_id = due.id AND lead.role = $4
             JOIN users u ON u.organisation_id = lead.organisation_id AND u.active),
         marked AS (
             UPDATE actions SET reminded_at = now() FROM due WHERE actions.id = due.id
             RETURNING 1)
         SELECT (SELECT count(*) FROM marked) AS n,
                (SELECT max(id::text)::uuid FROM due) AS last"
    )
}

/// Sends the management of up to `$1` plans whose digest is due the list of their stale
/// actions (by code), and marks the plans.
fn digest_sql() -> String {
    format!(
        "WITH due AS (
             SELECT p.id FROM plans p
             WHERE (p.digest_sent_at IS NULL OR p.digest_sent_at < now() - interval '7 days')
               AND EXISTS (SELECT 1 FROM actions
                           WHERE actions.plan_id = p.id AND actions.archived_at IS NULL AND {STALE})
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
             WHERE actions.archived_at IS NULL AND {STALE}
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
         SELECT (SELECT count(*) FROM marked) AS n,
                (SELECT max(id::text)::uuid FROM due) AS last"
    )
}
