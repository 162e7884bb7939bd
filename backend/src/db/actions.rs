//! Action queries outside the plan tree.

use api_types as wire;
use diesel::prelude::*;
use uuid::Uuid;

use super::models::{Action, ActionOrganisation, Organisation, Plan};
use super::plans::{group_organisations, wire_action};
use super::rules::{self, Flags};
use super::schema::{action_organisations, actions, objectives, organisations, plans};
use super::stored;
use super::stored::Stored;
use super::{DbError, DbResult};
use crate::domain::{ActionId, TenantId};

/// An action with its plan (id, title) and objective (code, title).
type Located = (Action, Flags, Plan, (String, String));

/// A live action of the CPAS and its live sub-actions' ids (the action's first). One
/// statement.
pub fn with_sub_actions(
    conn: &mut PgConnection,
    tenant: TenantId,
    id: ActionId,
) -> DbResult<Vec<Uuid>> {
    let family: Vec<(Uuid, Option<Uuid>)> = actions::table
        .filter(actions::tenant_id.eq(tenant.get()))
        .filter(actions::archived_at.is_null())
        .filter(actions::id.eq(id.get()).or(actions::parent_id.eq(id.get())))
        .order((
            actions::parent_id.is_not_null(),
            actions::position,
            actions::code,
        ))
        .select((actions::id, actions::parent_id))
        .load(conn)?;
    if family.first().is_none_or(|(first, _)| *first != id.get()) {
        return Err(DbError::NotFound("action"));
    }
    Ok(family.into_iter().map(|(id, _)| id).collect())
}

/// An action of the CPAS, with the organisations that carry it (a sub-action's are its own
/// and its action's). Another CPAS's action is not found.
pub fn load_action(
    conn: &mut PgConnection,
    tenant: TenantId,
    id: ActionId,
) -> DbResult<wire::ActionDetail> {
    let found: Option<Located> = actions::table
        .inner_join(objectives::table)
        .inner_join(plans::table.on(plans::id.eq(actions::plan_id)))
        .filter(actions::id.eq(id.get()))
        .filter(actions::tenant_id.eq(tenant.get()))
        .filter(actions::archived_at.is_null())
        .select((
            Action::as_select(),
            rules::flags(),
            Plan::as_select(),
            (objectives::code, objectives::title),
        ))
        .first(conn)
        .optional()?;
    let Some((action, flags, plan, (objective_code, objective_title))) = found else {
        return Err(DbError::NotFound("action"));
    };
    // Its parent (a sub-action's) or its sub-actions (an action's), in order.
    let relatives: Vec<(Action, Flags)> = actions::table
        .filter(actions::tenant_id.eq(tenant.get()))
        .filter(actions::archived_at.is_null())
        .filter(
            actions::parent_id
                .eq(action.id)
                .or(actions::id.nullable().eq(action.parent_id)),
        )
        .order((actions::position, actions::code))
        .select((Action::as_select(), rules::flags()))
        .load(conn)?;
    let related: Vec<Uuid> = std::iter::once(action.id)
        .chain(relatives.iter().map(|(a, _)| a.id))
        .collect();
    let links: Vec<(ActionOrganisation, Organisation)> = action_organisations::table
        .inner_join(organisations::table)
        .filter(action_organisations::action_id.eq_any(&related))
        .order((
            action_organisations::action_id,
            action_organisations::position,
            organisations::name,
        ))
        .select((ActionOrganisation::as_select(), Organisation::as_select()))
        .load(conn)?;
    let carriers: Vec<Uuid> = links
        .iter()
        .filter(|(link, _)| link.action_id == action.id || Some(link.action_id) == action.parent_id)
        .map(|(_, o)| o.id)
        .collect();
    let mut organisations_of = group_organisations(links)?;
    let (lead, collaborators) = organisations_of.remove(&action.id).unwrap_or_default();
    let mut parent = None;
    let mut sub_actions = Vec::new();
    for (relative, relative_flags) in relatives {
        if Some(relative.id) == action.parent_id {
            parent = Some(wire::ActionLink {
                id: relative.id,
                code: relative.code,
                title: relative.title,
            });
        } else {
            let (lead, collaborators) = organisations_of.remove(&relative.id).unwrap_or_default();
            sub_actions.push(wire_action(
                relative,
                relative_flags,
                lead,
                collaborators,
                Vec::new(),
            )?);
        }
    }
    let objective_id = action.objective_id;
    let journal = super::follow_up::journal(conn, action.id)?;
    let (indicators, budget_lines) = super::structure::measures_detail(conn, action.id)?;
    let pending_change_requests = super::follow_up::pending_of(conn, action.id)?;
    let mut action = wire_action(action, flags, lead, collaborators, sub_actions)?;
    let ids: Vec<Uuid> = std::iter::once(action.id)
        .chain(action.sub_actions.iter().map(|s| s.id))
        .collect();
    let tags = super::sectoral::tags_of(conn, tenant, &ids)?;
    super::sectoral::tag_action(&mut action, &tags);
    Ok(wire::ActionDetail {
        plan_id: plan.id,
        plan_title: plan.title,
        objective_id,
        objective_code,
        objective_title,
        parent,
        action,
        indicators,
        budget_lines,
        journal,
        pending_change_requests,
        carriers,
    })
}

/// The actions an organisation leads or collaborates on, in plan order, with their
/// `late` and `stale` flags.
pub fn of_organisation(
    conn: &mut PgConnection,
    tenant: TenantId,
    organisation: Uuid,
) -> DbResult<Vec<wire::ActionRef>> {
    let rows: Vec<(Action, Flags, Plan, String, Stored<wire::OrgRole>)> =
        action_organisations::table
            .inner_join(actions::table.inner_join(objectives::table))
            .inner_join(plans::table.on(plans::id.eq(actions::plan_id)))
            .filter(action_organisations::organisation_id.eq(organisation))
            .filter(action_organisations::tenant_id.eq(tenant.get()))
            .filter(actions::archived_at.is_null())
            .order((
                plans::created_at,
                objectives::position,
                actions::position,
                actions::code,
            ))
            .select((
                Action::as_select(),
                rules::flags(),
                Plan::as_select(),
                objectives::code,
                action_organisations::role,
            ))
            .load(conn)?;
    rows.into_iter()
        .map(|(action, flags, plan, objective_code, Stored(role))| {
            Ok(wire::ActionRef {
                late: flags.late,
                stale: flags.stale,
                kind: action.kind.as_deref().map(stored).transpose()?,
                status: action.status,
                id: action.id,
                code: action.code,
                title: action.title,
                progress: action.progress,
                plan_id: plan.id,
                plan_title: plan.title,
                objective_code,
                role,
            })
        })
        .collect()
}
