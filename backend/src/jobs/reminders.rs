//! Reminders: an action of an adopted plan that was not updated within the plan's cadence
//! is stale. Its lead organisation's users are reminded (once per cadence), and the
//! management gets a weekly digest of the stale actions of the plan.

use diesel::prelude::*;
use diesel::sql_types::{Nullable, Text, Uuid as SqlUuid};
use serde_json::json;
use uuid::Uuid;

use crate::db::follow_up::notify;
use crate::domain::TenantId;

/// The SQL condition "this action is stale", over `actions` joined to its plan `p`.
pub const STALE: &str = "(p.status = 'adopted' \
     AND actions.status NOT IN ('termine', 'annule_abandonne') \
     AND coalesce(actions.last_reported_at, p.adopted_on::timestamptz, p.created_at) \
         < now() - make_interval(days => p.update_cadence_days))";

/// What one run did.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct ReminderReport {
    /// Actions whose lead organisation was reminded.
    pub reminded: usize,
    /// Plans whose management got a digest.
    pub digests: usize,
}

#[derive(Debug, QueryableByName)]
struct StaleRow {
    #[diesel(sql_type = SqlUuid)]
    id: Uuid,
    #[diesel(sql_type = SqlUuid)]
    tenant_id: Uuid,
    #[diesel(sql_type = SqlUuid)]
    plan_id: Uuid,
    #[diesel(sql_type = Text)]
    code: String,
    #[diesel(sql_type = Text)]
    title: String,
    #[diesel(sql_type = Nullable<SqlUuid>)]
    lead: Option<Uuid>,
    #[diesel(sql_type = Nullable<Text>)]
    lead_name: Option<String>,
    #[diesel(sql_type = Text)]
    plan_title: String,
    #[diesel(sql_type = diesel::sql_types::Bool)]
    due: bool,
    #[diesel(sql_type = diesel::sql_types::Bool)]
    digest_due: bool,
}

#[derive(Debug, QueryableByName)]
struct Recipient {
    #[diesel(sql_type = SqlUuid)]
    id: Uuid,
}

fn ids(recipients: &[Recipient]) -> Vec<Uuid> {
    recipients.iter().map(|r| r.id).collect()
}

/// One pass over every CPAS; does nothing when another instance is at it.
pub fn run_once(conn: &mut PgConnection) -> anyhow::Result<ReminderReport> {
    conn.transaction(|conn| {
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
            return Ok(ReminderReport::default());
        }
        let stale: Vec<StaleRow> = diesel::sql_query(format!(
            "SELECT actions.id, actions.tenant_id, actions.plan_id, actions.code, actions.title,
                    lead.organisation_id AS lead, o.name AS lead_name, p.title AS plan_title,
                    (actions.reminded_at IS NULL
                     OR actions.reminded_at < now() - make_interval(days => p.update_cadence_days)) AS due,
                    (p.digest_sent_at IS NULL OR p.digest_sent_at < now() - interval '7 days') AS digest_due
             FROM actions
             JOIN plans p ON p.id = actions.plan_id
             LEFT JOIN action_organisations lead ON lead.action_id = actions.id AND lead.role = 'lead'
             LEFT JOIN organisations o ON o.id = lead.organisation_id
             WHERE actions.archived_at IS NULL AND {STALE}
             ORDER BY actions.plan_id, actions.code"
        ))
        .load(conn)?;

        let mut report = ReminderReport::default();
        for action in stale.iter().filter(|a| a.due) {
            if let Some(lead) = action.lead {
                let recipients: Vec<Recipient> = diesel::sql_query(
                    "SELECT id FROM users WHERE organisation_id = $1 AND active",
                )
                .bind::<SqlUuid, _>(lead)
                .load(conn)?;
                notify(
                    conn,
                    TenantId::new(action.tenant_id),
                    &ids(&recipients),
                    "action_stale",
                    &json!({
                        "action_id": action.id,
                        "action_code": action.code,
                        "action_title": action.title,
                        "plan_id": action.plan_id,
                    }),
                )?;
            }
            diesel::sql_query("UPDATE actions SET reminded_at = now() WHERE id = $1")
                .bind::<SqlUuid, _>(action.id)
                .execute(conn)?;
            report.reminded += 1;
        }

        let mut plans: Vec<Uuid> = stale.iter().filter(|a| a.digest_due).map(|a| a.plan_id).collect();
        plans.dedup();
        for plan in plans {
            let of_plan: Vec<&StaleRow> = stale.iter().filter(|a| a.plan_id == plan).collect();
            let Some(first) = of_plan.first() else { continue };
            let managers: Vec<Recipient> = diesel::sql_query(
                "SELECT id FROM users WHERE tenant_id = $1 AND role IN ('president', 'dg') AND active",
            )
            .bind::<SqlUuid, _>(first.tenant_id)
            .load(conn)?;
            let actions: Vec<_> = of_plan
                .iter()
                .map(|a| json!({ "action_id": a.id, "code": a.code, "title": a.title, "lead": a.lead_name }))
                .collect();
            notify(
                conn,
                TenantId::new(first.tenant_id),
                &ids(&managers),
                "stale_digest",
                &json!({ "plan_id": plan, "plan_title": first.plan_title, "actions": actions }),
            )?;
            diesel::sql_query("UPDATE plans SET digest_sent_at = now() WHERE id = $1")
                .bind::<SqlUuid, _>(plan)
                .execute(conn)?;
            report.digests += 1;
        }
        Ok(report)
    })
}
