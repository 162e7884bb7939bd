//! Editing a plan's structure (the DG): the plan and its lifecycle, objectives, actions and
//! the organisations that carry them, opinions, indicators and budget lines. Each use case
//! checks the input, locks what it changes, compares the version the editor read, and
//! answers the updated tree or action.

use api_types::{self as wire, ProblemCode};
use diesel::{Connection, PgConnection};
use serde_json::{Value, json};
use uuid::Uuid;

use super::RequestDb;
use super::plans::read_tree;
use crate::auth::Authenticated;
use crate::authz::{self, Actor, Permission, Scope};
use crate::db::structure::{
    self, ActionDefinition, BudgetLineFields, DefinitionChange, IndicatorFields, ObjectiveChange,
    SubActionDefinition,
};
use crate::db::{actions, council, integrations};
use crate::domain::{ActionId, Code, Label, PlanId, PlanYear, TenantId};
use crate::error::ApiError;

/// The DG's CPAS, after the policy allowed the structure edit.
pub(super) fn editor_tenant(actor: &Actor) -> Result<TenantId, ApiError> {
    let tenant = actor.tenant()?;
    authz::ensure(actor, Permission::EditPlanStructure, Scope::Tenant(tenant))?;
    Ok(tenant)
}

fn stale(what: &str) -> ApiError {
    ApiError::VersionConflict {
        detail: format!("the {what} changed since you read it; reload it"),
        conflict: None,
    }
}

/// The action as its page shows it, after the change.
fn action_detail(
    conn: &mut PgConnection,
    tenant: TenantId,
    id: Uuid,
) -> Result<wire::ActionDetail, ApiError> {
    Ok(actions::load_action(conn, tenant, ActionId::new(id))?)
}

fn check_years(start: Option<i32>, end: Option<i32>) -> Result<(), ApiError> {
    for (field, year) in [("start_year", start), ("end_year", end)] {
        if let Some(year) = year {
            PlanYear::parse(year, field)?;
        }
    }
    if let (Some(start), Some(end)) = (start, end)
        && end < start
    {
        return Err(ApiError::invalid_field(
            "end_year",
            ProblemCode::BeforeStart,
            "the plan ends before it starts",
        ));
    }
    Ok(())
}

/// A line a patch may set, clear (`null` or blank) or leave out.
fn patched_line(
    value: Option<&Option<String>>,
    field: &str,
) -> Result<Option<Option<String>>, ApiError> {
    value
        .map(|v| Label::optional(v.as_deref(), field, wire::LEAD_MAX_CHARS))
        .transpose()
}

fn optional_text(value: Option<&str>, field: &str, max: usize) -> Result<Option<String>, ApiError> {
    match value.map(str::trim) {
        None | Some("") => Ok(None),
        Some(text) => Label::parse_text(text, field, max).map(Some),
    }
}

/// Creates a draft plan in the caller's CPAS.
pub async fn create_plan(
    db: &RequestDb,
    auth: &Authenticated,
    title: Label,
    years: (Option<i32>, Option<i32>),
) -> Result<wire::PlanTree, ApiError> {
    check_years(years.0, years.1)?;
    db.run_as(auth, move |conn, actor| {
        let tenant = editor_tenant(actor)?;
        let id = structure::create_plan(conn, tenant, &title, years)?;
        read_tree(conn, tenant, id)
    })
    .await
}

/// Changes a plan's title, period or update cadence.
pub async fn update_plan(
    db: &RequestDb,
    auth: &Authenticated,
    plan: PlanId,
    patch: wire::PlanPatch,
) -> Result<wire::PlanTree, ApiError> {
    let title = patch
        .title
        .as_deref()
        .map(|t| Label::parse(t, "title", 500))
        .transpose()?;
    if patch
        .update_cadence_days
        .is_some_and(|d| !(7..=366).contains(&d))
    {
        return Err(ApiError::invalid_field(
            "update_cadence_days",
            ProblemCode::OutOfRange,
            "between 7 and 366 days",
        ));
    }
    db.run_as(auth, move |conn, actor| {
        let tenant = editor_tenant(actor)?;
        conn.transaction(|conn| {
            let (version, _) = structure::lock_plan(conn, tenant, plan.get())?;
            if version != patch.version {
                return Err(stale("plan"));
            }
            let (start, end) = structure::plan_years(conn, plan)?;
            check_years(
                patch.start_year.unwrap_or(start),
                patch.end_year.unwrap_or(end),
            )?;
            Ok(structure::update_plan(conn, plan, title.as_ref(), &patch)?)
        })?;
        read_tree(conn, tenant, plan)
    })
    .await
}

/// Moves the plan along its lifecycle: draft → adopted (with the council's date) → closed.
/// Adoption is announced to the CPAS's webhooks.
fn transition(
    conn: &mut PgConnection,
    tenant: TenantId,
    plan: PlanId,
    version: i32,
    to: wire::PlanStatus,
    adopted_on: Option<chrono::NaiveDate>,
) -> Result<(), ApiError> {
    let (current_version, status) = structure::lock_plan(conn, tenant, plan.get())?;
    if current_version != version {
        return Err(stale("plan"));
    }
    let allowed = matches!(
        (status, to),
        (wire::PlanStatus::Draft, wire::PlanStatus::Adopted)
            | (wire::PlanStatus::Adopted, wire::PlanStatus::Closed)
    );
    if !allowed {
        return Err(ApiError::Conflict {
            code: ProblemCode::InvalidTransition,
            detail: format!("a {status} plan cannot become {to}"),
        });
    }
    let title = structure::set_plan_status(conn, plan, to, adopted_on)?;
    if to == wire::PlanStatus::Adopted {
        integrations::enqueue(
            conn,
            tenant,
            wire::WebhookEvent::PlanAdopted,
            wire::PlanAdoptedData {
                plan_id: plan.get(),
                title,
                adopted_on,
            },
        )?;
    }
    Ok(())
}

/// Records the council's adoption of a draft plan, and freezes it as version 1.
pub async fn adopt_plan(
    db: &RequestDb,
    auth: &Authenticated,
    plan: PlanId,
    adoption: wire::Adoption,
) -> Result<wire::PlanTree, ApiError> {
    db.run_as(auth, move |conn, actor| {
        let tenant = editor_tenant(actor)?;
        // Adopted and frozen as version 1 together, or neither.
        conn.transaction(|conn| {
            transition(
                conn,
                tenant,
                plan,
                adoption.version,
                wire::PlanStatus::Adopted,
                Some(adoption.adopted_on.get()),
            )?;
            council::freeze_version(
                conn,
                tenant,
                plan,
                adoption.adopted_on.get(),
                adoption.deliberation.as_deref(),
                actor.user_id,
            )?;
            Ok::<_, ApiError>(())
        })?;
        read_tree(conn, tenant, plan)
    })
    .await
}

/// Closes an adopted plan at the end of its term.
pub async fn close_plan(
    db: &RequestDb,
    auth: &Authenticated,
    plan: PlanId,
    version: i32,
) -> Result<wire::PlanTree, ApiError> {
    db.run_as(auth, move |conn, actor| {
        let tenant = editor_tenant(actor)?;
        conn.transaction(|conn| {
            transition(conn, tenant, plan, version, wire::PlanStatus::Closed, None)
        })?;
        read_tree(conn, tenant, plan)
    })
    .await
}

/// Adds a strategic objective, or an operational one under a strategic one.
pub async fn create_objective(
    db: &RequestDb,
    auth: &Authenticated,
    plan: PlanId,
    input: wire::NewObjective,
) -> Result<wire::PlanTree, ApiError> {
    let code = Code::parse(&input.code, "code")?;
    let title = Label::parse(&input.title, "title", 1000)?;
    match (input.level, input.parent_id) {
        (wire::ObjectiveLevel::Strategic, Some(_)) => {
            return Err(ApiError::invalid_field(
                "parent_id",
                ProblemCode::NotAllowed,
                "a strategic objective has no parent",
            ));
        }
        (wire::ObjectiveLevel::Operational, None) => {
            return Err(ApiError::invalid_field(
                "parent_id",
                ProblemCode::Required,
                "an operational objective sits under a strategic one",
            ));
        }
        _ => {}
    }
    db.run_as(auth, move |conn, actor| {
        let tenant = editor_tenant(actor)?;
        conn.transaction(|conn| {
            structure::lock_plan(conn, tenant, plan.get())?;
            let id = structure::insert_objective(conn, tenant, plan, &input, &code, &title)?;
            Ok::<_, ApiError>(structure::place_objective(
                conn,
                plan.get(),
                input.parent_id,
                id,
                input.position,
            )?)
        })?;
        read_tree(conn, tenant, plan)
    })
    .await
}

/// Renames, recodes, moves or reorders an objective.
pub async fn update_objective(
    db: &RequestDb,
    auth: &Authenticated,
    id: Uuid,
    patch: wire::ObjectivePatch,
) -> Result<wire::PlanTree, ApiError> {
    let code = patch
        .code
        .as_deref()
        .map(|c| Code::parse(c, "code"))
        .transpose()?;
    let title = patch
        .title
        .as_deref()
        .map(|t| Label::parse(t, "title", 1000))
        .transpose()?;
    let political_lead = patched_line(patch.political_lead.as_ref(), "political_lead")?;
    let political_function = patched_line(patch.political_function.as_ref(), "political_function")?;
    db.run_as(auth, move |conn, actor| {
        let tenant = editor_tenant(actor)?;
        let plan = conn.transaction(|conn| {
            let objective = structure::lock_objective(conn, tenant, id)?;
            if objective.version != patch.version {
                return Err(stale("objective"));
            }
            if patch.parent_id.is_some() && objective.level == wire::ObjectiveLevel::Strategic {
                return Err(ApiError::invalid_field(
                    "parent_id",
                    ProblemCode::NotAllowed,
                    "a strategic objective has no parent",
                ));
            }
            // The responsible's CPAS and the dates' order are the schema's rules
            // (`objectives_responsible_fk`, `objectives_dates_order`: 422, nothing written).
            structure::update_objective(
                conn,
                id,
                ObjectiveChange {
                    code: code.as_ref(),
                    title: title.as_ref(),
                    volet: patch.volet,
                    parent_id: patch.parent_id,
                    political_lead: political_lead.clone(),
                    political_function: political_function.clone(),
                    responsible_user_id: patch.responsible_user_id,
                    political_lead_user_id: patch.political_lead_user_id,
                    planned_start: patch.planned_start.map(|d| d.map(wire::PlanDate::get)),
                    planned_end: patch.planned_end.map(|d| d.map(wire::PlanDate::get)),
                },
            )?;
            let (plan, parent) = (objective.plan, objective.parent);
            let new_parent = patch.parent_id.or(parent);
            if patch.position.is_some() || new_parent != parent {
                structure::place_objective(conn, plan, new_parent, id, patch.position)?;
                if new_parent != parent {
                    structure::renumber_objectives_under(conn, plan, parent)?;
                }
            }
            Ok(plan)
        })?;
        read_tree(conn, tenant, PlanId::new(plan))
    })
    .await
}

/// Deletes an objective that holds nothing (no operational objective, no action).
pub async fn delete_objective(
    db: &RequestDb,
    auth: &Authenticated,
    id: Uuid,
) -> Result<(), ApiError> {
    db.run_as(auth, move |conn, actor| {
        let tenant = editor_tenant(actor)?;
        conn.transaction(|conn| {
            let objective = structure::lock_objective(conn, tenant, id)?;
            if structure::objective_holds_anything(conn, id)? {
                return Err(ApiError::Conflict {
                    code: ProblemCode::NotEmpty,
                    detail: "move or delete its objectives and actions first".to_owned(),
                });
            }
            structure::delete_objective(conn, id)?;
            Ok(structure::renumber_objectives_under(
                conn,
                objective.plan,
                objective.parent,
            )?)
        })
    })
    .await
}

/// Adds an action under an operational objective.
pub async fn create_action(
    db: &RequestDb,
    auth: &Authenticated,
    objective: Uuid,
    input: wire::NewAction,
) -> Result<wire::ActionDetail, ApiError> {
    let definition = ActionDefinition {
        code: Code::parse(&input.code, "code")?,
        title: Label::parse(&input.title, "title", 1000)?,
        description: optional_text(input.description.as_deref(), "description", 10_000)?,
        reservation: optional_text(input.reservation.as_deref(), "reservation", 2000)?,
    };
    db.run_as(auth, move |conn, actor| {
        let tenant = editor_tenant(actor)?;
        let id = conn.transaction(|conn| {
            let (plan, level) = structure::objective_plan_and_level(conn, tenant, objective)?;
            if level != wire::ObjectiveLevel::Operational {
                return Err(ApiError::invalid_field(
                    "objective_id",
                    ProblemCode::NotOperational,
                    "actions sit under operational objectives",
                ));
            }
            structure::lock_plan(conn, tenant, plan)?;
            let id = structure::insert_action(conn, tenant, plan, objective, &input, &definition)?;
            structure::place_action(conn, objective, id, input.position)?;
            Ok(id)
        })?;
        action_detail(conn, tenant, id)
    })
    .await
}

/// Adds a sub-action (a step) under an action; its code follows the action's (`Pe17.3`)
/// unless given. The action's progress then comes from its sub-actions, unless the DG set
/// it by hand.
pub async fn create_sub_action(
    db: &RequestDb,
    auth: &Authenticated,
    parent: ActionId,
    input: wire::NewSubAction,
) -> Result<wire::ActionDetail, ApiError> {
    let code = input
        .code
        .as_deref()
        .map(|c| Code::parse(c, "code"))
        .transpose()?;
    let title = Label::parse(&input.title, "title", 1000)?;
    let description = optional_text(input.description.as_deref(), "description", 10_000)?;
    db.run_as(auth, move |conn, actor| {
        let tenant = editor_tenant(actor)?;
        let id = conn.transaction(|conn| {
            // Not under a sub-action: the trigger `actions_sub_action_level` refuses it
            // (`CONSTRAINT_REFUSALS`: 422 on `parent_id`).
            let parent = structure::lock_action_and_plan(conn, tenant, parent.get())?;
            let plan = structure::plan_of_action(conn, parent.id)?;
            let code = match code {
                Some(code) => code,
                None => Code::parse(&structure::next_sub_action_code(conn, &parent)?, "code")?,
            };
            let definition = SubActionDefinition {
                code,
                title,
                description,
                weight: input.weight.unwrap_or(1),
            };
            let id = structure::insert_sub_action(conn, tenant, plan, &parent, &definition)?;
            structure::place_sub_action(conn, parent.id, id, input.position)?;
            integrations::enqueue(
                conn,
                tenant,
                wire::WebhookEvent::SubActionCreated,
                wire::SubActionCreatedData {
                    sub_action_id: id,
                    code: definition.code.as_str().to_owned(),
                    title: definition.title.as_str().to_owned(),
                    weight: definition.weight,
                    parent_id: parent.id,
                    parent_code: parent.code.clone(),
                    plan_id: plan,
                },
            )?;
            Ok::<_, ApiError>(id)
        })?;
        action_detail(conn, tenant, id)
    })
    .await
}

/// One entry of an action's history: a field, before and after; none if it did not change.
pub(super) fn change(
    field: &str,
    before: impl Into<Value>,
    after: impl Into<Value>,
) -> Option<Value> {
    let (before, after) = (before.into(), after.into());
    (before != after).then(|| json!({ "field": field, "before": before, "after": after }))
}

/// Changes what the plan says of an action (code, title, kind, description, reservation,
/// transversal flag), moves it under another operational objective or reorders it; the
/// changes are written to its history.
pub async fn update_action_definition(
    db: &RequestDb,
    auth: &Authenticated,
    id: ActionId,
    patch: wire::ActionDefinitionPatch,
) -> Result<wire::ActionDetail, ApiError> {
    let id = id.get();
    let code = patch
        .code
        .as_deref()
        .map(|c| Code::parse(c, "code"))
        .transpose()?;
    let title = patch
        .title
        .as_deref()
        .map(|t| Label::parse(t, "title", 1000))
        .transpose()?;
    let description = patch
        .description
        .as_ref()
        .map(|d| optional_text(d.as_deref(), "description", 10_000))
        .transpose()?;
    let reservation = patch
        .reservation
        .as_ref()
        .map(|r| optional_text(r.as_deref(), "reservation", 2000))
        .transpose()?;
    let political_function = patched_line(patch.political_function.as_ref(), "political_function")?;
    db.run_as(auth, move |conn, actor| {
        let tenant = editor_tenant(actor)?;
        conn.transaction(|conn| {
            let action = structure::lock_action_and_plan(conn, tenant, id)?;
            if action.version != patch.version {
                return Err(stale("action"));
            }
            check_sub_action_patch(&action, &patch)?;
            let plan = structure::plan_of_action(conn, id)?;
            let target = patch.objective_id.unwrap_or(action.objective_id);
            let objectives =
                structure::objectives_of_plan(conn, plan, [action.objective_id, target])?;
            let code_of = |id: Uuid| objectives.iter().find(|o| o.0 == id).map(|o| o.1.clone());
            match objectives.iter().find(|o| o.0 == target) {
                Some((_, _, wire::ObjectiveLevel::Operational)) => {}
                Some(_) => {
                    return Err(ApiError::invalid_field(
                        "objective_id",
                        ProblemCode::NotOperational,
                        "actions sit under operational objectives",
                    ));
                }
                None => {
                    return Err(ApiError::invalid_field(
                        "objective_id",
                        ProblemCode::UnknownObjective,
                        "no such objective in this plan",
                    ));
                }
            }
            let changes: Vec<Value> = [
                code.as_ref()
                    .and_then(|c| change("code", action.code.clone(), c.as_str())),
                title
                    .as_ref()
                    .and_then(|t| change("title", action.title.clone(), t.as_str())),
                patch
                    .kind
                    .and_then(|k| change("kind", action.kind.clone(), k.map(|k| k.as_str()))),
                description
                    .as_ref()
                    .and_then(|d| change("description", action.description.clone(), d.clone())),
                reservation
                    .as_ref()
                    .and_then(|r| change("reservation", action.reservation.clone(), r.clone())),
                patch
                    .transversal
                    .and_then(|t| change("transversal", action.transversal, t)),
                (target != action.objective_id)
                    .then(|| change("objective", code_of(action.objective_id), code_of(target)))
                    .flatten(),
                patch
                    .weight
                    .and_then(|w| change("weight", action.weight, w)),
                patch
                    .progress_by_hand
                    .and_then(|h| change("progress_by_hand", action.progress_by_hand, h)),
                political_function.as_ref().and_then(|f| {
                    change(
                        "political_function",
                        action.political_function.clone(),
                        f.clone(),
                    )
                }),
            ]
            .into_iter()
            .flatten()
            .collect();
            structure::update_action_definition(
                conn,
                id,
                DefinitionChange {
                    code: code.as_ref(),
                    title: title.as_ref(),
                    kind: patch.kind,
                    description,
                    reservation,
                    transversal: patch.transversal,
                    objective: target,
                    weight: patch.weight,
                    progress_by_hand: patch.progress_by_hand,
                    political_function: political_function.clone(),
                    responsible_user_id: patch.responsible_user_id,
                    political_lead_user_id: patch.political_lead_user_id,
                },
            )?;
            // After the write, which the composite keys refused if a person is of
            // another CPAS: the history names both people.
            let mut changes = changes;
            for (field, (before, before_name), after) in [
                (
                    "responsible",
                    (action.responsible_user_id, &action.responsible_name),
                    patch.responsible_user_id,
                ),
                (
                    "political_lead_account",
                    (
                        action.political_lead_user_id,
                        &action.political_lead_account_name,
                    ),
                    patch.political_lead_user_id,
                ),
            ] {
                if let Some(after) = after.filter(|after| *after != before) {
                    let after = after
                        .map(|user| structure::user_name(conn, user))
                        .transpose()?;
                    changes.extend(change(field, before_name.clone(), after));
                }
            }
            if let Some(parent) = action.parent_id {
                if patch.position.is_some() {
                    structure::place_sub_action(conn, parent, id, patch.position)?;
                }
            } else if patch.position.is_some() || target != action.objective_id {
                structure::place_action(conn, target, id, patch.position)?;
                if target != action.objective_id {
                    structure::renumber_actions_of(conn, action.objective_id)?;
                }
            }
            if !changes.is_empty() {
                structure::record(conn, tenant, id, actor.user_id, changes)?;
            }
            Ok(())
        })?;
        action_detail(conn, tenant, id)
    })
    .await
}

/// What a definition patch may not do to a sub-action (move it away from its action, give
/// it a progress by hand) or to an action (give it a weight).
fn check_sub_action_patch(
    action: &crate::db::models::Action,
    patch: &wire::ActionDefinitionPatch,
) -> Result<(), ApiError> {
    let sub_action = action.parent_id.is_some();
    if sub_action && patch.objective_id.is_some_and(|o| o != action.objective_id) {
        return Err(ApiError::invalid_field(
            "objective_id",
            ProblemCode::SubActionLevel,
            "a sub-action stays under its action: move the action",
        ));
    }
    if sub_action && patch.progress_by_hand.is_some() {
        return Err(ApiError::invalid_field(
            "progress_by_hand",
            ProblemCode::NotAllowed,
            "a sub-action's progress is its own",
        ));
    }
    if !sub_action && patch.weight.is_some() {
        return Err(ApiError::invalid_field(
            "weight",
            ProblemCode::NotAllowed,
            "only a sub-action has a weight in its action's progress",
        ));
    }
    Ok(())
}

/// Sets the lead entity and the collaborators of an action (organisations of the CPAS);
/// the change is written to its history.
pub async fn set_action_organisations(
    db: &RequestDb,
    auth: &Authenticated,
    id: ActionId,
    input: wire::ActionOrganisations,
) -> Result<wire::ActionDetail, ApiError> {
    let id = id.get();
    let mut collaborators: Vec<Uuid> = Vec::new();
    for organisation in &input.collaborators {
        if Some(*organisation) == input.lead {
            return Err(ApiError::invalid_field(
                "collaborators",
                ProblemCode::Duplicate,
                "the lead entity is not also a collaborator",
            ));
        }
        if !collaborators.contains(organisation) {
            collaborators.push(*organisation);
        }
    }
    db.run_as(auth, move |conn, actor| {
        let tenant = editor_tenant(actor)?;
        conn.transaction(|conn| {
            let action = structure::lock_action(conn, tenant, id)?;
            if action.version != input.version {
                return Err(stale("action"));
            }
            let wanted: Vec<Uuid> = input.lead.iter().chain(&collaborators).copied().collect();
            let names = structure::organisation_names(conn, tenant, &wanted)?;
            if names.len() != wanted.len() {
                return Err(ApiError::invalid_field(
                    "collaborators",
                    ProblemCode::UnknownOrganisation,
                    "every organisation must belong to this CPAS",
                ));
            }
            let name = |id: &Uuid| names.iter().find(|(i, _)| i == id).map(|(_, n)| n.clone());
            let before = structure::action_carriers(conn, id)?;
            let before_lead = before
                .iter()
                .find(|o| o.2 == wire::OrgRole::Lead)
                .map(|o| o.1.clone());
            let before_collaborators: Vec<String> = before
                .iter()
                .filter(|o| o.2 == wire::OrgRole::Collaborator)
                .map(|o| o.1.clone())
                .collect();
            let after_collaborators: Vec<String> = collaborators.iter().filter_map(name).collect();
            structure::replace_action_carriers(conn, tenant, id, input.lead, &collaborators)?;
            let changes: Vec<Value> = [
                change("lead", before_lead, input.lead.as_ref().and_then(name)),
                change("collaborators", before_collaborators, after_collaborators),
            ]
            .into_iter()
            .flatten()
            .collect();
            if !changes.is_empty() {
                structure::record(conn, tenant, id, actor.user_id, changes)?;
            }
            Ok(())
        })?;
        action_detail(conn, tenant, id)
    })
    .await
}

/// Deletes an action that has no history, no proposal and no discussion; one that has is to
/// be archived.
pub async fn delete_action(
    db: &RequestDb,
    auth: &Authenticated,
    id: ActionId,
) -> Result<(), ApiError> {
    let id = id.get();
    db.run_as(auth, move |conn, actor| {
        let tenant = editor_tenant(actor)?;
        conn.transaction(|conn| {
            let action = structure::lock_action_and_plan(conn, tenant, id)?;
            if structure::action_has_history(conn, id)? {
                return Err(ApiError::Conflict {
                    code: ProblemCode::HasHistory,
                    detail: "this action has a history: archive it instead".to_owned(),
                });
            }
            structure::delete_action(conn, id)?;
            Ok(renumber_siblings(conn, &action)?)
        })
    })
    .await
}

/// Closes the gap an action (among its objective's) or a sub-action (among its action's)
/// left.
fn renumber_siblings(
    conn: &mut PgConnection,
    action: &crate::db::models::Action,
) -> Result<(), crate::db::DbError> {
    match action.parent_id {
        Some(parent) => structure::renumber_sub_actions_of(conn, parent),
        None => structure::renumber_actions_of(conn, action.objective_id),
    }
}

/// Takes an action and its sub-actions out of the plan, keeping them and their history.
pub async fn archive_action(
    db: &RequestDb,
    auth: &Authenticated,
    id: ActionId,
    version: i32,
) -> Result<(), ApiError> {
    let id = id.get();
    db.run_as(auth, move |conn, actor| {
        let tenant = editor_tenant(actor)?;
        conn.transaction(|conn| {
            let action = structure::lock_action_and_plan(conn, tenant, id)?;
            if action.version != version {
                return Err(stale("action"));
            }
            structure::archive_action(conn, id)?;
            structure::record(
                conn,
                tenant,
                id,
                actor.user_id,
                vec![json!({ "field": "archived", "before": false, "after": true })],
            )?;
            Ok(renumber_siblings(conn, &action)?)
        })
    })
    .await
}

/// An opinion's text, checked.
struct OpinionText {
    heading: Option<String>,
    body: String,
}

fn opinion_text(input: &wire::OpinionInput) -> Result<OpinionText, ApiError> {
    Ok(OpinionText {
        heading: optional_text(input.heading.as_deref(), "heading", 1000)?,
        body: Label::parse_text(&input.body, "body", 50_000)?,
    })
}

/// Writes an opinion of the DG on the plan or on some of its objectives.
pub async fn create_opinion(
    db: &RequestDb,
    auth: &Authenticated,
    plan: PlanId,
    input: wire::OpinionInput,
) -> Result<wire::PlanTree, ApiError> {
    let text = opinion_text(&input)?;
    db.run_as(auth, move |conn, actor| {
        let tenant = editor_tenant(actor)?;
        conn.transaction(|conn| {
            structure::lock_plan(conn, tenant, plan.get())?;
            let id = structure::insert_opinion(
                conn,
                tenant,
                plan,
                text.heading.as_deref(),
                &text.body,
                input.position,
            )?;
            Ok::<_, ApiError>(structure::link_opinion(
                conn,
                tenant,
                plan.get(),
                id,
                &input.objective_ids,
            )?)
        })?;
        read_tree(conn, tenant, plan)
    })
    .await
}

/// Rewrites an opinion.
pub async fn update_opinion(
    db: &RequestDb,
    auth: &Authenticated,
    id: Uuid,
    input: wire::OpinionInput,
) -> Result<wire::PlanTree, ApiError> {
    let text = opinion_text(&input)?;
    db.run_as(auth, move |conn, actor| {
        let tenant = editor_tenant(actor)?;
        let plan = conn.transaction(|conn| {
            let plan = structure::lock_opinion(conn, tenant, id)?;
            structure::update_opinion(
                conn,
                id,
                text.heading.as_deref(),
                &text.body,
                input.position,
            )?;
            structure::link_opinion(conn, tenant, plan, id, &input.objective_ids)?;
            Ok::<_, ApiError>(plan)
        })?;
        read_tree(conn, tenant, PlanId::new(plan))
    })
    .await
}

/// Deletes an opinion.
pub async fn delete_opinion(
    db: &RequestDb,
    auth: &Authenticated,
    id: Uuid,
) -> Result<(), ApiError> {
    db.run_as(auth, move |conn, actor| {
        Ok(structure::delete_opinion(conn, editor_tenant(actor)?, id)?)
    })
    .await
}

fn indicator_fields(input: &wire::IndicatorInput) -> Result<IndicatorFields, ApiError> {
    let name = Label::parse(&input.name, "name", 300)?;
    let unit = Label::optional(input.unit.as_deref(), "unit", 50)?;
    if let Some(year) = input.year {
        PlanYear::parse(year, "year")?;
    }
    for (field, value) in [("baseline", input.baseline), ("target", input.target)] {
        if value.is_some_and(|v| !v.is_finite()) {
            return Err(ApiError::invalid_field(
                field,
                ProblemCode::InvalidValue,
                "a finite number",
            ));
        }
    }
    Ok(IndicatorFields {
        name: name.as_str().to_owned(),
        unit,
        year: input.year,
        baseline: input.baseline,
        target: input.target,
    })
}

/// Adds an indicator to an action (recurring with a year, or a milestone).
pub async fn create_indicator(
    db: &RequestDb,
    auth: &Authenticated,
    action: ActionId,
    input: wire::IndicatorInput,
) -> Result<wire::ActionDetail, ApiError> {
    let action = action.get();
    let fields = indicator_fields(&input)?;
    db.run_as(auth, move |conn, actor| {
        let tenant = editor_tenant(actor)?;
        conn.transaction(|conn| {
            structure::lock_action(conn, tenant, action)?;
            Ok::<_, ApiError>(structure::insert_indicator(conn, tenant, action, &fields)?)
        })?;
        action_detail(conn, tenant, action)
    })
    .await
}

/// Redefines an indicator (name, unit, year, baseline, target).
pub async fn update_indicator(
    db: &RequestDb,
    auth: &Authenticated,
    id: Uuid,
    input: wire::IndicatorInput,
) -> Result<wire::ActionDetail, ApiError> {
    let fields = indicator_fields(&input)?;
    db.run_as(auth, move |conn, actor| {
        let tenant = editor_tenant(actor)?;
        let action = structure::update_indicator(conn, tenant, id, &fields)?;
        action_detail(conn, tenant, action)
    })
    .await
}

/// Archives an indicator.
pub async fn archive_indicator(
    db: &RequestDb,
    auth: &Authenticated,
    id: Uuid,
) -> Result<(), ApiError> {
    db.run_as(auth, move |conn, actor| {
        structure::archive_indicator(conn, editor_tenant(actor)?, id)?;
        Ok(())
    })
    .await
}

fn budget_fields(input: wire::BudgetLineInput) -> Result<BudgetLineFields, ApiError> {
    PlanYear::parse(input.year, "year")?;
    if input.planned_cents < 0 {
        return Err(ApiError::invalid_field(
            "planned_cents",
            ProblemCode::OutOfRange,
            "whole cents, not negative",
        ));
    }
    let article = Label::optional(input.article.as_deref(), "article", 50)?;
    let label = Label::optional(
        input.label.as_deref(),
        "label",
        wire::BUDGET_LABEL_MAX_CHARS,
    )?;
    let funding_source = Label::optional(input.funding_source.as_deref(), "funding_source", 200)?;
    Ok(BudgetLineFields {
        input,
        article,
        label,
        funding_source,
    })
}

/// Adds a budget line to an action.
pub async fn create_budget_line(
    db: &RequestDb,
    auth: &Authenticated,
    action: ActionId,
    input: wire::BudgetLineInput,
) -> Result<wire::ActionDetail, ApiError> {
    let action = action.get();
    let fields = budget_fields(input)?;
    db.run_as(auth, move |conn, actor| {
        let tenant = editor_tenant(actor)?;
        conn.transaction(|conn| {
            structure::lock_action(conn, tenant, action)?;
            Ok::<_, ApiError>(structure::insert_budget_line(
                conn, tenant, action, &fields,
            )?)
        })?;
        action_detail(conn, tenant, action)
    })
    .await
}

/// Redefines a budget line (year, service, direction, article, planned amount, funding).
pub async fn update_budget_line(
    db: &RequestDb,
    auth: &Authenticated,
    id: Uuid,
    input: wire::BudgetLineInput,
) -> Result<wire::ActionDetail, ApiError> {
    let fields = budget_fields(input)?;
    db.run_as(auth, move |conn, actor| {
        let tenant = editor_tenant(actor)?;
        let action = structure::update_budget_line(conn, tenant, id, &fields)?;
        action_detail(conn, tenant, action)
    })
    .await
}

/// Archives a budget line.
pub async fn archive_budget_line(
    db: &RequestDb,
    auth: &Authenticated,
    id: Uuid,
) -> Result<(), ApiError> {
    db.run_as(auth, move |conn, actor| {
        structure::archive_budget_line(conn, editor_tenant(actor)?, id)?;
        Ok(())
    })
    .await
}
