//! Reporting periods as data: opening one (its update requests and the notifications
//! that carry them, in one statement), its completion, its reminders, its close with the
//! plan as it stood then, and the reporting settings of a CPAS. Who may do what, and what
//! the frozen plan holds, are the use cases' (`app::periods`).
//!
//! "Reported in the period" is defined once, by the trigger `actions_reported_in_period`
//! (migration `…_reporting_periods`); the reads here only count what it wrote.

use api_types as wire;
use chrono::{DateTime, NaiveDate, Utc};
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Bool, Date, Nullable, Text, Timestamptz, Uuid as SqlUuid};
use serde_json::Value;
use uuid::Uuid;

use super::notifications::Batch;
use super::schema::{reporting_periods, tenants};
use super::stored::Stored;
use super::{DbError, DbResult};
use crate::domain::{PlanId, TenantId};

/// "Not reported, and a proposal on it waits for a decision", over a request `r` of a
/// period `p`: once the period is closed, nothing waits for it any more.
const AWAITING: &str = "(r.reported_at IS NULL AND p.closed_at IS NULL AND EXISTS (
        SELECT 1 FROM change_requests cr WHERE cr.action_id = r.action_id AND cr.status = 'pending'))";

/// A period as read, with its completion and the names of who opened and closed it.
#[derive(Debug, Clone, QueryableByName)]
pub struct PeriodRow {
    #[diesel(sql_type = SqlUuid)]
    pub id: Uuid,
    #[diesel(sql_type = SqlUuid)]
    pub plan_id: Uuid,
    #[diesel(sql_type = Text)]
    pub label: String,
    #[diesel(sql_type = Date)]
    pub starts_on: NaiveDate,
    #[diesel(sql_type = Date)]
    pub ends_on: NaiveDate,
    #[diesel(sql_type = Date)]
    pub deadline: NaiveDate,
    #[diesel(sql_type = SqlUuid)]
    pub opened_by: Uuid,
    #[diesel(sql_type = Text)]
    pub opened_by_name: String,
    #[diesel(sql_type = Nullable<Text>)]
    pub opened_by_organisation: Option<String>,
    #[diesel(sql_type = Timestamptz)]
    pub opened_at: DateTime<Utc>,
    #[diesel(sql_type = Nullable<SqlUuid>)]
    pub closed_by: Option<Uuid>,
    #[diesel(sql_type = Nullable<Text>)]
    pub closed_by_name: Option<String>,
    #[diesel(sql_type = Nullable<Text>)]
    pub closed_by_organisation: Option<String>,
    #[diesel(sql_type = Nullable<Timestamptz>)]
    pub closed_at: Option<DateTime<Utc>>,
    #[diesel(sql_type = BigInt)]
    pub due: i64,
    #[diesel(sql_type = BigInt)]
    pub reported: i64,
    #[diesel(sql_type = BigInt)]
    pub awaiting_approval: i64,
}

impl PeriodRow {
    pub fn into_wire(self, may_manage: bool) -> wire::ReportingPeriod {
        wire::ReportingPeriod {
            id: self.id,
            plan_id: self.plan_id,
            label: self.label,
            starts_on: self.starts_on,
            ends_on: self.ends_on,
            deadline: self.deadline,
            opened_by: wire::PersonRef {
                id: self.opened_by,
                display_name: self.opened_by_name,
                organisation: self.opened_by_organisation,
            },
            opened_at: self.opened_at,
            closed_by: self.closed_by.map(|id| wire::PersonRef {
                id,
                display_name: self.closed_by_name.unwrap_or_default(),
                organisation: self.closed_by_organisation,
            }),
            closed_at: self.closed_at,
            completion: wire::Completion {
                due: self.due,
                reported: self.reported,
                awaiting_approval: self.awaiting_approval,
            },
            may_manage,
        }
    }
}

/// The periods of a CPAS, each with its completion (`$1` the CPAS).
fn periods_query(filter: &str) -> String {
    format!(
        "SELECT p.id, p.plan_id, p.label, p.starts_on, p.ends_on, p.deadline,
                p.opened_by, ou.display_name AS opened_by_name,
                oo.name AS opened_by_organisation, p.opened_at,
                p.closed_by, cu.display_name AS closed_by_name,
                co.name AS closed_by_organisation, p.closed_at,
                (SELECT count(*) FROM period_requests r WHERE r.period_id = p.id) AS due,
                (SELECT count(r.reported_at) FROM period_requests r
                 WHERE r.period_id = p.id) AS reported,
                (SELECT count(*) FROM period_requests r
                 WHERE r.period_id = p.id AND {AWAITING}) AS awaiting_approval
         FROM reporting_periods p
         JOIN users ou ON ou.id = p.opened_by
         LEFT JOIN organisations oo ON oo.id = ou.organisation_id
         LEFT JOIN users cu ON cu.id = p.closed_by
         LEFT JOIN organisations co ON co.id = cu.organisation_id
         WHERE p.tenant_id = $1 AND {filter}"
    )
}

/// The periods of a plan, the latest first. One statement.
pub fn of_plan(
    conn: &mut PgConnection,
    tenant: TenantId,
    plan: PlanId,
) -> DbResult<Vec<PeriodRow>> {
    Ok(diesel::sql_query(format!(
        "{} ORDER BY p.ends_on DESC, p.opened_at DESC",
        periods_query("p.plan_id = $2")
    ))
    .bind::<SqlUuid, _>(tenant.get())
    .bind::<SqlUuid, _>(plan.get())
    .load(conn)?)
}

/// One period of the CPAS.
pub fn one(conn: &mut PgConnection, tenant: TenantId, id: Uuid) -> DbResult<PeriodRow> {
    diesel::sql_query(periods_query("p.id = $2"))
        .bind::<SqlUuid, _>(tenant.get())
        .bind::<SqlUuid, _>(id)
        .get_result(conn)
        .optional()?
        .ok_or(DbError::NotFound("reporting period"))
}

/// One update request of a period, with its action and lead organisation.
#[derive(Debug, Clone, QueryableByName)]
pub struct RequestRow {
    #[diesel(sql_type = SqlUuid)]
    pub action_id: Uuid,
    #[diesel(sql_type = Text)]
    pub code: String,
    #[diesel(sql_type = Text)]
    pub title: String,
    #[diesel(sql_type = Nullable<SqlUuid>)]
    pub organisation_id: Option<Uuid>,
    #[diesel(sql_type = Nullable<Text>)]
    pub organisation_name: Option<String>,
    #[diesel(sql_type = Nullable<Text>)]
    pub organisation_kind: Option<String>,
    #[diesel(sql_type = Nullable<Timestamptz>)]
    pub reported_at: Option<DateTime<Utc>>,
    #[diesel(sql_type = Bool)]
    pub awaiting_approval: bool,
}

impl RequestRow {
    pub fn organisation(&self) -> DbResult<Option<wire::OrganisationRef>> {
        match (
            self.organisation_id,
            &self.organisation_name,
            &self.organisation_kind,
        ) {
            (Some(id), Some(name), Some(kind)) => Ok(Some(wire::OrganisationRef {
                id,
                name: name.clone(),
                kind: super::stored(kind)?,
            })),
            _ => Ok(None),
        }
    }
}

/// The update requests of a period, by action code. One statement.
pub fn requests(conn: &mut PgConnection, period: Uuid) -> DbResult<Vec<RequestRow>> {
    Ok(diesel::sql_query(format!(
        "SELECT r.action_id, a.code, a.title, r.organisation_id,
                o.name AS organisation_name, o.kind AS organisation_kind,
                r.reported_at, {AWAITING} AS awaiting_approval
         FROM period_requests r
         JOIN reporting_periods p ON p.id = r.period_id
         JOIN actions a ON a.id = r.action_id
         LEFT JOIN organisations o ON o.id = r.organisation_id
         WHERE r.period_id = $1
         ORDER BY a.code, a.id"
    ))
    .bind::<SqlUuid, _>(period)
    .load(conn)?)
}

/// A period to open.
pub struct NewPeriod<'a> {
    pub label: &'a str,
    pub starts_on: NaiveDate,
    pub ends_on: NaiveDate,
    pub deadline: NaiveDate,
    pub opened_by: Uuid,
}

/// Opens a period of the plan: an update request for each live action of the plan that
/// is neither done nor abandoned, addressed to its lead organisation, and one notification
/// to each active person of those organisations listing their actions. One statement;
/// the constraints refuse a second open period, a label taken, dates the wrong way round.
pub fn open(
    conn: &mut PgConnection,
    tenant: TenantId,
    plan: PlanId,
    new: &NewPeriod<'_>,
) -> DbResult<Uuid> {
    #[derive(QueryableByName)]
    struct Opened {
        #[diesel(sql_type = SqlUuid)]
        id: Uuid,
    }
    let opened: Opened = diesel::sql_query(
        "WITH period AS (
             INSERT INTO reporting_periods
                 (tenant_id, plan_id, label, starts_on, ends_on, deadline, opened_by)
             VALUES ($1, $2, $3, $4, $5, $6, $7)
             RETURNING id, tenant_id, plan_id, label, deadline),
         due AS (
             SELECT a.id, a.code, a.title, lead.organisation_id
             FROM actions a
             LEFT JOIN action_organisations lead ON lead.action_id = a.id AND lead.role = $8
             WHERE a.plan_id = $2 AND a.tenant_id = $1 AND a.archived_at IS NULL
               AND a.parent_id IS NULL AND NOT pst_status_is_closed(a.status)),
         requested AS (
             INSERT INTO period_requests (period_id, action_id, tenant_id, organisation_id)
             SELECT period.id, due.id, period.tenant_id, due.organisation_id
             FROM period, due
             RETURNING 1),
         notified AS (
             INSERT INTO notifications (tenant_id, user_id, kind, payload)
             SELECT period.tenant_id, u.id, 'period_opened',
                    jsonb_build_object(
                        'period_id', period.id, 'period_label', period.label,
                        'deadline', period.deadline, 'plan_id', period.plan_id,
                        'plan_title', (SELECT title FROM plans WHERE id = period.plan_id),
                        'actions', jsonb_agg(jsonb_build_object(
                            'action_id', due.id, 'code', due.code, 'title', due.title)
                            ORDER BY due.code))
             FROM period
             JOIN due ON due.organisation_id IS NOT NULL
             JOIN users u ON u.organisation_id = due.organisation_id AND u.active
             GROUP BY period.tenant_id, period.id, period.label, period.deadline,
                      period.plan_id, u.id
             RETURNING 1)
         SELECT id FROM period",
    )
    .bind::<SqlUuid, _>(tenant.get())
    .bind::<SqlUuid, _>(plan.get())
    .bind::<Text, _>(new.label)
    .bind::<Date, _>(new.starts_on)
    .bind::<Date, _>(new.ends_on)
    .bind::<Date, _>(new.deadline)
    .bind::<SqlUuid, _>(new.opened_by)
    .bind::<Text, _>(Stored(wire::OrgRole::Lead))
    .get_result(conn)?;
    Ok(opened.id)
}

/// A period taken for its close.
pub struct LockedPeriod {
    pub plan: PlanId,
    pub starts_on: NaiveDate,
    pub ends_on: NaiveDate,
    /// `Some`: it already is closed.
    pub closed_at: Option<DateTime<Utc>>,
}

/// Takes a period of the CPAS for its close. Reports made meanwhile on its actions wait
/// (the trigger shares this row), so that the frozen plan and the completion agree.
pub fn lock(conn: &mut PgConnection, tenant: TenantId, id: Uuid) -> DbResult<LockedPeriod> {
    type Row = (Uuid, NaiveDate, NaiveDate, Option<DateTime<Utc>>);
    let (plan, starts_on, ends_on, closed_at): Row = reporting_periods::table
        .filter(reporting_periods::tenant_id.eq(tenant.get()))
        .filter(reporting_periods::id.eq(id))
        .select((
            reporting_periods::plan_id,
            reporting_periods::starts_on,
            reporting_periods::ends_on,
            reporting_periods::closed_at,
        ))
        .for_update()
        .first(conn)
        .optional()?
        .ok_or(DbError::NotFound("reporting period"))?;
    Ok(LockedPeriod {
        plan: PlanId::new(plan),
        starts_on,
        ends_on,
        closed_at,
    })
}

/// Closes the (locked, open) period with the plan as it stands: `snapshot`.
pub fn close(conn: &mut PgConnection, id: Uuid, by: Uuid, snapshot: &Value) -> DbResult<()> {
    diesel::update(reporting_periods::table.find(id))
        .set((
            reporting_periods::closed_at.eq(diesel::dsl::sql::<Nullable<Timestamptz>>("now()")),
            reporting_periods::closed_by.eq(Some(by)),
            reporting_periods::snapshot.eq(Some(snapshot)),
        ))
        .execute(conn)?;
    Ok(())
}

/// A period as kept: its plan, its label and dates, and the plan as frozen at its close
/// (`None` while it is open).
pub struct KeptPeriod {
    pub plan: PlanId,
    pub label: String,
    pub starts_on: NaiveDate,
    pub ends_on: NaiveDate,
    pub snapshot: Option<Value>,
}

pub fn kept(conn: &mut PgConnection, tenant: TenantId, id: Uuid) -> DbResult<KeptPeriod> {
    type Row = (Uuid, String, NaiveDate, NaiveDate, Option<Value>);
    let (plan, label, starts_on, ends_on, snapshot): Row = reporting_periods::table
        .filter(reporting_periods::tenant_id.eq(tenant.get()))
        .filter(reporting_periods::id.eq(id))
        .select((
            reporting_periods::plan_id,
            reporting_periods::label,
            reporting_periods::starts_on,
            reporting_periods::ends_on,
            reporting_periods::snapshot,
        ))
        .first(conn)
        .optional()?
        .ok_or(DbError::NotFound("reporting period"))?;
    Ok(KeptPeriod {
        plan: PlanId::new(plan),
        label,
        starts_on,
        ends_on,
        snapshot,
    })
}

/// A closed period of a plan with what its frozen plan kept of one action's measures (its
/// indicators and budget lines, as `[indicators, budget_lines]`; `null` when the action
/// was not in the plan then).
#[derive(Debug, QueryableByName)]
pub struct KeptMeasures {
    #[diesel(sql_type = SqlUuid)]
    pub id: Uuid,
    #[diesel(sql_type = Text)]
    pub label: String,
    #[diesel(sql_type = Date)]
    pub ends_on: NaiveDate,
    #[diesel(sql_type = Nullable<diesel::sql_types::Jsonb>)]
    pub measures: Option<Value>,
}

/// The closed periods of the action's plan, oldest first, with what each kept of the
/// action's measures. One statement (the action of another CPAS has none).
pub fn kept_measures(
    conn: &mut PgConnection,
    tenant: TenantId,
    action: Uuid,
) -> DbResult<Vec<KeptMeasures>> {
    Ok(diesel::sql_query(
        "SELECT p.id, p.label, p.ends_on, p.snapshot -> 'measures' -> ($2::text) AS measures
         FROM reporting_periods p
         JOIN actions a ON a.plan_id = p.plan_id AND a.id = $2 AND a.tenant_id = $1
         WHERE p.tenant_id = $1 AND p.closed_at IS NOT NULL
         ORDER BY p.ends_on, p.closed_at",
    )
    .bind::<SqlUuid, _>(tenant.get())
    .bind::<SqlUuid, _>(action)
    .load(conn)?)
}

/// The reporting settings of a CPAS.
pub fn settings(conn: &mut PgConnection, tenant: TenantId) -> DbResult<wire::ReportingSettings> {
    let (before, after): (i16, i16) = tenants::table
        .find(tenant.get())
        .select((
            tenants::period_reminder_days_before,
            tenants::period_reminder_days_after,
        ))
        .first(conn)
        .optional()?
        .ok_or(DbError::NotFound("CPAS"))?;
    Ok(wire::ReportingSettings {
        reminder_days_before: before,
        reminder_days_after: after,
    })
}

pub fn set_settings(
    conn: &mut PgConnection,
    tenant: TenantId,
    settings: &wire::ReportingSettings,
) -> DbResult<()> {
    diesel::update(tenants::table.find(tenant.get()))
        .set((
            tenants::period_reminder_days_before.eq(settings.reminder_days_before),
            tenants::period_reminder_days_after.eq(settings.reminder_days_after),
        ))
        .execute(conn)?;
    Ok(())
}

/// Which of a period's reminders.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reminder {
    BeforeDeadline,
    AfterDeadline,
}

/// Reminds the lead organisations' people of the actions not reported yet in up to
/// `limit` open periods (ids after `after`) whose reminder is due (`pst_period_reminder_due`,
/// with the CPAS's days), one notification per person listing their actions, and marks
/// the periods reminded: each reminder goes once. Periods being closed meanwhile are
/// skipped (`SKIP LOCKED`) and left to the next pass.
pub fn remind(
    conn: &mut PgConnection,
    which: Reminder,
    after: Uuid,
    limit: i64,
) -> DbResult<Batch> {
    let (column, days, when) = match which {
        Reminder::BeforeDeadline => (
            "reminded_before_at",
            "period_reminder_days_before",
            "before",
        ),
        Reminder::AfterDeadline => ("reminded_after_at", "period_reminder_days_after", "after"),
    };
    let statement = format!(
        "WITH due AS (
             SELECT p.id, p.tenant_id, p.plan_id, p.label, p.deadline
             FROM reporting_periods p JOIN tenants t ON t.id = p.tenant_id
             WHERE p.closed_at IS NULL AND p.{column} IS NULL
               AND pst_period_reminder_due($3, p.deadline, t.{days}, p.opened_at)
               AND p.id > $2
             ORDER BY p.id
             LIMIT $1
             FOR UPDATE OF p SKIP LOCKED),
         notified AS (
             INSERT INTO notifications (tenant_id, user_id, kind, payload)
             SELECT due.tenant_id, u.id, 'period_reminder',
                    jsonb_build_object(
                        'period_id', due.id, 'period_label', due.label,
                        'deadline', due.deadline, 'when', $4::text, 'plan_id', due.plan_id,
                        'plan_title', (SELECT title FROM plans WHERE id = due.plan_id),
                        'actions', jsonb_agg(jsonb_build_object(
                            'action_id', a.id, 'code', a.code, 'title', a.title)
                            ORDER BY a.code))
             FROM due
             JOIN period_requests r ON r.period_id = due.id AND r.reported_at IS NULL
             JOIN actions a ON a.id = r.action_id AND a.archived_at IS NULL
             JOIN users u ON u.organisation_id = r.organisation_id AND u.active
             GROUP BY due.tenant_id, due.id, due.label, due.deadline, due.plan_id, u.id
             RETURNING 1),
         marked AS (
             UPDATE reporting_periods SET {column} = now() FROM due
             WHERE reporting_periods.id = due.id
             RETURNING 1)
         SELECT (SELECT count(*) FROM marked) AS handled,
                (SELECT max(id::text)::uuid FROM due) AS last"
    );
    Ok(diesel::sql_query(statement)
        .bind::<BigInt, _>(limit)
        .bind::<SqlUuid, _>(after)
        .bind::<Bool, _>(which == Reminder::AfterDeadline)
        .bind::<Text, _>(when)
        .get_result(conn)?)
}
