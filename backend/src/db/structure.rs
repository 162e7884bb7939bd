//! Editing a plan's structure: the plan itself and its lifecycle, objectives, actions and
//! the organisations that carry them, the DG's opinions. Every query is scoped to the
//! caller's CPAS; changes of an action are written to its history like follow-up changes.

use std::collections::HashMap;

use api_types as wire;
use api_types::ProblemCode;
use chrono::{NaiveDate, Utc};
use diesel::prelude::*;
use diesel::result::{DatabaseErrorKind, Error as DieselError};
use serde_json::{Value, json};
use uuid::Uuid;

use super::models::Action;
use super::schema::{
    action_history, action_organisations, actions, budget_lines, change_requests, indicators,
    objectives, opinion_objectives, opinions, organisations, plans,
};
use super::stored;
use super::stored::Stored;
use crate::domain::{Code, Label, PlanId, TenantId};
use crate::error::ApiError;

/// Maps the constraint errors of structure edits to answers a client can act on.
fn constraint(error: DieselError) -> ApiError {
    match error {
        DieselError::DatabaseError(DatabaseErrorKind::UniqueViolation, info)
            if info
                .constraint_name()
                .is_some_and(|c| c.ends_with("_code_unique")) =>
        {
            ApiError::Conflict {
                code: ProblemCode::CodeTaken,
                detail: "another objective or action of this plan already has this code".to_owned(),
            }
        }
        DieselError::DatabaseError(DatabaseErrorKind::CheckViolation, info) => {
            let field = match info.constraint_name() {
                Some("objectives_parent_strategic") => "parent_id",
                Some("actions_objective_operational") => "objective_id",
                _ => "",
            };
            ApiError::invalid_field(
                field,
                ProblemCode::InvalidStructure,
                info.message().to_owned(),
            )
        }
        DieselError::DatabaseError(DatabaseErrorKind::ForeignKeyViolation, _) => {
            ApiError::invalid_field(
                "",
                ProblemCode::UnknownReference,
                "a referenced item is not in this plan",
            )
        }
        other => other.into(),
    }
}

fn stale(what: &str) -> ApiError {
    ApiError::VersionConflict {
        detail: format!("the {what} changed since you read it; reload it"),
        conflict: None,
    }
}

/// The plan's id if it belongs to the CPAS, locked for the edit.
fn lock_plan(
    conn: &mut PgConnection,
    tenant: TenantId,
    plan: Uuid,
) -> Result<(i32, wire::PlanStatus), ApiError> {
    let (version, Stored(status)) = plans::table
        .filter(plans::id.eq(plan))
        .filter(plans::tenant_id.eq(tenant.get()))
        .select((plans::version, plans::status))
        .for_update()
        .first::<(i32, Stored<wire::PlanStatus>)>(conn)
        .optional()?
        .ok_or(ApiError::NotFound { resource: "plan" })?;
    Ok((version, status))
}

pub fn create_plan(
    conn: &mut PgConnection,
    tenant: TenantId,
    title: &Label,
    years: (Option<i32>, Option<i32>),
) -> Result<PlanId, ApiError> {
    check_years(years.0, years.1)?;
    let id: Uuid = diesel::insert_into(plans::table)
        .values((
            plans::tenant_id.eq(tenant.get()),
            plans::title.eq(title.as_str()),
            plans::start_year.eq(years.0),
            plans::end_year.eq(years.1),
        ))
        .returning(plans::id)
        .get_result(conn)
        .map_err(constraint)?;
    Ok(PlanId::new(id))
}

fn check_years(start: Option<i32>, end: Option<i32>) -> Result<(), ApiError> {
    for (field, year) in [("start_year", start), ("end_year", end)] {
        if year.is_some_and(|y| !(1990..=2200).contains(&y)) {
            return Err(ApiError::invalid_field(
                field,
                ProblemCode::OutOfRange,
                "a year between 1990 and 2200",
            ));
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

pub fn update_plan(
    conn: &mut PgConnection,
    tenant: TenantId,
    plan: PlanId,
    patch: &wire::PlanPatch,
) -> Result<(), ApiError> {
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
    conn.transaction(|conn| {
        let (version, _) = lock_plan(conn, tenant, plan.get())?;
        if version != patch.version {
            return Err(stale("plan"));
        }
        let (start, end): (Option<i32>, Option<i32>) = plans::table
            .find(plan.get())
            .select((plans::start_year, plans::end_year))
            .first(conn)?;
        check_years(
            patch.start_year.unwrap_or(start),
            patch.end_year.unwrap_or(end),
        )?;
        diesel::update(plans::table.find(plan.get()))
            .set((
                title.map(|t| plans::title.eq(t.as_str().to_owned())),
                patch.start_year.map(|y| plans::start_year.eq(y)),
                patch.end_year.map(|y| plans::end_year.eq(y)),
                patch
                    .update_cadence_days
                    .map(|d| plans::update_cadence_days.eq(d)),
                plans::version.eq(plans::version + 1),
            ))
            .execute(conn)?;
        Ok(())
    })
}

/// Moves the plan along its lifecycle: draft → adopted (with the council's date) → closed.
pub fn transition(
    conn: &mut PgConnection,
    tenant: TenantId,
    plan: PlanId,
    version: i32,
    to: wire::PlanStatus,
    adopted_on: Option<NaiveDate>,
) -> Result<(), ApiError> {
    conn.transaction(|conn| {
        let (current_version, status) = lock_plan(conn, tenant, plan.get())?;
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
        diesel::update(plans::table.find(plan.get()))
            .set((
                plans::status.eq(Stored(to)),
                adopted_on.map(|d| plans::adopted_on.eq(Some(d))),
                plans::version.eq(plans::version + 1),
            ))
            .execute(conn)?;
        if to == wire::PlanStatus::Adopted {
            let title: String = plans::table
                .find(plan.get())
                .select(plans::title)
                .first(conn)?;
            super::integrations::enqueue(
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
    })
}

/// Ids of `siblings` with `moving` placed at `position` (clamped; at the end when `None`).
fn placed(mut siblings: Vec<Uuid>, moving: Uuid, position: Option<i32>) -> Vec<Uuid> {
    siblings.retain(|id| *id != moving);
    let index = position
        .and_then(|p| usize::try_from(p).ok())
        .map_or(siblings.len(), |p| p.min(siblings.len()));
    siblings.insert(index, moving);
    siblings
}

fn renumber_objectives(conn: &mut PgConnection, ordered: &[Uuid]) -> Result<(), ApiError> {
    for (position, id) in (0..).zip(ordered) {
        diesel::update(
            objectives::table
                .find(id)
                .filter(objectives::position.ne(position)),
        )
        .set(objectives::position.eq(position))
        .execute(conn)?;
    }
    Ok(())
}

fn renumber_actions(conn: &mut PgConnection, ordered: &[Uuid]) -> Result<(), ApiError> {
    for (position, id) in (0..).zip(ordered) {
        diesel::update(
            actions::table
                .find(id)
                .filter(actions::position.ne(position)),
        )
        .set(actions::position.eq(position))
        .execute(conn)?;
    }
    Ok(())
}

fn objective_siblings(
    conn: &mut PgConnection,
    plan: Uuid,
    parent: Option<Uuid>,
) -> Result<Vec<Uuid>, ApiError> {
    let query = objectives::table
        .filter(objectives::plan_id.eq(plan))
        .order((objectives::position, objectives::code))
        .select(objectives::id)
        .into_boxed();
    let query = match parent {
        Some(parent) => query.filter(objectives::parent_id.eq(parent)),
        None => query.filter(objectives::parent_id.is_null()),
    };
    Ok(query.load(conn)?)
}

fn action_siblings(conn: &mut PgConnection, objective: Uuid) -> Result<Vec<Uuid>, ApiError> {
    Ok(actions::table
        .filter(actions::objective_id.eq(objective))
        .filter(actions::archived_at.is_null())
        .order((actions::position, actions::code))
        .select(actions::id)
        .load(conn)?)
}

pub fn create_objective(
    conn: &mut PgConnection,
    tenant: TenantId,
    plan: PlanId,
    input: &wire::NewObjective,
) -> Result<Uuid, ApiError> {
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
    conn.transaction(|conn| {
        lock_plan(conn, tenant, plan.get())?;
        let id: Uuid = diesel::insert_into(objectives::table)
            .values((
                objectives::tenant_id.eq(tenant.get()),
                objectives::plan_id.eq(plan.get()),
                objectives::parent_id.eq(input.parent_id),
                objectives::level.eq(input.level.as_str()),
                objectives::volet.eq(input.volet.as_str()),
                objectives::code.eq(code.as_str()),
                objectives::title.eq(title.as_str()),
                objectives::position.eq(i32::MAX / 2),
            ))
            .returning(objectives::id)
            .get_result(conn)
            .map_err(constraint)?;
        let siblings = objective_siblings(conn, plan.get(), input.parent_id)?;
        renumber_objectives(conn, &placed(siblings, id, input.position))?;
        Ok(id)
    })
}

/// Renames, recodes, moves or reorders an objective.
pub fn update_objective(
    conn: &mut PgConnection,
    tenant: TenantId,
    id: Uuid,
    patch: &wire::ObjectivePatch,
) -> Result<(), ApiError> {
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
    conn.transaction(|conn| {
        let (plan, parent, level, version): (Uuid, Option<Uuid>, String, i32) = objectives::table
            .filter(objectives::id.eq(id))
            .filter(objectives::tenant_id.eq(tenant.get()))
            .select((
                objectives::plan_id,
                objectives::parent_id,
                objectives::level,
                objectives::version,
            ))
            .for_update()
            .first(conn)
            .optional()?
            .ok_or(ApiError::NotFound {
                resource: "objective",
            })?;
        if version != patch.version {
            return Err(stale("objective"));
        }
        if patch.parent_id.is_some() && level == "strategic" {
            return Err(ApiError::invalid_field(
                "parent_id",
                ProblemCode::NotAllowed,
                "a strategic objective has no parent",
            ));
        }
        diesel::update(objectives::table.find(id))
            .set((
                code.map(|c| objectives::code.eq(c.as_str().to_owned())),
                title.map(|t| objectives::title.eq(t.as_str().to_owned())),
                patch.volet.map(|v| objectives::volet.eq(v.as_str())),
                patch.parent_id.map(|p| objectives::parent_id.eq(Some(p))),
                objectives::version.eq(objectives::version + 1),
            ))
            .execute(conn)
            .map_err(constraint)?;
        let new_parent = patch.parent_id.or(parent);
        if patch.position.is_some() || new_parent != parent {
            let siblings = objective_siblings(conn, plan, new_parent)?;
            renumber_objectives(conn, &placed(siblings, id, patch.position))?;
            if new_parent != parent {
                let old = objective_siblings(conn, plan, parent)?;
                renumber_objectives(conn, &old)?;
            }
        }
        Ok(())
    })
}

/// Deletes an objective that holds nothing (no operational objective, no action).
pub fn delete_objective(
    conn: &mut PgConnection,
    tenant: TenantId,
    id: Uuid,
) -> Result<(), ApiError> {
    conn.transaction(|conn| {
        let (plan, parent): (Uuid, Option<Uuid>) = objectives::table
            .filter(objectives::id.eq(id))
            .filter(objectives::tenant_id.eq(tenant.get()))
            .select((objectives::plan_id, objectives::parent_id))
            .for_update()
            .first(conn)
            .optional()?
            .ok_or(ApiError::NotFound {
                resource: "objective",
            })?;
        let children: i64 = objectives::table
            .filter(objectives::parent_id.eq(id))
            .count()
            .get_result(conn)?;
        let held: i64 = actions::table
            .filter(actions::objective_id.eq(id))
            .count()
            .get_result(conn)?;
        if children + held > 0 {
            return Err(ApiError::Conflict {
                code: ProblemCode::NotEmpty,
                detail: "move or delete its objectives and actions first".to_owned(),
            });
        }
        diesel::delete(opinion_objectives::table.filter(opinion_objectives::objective_id.eq(id)))
            .execute(conn)?;
        diesel::delete(objectives::table.find(id)).execute(conn)?;
        let siblings = objective_siblings(conn, plan, parent)?;
        renumber_objectives(conn, &siblings)
    })
}

pub fn create_action(
    conn: &mut PgConnection,
    tenant: TenantId,
    objective: Uuid,
    input: &wire::NewAction,
) -> Result<Uuid, ApiError> {
    let code = Code::parse(&input.code, "code")?;
    let title = Label::parse(&input.title, "title", 1000)?;
    let description = optional_text(input.description.as_deref(), "description", 10_000)?;
    let reservation = optional_text(input.reservation.as_deref(), "reservation", 2000)?;
    conn.transaction(|conn| {
        let (plan, level): (Uuid, String) = objectives::table
            .filter(objectives::id.eq(objective))
            .filter(objectives::tenant_id.eq(tenant.get()))
            .select((objectives::plan_id, objectives::level))
            .first(conn)
            .optional()?
            .ok_or(ApiError::NotFound {
                resource: "objective",
            })?;
        if level != "operational" {
            return Err(ApiError::invalid_field(
                "objective_id",
                ProblemCode::NotOperational,
                "actions sit under operational objectives",
            ));
        }
        lock_plan(conn, tenant, plan)?;
        let id: Uuid = diesel::insert_into(actions::table)
            .values((
                actions::tenant_id.eq(tenant.get()),
                actions::plan_id.eq(plan),
                actions::objective_id.eq(objective),
                actions::code.eq(code.as_str()),
                actions::kind.eq(input.kind.map(|k| k.as_str())),
                actions::title.eq(title.as_str()),
                actions::description.eq(description.as_deref()),
                actions::reservation.eq(reservation.as_deref()),
                actions::transversal.eq(input.transversal),
                actions::position.eq(i32::MAX / 2),
            ))
            .returning(actions::id)
            .get_result(conn)
            .map_err(constraint)?;
        let siblings = action_siblings(conn, objective)?;
        renumber_actions(conn, &placed(siblings, id, input.position))?;
        Ok(id)
    })
}

fn optional_text(value: Option<&str>, field: &str, max: usize) -> Result<Option<String>, ApiError> {
    match value.map(str::trim) {
        None | Some("") => Ok(None),
        Some(text) => Label::parse_text(text, field, max).map(Some),
    }
}

/// Locks the action's plan, then the action: for changes that renumber its siblings. Every
/// reordering takes the plan's lock first, so concurrent edits of one plan queue up instead
/// of deadlocking on each other's sibling rows.
fn lock_action_and_plan(
    conn: &mut PgConnection,
    tenant: TenantId,
    id: Uuid,
) -> Result<Action, ApiError> {
    let plan: Uuid = actions::table
        .filter(actions::id.eq(id))
        .filter(actions::tenant_id.eq(tenant.get()))
        .select(actions::plan_id)
        .first(conn)
        .optional()?
        .ok_or(ApiError::NotFound { resource: "action" })?;
    lock_plan(conn, tenant, plan)?;
    lock_action(conn, tenant, id)
}

fn lock_action(conn: &mut PgConnection, tenant: TenantId, id: Uuid) -> Result<Action, ApiError> {
    actions::table
        .filter(actions::id.eq(id))
        .filter(actions::tenant_id.eq(tenant.get()))
        .filter(actions::archived_at.is_null())
        .select(Action::as_select())
        .for_update()
        .first(conn)
        .optional()?
        .ok_or(ApiError::NotFound { resource: "action" })
}

/// Writes a history row for changes of an action's definition, and bumps its version.
fn record(
    conn: &mut PgConnection,
    tenant: TenantId,
    action: Uuid,
    actor: Uuid,
    changes: Vec<Value>,
) -> Result<(), ApiError> {
    let version: i32 = diesel::update(actions::table.find(action))
        .set(actions::version.eq(actions::version + 1))
        .returning(actions::version)
        .get_result(conn)?;
    diesel::insert_into(action_history::table)
        .values((
            action_history::tenant_id.eq(tenant.get()),
            action_history::action_id.eq(action),
            action_history::applied_by.eq(actor),
            action_history::version.eq(version),
            action_history::changes.eq(Value::Array(changes)),
        ))
        .execute(conn)?;
    Ok(())
}

fn change(field: &str, before: impl Into<Value>, after: impl Into<Value>) -> Option<Value> {
    let (before, after) = (before.into(), after.into());
    (before != after).then(|| json!({ "field": field, "before": before, "after": after }))
}

/// Changes what the plan says of an action (code, title, kind, description, reservation,
/// transversal flag), moves it under another operational objective or reorders it.
pub fn update_action_definition(
    conn: &mut PgConnection,
    tenant: TenantId,
    actor: Uuid,
    id: Uuid,
    patch: &wire::ActionDefinitionPatch,
) -> Result<(), ApiError> {
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
    conn.transaction(|conn| {
        let action = lock_action_and_plan(conn, tenant, id)?;
        if action.version != patch.version {
            return Err(stale("action"));
        }
        let plan: Uuid = actions::table
            .find(id)
            .select(actions::plan_id)
            .first(conn)?;
        let target = patch.objective_id.unwrap_or(action.objective_id);
        let objective_codes: Vec<(Uuid, String, String)> = objectives::table
            .filter(objectives::id.eq_any([action.objective_id, target]))
            .filter(objectives::plan_id.eq(plan))
            .select((objectives::id, objectives::code, objectives::level))
            .load(conn)?;
        let code_of = |id: Uuid| {
            objective_codes
                .iter()
                .find(|o| o.0 == id)
                .map(|o| o.1.clone())
        };
        match objective_codes.iter().find(|o| o.0 == target) {
            Some((_, _, level)) if level == "operational" => {}
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
        ]
        .into_iter()
        .flatten()
        .collect();
        diesel::update(actions::table.find(id))
            .set((
                code.map(|c| actions::code.eq(c.as_str().to_owned())),
                title.map(|t| actions::title.eq(t.as_str().to_owned())),
                patch.kind.map(|k| actions::kind.eq(k.map(|k| k.as_str()))),
                description.map(|d| actions::description.eq(d)),
                reservation.map(|r| actions::reservation.eq(r)),
                patch.transversal.map(|t| actions::transversal.eq(t)),
                actions::objective_id.eq(target),
            ))
            .execute(conn)
            .map_err(constraint)?;
        if patch.position.is_some() || target != action.objective_id {
            let siblings = action_siblings(conn, target)?;
            renumber_actions(conn, &placed(siblings, id, patch.position))?;
            if target != action.objective_id {
                let old = action_siblings(conn, action.objective_id)?;
                renumber_actions(conn, &old)?;
            }
        }
        if !changes.is_empty() {
            record(conn, tenant, id, actor, changes)?;
        }
        Ok(())
    })
}

/// Sets the lead entity and the collaborators of an action (organisations of the CPAS).
pub fn set_action_organisations(
    conn: &mut PgConnection,
    tenant: TenantId,
    actor: Uuid,
    id: Uuid,
    input: &wire::ActionOrganisations,
) -> Result<(), ApiError> {
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
    conn.transaction(|conn| {
        let action = lock_action(conn, tenant, id)?;
        if action.version != input.version {
            return Err(stale("action"));
        }
        let wanted: Vec<Uuid> = input.lead.iter().chain(&collaborators).copied().collect();
        let names: Vec<(Uuid, String)> = organisations::table
            .filter(organisations::tenant_id.eq(tenant.get()))
            .filter(organisations::id.eq_any(&wanted))
            .select((organisations::id, organisations::name))
            .load(conn)?;
        if names.len() != wanted.len() {
            return Err(ApiError::invalid_field(
                "collaborators",
                ProblemCode::UnknownOrganisation,
                "every organisation must belong to this CPAS",
            ));
        }
        let name = |id: &Uuid| names.iter().find(|(i, _)| i == id).map(|(_, n)| n.clone());
        let before: Vec<(Uuid, String, Stored<wire::OrgRole>)> = action_organisations::table
            .inner_join(organisations::table)
            .filter(action_organisations::action_id.eq(id))
            .order(action_organisations::position)
            .select((
                organisations::id,
                organisations::name,
                action_organisations::role,
            ))
            .load(conn)?;
        let before_lead = before
            .iter()
            .find(|o| o.2 == Stored(wire::OrgRole::Lead))
            .map(|o| o.1.clone());
        let before_collaborators: Vec<String> = before
            .iter()
            .filter(|o| o.2 == Stored(wire::OrgRole::Collaborator))
            .map(|o| o.1.clone())
            .collect();
        let after_collaborators: Vec<String> = collaborators.iter().filter_map(name).collect();
        diesel::delete(action_organisations::table.filter(action_organisations::action_id.eq(id)))
            .execute(conn)?;
        let rows: Vec<_> = input
            .lead
            .iter()
            .map(|o| (*o, wire::OrgRole::Lead, 0))
            .chain(
                (0..)
                    .zip(&collaborators)
                    .map(|(p, o)| (*o, wire::OrgRole::Collaborator, p)),
            )
            .map(|(organisation, role, position)| {
                (
                    action_organisations::tenant_id.eq(tenant.get()),
                    action_organisations::action_id.eq(id),
                    action_organisations::organisation_id.eq(organisation),
                    action_organisations::role.eq(Stored(role)),
                    action_organisations::position.eq(position),
                )
            })
            .collect();
        diesel::insert_into(action_organisations::table)
            .values(&rows)
            .execute(conn)?;
        let changes: Vec<Value> = [
            change("lead", before_lead, input.lead.as_ref().and_then(name)),
            change("collaborators", before_collaborators, after_collaborators),
        ]
        .into_iter()
        .flatten()
        .collect();
        if !changes.is_empty() {
            record(conn, tenant, id, actor, changes)?;
        }
        Ok(())
    })
}

/// Deletes an action that has no history and no proposal; otherwise archive it.
pub fn delete_action(conn: &mut PgConnection, tenant: TenantId, id: Uuid) -> Result<(), ApiError> {
    conn.transaction(|conn| {
        let action = lock_action_and_plan(conn, tenant, id)?;
        let history: i64 = action_history::table
            .filter(action_history::action_id.eq(id))
            .count()
            .get_result(conn)?;
        let proposals: i64 = change_requests::table
            .filter(change_requests::action_id.eq(id))
            .count()
            .get_result(conn)?;
        if history + proposals > 0 {
            return Err(ApiError::Conflict {
                code: ProblemCode::HasHistory,
                detail: "this action has a history: archive it instead".to_owned(),
            });
        }
        diesel::delete(actions::table.find(id)).execute(conn)?;
        let siblings = action_siblings(conn, action.objective_id)?;
        renumber_actions(conn, &siblings)
    })
}

/// Takes an action out of the plan, keeping it and its history.
pub fn archive_action(
    conn: &mut PgConnection,
    tenant: TenantId,
    actor: Uuid,
    id: Uuid,
    version: i32,
) -> Result<(), ApiError> {
    conn.transaction(|conn| {
        let action = lock_action_and_plan(conn, tenant, id)?;
        if action.version != version {
            return Err(stale("action"));
        }
        diesel::update(actions::table.find(id))
            .set(actions::archived_at.eq(Utc::now()))
            .execute(conn)?;
        record(
            conn,
            tenant,
            id,
            actor,
            vec![json!({ "field": "archived", "before": false, "after": true })],
        )?;
        let siblings = action_siblings(conn, action.objective_id)?;
        renumber_actions(conn, &siblings)
    })
}

/// Creates (`id` = `None`) or replaces an opinion of the DG on the plan or some objectives.
pub fn save_opinion(
    conn: &mut PgConnection,
    tenant: TenantId,
    plan: Option<PlanId>,
    id: Option<Uuid>,
    input: &wire::OpinionInput,
) -> Result<Uuid, ApiError> {
    let heading = optional_text(input.heading.as_deref(), "heading", 1000)?;
    let body = Label::parse_text(&input.body, "body", 50_000)?;
    conn.transaction(|conn| {
        let (plan, id) = match id {
            Some(id) => {
                let plan: Uuid = opinions::table
                    .filter(opinions::id.eq(id))
                    .filter(opinions::tenant_id.eq(tenant.get()))
                    .select(opinions::plan_id)
                    .for_update()
                    .first(conn)
                    .optional()?
                    .ok_or(ApiError::NotFound {
                        resource: "opinion",
                    })?;
                diesel::update(opinions::table.find(id))
                    .set((
                        opinions::heading.eq(heading.as_deref()),
                        opinions::body.eq(&body),
                        input.position.map(|p| opinions::position.eq(p.max(0))),
                        opinions::version.eq(opinions::version + 1),
                    ))
                    .execute(conn)?;
                diesel::delete(
                    opinion_objectives::table.filter(opinion_objectives::opinion_id.eq(id)),
                )
                .execute(conn)?;
                (plan, id)
            }
            None => {
                let plan = plan.ok_or_else(|| {
                    ApiError::Internal(anyhow::anyhow!("a new opinion needs its plan"))
                })?;
                lock_plan(conn, tenant, plan.get())?;
                let next: Option<i32> = opinions::table
                    .filter(opinions::plan_id.eq(plan.get()))
                    .select(diesel::dsl::max(opinions::position))
                    .first(conn)?;
                let id: Uuid = diesel::insert_into(opinions::table)
                    .values((
                        opinions::tenant_id.eq(tenant.get()),
                        opinions::plan_id.eq(plan.get()),
                        opinions::heading.eq(heading.as_deref()),
                        opinions::body.eq(&body),
                        opinions::position.eq(input
                            .position
                            .unwrap_or_else(|| next.map_or(0, |n| n + 1))
                            .max(0)),
                    ))
                    .returning(opinions::id)
                    .get_result(conn)?;
                (plan.get(), id)
            }
        };
        let links: Vec<_> = (0..)
            .zip(&input.objective_ids)
            .map(|(position, objective)| {
                (
                    opinion_objectives::tenant_id.eq(tenant.get()),
                    opinion_objectives::plan_id.eq(plan),
                    opinion_objectives::opinion_id.eq(id),
                    opinion_objectives::objective_id.eq(*objective),
                    opinion_objectives::position.eq(position),
                )
            })
            .collect();
        diesel::insert_into(opinion_objectives::table)
            .values(&links)
            .execute(conn)
            .map_err(|e| match e {
                DieselError::DatabaseError(DatabaseErrorKind::ForeignKeyViolation, _) => {
                    ApiError::invalid_field(
                        "objective_ids",
                        ProblemCode::UnknownObjective,
                        "every objective must belong to the plan",
                    )
                }
                DieselError::DatabaseError(DatabaseErrorKind::UniqueViolation, _) => {
                    ApiError::invalid_field(
                        "objective_ids",
                        ProblemCode::Duplicate,
                        "an objective is named twice",
                    )
                }
                other => other.into(),
            })?;
        Ok(id)
    })
}

pub fn delete_opinion(conn: &mut PgConnection, tenant: TenantId, id: Uuid) -> Result<(), ApiError> {
    let deleted = diesel::delete(
        opinions::table
            .filter(opinions::id.eq(id))
            .filter(opinions::tenant_id.eq(tenant.get())),
    )
    .execute(conn)?;
    if deleted == 0 {
        return Err(ApiError::NotFound {
            resource: "opinion",
        });
    }
    Ok(())
}

/// The plan an objective belongs to (in the CPAS).
pub fn plan_of_objective(
    conn: &mut PgConnection,
    tenant: TenantId,
    objective: Uuid,
) -> Result<Uuid, ApiError> {
    objectives::table
        .filter(objectives::id.eq(objective))
        .filter(objectives::tenant_id.eq(tenant.get()))
        .select(objectives::plan_id)
        .first(conn)
        .optional()?
        .ok_or(ApiError::NotFound {
            resource: "objective",
        })
}

/// The plan an opinion belongs to (in the CPAS).
pub fn plan_of_opinion(
    conn: &mut PgConnection,
    tenant: TenantId,
    opinion: Uuid,
) -> Result<Uuid, ApiError> {
    opinions::table
        .filter(opinions::id.eq(opinion))
        .filter(opinions::tenant_id.eq(tenant.get()))
        .select(opinions::plan_id)
        .first(conn)
        .optional()?
        .ok_or(ApiError::NotFound {
            resource: "opinion",
        })
}

/// An action's indicators and budget lines, in their order.
pub type MeasuresDetail = (Vec<wire::Indicator>, Vec<wire::BudgetLine>);

/// The indicators and budget lines of an action, in their order. Two statements.
pub fn measures_detail(conn: &mut PgConnection, action: Uuid) -> Result<MeasuresDetail, ApiError> {
    Ok(measures_details(conn, &[action])?
        .remove(&action)
        .unwrap_or_default())
}

/// The indicators and budget lines of many actions (a whole plan's report or workbook), in
/// their order. Two statements, whatever the number of actions.
pub fn measures_details(
    conn: &mut PgConnection,
    actions: &[Uuid],
) -> Result<HashMap<Uuid, MeasuresDetail>, ApiError> {
    type IndicatorRow = (
        Uuid,
        Uuid,
        String,
        Option<String>,
        Option<i32>,
        Option<f64>,
        Option<f64>,
        Option<f64>,
        Option<NaiveDate>,
        i32,
    );
    let rows: Vec<IndicatorRow> = indicators::table
        .filter(indicators::action_id.eq_any(actions))
        .filter(indicators::archived_at.is_null())
        .order((
            indicators::action_id,
            indicators::position,
            indicators::year,
            indicators::name,
        ))
        .select((
            indicators::action_id,
            indicators::id,
            indicators::name,
            indicators::unit,
            indicators::year,
            indicators::baseline,
            indicators::target,
            indicators::current_value,
            indicators::measured_at,
            indicators::position,
        ))
        .load(conn)?;
    let mut details: HashMap<Uuid, MeasuresDetail> = HashMap::new();
    for (action, id, name, unit, year, baseline, target, current_value, measured_at, position) in
        rows
    {
        details.entry(action).or_default().0.push(wire::Indicator {
            id,
            name,
            unit,
            year,
            baseline,
            target,
            current_value,
            measured_at,
            position,
        });
    }
    type BudgetRow = (
        Uuid,
        Uuid,
        i32,
        String,
        String,
        Option<String>,
        i64,
        i64,
        Option<String>,
        i32,
    );
    let rows: Vec<BudgetRow> = budget_lines::table
        .filter(budget_lines::action_id.eq_any(actions))
        .filter(budget_lines::archived_at.is_null())
        .order((
            budget_lines::action_id,
            budget_lines::year,
            budget_lines::position,
        ))
        .select((
            budget_lines::action_id,
            budget_lines::id,
            budget_lines::year,
            budget_lines::service,
            budget_lines::direction,
            budget_lines::article,
            budget_lines::planned_cents,
            budget_lines::spent_cents,
            budget_lines::funding_source,
            budget_lines::position,
        ))
        .load(conn)?;
    for (
        action,
        id,
        year,
        service,
        direction,
        article,
        planned_cents,
        spent_cents,
        funding_source,
        position,
    ) in rows
    {
        details.entry(action).or_default().1.push(wire::BudgetLine {
            id,
            year,
            service: stored(&service)?,
            direction: stored(&direction)?,
            article,
            planned_cents,
            spent_cents,
            funding_source,
            position,
        });
    }
    Ok(details)
}

/// An indicator's definition, checked.
struct IndicatorFields {
    name: String,
    unit: Option<String>,
    year: Option<i32>,
    baseline: Option<f64>,
    target: Option<f64>,
}

fn indicator_fields(input: &wire::IndicatorInput) -> Result<IndicatorFields, ApiError> {
    let name = Label::parse(&input.name, "name", 300)?;
    let unit = match input.unit.as_deref().map(str::trim) {
        None | Some("") => None,
        Some(unit) => Some(Label::parse(unit, "unit", 50)?.as_str().to_owned()),
    };
    if input.year.is_some_and(|y| !(1990..=2200).contains(&y)) {
        return Err(ApiError::invalid_field(
            "year",
            ProblemCode::OutOfRange,
            "a year between 1990 and 2200",
        ));
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

/// Adds an indicator to an action of the CPAS; returns the action's id.
pub fn create_indicator(
    conn: &mut PgConnection,
    tenant: TenantId,
    action: Uuid,
    input: &wire::IndicatorInput,
) -> Result<(), ApiError> {
    let fields = indicator_fields(input)?;
    conn.transaction(|conn| {
        lock_action(conn, tenant, action)?;
        let next: Option<i32> = indicators::table
            .filter(indicators::action_id.eq(action))
            .select(diesel::dsl::max(indicators::position))
            .first(conn)?;
        diesel::insert_into(indicators::table)
            .values((
                indicators::tenant_id.eq(tenant.get()),
                indicators::action_id.eq(action),
                indicators::name.eq(&fields.name),
                indicators::unit.eq(&fields.unit),
                indicators::year.eq(fields.year),
                indicators::baseline.eq(fields.baseline),
                indicators::target.eq(fields.target),
                indicators::position.eq(next.map_or(0, |n| n + 1)),
            ))
            .execute(conn)?;
        Ok(())
    })
}

/// Redefines an indicator (its measurements are follow-up); returns its action's id.
pub fn update_indicator(
    conn: &mut PgConnection,
    tenant: TenantId,
    id: Uuid,
    input: &wire::IndicatorInput,
) -> Result<Uuid, ApiError> {
    let fields = indicator_fields(input)?;
    diesel::update(
        indicators::table
            .filter(indicators::id.eq(id))
            .filter(indicators::tenant_id.eq(tenant.get()))
            .filter(indicators::archived_at.is_null()),
    )
    .set((
        indicators::name.eq(&fields.name),
        indicators::unit.eq(&fields.unit),
        indicators::year.eq(fields.year),
        indicators::baseline.eq(fields.baseline),
        indicators::target.eq(fields.target),
        indicators::version.eq(indicators::version + 1),
    ))
    .returning(indicators::action_id)
    .get_result(conn)
    .optional()?
    .ok_or(ApiError::NotFound {
        resource: "indicator",
    })
}

/// Archives an indicator: it leaves its action, the row stays for the history; returns
/// its action's id.
pub fn archive_indicator(
    conn: &mut PgConnection,
    tenant: TenantId,
    id: Uuid,
) -> Result<Uuid, ApiError> {
    diesel::update(
        indicators::table
            .filter(indicators::id.eq(id))
            .filter(indicators::tenant_id.eq(tenant.get()))
            .filter(indicators::archived_at.is_null()),
    )
    .set(indicators::archived_at.eq(diesel::dsl::now))
    .returning(indicators::action_id)
    .get_result(conn)
    .optional()?
    .ok_or(ApiError::NotFound {
        resource: "indicator",
    })
}

fn budget_fields(
    input: &wire::BudgetLineInput,
) -> Result<(Option<String>, Option<String>), ApiError> {
    if !(1990..=2200).contains(&input.year) {
        return Err(ApiError::invalid_field(
            "year",
            ProblemCode::OutOfRange,
            "a year between 1990 and 2200",
        ));
    }
    if input.planned_cents < 0 {
        return Err(ApiError::invalid_field(
            "planned_cents",
            ProblemCode::OutOfRange,
            "whole cents, not negative",
        ));
    }
    let article = match input.article.as_deref().map(str::trim) {
        None | Some("") => None,
        Some(article) => Some(Label::parse(article, "article", 50)?.as_str().to_owned()),
    };
    let funding = match input.funding_source.as_deref().map(str::trim) {
        None | Some("") => None,
        Some(source) => Some(
            Label::parse(source, "funding_source", 200)?
                .as_str()
                .to_owned(),
        ),
    };
    Ok((article, funding))
}

/// Adds a budget line to an action of the CPAS.
pub fn create_budget_line(
    conn: &mut PgConnection,
    tenant: TenantId,
    action: Uuid,
    input: &wire::BudgetLineInput,
) -> Result<(), ApiError> {
    let (article, funding) = budget_fields(input)?;
    conn.transaction(|conn| {
        lock_action(conn, tenant, action)?;
        let next: Option<i32> = budget_lines::table
            .filter(budget_lines::action_id.eq(action))
            .select(diesel::dsl::max(budget_lines::position))
            .first(conn)?;
        diesel::insert_into(budget_lines::table)
            .values((
                budget_lines::tenant_id.eq(tenant.get()),
                budget_lines::action_id.eq(action),
                budget_lines::year.eq(input.year),
                budget_lines::service.eq(input.service.as_str()),
                budget_lines::direction.eq(input.direction.as_str()),
                budget_lines::article.eq(&article),
                budget_lines::planned_cents.eq(input.planned_cents),
                budget_lines::funding_source.eq(&funding),
                budget_lines::position.eq(next.map_or(0, |n| n + 1)),
            ))
            .execute(conn)?;
        Ok(())
    })
}

/// Redefines a budget line (what is spent is follow-up); returns its action's id.
pub fn update_budget_line(
    conn: &mut PgConnection,
    tenant: TenantId,
    id: Uuid,
    input: &wire::BudgetLineInput,
) -> Result<Uuid, ApiError> {
    let (article, funding) = budget_fields(input)?;
    diesel::update(
        budget_lines::table
            .filter(budget_lines::id.eq(id))
            .filter(budget_lines::tenant_id.eq(tenant.get()))
            .filter(budget_lines::archived_at.is_null()),
    )
    .set((
        budget_lines::year.eq(input.year),
        budget_lines::service.eq(input.service.as_str()),
        budget_lines::direction.eq(input.direction.as_str()),
        budget_lines::article.eq(&article),
        budget_lines::planned_cents.eq(input.planned_cents),
        budget_lines::funding_source.eq(&funding),
        budget_lines::version.eq(budget_lines::version + 1),
    ))
    .returning(budget_lines::action_id)
    .get_result(conn)
    .optional()?
    .ok_or(ApiError::NotFound {
        resource: "budget line",
    })
}

/// Archives a budget line: it leaves its action, the row stays for the history; returns
/// its action's id.
pub fn archive_budget_line(
    conn: &mut PgConnection,
    tenant: TenantId,
    id: Uuid,
) -> Result<Uuid, ApiError> {
    diesel::update(
        budget_lines::table
            .filter(budget_lines::id.eq(id))
            .filter(budget_lines::tenant_id.eq(tenant.get()))
            .filter(budget_lines::archived_at.is_null()),
    )
    .set(budget_lines::archived_at.eq(diesel::dsl::now))
    .returning(budget_lines::action_id)
    .get_result(conn)
    .optional()?
    .ok_or(ApiError::NotFound {
        resource: "budget line",
    })
}

#[cfg(test)]
mod tests {
    use super::placed;
    use uuid::Uuid;

    #[test]
    fn placing_moves_one_item_and_keeps_the_others_in_order() {
        let ids: Vec<Uuid> = (0..4).map(Uuid::from_u128).collect();
        assert_eq!(
            placed(ids.clone(), ids[3], Some(0)),
            [ids[3], ids[0], ids[1], ids[2]]
        );
        assert_eq!(
            placed(ids.clone(), ids[0], None),
            [ids[1], ids[2], ids[3], ids[0]]
        );
        assert_eq!(
            placed(ids.clone(), ids[1], Some(99)),
            [ids[0], ids[2], ids[3], ids[1]]
        );
        let new = Uuid::from_u128(9);
        assert_eq!(
            placed(ids.clone(), new, Some(2)),
            [ids[0], ids[1], new, ids[2], ids[3]]
        );
    }
}
