//! Editing a plan's structure, as data: the plan itself and its lifecycle, objectives,
//! actions and the organisations that carry them, the DG's opinions, indicators and budget
//! lines. Every query is scoped to the caller's CPAS. The checks, the version conflicts and
//! the history's entries are decided by the use cases (`app::structure`); the constraints
//! a client can trip are answered through `error::CONSTRAINT_REFUSALS`.

use std::collections::HashMap;

use api_types as wire;
use chrono::{NaiveDate, Utc};
use diesel::dsl::sql;
use diesel::prelude::*;
use diesel::sql_types::{Bool, Text};
use serde_json::Value;
use uuid::Uuid;

use super::models::Action;
use super::schema::{
    action_history, action_organisations, actions, budget_lines, change_requests, comments,
    indicators, objectives, opinion_objectives, opinions, organisations, plans, users,
};
use super::stored::Stored;
use super::{DbError, DbResult, stored};
use crate::domain::{Code, Label, PlanId, TenantId};

/// The plan's version and status if it belongs to the CPAS, locked for the edit.
pub fn lock_plan(
    conn: &mut PgConnection,
    tenant: TenantId,
    plan: Uuid,
) -> DbResult<(i32, wire::PlanStatus)> {
    let (version, Stored(status)) = plans::table
        .filter(plans::id.eq(plan))
        .filter(plans::tenant_id.eq(tenant.get()))
        .select((plans::version, plans::status))
        .for_update()
        .first::<(i32, Stored<wire::PlanStatus>)>(conn)
        .optional()?
        .ok_or(DbError::NotFound("plan"))?;
    Ok((version, status))
}

pub fn create_plan(
    conn: &mut PgConnection,
    tenant: TenantId,
    title: &Label,
    years: (Option<i32>, Option<i32>),
) -> DbResult<PlanId> {
    let id: Uuid = diesel::insert_into(plans::table)
        .values((
            plans::tenant_id.eq(tenant.get()),
            plans::title.eq(title.as_str()),
            plans::start_year.eq(years.0),
            plans::end_year.eq(years.1),
        ))
        .returning(plans::id)
        .get_result(conn)?;
    Ok(PlanId::new(id))
}

/// The plan's first and last years.
pub fn plan_years(conn: &mut PgConnection, plan: PlanId) -> DbResult<(Option<i32>, Option<i32>)> {
    Ok(plans::table
        .find(plan.get())
        .select((plans::start_year, plans::end_year))
        .first(conn)?)
}

/// Writes the fields the patch names, and the next version.
pub fn update_plan(
    conn: &mut PgConnection,
    plan: PlanId,
    title: Option<&Label>,
    patch: &wire::PlanPatch,
) -> DbResult<()> {
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
}

/// Writes the plan's new status (and the council's date), and the next version; returns
/// the plan's title.
pub fn set_plan_status(
    conn: &mut PgConnection,
    plan: PlanId,
    to: wire::PlanStatus,
    adopted_on: Option<NaiveDate>,
) -> DbResult<String> {
    Ok(diesel::update(plans::table.find(plan.get()))
        .set((
            plans::status.eq(Stored(to)),
            adopted_on.map(|d| plans::adopted_on.eq(Some(d))),
            plans::version.eq(plans::version + 1),
        ))
        .returning(plans::title)
        .get_result(conn)?)
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

fn renumber_objectives(conn: &mut PgConnection, ordered: &[Uuid]) -> DbResult<()> {
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

fn renumber_actions(conn: &mut PgConnection, ordered: &[Uuid]) -> DbResult<()> {
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
) -> DbResult<Vec<Uuid>> {
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

fn action_siblings(conn: &mut PgConnection, objective: Uuid) -> DbResult<Vec<Uuid>> {
    Ok(actions::table
        .filter(actions::objective_id.eq(objective))
        .filter(actions::parent_id.is_null())
        .filter(actions::archived_at.is_null())
        .order((actions::position, actions::code))
        .select(actions::id)
        .load(conn)?)
}

fn sub_action_siblings(conn: &mut PgConnection, parent: Uuid) -> DbResult<Vec<Uuid>> {
    Ok(actions::table
        .filter(actions::parent_id.eq(parent))
        .filter(actions::archived_at.is_null())
        .order((actions::position, actions::code))
        .select(actions::id)
        .load(conn)?)
}

/// Places the objective at `position` among those under `parent` (at the end when
/// `None`), and renumbers them.
pub fn place_objective(
    conn: &mut PgConnection,
    plan: Uuid,
    parent: Option<Uuid>,
    id: Uuid,
    position: Option<i32>,
) -> DbResult<()> {
    let siblings = objective_siblings(conn, plan, parent)?;
    renumber_objectives(conn, &placed(siblings, id, position))
}

/// Renumbers the objectives under `parent` in their order, closing a gap.
pub fn renumber_objectives_under(
    conn: &mut PgConnection,
    plan: Uuid,
    parent: Option<Uuid>,
) -> DbResult<()> {
    let siblings = objective_siblings(conn, plan, parent)?;
    renumber_objectives(conn, &siblings)
}

/// Places the action at `position` among the live actions of its objective (at the end
/// when `None`), and renumbers them.
pub fn place_action(
    conn: &mut PgConnection,
    objective: Uuid,
    id: Uuid,
    position: Option<i32>,
) -> DbResult<()> {
    let siblings = action_siblings(conn, objective)?;
    renumber_actions(conn, &placed(siblings, id, position))
}

/// Renumbers the live actions of an objective in their order, closing a gap.
pub fn renumber_actions_of(conn: &mut PgConnection, objective: Uuid) -> DbResult<()> {
    let siblings = action_siblings(conn, objective)?;
    renumber_actions(conn, &siblings)
}

/// Places the sub-action at `position` among the live sub-actions of its action (at the
/// end when `None`), and renumbers them.
pub fn place_sub_action(
    conn: &mut PgConnection,
    parent: Uuid,
    id: Uuid,
    position: Option<i32>,
) -> DbResult<()> {
    let siblings = sub_action_siblings(conn, parent)?;
    renumber_actions(conn, &placed(siblings, id, position))
}

/// Renumbers the live sub-actions of an action in their order, closing a gap.
pub fn renumber_sub_actions_of(conn: &mut PgConnection, parent: Uuid) -> DbResult<()> {
    let siblings = sub_action_siblings(conn, parent)?;
    renumber_actions(conn, &siblings)
}

/// The first free code `<action's code>.<n>` after those of the plan that already follow
/// this pattern (its live or archived sub-actions', or any other).
pub fn next_sub_action_code(conn: &mut PgConnection, parent: &Action) -> DbResult<String> {
    let prefix = format!("{}.", parent.code);
    let taken: Vec<String> = actions::table
        .filter(actions::plan_id.eq(plan_of_action(conn, parent.id)?))
        .filter(
            sql::<Bool>("starts_with(actions.code, ")
                .bind::<Text, _>(&prefix)
                .sql(")"),
        )
        .select(actions::code)
        .load(conn)?;
    let last = taken
        .iter()
        .filter_map(|code| code.strip_prefix(&prefix)?.parse::<u32>().ok())
        .max()
        .unwrap_or(0);
    Ok(format!("{prefix}{}", last + 1))
}

/// A sub-action's definition, checked.
pub struct SubActionDefinition {
    pub code: Code,
    pub title: Label,
    pub description: Option<String>,
    pub weight: i16,
}

/// Inserts a sub-action under `parent` after all of its siblings (place it next).
pub fn insert_sub_action(
    conn: &mut PgConnection,
    tenant: TenantId,
    plan: Uuid,
    parent: &Action,
    definition: &SubActionDefinition,
) -> DbResult<Uuid> {
    Ok(diesel::insert_into(actions::table)
        .values((
            actions::tenant_id.eq(tenant.get()),
            actions::plan_id.eq(plan),
            actions::objective_id.eq(parent.objective_id),
            actions::parent_id.eq(parent.id),
            actions::code.eq(definition.code.as_str()),
            actions::title.eq(definition.title.as_str()),
            actions::description.eq(definition.description.as_deref()),
            actions::weight.eq(definition.weight),
            actions::position.eq(i32::MAX / 2),
        ))
        .returning(actions::id)
        .get_result(conn)?)
}

/// Inserts an objective after all of its siblings (place it next).
pub fn insert_objective(
    conn: &mut PgConnection,
    tenant: TenantId,
    plan: PlanId,
    input: &wire::NewObjective,
    code: &Code,
    title: &Label,
) -> DbResult<Uuid> {
    Ok(diesel::insert_into(objectives::table)
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
        .get_result(conn)?)
}

/// An objective of the CPAS, locked for the edit.
pub struct LockedObjective {
    pub plan: Uuid,
    pub parent: Option<Uuid>,
    pub level: wire::ObjectiveLevel,
    pub version: i32,
}

pub fn lock_objective(
    conn: &mut PgConnection,
    tenant: TenantId,
    id: Uuid,
) -> DbResult<LockedObjective> {
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
        .ok_or(DbError::NotFound("objective"))?;
    Ok(LockedObjective {
        plan,
        parent,
        level: stored(&level)?,
        version,
    })
}

/// What an objective's patch writes besides its place: each field it names, checked
/// (`Some(None)` clears one).
pub struct ObjectiveChange<'a> {
    pub code: Option<&'a Code>,
    pub title: Option<&'a Label>,
    pub volet: Option<wire::Volet>,
    pub parent_id: Option<Uuid>,
    pub political_lead: Option<Option<String>>,
    pub political_function: Option<Option<String>>,
    /// Another CPAS's person is refused by `objectives_responsible_fk`.
    pub responsible_user_id: Option<Option<Uuid>>,
    /// Another CPAS's person is refused by `objectives_political_lead_user_fk`.
    pub political_lead_user_id: Option<Option<Uuid>>,
    /// Out of order, refused by `objectives_dates_order`.
    pub planned_start: Option<Option<NaiveDate>>,
    pub planned_end: Option<Option<NaiveDate>>,
}

/// Writes the fields the change names, and the next version.
pub fn update_objective(
    conn: &mut PgConnection,
    id: Uuid,
    change: ObjectiveChange<'_>,
) -> DbResult<()> {
    diesel::update(objectives::table.find(id))
        .set((
            (
                change
                    .code
                    .map(|c| objectives::code.eq(c.as_str().to_owned())),
                change
                    .title
                    .map(|t| objectives::title.eq(t.as_str().to_owned())),
                change.volet.map(|v| objectives::volet.eq(v.as_str())),
                change.parent_id.map(|p| objectives::parent_id.eq(Some(p))),
            ),
            (
                change
                    .political_lead
                    .map(|l| objectives::political_lead.eq(l)),
                change
                    .political_function
                    .map(|f| objectives::political_function.eq(f)),
                change
                    .responsible_user_id
                    .map(|r| objectives::responsible_user_id.eq(r)),
                change
                    .political_lead_user_id
                    .map(|p| objectives::political_lead_user_id.eq(p)),
                change
                    .planned_start
                    .map(|d| objectives::planned_start.eq(d)),
                change.planned_end.map(|d| objectives::planned_end.eq(d)),
            ),
            objectives::version.eq(objectives::version + 1),
        ))
        .execute(conn)?;
    Ok(())
}

/// The name of a person, by id (a responsible just written, whose CPAS the composite key
/// checked).
pub fn user_name(conn: &mut PgConnection, id: Uuid) -> DbResult<String> {
    Ok(users::table
        .find(id)
        .select(users::display_name)
        .first(conn)?)
}

/// Whether the objective holds anything: an operational objective or an action.
pub fn objective_holds_anything(conn: &mut PgConnection, id: Uuid) -> DbResult<bool> {
    let children: i64 = objectives::table
        .filter(objectives::parent_id.eq(id))
        .count()
        .get_result(conn)?;
    let held: i64 = actions::table
        .filter(actions::objective_id.eq(id))
        .count()
        .get_result(conn)?;
    Ok(children + held > 0)
}

/// Deletes an objective and the opinions' links to it.
pub fn delete_objective(conn: &mut PgConnection, id: Uuid) -> DbResult<()> {
    diesel::delete(opinion_objectives::table.filter(opinion_objectives::objective_id.eq(id)))
        .execute(conn)?;
    diesel::delete(objectives::table.find(id)).execute(conn)?;
    Ok(())
}

/// The plan and level of an objective of the CPAS.
pub fn objective_plan_and_level(
    conn: &mut PgConnection,
    tenant: TenantId,
    objective: Uuid,
) -> DbResult<(Uuid, wire::ObjectiveLevel)> {
    let (plan, level): (Uuid, String) = objectives::table
        .filter(objectives::id.eq(objective))
        .filter(objectives::tenant_id.eq(tenant.get()))
        .select((objectives::plan_id, objectives::level))
        .first(conn)
        .optional()?
        .ok_or(DbError::NotFound("objective"))?;
    Ok((plan, stored(&level)?))
}

/// An action's definition as the plan states it, checked.
pub struct ActionDefinition {
    pub code: Code,
    pub title: Label,
    pub description: Option<String>,
    pub reservation: Option<String>,
}

/// Inserts an action after all of its siblings (place it next).
pub fn insert_action(
    conn: &mut PgConnection,
    tenant: TenantId,
    plan: Uuid,
    objective: Uuid,
    input: &wire::NewAction,
    definition: &ActionDefinition,
) -> DbResult<Uuid> {
    Ok(diesel::insert_into(actions::table)
        .values((
            actions::tenant_id.eq(tenant.get()),
            actions::plan_id.eq(plan),
            actions::objective_id.eq(objective),
            actions::code.eq(definition.code.as_str()),
            actions::kind.eq(input.kind.map(|k| k.as_str())),
            actions::title.eq(definition.title.as_str()),
            actions::description.eq(definition.description.as_deref()),
            actions::reservation.eq(definition.reservation.as_deref()),
            actions::transversal.eq(input.transversal),
            actions::position.eq(i32::MAX / 2),
        ))
        .returning(actions::id)
        .get_result(conn)?)
}

/// Locks the action's plan, then the action: for changes that renumber its siblings. Every
/// reordering takes the plan's lock first, so concurrent edits of one plan queue up instead
/// of deadlocking on each other's sibling rows.
pub fn lock_action_and_plan(
    conn: &mut PgConnection,
    tenant: TenantId,
    id: Uuid,
) -> DbResult<Action> {
    let plan: Uuid = actions::table
        .filter(actions::id.eq(id))
        .filter(actions::tenant_id.eq(tenant.get()))
        .select(actions::plan_id)
        .first(conn)
        .optional()?
        .ok_or(DbError::NotFound("action"))?;
    lock_plan(conn, tenant, plan)?;
    lock_action(conn, tenant, id)
}

/// A live action of the CPAS, locked for the edit.
pub fn lock_action(conn: &mut PgConnection, tenant: TenantId, id: Uuid) -> DbResult<Action> {
    actions::table
        .filter(actions::id.eq(id))
        .filter(actions::tenant_id.eq(tenant.get()))
        .filter(actions::archived_at.is_null())
        .select(Action::as_select())
        .for_update()
        .first(conn)
        .optional()?
        .ok_or(DbError::NotFound("action"))
}

/// Writes a history row for changes of an action's definition, and bumps its version.
pub fn record(
    conn: &mut PgConnection,
    tenant: TenantId,
    action: Uuid,
    actor: Uuid,
    changes: Vec<Value>,
) -> DbResult<()> {
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

/// The plan of an action.
pub fn plan_of_action(conn: &mut PgConnection, id: Uuid) -> DbResult<Uuid> {
    Ok(actions::table
        .find(id)
        .select(actions::plan_id)
        .first(conn)?)
}

/// Id, code and level of those of `ids` that are objectives of the plan.
pub fn objectives_of_plan(
    conn: &mut PgConnection,
    plan: Uuid,
    ids: [Uuid; 2],
) -> DbResult<Vec<(Uuid, String, wire::ObjectiveLevel)>> {
    let rows: Vec<(Uuid, String, String)> = objectives::table
        .filter(objectives::id.eq_any(ids))
        .filter(objectives::plan_id.eq(plan))
        .select((objectives::id, objectives::code, objectives::level))
        .load(conn)?;
    rows.into_iter()
        .map(|(id, code, level)| Ok((id, code, stored(&level)?)))
        .collect()
}

/// What an action's definition patch writes: the fields it names, and its objective.
pub struct DefinitionChange<'a> {
    pub code: Option<&'a Code>,
    pub title: Option<&'a Label>,
    pub kind: Option<Option<wire::ActionKind>>,
    pub description: Option<Option<String>>,
    pub reservation: Option<Option<String>>,
    pub transversal: Option<bool>,
    pub objective: Uuid,
    pub weight: Option<i16>,
    pub progress_by_hand: Option<bool>,
    pub political_function: Option<Option<String>>,
    /// Another CPAS's person is refused by `actions_responsible_fk`.
    pub responsible_user_id: Option<Option<Uuid>>,
    /// Another CPAS's person is refused by `actions_political_lead_user_fk`.
    pub political_lead_user_id: Option<Option<Uuid>>,
}

pub fn update_action_definition(
    conn: &mut PgConnection,
    id: Uuid,
    change: DefinitionChange<'_>,
) -> DbResult<()> {
    diesel::update(actions::table.find(id))
        .set((
            change.code.map(|c| actions::code.eq(c.as_str().to_owned())),
            change
                .title
                .map(|t| actions::title.eq(t.as_str().to_owned())),
            change.kind.map(|k| actions::kind.eq(k.map(|k| k.as_str()))),
            change.description.map(|d| actions::description.eq(d)),
            change.reservation.map(|r| actions::reservation.eq(r)),
            change.transversal.map(|t| actions::transversal.eq(t)),
            actions::objective_id.eq(change.objective),
            change.weight.map(|w| actions::weight.eq(w)),
            change
                .progress_by_hand
                .map(|h| actions::progress_by_hand.eq(h)),
            change
                .political_function
                .map(|f| actions::political_function.eq(f)),
            change
                .responsible_user_id
                .map(|r| actions::responsible_user_id.eq(r)),
            change
                .political_lead_user_id
                .map(|p| actions::political_lead_user_id.eq(p)),
        ))
        .execute(conn)?;
    Ok(())
}

/// Names of those of `ids` that are organisations of the CPAS.
pub fn organisation_names(
    conn: &mut PgConnection,
    tenant: TenantId,
    ids: &[Uuid],
) -> DbResult<Vec<(Uuid, String)>> {
    Ok(organisations::table
        .filter(organisations::tenant_id.eq(tenant.get()))
        .filter(organisations::id.eq_any(ids))
        .select((organisations::id, organisations::name))
        .load(conn)?)
}

/// The organisations carrying an action, in order: id, name, role.
pub fn action_carriers(
    conn: &mut PgConnection,
    id: Uuid,
) -> DbResult<Vec<(Uuid, String, wire::OrgRole)>> {
    let rows: Vec<(Uuid, String, Stored<wire::OrgRole>)> = action_organisations::table
        .inner_join(organisations::table)
        .filter(action_organisations::action_id.eq(id))
        .order(action_organisations::position)
        .select((
            organisations::id,
            organisations::name,
            action_organisations::role,
        ))
        .load(conn)?;
    Ok(rows
        .into_iter()
        .map(|(id, name, Stored(role))| (id, name, role))
        .collect())
}

/// Replaces the organisations of an action: the lead, then the collaborators in order.
pub fn replace_action_carriers(
    conn: &mut PgConnection,
    tenant: TenantId,
    id: Uuid,
    lead: Option<Uuid>,
    collaborators: &[Uuid],
) -> DbResult<()> {
    diesel::delete(action_organisations::table.filter(action_organisations::action_id.eq(id)))
        .execute(conn)?;
    let rows: Vec<_> = lead
        .iter()
        .map(|o| (*o, wire::OrgRole::Lead, 0))
        .chain(
            (0..)
                .zip(collaborators)
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
    Ok(())
}

/// Whether the action has a history, a proposal or a discussion (deleting it would lose
/// them: it is archived instead).
pub fn action_has_history(conn: &mut PgConnection, id: Uuid) -> DbResult<bool> {
    let history: i64 = action_history::table
        .filter(action_history::action_id.eq(id))
        .count()
        .get_result(conn)?;
    let proposals: i64 = change_requests::table
        .filter(change_requests::action_id.eq(id))
        .count()
        .get_result(conn)?;
    let comments: i64 = comments::table
        .filter(comments::action_id.eq(id))
        .count()
        .get_result(conn)?;
    Ok(history + proposals + comments > 0)
}

pub fn delete_action(conn: &mut PgConnection, id: Uuid) -> DbResult<()> {
    diesel::delete(actions::table.find(id)).execute(conn)?;
    Ok(())
}

/// Takes the action and its sub-actions out of the plan; the rows stay for the history.
pub fn archive_action(conn: &mut PgConnection, id: Uuid) -> DbResult<()> {
    diesel::update(
        actions::table
            .filter(actions::id.eq(id).or(actions::parent_id.eq(id)))
            .filter(actions::archived_at.is_null()),
    )
    .set(actions::archived_at.eq(Utc::now()))
    .execute(conn)?;
    Ok(())
}

/// The plan of an opinion of the CPAS, the opinion locked for the edit.
pub fn lock_opinion(conn: &mut PgConnection, tenant: TenantId, id: Uuid) -> DbResult<Uuid> {
    opinions::table
        .filter(opinions::id.eq(id))
        .filter(opinions::tenant_id.eq(tenant.get()))
        .select(opinions::plan_id)
        .for_update()
        .first(conn)
        .optional()?
        .ok_or(DbError::NotFound("opinion"))
}

/// Rewrites an opinion and drops its links to objectives (to be linked again).
pub fn update_opinion(
    conn: &mut PgConnection,
    id: Uuid,
    heading: Option<&str>,
    body: &str,
    position: Option<i32>,
) -> DbResult<()> {
    diesel::update(opinions::table.find(id))
        .set((
            opinions::heading.eq(heading),
            opinions::body.eq(body),
            position.map(|p| opinions::position.eq(p.max(0))),
            opinions::version.eq(opinions::version + 1),
        ))
        .execute(conn)?;
    diesel::delete(opinion_objectives::table.filter(opinion_objectives::opinion_id.eq(id)))
        .execute(conn)?;
    Ok(())
}

/// Adds an opinion to the plan, at `position` or after the others.
pub fn insert_opinion(
    conn: &mut PgConnection,
    tenant: TenantId,
    plan: PlanId,
    heading: Option<&str>,
    body: &str,
    position: Option<i32>,
) -> DbResult<Uuid> {
    let next: Option<i32> = opinions::table
        .filter(opinions::plan_id.eq(plan.get()))
        .select(diesel::dsl::max(opinions::position))
        .first(conn)?;
    Ok(diesel::insert_into(opinions::table)
        .values((
            opinions::tenant_id.eq(tenant.get()),
            opinions::plan_id.eq(plan.get()),
            opinions::heading.eq(heading),
            opinions::body.eq(body),
            opinions::position.eq(position.unwrap_or_else(|| next.map_or(0, |n| n + 1)).max(0)),
        ))
        .returning(opinions::id)
        .get_result(conn)?)
}

/// Links an opinion to objectives of its plan, in order.
pub fn link_opinion(
    conn: &mut PgConnection,
    tenant: TenantId,
    plan: Uuid,
    id: Uuid,
    objectives: &[Uuid],
) -> DbResult<()> {
    let links: Vec<_> = (0..)
        .zip(objectives)
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
        .execute(conn)?;
    Ok(())
}

pub fn delete_opinion(conn: &mut PgConnection, tenant: TenantId, id: Uuid) -> DbResult<()> {
    let deleted = diesel::delete(
        opinions::table
            .filter(opinions::id.eq(id))
            .filter(opinions::tenant_id.eq(tenant.get())),
    )
    .execute(conn)?;
    if deleted == 0 {
        return Err(DbError::NotFound("opinion"));
    }
    Ok(())
}

/// An action's indicators and budget lines, in their order.
pub type MeasuresDetail = (Vec<wire::Indicator>, Vec<wire::BudgetLine>);

/// The indicators and budget lines of an action, in their order. Two statements.
pub fn measures_detail(conn: &mut PgConnection, action: Uuid) -> DbResult<MeasuresDetail> {
    Ok(measures_details(conn, &[action])?
        .remove(&action)
        .unwrap_or_default())
}

/// The indicators and budget lines of many actions (a whole plan's report or workbook), in
/// their order. Two statements, whatever the number of actions.
pub fn measures_details(
    conn: &mut PgConnection,
    actions: &[Uuid],
) -> DbResult<HashMap<Uuid, MeasuresDetail>> {
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
        Option<String>,
        i64,
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
            budget_lines::label,
            budget_lines::planned_cents,
            budget_lines::engaged_cents,
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
        label,
        planned_cents,
        engaged_cents,
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
            label,
            planned_cents,
            engaged_cents,
            spent_cents,
            funding_source,
            position,
        });
    }
    Ok(details)
}

/// An indicator's definition, checked.
pub struct IndicatorFields {
    pub name: String,
    pub unit: Option<String>,
    pub year: Option<i32>,
    pub baseline: Option<f64>,
    pub target: Option<f64>,
}

/// Adds an indicator after the action's others.
pub fn insert_indicator(
    conn: &mut PgConnection,
    tenant: TenantId,
    action: Uuid,
    fields: &IndicatorFields,
) -> DbResult<()> {
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
}

/// Redefines a live indicator of the CPAS (its measurements are follow-up); returns its
/// action's id.
pub fn update_indicator(
    conn: &mut PgConnection,
    tenant: TenantId,
    id: Uuid,
    fields: &IndicatorFields,
) -> DbResult<Uuid> {
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
    .ok_or(DbError::NotFound("indicator"))
}

/// Archives an indicator: it leaves its action, the row stays for the history; returns
/// its action's id.
pub fn archive_indicator(conn: &mut PgConnection, tenant: TenantId, id: Uuid) -> DbResult<Uuid> {
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
    .ok_or(DbError::NotFound("indicator"))
}

/// A budget line's definition, checked.
pub struct BudgetLineFields {
    pub input: wire::BudgetLineInput,
    pub article: Option<String>,
    pub label: Option<String>,
    pub funding_source: Option<String>,
}

/// Adds a budget line after the action's others.
pub fn insert_budget_line(
    conn: &mut PgConnection,
    tenant: TenantId,
    action: Uuid,
    fields: &BudgetLineFields,
) -> DbResult<()> {
    let next: Option<i32> = budget_lines::table
        .filter(budget_lines::action_id.eq(action))
        .select(diesel::dsl::max(budget_lines::position))
        .first(conn)?;
    let input = &fields.input;
    diesel::insert_into(budget_lines::table)
        .values((
            budget_lines::tenant_id.eq(tenant.get()),
            budget_lines::action_id.eq(action),
            budget_lines::year.eq(input.year),
            budget_lines::service.eq(input.service.as_str()),
            budget_lines::direction.eq(input.direction.as_str()),
            budget_lines::article.eq(&fields.article),
            budget_lines::label.eq(&fields.label),
            budget_lines::planned_cents.eq(input.planned_cents),
            budget_lines::funding_source.eq(&fields.funding_source),
            budget_lines::position.eq(next.map_or(0, |n| n + 1)),
        ))
        .execute(conn)?;
    Ok(())
}

/// Redefines a live budget line of the CPAS (what is spent is follow-up); returns its
/// action's id.
pub fn update_budget_line(
    conn: &mut PgConnection,
    tenant: TenantId,
    id: Uuid,
    fields: &BudgetLineFields,
) -> DbResult<Uuid> {
    let input = &fields.input;
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
        budget_lines::article.eq(&fields.article),
        budget_lines::label.eq(&fields.label),
        budget_lines::planned_cents.eq(input.planned_cents),
        budget_lines::funding_source.eq(&fields.funding_source),
        budget_lines::version.eq(budget_lines::version + 1),
    ))
    .returning(budget_lines::action_id)
    .get_result(conn)
    .optional()?
    .ok_or(DbError::NotFound("budget line"))
}

/// Archives a budget line: it leaves its action, the row stays for the history; returns
/// its action's id.
pub fn archive_budget_line(conn: &mut PgConnection, tenant: TenantId, id: Uuid) -> DbResult<Uuid> {
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
    .ok_or(DbError::NotFound("budget line"))
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
