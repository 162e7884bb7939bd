//! Writing an imported plan, and reading what the workbook shows beyond the tree.

use std::collections::HashMap;

use diesel::prelude::*;
use uuid::Uuid;

use super::DbResult;
use super::schema::{
    action_organisations, action_sectoral_plans, actions, journal_entries,
    objective_sectoral_plans, objectives, organisations, users,
};
use super::stored::Stored;
use crate::domain::{PlanId, TenantId};
use crate::interchange::{Draft, DraftAction, Ownership};

/// Writes the objectives, actions and sub-actions of a validated file into the new, empty plan `plan`,
/// in a handful of statements whatever its size. Organisations named in the file and
/// unknown to the CPAS are created (kind `other`). Runs in the caller's transaction.
/// The CPAS's active people (not its integration accounts), as a file may name them as a
/// responsible: id, display name, e-mail.
pub fn people(conn: &mut PgConnection, tenant: TenantId) -> DbResult<Vec<(Uuid, String, String)>> {
    Ok(users::table
        .filter(users::tenant_id.eq(tenant.get()))
        .filter(users::active.eq(true))
        .filter(users::kind.eq("person"))
        .select((users::id, users::display_name, users::email))
        .load(conn)?)
}

/// Writes the file's plan into `plan`; `people` gives the id of each responsible as the
/// file names them (see [`people`]).
pub fn insert_contents(
    conn: &mut PgConnection,
    tenant: TenantId,
    plan: PlanId,
    draft: &Draft,
    people: &HashMap<String, Uuid>,
) -> DbResult<()> {
    let responsible = |own: &Ownership| {
        own.responsible
            .as_ref()
            .and_then(|(_, name)| people.get(name).copied())
    };
    let t = tenant.get();

    // Organisations, matched by name without regard to case.
    let mut by_name: HashMap<String, Uuid> = organisations::table
        .filter(organisations::tenant_id.eq(t))
        .select((organisations::name, organisations::id))
        .load::<(String, Uuid)>(conn)?
        .into_iter()
        .map(|(name, id)| (name.to_lowercase(), id))
        .collect();
    let missing: Vec<String> = draft
        .organisations()
        .into_iter()
        .filter(|name| !by_name.contains_key(&name.to_lowercase()))
        .collect();
    if !missing.is_empty() {
        let rows: Vec<_> = missing
            .iter()
            .map(|name| {
                (
                    organisations::tenant_id.eq(t),
                    organisations::name.eq(name),
                    organisations::kind.eq("other"),
                )
            })
            .collect();
        let created: Vec<(String, Uuid)> = diesel::insert_into(organisations::table)
            .values(rows)
            .returning((organisations::name, organisations::id))
            .get_results(conn)?;
        by_name.extend(created.into_iter().map(|(n, id)| (n.to_lowercase(), id)));
    }

    // Strategic objectives, then operational ones under them.
    let strategic: Vec<_> = draft
        .strategic
        .iter()
        .enumerate()
        .map(|(position, os)| {
            (
                objectives::tenant_id.eq(t),
                objectives::plan_id.eq(plan.get()),
                objectives::level.eq("strategic"),
                objectives::volet.eq(os.volet.as_str()),
                objectives::code.eq(&os.code),
                objectives::title.eq(&os.title),
                objectives::position.eq(i32::try_from(position).unwrap_or(i32::MAX)),
                objectives::political_lead.eq(os.own.political_lead.as_deref()),
                objectives::political_function.eq(os.own.political_function.as_deref()),
                objectives::responsible_user_id.eq(responsible(&os.own)),
                objectives::planned_start.eq(os.planned_start),
                objectives::planned_end.eq(os.planned_end),
            )
        })
        .collect();
    let strategic_ids: HashMap<String, Uuid> = if strategic.is_empty() {
        HashMap::new()
    } else {
        diesel::insert_into(objectives::table)
            .values(strategic)
            .returning((objectives::code, objectives::id))
            .get_results::<(String, Uuid)>(conn)?
            .into_iter()
            .collect()
    };
    let operational: Vec<_> = draft
        .strategic
        .iter()
        .flat_map(|os| {
            let parent = strategic_ids.get(&os.code).copied();
            os.operational
                .iter()
                .enumerate()
                .map(move |(position, oo)| {
                    (
                        objectives::tenant_id.eq(t),
                        objectives::plan_id.eq(plan.get()),
                        objectives::parent_id.eq(parent),
                        objectives::level.eq("operational"),
                        objectives::volet.eq(oo.volet.as_str()),
                        objectives::code.eq(&oo.code),
                        objectives::title.eq(&oo.title),
                        objectives::position.eq(i32::try_from(position).unwrap_or(i32::MAX)),
                        objectives::political_lead.eq(oo.own.political_lead.as_deref()),
                        objectives::political_function.eq(oo.own.political_function.as_deref()),
                        objectives::responsible_user_id.eq(responsible(&oo.own)),
                        objectives::planned_start.eq(oo.planned_start),
                        objectives::planned_end.eq(oo.planned_end),
                    )
                })
        })
        .collect();
    let operational_ids: HashMap<String, Uuid> = if operational.is_empty() {
        HashMap::new()
    } else {
        diesel::insert_into(objectives::table)
            .values(operational)
            .returning((objectives::code, objectives::id))
            .get_results::<(String, Uuid)>(conn)?
            .into_iter()
            .collect()
    };

    // Actions, by chunks well under PostgreSQL's limit of bound parameters.
    let all: Vec<(Uuid, usize, &DraftAction)> = draft
        .strategic
        .iter()
        .flat_map(|os| &os.operational)
        .flat_map(|oo| {
            let objective = operational_ids.get(&oo.code).copied().unwrap_or_default();
            oo.actions
                .iter()
                .enumerate()
                .map(move |(i, a)| (objective, i, a))
        })
        .collect();
    let mut action_ids: HashMap<String, Uuid> = HashMap::new();
    for chunk in all.chunks(1000) {
        let rows: Vec<_> = chunk
            .iter()
            .map(|(objective, position, a)| {
                (
                    actions::tenant_id.eq(t),
                    actions::plan_id.eq(plan.get()),
                    actions::objective_id.eq(*objective),
                    actions::code.eq(&a.code),
                    actions::kind.eq(a.kind.map(|k| k.as_str())),
                    actions::title.eq(&a.title),
                    actions::description.eq(a.description.as_deref()),
                    actions::reservation.eq(a.reservation.as_deref()),
                    actions::status.eq(Stored(a.status)),
                    actions::progress.eq(a.progress),
                    actions::planned_start.eq(a.planned_start),
                    actions::planned_end.eq(a.planned_end),
                    actions::position.eq(i32::try_from(*position).unwrap_or(i32::MAX)),
                    actions::progress_by_hand.eq(a.progress_by_hand),
                    actions::health.eq(a.health.map(Stored)),
                    actions::health_comment.eq(a.health_comment.as_deref()),
                    actions::political_lead.eq(a.own.political_lead.as_deref()),
                    actions::political_function.eq(a.own.political_function.as_deref()),
                    actions::responsible_user_id.eq(responsible(&a.own)),
                )
            })
            .collect();
        let created: Vec<(String, Uuid)> = diesel::insert_into(actions::table)
            .values(rows)
            .returning((actions::code, actions::id))
            .get_results(conn)?;
        action_ids.extend(created);
    }

    // Sub-actions under their action, once every action is written (the database rolls
    // each action's progress up from them unless it is set by hand).
    let steps: Vec<(Uuid, Uuid, usize, &DraftAction)> = all
        .iter()
        .filter_map(|(objective, _, a)| Some((*objective, *action_ids.get(&a.code)?, *a)))
        .flat_map(|(objective, parent, a)| {
            a.sub_actions
                .iter()
                .enumerate()
                .map(move |(i, step)| (objective, parent, i, step))
        })
        .collect();
    for chunk in steps.chunks(1000) {
        let rows: Vec<_> = chunk
            .iter()
            .map(|(objective, parent, position, a)| {
                (
                    (
                        actions::tenant_id.eq(t),
                        actions::plan_id.eq(plan.get()),
                        actions::objective_id.eq(*objective),
                        actions::parent_id.eq(*parent),
                        actions::code.eq(&a.code),
                        actions::kind.eq(a.kind.map(|k| k.as_str())),
                        actions::title.eq(&a.title),
                        actions::description.eq(a.description.as_deref()),
                        actions::reservation.eq(a.reservation.as_deref()),
                    ),
                    (
                        actions::status.eq(Stored(a.status)),
                        actions::progress.eq(a.progress),
                        actions::planned_start.eq(a.planned_start),
                        actions::planned_end.eq(a.planned_end),
                        actions::position.eq(i32::try_from(*position).unwrap_or(i32::MAX)),
                        actions::weight.eq(a.weight),
                        actions::health.eq(a.health.map(Stored)),
                        actions::health_comment.eq(a.health_comment.as_deref()),
                    ),
                    (
                        actions::political_lead.eq(a.own.political_lead.as_deref()),
                        actions::political_function.eq(a.own.political_function.as_deref()),
                        actions::responsible_user_id.eq(responsible(&a.own)),
                    ),
                )
            })
            .collect();
        let created: Vec<(String, Uuid)> = diesel::insert_into(actions::table)
            .values(rows)
            .returning((actions::code, actions::id))
            .get_results(conn)?;
        action_ids.extend(created);
    }

    // The lead entity and the collaborators of each action.
    let mut links = Vec::new();
    let every = all
        .iter()
        .map(|(_, _, a)| *a)
        .chain(steps.iter().map(|(_, _, _, a)| *a));
    for a in every {
        let Some(&action) = action_ids.get(&a.code) else {
            continue;
        };
        let lead = a
            .lead
            .as_ref()
            .and_then(|n| by_name.get(&n.to_lowercase()).copied());
        if let Some(organisation) = lead {
            links.push((action, organisation, api_types::OrgRole::Lead, 0));
        }
        let mut position = 0;
        for name in &a.collaborators {
            let Some(&organisation) = by_name.get(&name.to_lowercase()) else {
                continue;
            };
            // An organisation is on an action once: as lead, or as a collaborator.
            if Some(organisation) == lead
                || links.iter().any(|l| l.0 == action && l.1 == organisation)
            {
                continue;
            }
            links.push((
                action,
                organisation,
                api_types::OrgRole::Collaborator,
                position,
            ));
            position += 1;
        }
    }
    insert_sectoral_tags(
        conn,
        tenant,
        draft,
        (&strategic_ids, &operational_ids, &action_ids),
    )?;

    for chunk in links.chunks(5000) {
        let rows: Vec<_> = chunk
            .iter()
            .map(|(action, organisation, role, position)| {
                (
                    action_organisations::tenant_id.eq(t),
                    action_organisations::action_id.eq(*action),
                    action_organisations::organisation_id.eq(*organisation),
                    action_organisations::role.eq(Stored(*role)),
                    action_organisations::position.eq(*position),
                )
            })
            .collect();
        diesel::insert_into(action_organisations::table)
            .values(rows)
            .execute(conn)?;
    }
    Ok(())
}

/// The ids of what the import wrote, by code: strategic objectives, operational ones,
/// actions and sub-actions.
type WrittenIds<'a> = (
    &'a HashMap<String, Uuid>,
    &'a HashMap<String, Uuid>,
    &'a HashMap<String, Uuid>,
);

/// The sectoral plans the file tags its objectives, actions and sub-actions with, found
/// by name without regard to case, those the CPAS does not have yet created; then the
/// tags. `ids` are the ids of the strategic objectives, the operational ones and the
/// actions written, by code.
fn insert_sectoral_tags(
    conn: &mut PgConnection,
    tenant: TenantId,
    draft: &Draft,
    ids: WrittenIds<'_>,
) -> DbResult<()> {
    let names = draft.sectoral_plans();
    if names.is_empty() {
        return Ok(());
    }
    let mut by_name: HashMap<String, Uuid> = super::sectoral::list(conn, tenant)?
        .into_iter()
        .map(|p| (p.name.to_lowercase(), p.id))
        .collect();
    for name in names {
        if let std::collections::hash_map::Entry::Vacant(entry) = by_name.entry(name.to_lowercase())
        {
            entry.insert(super::sectoral::create(conn, tenant, &name)?.id);
        }
    }
    let tags_of = |own: &Ownership| -> Vec<Uuid> {
        let mut tags: Vec<Uuid> = Vec::new();
        for name in &own.sectoral_plans {
            if let Some(id) = by_name.get(&name.to_lowercase())
                && !tags.contains(id)
            {
                tags.push(*id);
            }
        }
        tags
    };
    let (strategic, operational, actions) = ids;
    let mut objective_rows = Vec::new();
    let mut action_rows = Vec::new();
    for os in &draft.strategic {
        if let Some(&id) = strategic.get(&os.code) {
            objective_rows.extend(tags_of(&os.own).into_iter().map(|p| (id, p)));
        }
        for oo in &os.operational {
            if let Some(&id) = operational.get(&oo.code) {
                objective_rows.extend(tags_of(&oo.own).into_iter().map(|p| (id, p)));
            }
            for a in oo
                .actions
                .iter()
                .flat_map(|a| std::iter::once(a).chain(&a.sub_actions))
            {
                if let Some(&id) = actions.get(&a.code) {
                    action_rows.extend(tags_of(&a.own).into_iter().map(|p| (id, p)));
                }
            }
        }
    }
    let t = tenant.get();
    for chunk in objective_rows.chunks(5000) {
        let rows: Vec<_> = chunk
            .iter()
            .map(|(objective, plan)| {
                (
                    objective_sectoral_plans::tenant_id.eq(t),
                    objective_sectoral_plans::objective_id.eq(*objective),
                    objective_sectoral_plans::sectoral_plan_id.eq(*plan),
                )
            })
            .collect();
        diesel::insert_into(objective_sectoral_plans::table)
            .values(rows)
            .execute(conn)?;
    }
    for chunk in action_rows.chunks(5000) {
        let rows: Vec<_> = chunk
            .iter()
            .map(|(action, plan)| {
                (
                    action_sectoral_plans::tenant_id.eq(t),
                    action_sectoral_plans::action_id.eq(*action),
                    action_sectoral_plans::sectoral_plan_id.eq(*plan),
                )
            })
            .collect();
        diesel::insert_into(action_sectoral_plans::table)
            .values(rows)
            .execute(conn)?;
    }
    Ok(())
}

/// The latest journal note of each of `action_ids` that has one.
pub fn latest_notes(
    conn: &mut PgConnection,
    action_ids: &[Uuid],
) -> DbResult<HashMap<Uuid, String>> {
    let notes: Vec<(Uuid, String)> = journal_entries::table
        .filter(journal_entries::action_id.eq_any(action_ids))
        .order((
            journal_entries::action_id,
            journal_entries::created_at.desc(),
        ))
        .distinct_on(journal_entries::action_id)
        .select((journal_entries::action_id, journal_entries::body))
        .load(conn)?;
    Ok(notes.into_iter().collect())
}
