//! The council's rules on a plan's states: what the public sees of a plan, how one state
//! of a plan is named and compared with another, and the decisions the evaluation report
//! lists.

use std::collections::HashMap;

use api_types as wire;
use api_types::ProblemCode;
use chrono::NaiveDate;
use serde_json::json;

use crate::error::ApiError;

/// A state of a plan, as a comparison names it: `current`, `version:<n>`,
/// `evaluation:<kind>`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PlanState {
    Current,
    Version(i32),
    /// The kind as named: an unknown kind is a state that does not exist (404), as a
    /// version never adopted.
    Evaluation(String),
}

impl PlanState {
    pub fn parse(name: &str) -> Result<Self, ApiError> {
        let unknown = || {
            ApiError::invalid_field(
                "from",
                ProblemCode::UnknownState,
                "version:<n>, evaluation:mid_term|final, or current",
            )
        };
        match name.split_once(':') {
            None if name == "current" => Ok(Self::Current),
            Some(("version", number)) => number.parse().map(Self::Version).map_err(|_| unknown()),
            Some(("evaluation", kind)) => Ok(Self::Evaluation(kind.to_owned())),
            _ => Err(unknown()),
        }
    }
}

fn mean(progress: impl Iterator<Item = i16>) -> f64 {
    let (sum, count) = progress.fold((0_i64, 0_i64), |(s, c), p| (s + i64::from(p), c + 1));
    wire::mean_progress(sum, count)
}

/// An action, with its sub-actions, as the public sees it.
fn public_action(a: &wire::Action) -> wire::PublicAction {
    wire::PublicAction {
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
        sub_actions: a.sub_actions.iter().map(public_action).collect(),
    }
}

/// The public view of a tree: statuses and progress, organisations, each action's
/// sub-actions under it; nothing about people, notes, proposals or tasks. Progress means
/// are of the actions (a sub-action counts through its action).
pub fn public_view(tree: &wire::PlanTree) -> wire::PublicPlan {
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
                        actions: oo.actions.iter().map(public_action).collect(),
                    })
                    .collect(),
                actions: Vec::new(),
            })
            .collect(),
    }
}

/// An action or sub-action of a state by code: its operational objective's code and
/// title, itself, and the code of the action a sub-action is a step of.
type Indexed = (String, (String, String, wire::Action, Option<String>));
/// The same, borrowed.
type Placed<'a> = (&'a str, &'a str, &'a wire::Action, Option<&'a str>);

fn placed(list: &[Indexed]) -> HashMap<&str, Placed<'_>> {
    list.iter()
        .map(|(code, (oo, title, a, parent))| {
            (
                code.as_str(),
                (oo.as_str(), title.as_str(), a, parent.as_deref()),
            )
        })
        .collect()
}

/// What changed from one state of a plan to another.
pub fn compare(
    from_name: &str,
    from: &wire::PlanTree,
    to_name: &str,
    to: &wire::PlanTree,
) -> wire::PlanComparison {
    let index = |tree: &'_ wire::PlanTree| -> Vec<Indexed> {
        tree.objectives
            .iter()
            .flat_map(|os| &os.operational_objectives)
            .flat_map(|oo| {
                oo.actions.iter().flat_map(move |a| {
                    let steps = a.sub_actions.iter().map(move |step| {
                        (
                            step.code.clone(),
                            (
                                oo.code.clone(),
                                oo.title.clone(),
                                step.clone(),
                                Some(a.code.clone()),
                            ),
                        )
                    });
                    std::iter::once((
                        a.code.clone(),
                        (oo.code.clone(), oo.title.clone(), a.clone(), None),
                    ))
                    .chain(steps)
                })
            })
            .collect()
    };
    let (before_list, after_list) = (index(from), index(to));
    let (before, after) = (placed(&before_list), placed(&after_list));
    let entry = |(objective, objective_title, a, parent): Placed<'_>,
                 changes: Vec<wire::FieldChange>,
                 before: Option<i16>,
                 after: Option<i16>| wire::ComparedAction {
        code: a.code.clone(),
        title: a.title.clone(),
        objective_code: objective.to_owned(),
        objective_title: objective_title.to_owned(),
        parent_code: parent.map(str::to_owned),
        fields: changes.iter().map(|c| c.field.clone()).collect(),
        changes,
        progress_before: before,
        progress_after: after,
    };
    // The means are of the actions: a sub-action counts through its action.
    let mean_of = |states: &HashMap<&str, Placed<'_>>| {
        mean(
            states
                .values()
                .filter(|(_, _, _, parent)| parent.is_none())
                .map(|(_, _, a, _)| a.progress),
        )
    };
    let mut comparison = wire::PlanComparison {
        from: from_name.to_owned(),
        to: to_name.to_owned(),
        added: Vec::new(),
        removed: Vec::new(),
        changed: Vec::new(),
        progress_before: mean_of(&before),
        progress_after: mean_of(&after),
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

/// The fields of an action or a sub-action that differ between two states, with both
/// values, in a fixed order: `title`, `kind`, `objective`, `parent` (a sub-action's action,
/// by code), `lead`, `collaborators`, `reservation`, `status`, `progress`, `weight`.
fn action_changes(
    (old_objective, _, then, old_parent): (&str, &str, &wire::Action, Option<&str>),
    (objective, _, now, parent): (&str, &str, &wire::Action, Option<&str>),
) -> Vec<wire::FieldChange> {
    let lead = |a: &wire::Action| json!(a.lead.as_ref().map(|o| &o.name));
    let collaborators =
        |a: &wire::Action| json!(a.collaborators.iter().map(|o| &o.name).collect::<Vec<_>>());
    [
        ("title", json!(then.title), json!(now.title)),
        ("kind", json!(then.kind), json!(now.kind)),
        ("objective", json!(old_objective), json!(objective)),
        ("parent", json!(old_parent), json!(parent)),
        ("lead", lead(then), lead(now)),
        ("collaborators", collaborators(then), collaborators(now)),
        (
            "reservation",
            json!(then.reservation),
            json!(now.reservation),
        ),
        ("status", json!(then.status), json!(now.status)),
        ("progress", json!(then.progress), json!(now.progress)),
        ("weight", json!(then.weight), json!(now.weight)),
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
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct Decision {
    pub action_code: String,
    pub decided_on: NaiveDate,
    pub author: String,
    pub decided_by: String,
    pub note: Option<String>,
}
