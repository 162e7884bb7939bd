//! The council's side of a plan: publication, adopted versions, evaluations, comparisons,
//! the data of the evaluation report; and the public transparency page (no login).

use api_types::{
    NewEvaluation, NewPlanVersion, PlanComparison, PlanEvaluation, PlanStatus, PlanTree,
    PlanVersion, ProblemCode, PublicPlan,
};
use chrono::{NaiveDate, Utc};
use diesel::{Connection, PgConnection};
use uuid::Uuid;

use super::RequestDb;
use crate::auth::Authenticated;
use crate::authz::{self, Actor, Permission, Scope};
use crate::db::{council, plans, stats, structure};
use crate::domain::calendar;
use crate::domain::council::{PlanState, compare as compare_trees, public_view};
use crate::domain::{PlanId, TenantId};
use crate::error::ApiError;
use crate::report::Report;

fn reader_tenant(actor: &Actor) -> Result<TenantId, ApiError> {
    let tenant = actor.tenant()?;
    authz::ensure(actor, Permission::ReadPlans, Scope::Tenant(tenant))?;
    Ok(tenant)
}

fn editor_tenant(actor: &Actor) -> Result<TenantId, ApiError> {
    let tenant = actor.tenant()?;
    authz::ensure(actor, Permission::EditPlanStructure, Scope::Tenant(tenant))?;
    Ok(tenant)
}

/// Puts a plan on the public transparency page. Only an adopted (or closed) plan may be
/// published: a draft is not the council's yet.
pub async fn publish(db: &RequestDb, auth: &Authenticated, plan: PlanId) -> Result<(), ApiError> {
    db.run_as(auth, move |conn, actor| {
        let tenant = editor_tenant(actor)?;
        if council::plan_status(conn, tenant, plan)? == PlanStatus::Draft {
            return Err(ApiError::Conflict {
                code: ProblemCode::NotAdopted,
                detail: "only a plan adopted by the council can be published".to_owned(),
            });
        }
        Ok(council::set_published_at(conn, plan, Some(Utc::now()))?)
    })
    .await
}

/// Takes a plan off the public page, whatever its status.
pub async fn unpublish(db: &RequestDb, auth: &Authenticated, plan: PlanId) -> Result<(), ApiError> {
    db.run_as(auth, move |conn, actor| {
        let tenant = editor_tenant(actor)?;
        council::plan_status(conn, tenant, plan)?;
        Ok(council::set_published_at(conn, plan, None)?)
    })
    .await
}

/// The adopted versions of a plan.
pub async fn versions(
    db: &RequestDb,
    auth: &Authenticated,
    plan: PlanId,
) -> Result<Vec<PlanVersion>, ApiError> {
    db.run_as(auth, move |conn, actor| {
        let tenant = reader_tenant(actor)?;
        plans::plan_exists(conn, tenant, plan)?;
        Ok(council::list_versions(conn, tenant, plan)?)
    })
    .await
}

/// The council adopted the actualised plan: it is frozen as the next version. Only an
/// adopted plan is actualised (a draft is adopted first, a closed plan is over).
pub async fn readopt(
    db: &RequestDb,
    auth: &Authenticated,
    plan: PlanId,
    input: NewPlanVersion,
) -> Result<PlanVersion, ApiError> {
    db.run_as(auth, move |conn, actor| {
        let tenant = editor_tenant(actor)?;
        conn.transaction(|conn| {
            let tree = plans::plan_tree_of(conn, tenant, plan)?;
            if tree.status != PlanStatus::Adopted {
                return Err(ApiError::Conflict {
                    code: ProblemCode::NotAdopted,
                    detail: "only an adopted plan is actualised; adopt it first".to_owned(),
                });
            }
            Ok(council::freeze_version(
                conn,
                tenant,
                plan,
                input.adopted_on.get(),
                input.deliberation.as_deref(),
                actor.user_id,
            )?)
        })
    })
    .await
}

/// The evaluations of a plan.
pub async fn evaluations(
    db: &RequestDb,
    auth: &Authenticated,
    plan: PlanId,
) -> Result<Vec<PlanEvaluation>, ApiError> {
    db.run_as(auth, move |conn, actor| {
        let tenant = reader_tenant(actor)?;
        plans::plan_exists(conn, tenant, plan)?;
        Ok(council::list_evaluations(conn, tenant, plan)?)
    })
    .await
}

/// Freezes the follow-up as the mid-term or the final evaluation, once each, of a plan the
/// council adopted.
pub async fn evaluate(
    db: &RequestDb,
    auth: &Authenticated,
    plan: PlanId,
    input: NewEvaluation,
) -> Result<PlanEvaluation, ApiError> {
    db.run_as(auth, move |conn, actor| {
        let tenant = editor_tenant(actor)?;
        let tree = crate::app::plans::read_tree(conn, tenant, plan)?;
        if tree.status == PlanStatus::Draft {
            return Err(ApiError::Conflict {
                code: ProblemCode::NotAdopted,
                detail: "a plan is evaluated once the council adopted it".to_owned(),
            });
        }
        let created_at =
            council::insert_evaluation(conn, tenant, plan, &tree, &input, actor.user_id)?
                .ok_or_else(|| ApiError::Conflict {
                    code: ProblemCode::EvaluationExists,
                    detail: format!(
                        "the {} evaluation of this plan is already frozen",
                        input.kind
                    ),
                })?;
        Ok(PlanEvaluation {
            kind: input.kind,
            as_of: input.as_of.get(),
            created_at,
        })
    })
    .await
}

/// What changed from the state of the plan named `from` to the one named `to` (see
/// [`PlanState`]).
pub async fn compare(
    db: &RequestDb,
    auth: &Authenticated,
    plan: PlanId,
    from: String,
    to: String,
) -> Result<PlanComparison, ApiError> {
    db.run_as(auth, move |conn, actor| {
        let tenant = reader_tenant(actor)?;
        let before = state(conn, tenant, plan, &from)?;
        let after = state(conn, tenant, plan, &to)?;
        Ok(compare_trees(&from, &before, &to, &after))
    })
    .await
}

/// The plan in the state named `name`.
fn state(
    conn: &mut PgConnection,
    tenant: TenantId,
    plan: PlanId,
    name: &str,
) -> Result<PlanTree, ApiError> {
    let tree = match PlanState::parse(name)? {
        PlanState::Current => return crate::app::plans::read_tree(conn, tenant, plan),
        PlanState::Version(number) => council::version_tree(conn, tenant, plan, number)?,
        PlanState::Evaluation(kind) => council::evaluation_tree(conn, tenant, plan, &kind)?,
    };
    tree.ok_or(ApiError::NotFound {
        resource: "version or evaluation",
    })
}

/// What the council's report covers: the dates of a period, or a closed reporting period
/// as it was kept.
pub enum ReportSpan {
    /// From `since` (the adoption, or a year before `until`, by default) to `until` (today
    /// by default), with the plan as it stands.
    Dates {
        since: Option<NaiveDate>,
        until: Option<NaiveDate>,
    },
    /// A closed reporting period of the plan, as at its end (409 `period_not_closed` while
    /// it is open).
    Period(Uuid),
}

/// The data of the council's evaluation report.
pub async fn report(
    db: &RequestDb,
    auth: &Authenticated,
    plan: PlanId,
    span: ReportSpan,
) -> Result<Report, ApiError> {
    db.run_as(auth, move |conn, actor| {
        let tenant = reader_tenant(actor)?;
        let (since, until) = match span {
            ReportSpan::Period(period) => {
                let kept = crate::app::periods::as_at(conn, tenant, plan, period)?;
                return Ok(Report {
                    since: kept.starts_on,
                    until: kept.ends_on,
                    tree: kept.plan.tree,
                    measures: kept.plan.measures,
                    decisions: kept.plan.decisions,
                    budget: kept.plan.budget,
                });
            }
            ReportSpan::Dates { since, until } => (since, until),
        };
        let tree = crate::app::plans::read_tree(conn, tenant, plan)?;
        let until = until.unwrap_or_else(calendar::today);
        let start = since
            .or(tree.adopted_on)
            .unwrap_or_else(|| until - chrono::Duration::days(365));
        // A period the user chose the wrong way round reports nothing: say so. (A default
        // start after a chosen end only makes the period start there.)
        let since = match since {
            Some(_) if start > until => {
                return Err(ApiError::invalid_field(
                    "until",
                    ProblemCode::BeforeStart,
                    "the end of the period comes before its start",
                ));
            }
            _ => start.min(until),
        };
        let ids: Vec<_> = tree.actions_and_steps().map(|action| action.id).collect();
        let measures = structure::measures_details(conn, &ids)?;
        let decisions = council::decisions(conn, tenant, plan, since, until)?;
        let budget = stats::plan_budget(conn, tenant, plan)?;
        Ok(Report {
            tree,
            since,
            until,
            measures,
            decisions,
            budget,
        })
    })
    .await
}

/// A published plan as the public sees it; 404 when it is not (or no longer) published.
pub async fn public_plan(
    db: &RequestDb,
    tenant_slug: String,
    plan: Uuid,
) -> Result<PublicPlan, ApiError> {
    db.run(move |conn| {
        let Some((tenant, Some(_))) = council::publication(conn, &tenant_slug, plan)? else {
            return Err(ApiError::NotFound {
                resource: "published plan",
            });
        };
        let tree = crate::app::plans::read_tree(conn, tenant, PlanId::new(plan))?;
        Ok(public_view(&tree))
    })
    .await
}
