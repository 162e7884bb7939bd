//! The dashboard's figures of a plan, computed in SQL.

use std::collections::HashMap;

use api_types as wire;
use diesel::pg::Pg;
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Integer, Nullable, Text, Uuid as SqlUuid};
use uuid::Uuid;

use super::stored::Stored;
use super::{DbError, DbResult, stored};
use crate::domain::budget::PlanBudget;
use crate::domain::{PlanId, TenantId};

/// The live actions of the plan (not their sub-actions), with their strategic objective,
/// the late flag, and how many live sub-actions each has and how many of those are done
/// (the `termine` status bound at its place among the statuses, see [`aggregates`]). The
/// one rule of the dashboard: every count and mean is of actions (a sub-action counts
/// through its action's progress); the sub-actions are only counted beside them.
fn actions() -> String {
    let done = 3 + wire::ActionStatus::ALL
        .iter()
        .position(|s| *s == wire::ActionStatus::Termine)
        .unwrap_or_default();
    format!(
        "
    WITH a AS (
        SELECT a.id, a.objective_id, oo.parent_id AS strategic_id, a.status, a.health,
               a.progress, pst_action_is_late(a.planned_end, a.status) AS late,
               s.steps, s.steps_done
        FROM actions a JOIN objectives oo ON oo.id = a.objective_id
        CROSS JOIN LATERAL (
            SELECT count(*) AS steps, count(*) FILTER (WHERE s.status = ${done}) AS steps_done
            FROM actions s WHERE s.parent_id = a.id AND s.archived_at IS NULL
        ) s
        WHERE a.plan_id = $1 AND a.tenant_id = $2 AND a.archived_at IS NULL
          AND a.parent_id IS NULL
    )"
    )
}

/// The aggregate columns, over the rows of `a` in the group: one count per status, then
/// one per health, each value bound as `$3`… in [`wire::ActionStatus::ALL`] then
/// [`wire::ActionHealth::ALL`] order (see [`rollup_query`]) and the column named after it.
fn aggregates() -> String {
    let mut columns = "
    count(a.id) AS actions,
    coalesce(sum(a.progress), 0)::int8 AS progress_sum,
    count(a.id) FILTER (WHERE a.late) AS late,
    count(a.id) FILTER (WHERE a.health IS NULL) AS unassessed,
    coalesce(sum(a.steps), 0)::int8 AS sub_actions,
    coalesce(sum(a.steps_done), 0)::int8 AS sub_actions_done"
        .to_owned();
    let statuses = wire::ActionStatus::ALL
        .iter()
        .map(|s| ("status", s.as_str()));
    let healths = wire::ActionHealth::ALL
        .iter()
        .map(|h| ("health", h.as_str()));
    for (i, (column, value)) in statuses.chain(healths).enumerate() {
        columns.push_str(&format!(
            ",\n    count(a.id) FILTER (WHERE a.{column} = ${}) AS {value}",
            i + 3,
        ));
    }
    columns
}

/// The parameter after the statuses and healths of [`aggregates`].
const NEXT_PARAMETER: usize = 3 + wire::ActionStatus::ALL.len() + wire::ActionHealth::ALL.len();

/// `sql` over [`actions`] and [`aggregates`], with their parameters bound.
fn rollup_query(
    sql: String,
    plan: PlanId,
    tenant: TenantId,
) -> diesel::query_builder::BoxedSqlQuery<'static, Pg, diesel::query_builder::SqlQuery> {
    let mut query = diesel::sql_query(sql)
        .into_boxed()
        .bind::<SqlUuid, _>(plan.get())
        .bind::<SqlUuid, _>(tenant.get());
    for status in wire::ActionStatus::ALL {
        query = query.bind::<Text, _>(Stored(*status));
    }
    for health in wire::ActionHealth::ALL {
        query = query.bind::<Text, _>(Stored(*health));
    }
    query
}

#[derive(Debug, QueryableByName)]
struct RollupRow {
    #[diesel(sql_type = Nullable<SqlUuid>)]
    key: Option<Uuid>,
    #[diesel(sql_type = BigInt)]
    actions: i64,
    #[diesel(sql_type = BigInt)]
    progress_sum: i64,
    #[diesel(sql_type = BigInt)]
    late: i64,
    #[diesel(sql_type = BigInt)]
    sub_actions: i64,
    #[diesel(sql_type = BigInt)]
    sub_actions_done: i64,
    #[diesel(sql_type = BigInt)]
    non_commence: i64,
    #[diesel(sql_type = BigInt)]
    en_cours: i64,
    #[diesel(sql_type = BigInt)]
    en_attente: i64,
    #[diesel(sql_type = BigInt)]
    probleme: i64,
    #[diesel(sql_type = BigInt)]
    termine: i64,
    #[diesel(sql_type = BigInt)]
    annule_abandonne: i64,
    #[diesel(sql_type = BigInt)]
    good: i64,
    #[diesel(sql_type = BigInt)]
    at_risk: i64,
    #[diesel(sql_type = BigInt)]
    struggling: i64,
    #[diesel(sql_type = BigInt)]
    paused: i64,
    #[diesel(sql_type = BigInt)]
    unassessed: i64,
}

impl RollupRow {
    fn rollup(&self) -> wire::Rollup {
        wire::Rollup {
            actions: self.actions,
            mean_progress: wire::mean_progress(self.progress_sum, self.actions),
            late: self.late,
            sub_actions: self.sub_actions,
            sub_actions_done: self.sub_actions_done,
            by_status: wire::StatusCounts {
                non_commence: self.non_commence,
                en_cours: self.en_cours,
                en_attente: self.en_attente,
                probleme: self.probleme,
                termine: self.termine,
                annule_abandonne: self.annule_abandonne,
            },
            by_health: wire::HealthCounts {
                good: self.good,
                at_risk: self.at_risk,
                struggling: self.struggling,
                paused: self.paused,
                unassessed: self.unassessed,
            },
        }
    }
}

#[derive(Debug, QueryableByName)]
struct ObjectiveRow {
    #[diesel(sql_type = SqlUuid)]
    id: Uuid,
    #[diesel(sql_type = Nullable<SqlUuid>)]
    parent_id: Option<Uuid>,
    #[diesel(sql_type = Text)]
    code: String,
    #[diesel(sql_type = Text)]
    level: String,
    #[diesel(sql_type = Text)]
    title: String,
}

#[derive(Debug, QueryableByName)]
struct OrganisationRow {
    #[diesel(sql_type = SqlUuid)]
    id: Uuid,
    #[diesel(sql_type = Text)]
    name: String,
    #[diesel(sql_type = Text)]
    kind: String,
    #[diesel(sql_type = BigInt)]
    leads: i64,
}

#[derive(Debug, QueryableByName)]
struct SectoralRow {
    #[diesel(sql_type = SqlUuid)]
    id: Uuid,
    #[diesel(sql_type = Text)]
    name: String,
}

#[derive(Debug, QueryableByName)]
struct BudgetRow {
    /// The objective; `NULL` for the whole plan.
    #[diesel(sql_type = Nullable<SqlUuid>)]
    key: Option<Uuid>,
    /// `NULL` for all years.
    #[diesel(sql_type = Nullable<Integer>)]
    year: Option<i32>,
    #[diesel(sql_type = BigInt)]
    planned_cents: i64,
    #[diesel(sql_type = BigInt)]
    engaged_cents: i64,
    #[diesel(sql_type = BigInt)]
    spent_cents: i64,
    #[diesel(sql_type = BigInt)]
    ecomptes_cents: i64,
}

/// The plan's expenses (the view `budget_figures`: the live budget lines of its live
/// actions, a sub-action's for its action, and eComptes' articles; those of direction
/// `depense`, since a revenue such as a subsidy is not a cost of the plan), by operational
/// objective, strategic objective and for the whole plan (`NULL` key), each by year and
/// for all years (`NULL` year). One statement.
pub fn plan_budget(
    conn: &mut PgConnection,
    tenant: TenantId,
    plan: PlanId,
) -> DbResult<PlanBudget> {
    // An article of a strategic objective has no operational one: its `NULL` is not the
    // whole plan's, hence `whole`.
    let rows: Vec<BudgetRow> = diesel::sql_query(
        "SELECT k.key, f.year,
                sum(f.planned_cents)::int8 AS planned_cents,
                sum(f.engaged_cents)::int8 AS engaged_cents,
                sum(f.spent_cents)::int8 AS spent_cents,
                sum(f.ecomptes_cents)::int8 AS ecomptes_cents
         FROM budget_figures f
         CROSS JOIN LATERAL (VALUES (f.oo_id, false), (f.os_id, false), (NULL::uuid, true))
             AS k(key, whole)
         WHERE f.plan_id = $1 AND f.tenant_id = $2 AND f.direction = 'depense'
           AND (k.key IS NOT NULL OR k.whole)
         GROUP BY GROUPING SETS ((k.key, f.year), (k.key))
         ORDER BY f.year",
    )
    .bind::<SqlUuid, _>(plan.get())
    .bind::<SqlUuid, _>(tenant.get())
    .load(conn)?;
    let mut budgets = PlanBudget::default();
    for row in rows {
        let budget = match row.key {
            Some(objective) => budgets.objectives.entry(objective).or_default(),
            None => &mut budgets.plan,
        };
        match row.year {
            Some(year) => budget.by_year.push(wire::BudgetYearTotal {
                year,
                planned_cents: row.planned_cents,
                engaged_cents: row.engaged_cents,
                spent_cents: row.spent_cents,
                ecomptes_cents: row.ecomptes_cents,
            }),
            None => {
                budget.planned_cents = row.planned_cents;
                budget.engaged_cents = row.engaged_cents;
                budget.spent_cents = row.spent_cents;
                budget.ecomptes_cents = row.ecomptes_cents;
            }
        }
    }
    Ok(budgets)
}

/// Per objective, per organisation, per sectoral plan and for the whole plan, with the
/// budget by year. Six statements; another CPAS's plan is not found.
pub fn plan_stats(
    conn: &mut PgConnection,
    tenant: TenantId,
    plan: PlanId,
) -> DbResult<wire::PlanStats> {
    let objectives: Vec<ObjectiveRow> = diesel::sql_query(
        "SELECT o.id, o.parent_id, o.code, o.level, o.title
         FROM objectives o JOIN plans p ON p.id = o.plan_id
         WHERE o.plan_id = $1 AND p.tenant_id = $2
         ORDER BY coalesce((SELECT s.position FROM objectives s WHERE s.id = o.parent_id), o.position),
                  o.parent_id NULLS FIRST, o.position",
    )
    .bind::<SqlUuid, _>(plan.get())
    .bind::<SqlUuid, _>(tenant.get())
    .load(conn)?;
    if objectives.is_empty() {
        let exists: bool = diesel::select(diesel::dsl::exists(
            super::schema::plans::table
                .filter(super::schema::plans::id.eq(plan.get()))
                .filter(super::schema::plans::tenant_id.eq(tenant.get())),
        ))
        .get_result(conn)?;
        if !exists {
            return Err(DbError::NotFound("plan"));
        }
    }
    // An action counts for its operational objective and for that one's strategic one.
    let aggregates = aggregates();
    let actions = actions();
    let by_objective: HashMap<Option<Uuid>, wire::Rollup> = rollup_query(
        format!(
            "{actions}
             SELECT k.key, {aggregates}
             FROM a CROSS JOIN LATERAL (VALUES (a.objective_id), (a.strategic_id)) AS k(key)
             GROUP BY k.key"
        ),
        plan,
        tenant,
    )
    .load::<RollupRow>(conn)?
    .into_iter()
    .map(|row| (row.key, row.rollup()))
    .collect();
    let total = rollup_query(
        format!("{actions} SELECT NULL::uuid AS key, {aggregates} FROM a"),
        plan,
        tenant,
    )
    .get_result::<RollupRow>(conn)?
    .rollup();
    let organisations: Vec<(OrganisationRow, RollupRow)> = {
        #[derive(QueryableByName)]
        struct Joined {
            #[diesel(embed)]
            organisation: OrganisationRow,
            #[diesel(embed)]
            rollup: RollupRow,
        }
        rollup_query(
            format!(
                "{actions}
                 SELECT o.id, o.name, o.kind, o.id AS key,
                        count(a.id) FILTER (WHERE ao.role = ${NEXT_PARAMETER}) AS leads, {aggregates}
                 FROM a JOIN action_organisations ao ON ao.action_id = a.id
                        JOIN organisations o ON o.id = ao.organisation_id
                 GROUP BY o.id, o.name, o.kind
                 ORDER BY o.name"
            ),
            plan,
            tenant,
        )
        .bind::<Text, _>(Stored(wire::OrgRole::Lead))
        .load::<Joined>(conn)?
        .into_iter()
        .map(|j| (j.organisation, j.rollup))
        .collect()
    };

    let sectoral_plans: Vec<(SectoralRow, RollupRow)> = {
        #[derive(QueryableByName)]
        struct Joined {
            #[diesel(embed)]
            sectoral: SectoralRow,
            #[diesel(embed)]
            rollup: RollupRow,
        }
        // Every sectoral plan of the CPAS, those with no action of this plan too (at 0).
        rollup_query(
            format!(
                "{actions}
                 SELECT s.id, s.name, s.id AS key, {aggregates}
                 FROM sectoral_plans s
                 LEFT JOIN sectoral_plan_actions m ON m.sectoral_plan_id = s.id
                 LEFT JOIN a ON a.id = m.action_id
                 WHERE s.tenant_id = $2
                 GROUP BY s.id, s.name
                 ORDER BY lower(s.name)"
            ),
            plan,
            tenant,
        )
        .load::<Joined>(conn)?
        .into_iter()
        .map(|j| (j.sectoral, j.rollup))
        .collect()
    };

    let mut budgets = plan_budget(conn, tenant, plan)?;

    Ok(wire::PlanStats {
        sectoral_plans: sectoral_plans
            .into_iter()
            .map(|(s, r)| wire::SectoralPlanRollup {
                sectoral_plan: wire::SectoralPlan {
                    id: s.id,
                    name: s.name,
                },
                rollup: r.rollup(),
            })
            .collect(),
        plan_id: plan.get(),
        total,
        budget: std::mem::take(&mut budgets.plan),
        objectives: objectives
            .into_iter()
            .map(|o| {
                Ok(wire::ObjectiveRollup {
                    rollup: by_objective.get(&Some(o.id)).cloned().unwrap_or_default(),
                    budget: budgets.objectives.remove(&o.id).unwrap_or_default(),
                    objective_id: o.id,
                    code: o.code,
                    level: stored(&o.level)?,
                    title: o.title,
                    parent_id: o.parent_id,
                })
            })
            .collect::<DbResult<_>>()?,
        organisations: organisations
            .into_iter()
            .map(|(o, r)| {
                Ok(wire::OrganisationRollup {
                    organisation: wire::OrganisationRef {
                        id: o.id,
                        name: o.name,
                        kind: stored(&o.kind)?,
                    },
                    leads: o.leads,
                    rollup: r.rollup(),
                })
            })
            .collect::<DbResult<_>>()?,
    })
}
