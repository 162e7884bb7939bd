//! The council's side of a plan: publication, adopted versions, evaluations, comparisons,
//! and the data of the evaluation report.

use std::collections::HashMap;

use api_types as wire;
use api_types::ProblemCode;
use chrono::{DateTime, NaiveDate, Utc};
use diesel::prelude::*;
use serde_json::json;
use uuid::Uuid;

use super::plans;
use super::schema::{
    actions, change_requests, plan_evaluations, plan_versions, plans as plans_table, tenants, users,
};
use super::stored::Stored;
use crate::domain::{PlanId, TenantId};
use crate::error::ApiError;

/// Publishes (or withdraws) a plan on the public transparency page. Only an adopted (or
/// closed) plan may be published: a draft is not the council's yet.
pub fn set_published(
    conn: &mut PgConnection,
    tenant: TenantId,
    plan: PlanId,
    published: bool,
) -> Result<(), ApiError> {
    let Stored(status) = plans_table::table
        .filter(plans_table::id.eq(plan.get()))
        .filter(plans_table::tenant_id.eq(tenant.get()))
        .select(plans_table::status)
        .first::<Stored<wire::PlanStatus>>(conn)
        .optional()?
        .ok_or(ApiError::NotFound { resource: "plan" })?;
    if published && status == wire::PlanStatus::Draft {
        return Err(ApiError::Conflict {
            code: ProblemCode::NotAdopted,
            detail: "only a plan adopted by the council can be published".to_owned(),
        });
    }
    diesel::update(plans_table::table.find(plan.get()))
        .set(plans_table::published_at.eq(published.then(Utc::now)))
        .execute(conn)?;
    Ok(())
}

/// A published plan as the public sees it; 404 when it is not (or no longer) published.
pub fn public_plan(
    conn: &mut PgConnection,
    tenant_slug: &str,
    plan: Uuid,
) -> Result<wire::PublicPlan, ApiError> {
    let found: Option<(Uuid, Option<DateTime<Utc>>)> = plans_table::table
        .inner_join(tenants::table)
        .filter(tenants::slug.eq(tenant_slug))
        .filter(plans_table::id.eq(plan))
        .select((tenants::id, plans_table::published_at))
        .first(conn)
        .optional()?;
    let Some((tenant, Some(_))) = found else {
        return Err(ApiError::NotFound {
            resource: "published plan",
        });
    };
    let tree = plans::plan_tree(conn, TenantId::new(tenant), PlanId::new(plan))?;
    Ok(public_view(&tree))
}

fn mean(progress: impl Iterator<Item = i16>) -> f64 {
    let (sum, count) = progress.fold((0_i64, 0_i64), |(s, c), p| (s + i64::from(p), c + 1));
    wire::mean_progress(sum, count)
}

/// The public view of a tree: statuses and progress, organisations; nothing about people,
/// notes or proposals.
pub fn public_view(tree: &wire::PlanTree) -> wire::PublicPlan {
    let action = |a: &wire::Action| wire::PublicAction {
        code: a.code.clone(),
        kind: a.kind,
        title: a.title.clone(),
        status: a.status,
        progress: a.progress,
        planned_start: a.planned_start,
        planned_end: a.planned_end,
        late: a.late,
        lead: a.lead.as_ref().map(|o| o.name.clone()),
        collaborators: a.collaborators.iter().map(|o| o.name.clone()).collect(),
    };
    let all = || tree.actions();
    wire::PublicPlan {
        id: tree.id,
        cpas: tree.tenant.name.clone(),
        title: tree.title.clone(),
        start_year: tree.start_year,
        end_year: tree.end_year,
        adopted_on: tree.adopted_on,
        updated_at: tree.updated_at,
        progress: mean(all().map(|a| a.progress)),
        objectives: tree
            .objectives
            .iter()
            .map(|os| wire::PublicObjective {
                code: os.code.clone(),
                title: os.title.clone(),
                volet: os.volet,
                progress: mean(
                    os.operational_objectives
                        .iter()
                        .flat_map(|o| &o.actions)
                        .map(|a| a.progress),
                ),
                objectives: os
                    .operational_objectives
                    .iter()
                    .map(|oo| wire::PublicObjective {
                        code: oo.code.clone(),
                        title: oo.title.clone(),
                        volet: oo.volet,
                        progress: mean(oo.actions.iter().map(|a| a.progress)),
                        objectives: Vec::new(),
                        actions: oo.actions.iter().map(action).collect(),
                    })
                    .collect(),
                actions: Vec::new(),
            })
            .collect(),
    }
}

/// Freezes the plan as it stands as its next adopted version (1 at the first adoption).
/// Runs in the caller's transaction.
pub fn freeze_version(
    conn: &mut PgConnection,
    tenant: TenantId,
    plan: PlanId,
    adopted_on: NaiveDate,
    deliberation: Option<&str>,
    actor: Uuid,
) -> Result<wire::PlanVersion, ApiError> {
    let deliberation = deliberation.map(str::trim).filter(|d| !d.is_empty());
    if deliberation.is_some_and(|d| d.chars().count() > 200) {
        return Err(ApiError::invalid_field(
            "deliberation",
            ProblemCode::TooLong,
            "at most 200 characters",
        ));
    }
    let tree = plans::plan_tree_within(conn, tenant, plan)?;
    let last: Option<i32> = plan_versions::table
        .filter(plan_versions::plan_id.eq(plan.get()))
        .select(diesel::dsl::max(plan_versions::number))
        .first(conn)?;
    let snapshot = serde_json::to_value(&tree).map_err(|e| ApiError::Internal(e.into()))?;
    let (number, created_at): (i32, DateTime<Utc>) = diesel::insert_into(plan_versions::table)
        .values((
            plan_versions::tenant_id.eq(tenant.get()),
            plan_versions::plan_id.eq(plan.get()),
            plan_versions::number.eq(last.unwrap_or(0) + 1),
            plan_versions::adopted_on.eq(adopted_on),
            plan_versions::deliberation.eq(deliberation),
            plan_versions::snapshot.eq(snapshot),
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

pub fn list_versions(
    conn: &mut PgConnection,
    tenant: TenantId,
    plan: PlanId,
) -> Result<Vec<wire::PlanVersion>, ApiError> {
    plans::plan_exists(conn, tenant, plan)?;
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

/// Freezes the follow-up as the mid-term or final evaluation (once each).
pub fn create_evaluation(
    conn: &mut PgConnection,
    tenant: TenantId,
    plan: PlanId,
    input: &wire::NewEvaluation,
    actor: Uuid,
) -> Result<wire::PlanEvaluation, ApiError> {
    let tree = plans::plan_tree(conn, tenant, plan)?;
    if tree.status == wire::PlanStatus::Draft {
        return Err(ApiError::Conflict {
            code: ProblemCode::NotAdopted,
            detail: "a plan is evaluated once the council adopted it".to_owned(),
        });
    }
    let snapshot = serde_json::to_value(&tree).map_err(|e| ApiError::Internal(e.into()))?;
    let created_at: DateTime<Utc> = diesel::insert_into(plan_evaluations::table)
        .values((
            plan_evaluations::tenant_id.eq(tenant.get()),
            plan_evaluations::plan_id.eq(plan.get()),
            plan_evaluations::kind.eq(input.kind.as_str()),
            plan_evaluations::as_of.eq(input.as_of.get()),
            plan_evaluations::snapshot.eq(snapshot),
            plan_evaluations::created_by.eq(actor),
        ))
        .returning(plan_evaluations::created_at)
        .get_result(conn)
        .map_err(|e| match e {
            diesel::result::Error::DatabaseError(
                diesel::result::DatabaseErrorKind::UniqueViolation,
                _,
            ) => ApiError::Conflict {
                code: ProblemCode::EvaluationExists,
                detail: format!(
                    "the {} evaluation of this plan is already frozen",
                    input.kind
                ),
            },
            other => other.into(),
        })?;
    Ok(wire::PlanEvaluation {
        kind: input.kind,
        as_of: input.as_of.get(),
        created_at,
    })
}

pub fn list_evaluations(
    conn: &mut PgConnection,
    tenant: TenantId,
    plan: PlanId,
) -> Result<Vec<wire::PlanEvaluation>, ApiError> {
    plans::plan_exists(conn, tenant, plan)?;
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

/// A state of the plan named in a comparison: `version:<n>`, `evaluation:<kind>`, `current`.
pub fn state(
    conn: &mut PgConnection,
    tenant: TenantId,
    plan: PlanId,
    name: &str,
) -> Result<wire::PlanTree, ApiError> {
    let unknown = || {
        ApiError::invalid_field(
            "from",
            ProblemCode::UnknownState,
            "version:<n>, evaluation:mid_term|final, or current",
        )
    };
    let snapshot: Option<serde_json::Value> = match name.split_once(':') {
        None if name == "current" => return plans::plan_tree(conn, tenant, plan),
        Some(("version", number)) => {
            let number: i32 = number.parse().map_err(|_| unknown())?;
            plan_versions::table
                .filter(plan_versions::plan_id.eq(plan.get()))
                .filter(plan_versions::tenant_id.eq(tenant.get()))
                .filter(plan_versions::number.eq(number))
                .select(plan_versions::snapshot)
                .first(conn)
                .optional()?
        }
        Some(("evaluation", kind)) => plan_evaluations::table
            .filter(plan_evaluations::plan_id.eq(plan.get()))
            .filter(plan_evaluations::tenant_id.eq(tenant.get()))
            .filter(plan_evaluations::kind.eq(kind))
            .select(plan_evaluations::snapshot)
            .first(conn)
            .optional()?,
        _ => return Err(unknown()),
    };
    let snapshot = snapshot.ok_or(ApiError::NotFound {
        resource: "version or evaluation",
    })?;
    serde_json::from_value(snapshot).map_err(|e| ApiError::Internal(e.into()))
}

/// What changed from one state of a plan to another.
pub fn compare(
    from_name: &str,
    from: &wire::PlanTree,
    to_name: &str,
    to: &wire::PlanTree,
) -> wire::PlanComparison {
    /// Each action by code, with its operational objective's code and title.
    type Placed<'a> = (&'a str, &'a str, &'a wire::Action);
    let index = |tree: &'_ wire::PlanTree| -> Vec<(String, (String, String, wire::Action))> {
        tree.objectives
            .iter()
            .flat_map(|os| &os.operational_objectives)
            .flat_map(|oo| {
                oo.actions.iter().map(move |a| {
                    (
                        a.code.clone(),
                        (oo.code.clone(), oo.title.clone(), a.clone()),
                    )
                })
            })
            .collect()
    };
    let (before_list, after_list) = (index(from), index(to));
    let before: HashMap<&str, Placed<'_>> = before_list
        .iter()
        .map(|(code, (oo, title, a))| (code.as_str(), (oo.as_str(), title.as_str(), a)))
        .collect();
    let after: HashMap<&str, Placed<'_>> = after_list
        .iter()
        .map(|(code, (oo, title, a))| (code.as_str(), (oo.as_str(), title.as_str(), a)))
        .collect();
    let entry = |(objective, objective_title, a): Placed<'_>,
                 changes: Vec<wire::FieldChange>,
                 before: Option<i16>,
                 after: Option<i16>| wire::ComparedAction {
        code: a.code.clone(),
        title: a.title.clone(),
        objective_code: objective.to_owned(),
        objective_title: objective_title.to_owned(),
        fields: changes.iter().map(|c| c.field.clone()).collect(),
        changes,
        progress_before: before,
        progress_after: after,
    };
    let mut comparison = wire::PlanComparison {
        from: from_name.to_owned(),
        to: to_name.to_owned(),
        added: Vec::new(),
        removed: Vec::new(),
        changed: Vec::new(),
        progress_before: mean(before.values().map(|(_, _, a)| a.progress)),
        progress_after: mean(after.values().map(|(_, _, a)| a.progress)),
    };
    for (code, _) in &after_list {
        let now = after[code.as_str()];
        match before.get(code.as_str()) {
            None => comparison
                .added
                .push(entry(now, Vec::new(), None, Some(now.2.progress))),
            Some(&then) => {
                let changes = action_changes(then, now);
                if !changes.is_empty() {
                    comparison.changed.push(entry(
                        now,
                        changes,
                        Some(then.2.progress),
                        Some(now.2.progress),
                    ));
                }
            }
        }
    }
    for (code, _) in &before_list {
        if !after.contains_key(code.as_str()) {
            let then = before[code.as_str()];
            comparison
                .removed
                .push(entry(then, Vec::new(), Some(then.2.progress), None));
        }
    }
    comparison
}

/// The fields of an action that differ between two states, with both values, in a fixed
/// order: `title`, `kind`, `objective`, `lead`, `collaborators`, `reservation`, `status`,
/// `progress`.
fn action_changes(
    (old_objective, _, then): (&str, &str, &wire::Action),
    (objective, _, now): (&str, &str, &wire::Action),
) -> Vec<wire::FieldChange> {
    let lead = |a: &wire::Action| json!(a.lead.as_ref().map(|o| &o.name));
    let collaborators =
        |a: &wire::Action| json!(a.collaborators.iter().map(|o| &o.name).collect::<Vec<_>>());
    [
        ("title", json!(then.title), json!(now.title)),
        ("kind", json!(then.kind), json!(now.kind)),
        ("objective", json!(old_objective), json!(objective)),
        ("lead", lead(then), lead(now)),
        ("collaborators", collaborators(then), collaborators(now)),
        (
            "reservation",
            json!(then.reservation),
            json!(now.reservation),
        ),
        ("status", json!(then.status), json!(now.status)),
        ("progress", json!(then.progress), json!(now.progress)),
    ]
    .into_iter()
    .filter(|(_, before, after)| before != after)
    .map(|(field, before, after)| wire::FieldChange {
        field: field.to_owned(),
        before,
        after,
    })
    .collect()
}

/// A decision on a proposal, for the report.
pub struct Decision {
    pub action_code: String,
    pub decided_on: NaiveDate,
    pub author: String,
    pub decided_by: String,
    pub note: Option<String>,
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
) -> Result<Vec<Decision>, ApiError> {
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
