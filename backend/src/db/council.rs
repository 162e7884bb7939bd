//! The council's side of a plan in the database: publication, adopted versions,
//! evaluations, and the decisions of a period.

use api_types as wire;
use chrono::{DateTime, NaiveDate, Utc};
use diesel::prelude::*;
use uuid::Uuid;

use super::plans;
use super::schema::{
    actions, change_requests, plan_evaluations, plan_versions, plans as plans_table, tenants, users,
};
use super::stored::Stored;
use super::{DbError, DbResult};
use crate::domain::council::Decision;
use crate::domain::{PlanId, TenantId};

/// The status of a plan of the CPAS.
pub fn plan_status(
    conn: &mut PgConnection,
    tenant: TenantId,
    plan: PlanId,
) -> DbResult<wire::PlanStatus> {
    let Stored(status) = plans_table::table
        .filter(plans_table::id.eq(plan.get()))
        .filter(plans_table::tenant_id.eq(tenant.get()))
        .select(plans_table::status)
        .first::<Stored<wire::PlanStatus>>(conn)
        .optional()?
        .ok_or(DbError::NotFound("plan"))?;
    Ok(status)
}

/// Puts a plan on the public transparency page since `published_at`, or takes it off
/// (`None`).
pub fn set_published_at(
    conn: &mut PgConnection,
    plan: PlanId,
    published_at: Option<DateTime<Utc>>,
) -> DbResult<()> {
    diesel::update(plans_table::table.find(plan.get()))
        .set(plans_table::published_at.eq(published_at))
        .execute(conn)?;
    Ok(())
}

/// The CPAS of a plan named by the CPAS's slug, and when the plan was published (`None`:
/// not published); `None` when there is no such plan.
pub fn publication(
    conn: &mut PgConnection,
    tenant_slug: &str,
    plan: Uuid,
) -> DbResult<Option<(TenantId, Option<DateTime<Utc>>)>> {
    let found: Option<(Uuid, Option<DateTime<Utc>>)> = plans_table::table
        .inner_join(tenants::table)
        .filter(tenants::slug.eq(tenant_slug))
        .filter(plans_table::id.eq(plan))
        .select((tenants::id, plans_table::published_at))
        .first(conn)
        .optional()?;
    Ok(found.map(|(tenant, published_at)| (TenantId::new(tenant), published_at)))
}

/// Freezes the plan as it stands as its next adopted version (1 at the first adoption).
/// Runs in the caller's transaction. A blank deliberation is none; one over 200
/// characters is refused by `plan_versions_deliberation_check`.
pub fn freeze_version(
    conn: &mut PgConnection,
    tenant: TenantId,
    plan: PlanId,
    adopted_on: NaiveDate,
    deliberation: Option<&str>,
    actor: Uuid,
) -> DbResult<wire::PlanVersion> {
    let deliberation = deliberation.map(str::trim).filter(|d| !d.is_empty());
    let tree = plans::plan_tree_of(conn, tenant, plan)?;
    let last: Option<i32> = plan_versions::table
        .filter(plan_versions::plan_id.eq(plan.get()))
        .select(diesel::dsl::max(plan_versions::number))
        .first(conn)?;
    let (number, created_at): (i32, DateTime<Utc>) = diesel::insert_into(plan_versions::table)
        .values((
            plan_versions::tenant_id.eq(tenant.get()),
            plan_versions::plan_id.eq(plan.get()),
            plan_versions::number.eq(last.unwrap_or(0) + 1),
            plan_versions::adopted_on.eq(adopted_on),
            plan_versions::deliberation.eq(deliberation),
            plan_versions::snapshot.eq(snapshot(&tree)?),
            plan_versions::created_by.eq(actor),
        ))
        .returning((plan_versions::number, plan_versions::created_at))
        .get_result(conn)?;
    Ok(wire::PlanVersion {
        number,
        adopted_on,
        deliberation: deliberation.map(str::to_owned),
        created_at,
    })
}

/// A plan tree as stored in a version or an evaluation.
fn snapshot(tree: &wire::PlanTree) -> DbResult<serde_json::Value> {
    serde_json::to_value(tree).map_err(|e| DbError::Internal(e.into()))
}

/// A plan tree stored in a version or an evaluation.
fn from_snapshot(snapshot: serde_json::Value) -> DbResult<wire::PlanTree> {
    serde_json::from_value(snapshot).map_err(|e| DbError::Internal(e.into()))
}

/// The adopted versions of a plan, oldest first.
pub fn list_versions(
    conn: &mut PgConnection,
    tenant: TenantId,
    plan: PlanId,
) -> DbResult<Vec<wire::PlanVersion>> {
    let rows: Vec<(i32, NaiveDate, Option<String>, DateTime<Utc>)> = plan_versions::table
        .filter(plan_versions::plan_id.eq(plan.get()))
        .filter(plan_versions::tenant_id.eq(tenant.get()))
        .order(plan_versions::number)
        .select((
            plan_versions::number,
            plan_versions::adopted_on,
            plan_versions::deliberation,
            plan_versions::created_at,
        ))
        .load(conn)?;
    Ok(rows
        .into_iter()
        .map(
            |(number, adopted_on, deliberation, created_at)| wire::PlanVersion {
                number,
                adopted_on,
                deliberation,
                created_at,
            },
        )
        .collect())
}

/// Stores `tree` as the plan's evaluation of `input.kind`, and answers when; `None` when
/// that evaluation is already stored (it is left as it was).
pub fn insert_evaluation(
    conn: &mut PgConnection,
    tenant: TenantId,
    plan: PlanId,
    tree: &wire::PlanTree,
    input: &wire::NewEvaluation,
    actor: Uuid,
) -> DbResult<Option<DateTime<Utc>>> {
    Ok(diesel::insert_into(plan_evaluations::table)
        .values((
            plan_evaluations::tenant_id.eq(tenant.get()),
            plan_evaluations::plan_id.eq(plan.get()),
            plan_evaluations::kind.eq(input.kind.as_str()),
            plan_evaluations::as_of.eq(input.as_of.get()),
            plan_evaluations::snapshot.eq(snapshot(tree)?),
            plan_evaluations::created_by.eq(actor),
        ))
        .on_conflict((plan_evaluations::plan_id, plan_evaluations::kind))
        .do_nothing()
        .returning(plan_evaluations::created_at)
        .get_result(conn)
        .optional()?)
}

/// The evaluations of a plan, by date.
pub fn list_evaluations(
    conn: &mut PgConnection,
    tenant: TenantId,
    plan: PlanId,
) -> DbResult<Vec<wire::PlanEvaluation>> {
    let rows: Vec<(String, NaiveDate, DateTime<Utc>)> = plan_evaluations::table
        .filter(plan_evaluations::plan_id.eq(plan.get()))
        .filter(plan_evaluations::tenant_id.eq(tenant.get()))
        .order(plan_evaluations::as_of)
        .select((
            plan_evaluations::kind,
            plan_evaluations::as_of,
            plan_evaluations::created_at,
        ))
        .load(conn)?;
    rows.into_iter()
        .map(|(kind, as_of, created_at)| {
            Ok(wire::PlanEvaluation {
                kind: super::stored(&kind)?,
                as_of,
                created_at,
            })
        })
        .collect()
}

/// The plan as adopted in its version `number`; `None` when there is no such version.
pub fn version_tree(
    conn: &mut PgConnection,
    tenant: TenantId,
    plan: PlanId,
    number: i32,
) -> DbResult<Option<wire::PlanTree>> {
    plan_versions::table
        .filter(plan_versions::plan_id.eq(plan.get()))
        .filter(plan_versions::tenant_id.eq(tenant.get()))
        .filter(plan_versions::number.eq(number))
        .select(plan_versions::snapshot)
        .first::<serde_json::Value>(conn)
        .optional()?
        .map(from_snapshot)
        .transpose()
}

/// The plan as frozen by its evaluation of `kind`; `None` when there is none.
pub fn evaluation_tree(
    conn: &mut PgConnection,
    tenant: TenantId,
    plan: PlanId,
    kind: &str,
) -> DbResult<Option<wire::PlanTree>> {
    plan_evaluations::table
        .filter(plan_evaluations::plan_id.eq(plan.get()))
        .filter(plan_evaluations::tenant_id.eq(tenant.get()))
        .filter(plan_evaluations::kind.eq(kind))
        .select(plan_evaluations::snapshot)
        .first::<serde_json::Value>(conn)
        .optional()?
        .map(from_snapshot)
        .transpose()
}

/// Action code, decision instant, author, decider, note.
type DecisionRow = (
    String,
    Option<DateTime<Utc>>,
    String,
    String,
    Option<String>,
);

/// The proposals approved between `since` and `until` (inclusive), oldest first.
pub fn decisions(
    conn: &mut PgConnection,
    tenant: TenantId,
    plan: PlanId,
    since: NaiveDate,
    until: NaiveDate,
) -> DbResult<Vec<Decision>> {
    let (authors, deciders) = diesel::alias!(users as authors, users as deciders);
    let start = since.and_hms_opt(0, 0, 0).map(|t| t.and_utc());
    let end = until
        .succ_opt()
        .and_then(|d| d.and_hms_opt(0, 0, 0))
        .map(|t| t.and_utc());
    let rows: Vec<DecisionRow> = change_requests::table
        .inner_join(actions::table.on(actions::id.eq(change_requests::action_id)))
        .inner_join(authors.on(authors.field(users::id).eq(change_requests::author_id)))
        .inner_join(
            deciders.on(deciders
                .field(users::id)
                .nullable()
                .eq(change_requests::decided_by)),
        )
        .filter(change_requests::tenant_id.eq(tenant.get()))
        .filter(actions::plan_id.eq(plan.get()))
        .filter(change_requests::status.eq(Stored(wire::ChangeRequestStatus::Approved)))
        .filter(change_requests::decided_at.ge(start))
        .filter(change_requests::decided_at.lt(end))
        .order(change_requests::decided_at)
        .select((
            actions::code,
            change_requests::decided_at,
            authors.field(users::display_name),
            deciders.field(users::display_name),
            change_requests::note,
        ))
        .load(conn)?;
    Ok(rows
        .into_iter()
        .map(
            |(action_code, decided_at, author, decided_by, note)| Decision {
                action_code,
                decided_on: decided_at.map_or(until, |d| d.date_naive()),
                author,
                decided_by,
                note,
            },
        )
        .collect())
}
