//! Plan queries: the list and the whole tree in a bounded number of statements.

use std::collections::HashMap;

use api_types as wire;
use chrono::{DateTime, NaiveDate, Utc};
use diesel::dsl::{count_star, sql};
use diesel::prelude::*;
use diesel::sql_types::{Date, Timestamptz};
use uuid::Uuid;

use super::models::{Action, ActionOrganisation, Objective, Opinion, Organisation, Plan, Tenant};
use super::rules::{self, Flags};
use super::schema::{
    action_organisations, actions, content_revisions, objectives, opinion_objectives, opinions,
    organisations, plans, tenants,
};
use super::stored;
use super::{DbError, DbResult};
use crate::domain::{PlanId, TenantId};

/// The plans of a CPAS with their counts, oldest first. Three statements.
pub fn list_plans(conn: &mut PgConnection, tenant: TenantId) -> DbResult<Vec<wire::PlanSummary>> {
    let rows: Vec<(Plan, Tenant)> = plans::table
        .inner_join(tenants::table)
        .filter(plans::tenant_id.eq(tenant.get()))
        .order((tenants::name, plans::created_at, plans::id))
        .select((Plan::as_select(), Tenant::as_select()))
        .load(conn)?;
    let ids: Vec<Uuid> = rows.iter().map(|(p, _)| p.id).collect();

    let objective_counts: Vec<(Uuid, String, i64)> = objectives::table
        .filter(objectives::plan_id.eq_any(&ids))
        .group_by((objectives::plan_id, objectives::level))
        .select((objectives::plan_id, objectives::level, count_star()))
        .load(conn)?;
    let action_counts: HashMap<Uuid, i64> = actions::table
        .filter(actions::plan_id.eq_any(&ids))
        .filter(actions::archived_at.is_null())
        .filter(actions::parent_id.is_null())
        .group_by(actions::plan_id)
        .select((actions::plan_id, count_star()))
        .load::<(Uuid, i64)>(conn)?
        .into_iter()
        .collect();

    rows.into_iter()
        .map(|(plan, tenant)| {
            let count = |level: wire::ObjectiveLevel| {
                objective_counts
                    .iter()
                    .find(|(id, l, _)| *id == plan.id && l == level.as_str())
                    .map_or(0, |(_, _, n)| *n)
            };
            Ok(wire::PlanSummary {
                id: plan.id,
                strategic_objective_count: count(wire::ObjectiveLevel::Strategic),
                operational_objective_count: count(wire::ObjectiveLevel::Operational),
                action_count: action_counts.get(&plan.id).copied().unwrap_or(0),
                tenant: tenant_ref(tenant),
                title: plan.title,
                start_year: plan.start_year,
                end_year: plan.end_year,
                status: plan.status,
                adopted_on: plan.adopted_on,
                version: plan.version,
                updated_at: plan.updated_at,
            })
        })
        .collect()
}

/// The whole tree of one plan in six statements whatever the plan's size: plan with
/// tenant and opinions, objectives, actions, organisation links, sectoral plan tags and
/// the CPAS's sectoral plans. Consistent when read
/// within one snapshot, which the caller opens. A plan of another CPAS is not found.
pub fn plan_tree_of(
    conn: &mut PgConnection,
    tenant: TenantId,
    id: PlanId,
) -> DbResult<wire::PlanTree> {
    load_tree(conn, tenant, id.get()).map(|(tree, _)| tree)
}

/// The content revision of a CPAS: raised at the commit of every change to what its plan
/// trees show (triggers of migration `…000007_content_revisions`); 0 before any.
pub fn content_revision(conn: &mut PgConnection, tenant: TenantId) -> DbResult<i64> {
    Ok(content_revisions::table
        .find(tenant.get())
        .select(content_revisions::revision)
        .first(conn)
        .optional()?
        .unwrap_or(0))
}

/// A plan tree with what a cache of it needs to know.
pub struct TreeSnapshot {
    pub tree: wire::PlanTree,
    /// The CPAS's content revision the tree was read at.
    pub revision: i64,
    /// When a time-dependent flag next changes (`late` at midnight, `stale` when an action
    /// passes its reporting deadline): the tree may differ after, even without a write.
    pub fresh_until: DateTime<Utc>,
}

/// The plan tree and the revision it was read at; consistent when read within one
/// snapshot, which the caller opens.
pub fn plan_tree_snapshot(
    conn: &mut PgConnection,
    tenant: TenantId,
    id: PlanId,
) -> DbResult<TreeSnapshot> {
    let revision = content_revision(conn, tenant)?;
    let (tree, fresh_until) = load_tree(conn, tenant, id.get())?;
    Ok(TreeSnapshot {
        tree,
        revision,
        fresh_until,
    })
}

/// Not found unless the plan exists in the CPAS.
pub fn plan_exists(conn: &mut PgConnection, tenant: TenantId, id: PlanId) -> DbResult<()> {
    let found: i64 = plans::table
        .filter(plans::id.eq(id.get()))
        .filter(plans::tenant_id.eq(tenant.get()))
        .count()
        .get_result(conn)?;
    if found == 0 {
        return Err(DbError::NotFound("plan"));
    }
    Ok(())
}

/// A row of the tree's first statement: the plan, its CPAS, one opinion with one of its
/// objectives, when the next Belgian day starts, and today's date there.
type Head = (
    Plan,
    Tenant,
    Option<Opinion>,
    Option<Uuid>,
    DateTime<Utc>,
    NaiveDate,
);

/// The tree, and until when its time-dependent flags hold.
fn load_tree(
    conn: &mut PgConnection,
    tenant: TenantId,
    plan_id: Uuid,
) -> DbResult<(wire::PlanTree, DateTime<Utc>)> {
    let tenant_id = tenant.get();
    let head: Vec<Head> = plans::table
        .inner_join(tenants::table)
        .left_join(opinions::table.left_join(opinion_objectives::table))
        .filter(plans::id.eq(plan_id))
        .filter(plans::tenant_id.eq(tenant_id))
        .order((
            opinions::position.nullable(),
            opinion_objectives::position.nullable(),
        ))
        .select((
            Plan::as_select(),
            Tenant::as_select(),
            Option::<Opinion>::as_select(),
            opinion_objectives::objective_id.nullable(),
            sql::<Timestamptz>(rules::NEXT_DAY_START),
            sql::<Date>(rules::TODAY),
        ))
        .load(conn)?;
    let Some((plan, tenant, _, _, next_day_start, today)) = head.first().cloned() else {
        return Err(DbError::NotFound("plan"));
    };

    let objective_rows: Vec<Objective> = objectives::table
        .filter(objectives::plan_id.eq(plan_id))
        .order((objectives::position, objectives::code))
        .select(Objective::as_select())
        .load(conn)?;
    let action_rows: Vec<(Action, Flags)> = actions::table
        .filter(actions::plan_id.eq(plan_id))
        .filter(actions::archived_at.is_null())
        .order((actions::position, actions::code))
        .select((Action::as_select(), rules::flags()))
        .load(conn)?;
    // By the ids just read and the tenant: index probes, where a join on `plan_id` let the
    // planner hash the whole federation's links and organisations (docs/benchmarks.md).
    let action_ids: Vec<Uuid> = action_rows.iter().map(|(a, _)| a.id).collect();
    let links: Vec<(ActionOrganisation, Organisation)> = action_organisations::table
        .inner_join(organisations::table)
        .filter(action_organisations::action_id.eq_any(&action_ids))
        .filter(organisations::tenant_id.eq(tenant_id))
        .order((
            action_organisations::action_id,
            action_organisations::position,
            organisations::name,
        ))
        .select((ActionOrganisation::as_select(), Organisation::as_select()))
        .load(conn)?;

    let codes: HashMap<Uuid, &str> = objective_rows
        .iter()
        .map(|o| (o.id, o.code.as_str()))
        .collect();
    let opinions = assemble_opinions(&head, &codes);
    let fresh_until = rules::next_change(
        action_rows.iter().map(|(_, flags)| flags),
        next_day_start,
        Utc::now(),
    );
    let element_ids: Vec<Uuid> = objective_rows
        .iter()
        .map(|o| o.id)
        .chain(action_ids.iter().copied())
        .collect();
    let tags = super::sectoral::tags_of(conn, TenantId::new(tenant_id), &element_ids)?;
    let sectoral_plans = super::sectoral::list(conn, TenantId::new(tenant_id))?;
    let mut objectives = assemble_objectives(&objective_rows, action_rows, links)?;
    super::sectoral::tag_tree(&mut objectives, &tags);

    let tree = wire::PlanTree {
        id: plan.id,
        tenant: tenant_ref(tenant),
        title: plan.title,
        start_year: plan.start_year,
        end_year: plan.end_year,
        status: plan.status,
        adopted_on: plan.adopted_on,
        opinion_title: plan.opinion_title,
        published_at: plan.published_at,
        version: plan.version,
        updated_at: plan.updated_at,
        as_of: Some(today),
        objectives,
        opinions,
        sectoral_plans,
    };
    Ok((tree, fresh_until))
}

fn assemble_opinions(head: &[Head], codes: &HashMap<Uuid, &str>) -> Vec<wire::Opinion> {
    let mut opinions: Vec<wire::Opinion> = Vec::new();
    for (_, _, opinion, objective_id, _, _) in head {
        let Some(opinion) = opinion else { continue };
        if opinions.last().is_none_or(|o| o.id != opinion.id) {
            opinions.push(wire::Opinion {
                id: opinion.id,
                heading: opinion.heading.clone(),
                body: opinion.body.clone(),
                position: opinion.position,
                objective_ids: Vec::new(),
                objective_codes: Vec::new(),
            });
        }
        if let (Some(objective_id), Some(current)) = (objective_id, opinions.last_mut()) {
            current.objective_ids.push(*objective_id);
            current.objective_codes.push(
                codes
                    .get(objective_id)
                    .copied()
                    .unwrap_or_default()
                    .to_owned(),
            );
        }
    }
    opinions
}

fn assemble_objectives(
    rows: &[Objective],
    actions: Vec<(Action, Flags)>,
    links: Vec<(ActionOrganisation, Organisation)>,
) -> DbResult<Vec<wire::StrategicObjective>> {
    let mut organisations_of = group_organisations(links)?;
    // Sub-actions first, each under its action (in their order, as read).
    let mut sub_actions_of: HashMap<Uuid, Vec<wire::Action>> = HashMap::new();
    let mut top_level = Vec::new();
    for (action, flags) in actions {
        match action.parent_id {
            Some(parent) => {
                let (lead, collaborators) = organisations_of.remove(&action.id).unwrap_or_default();
                sub_actions_of.entry(parent).or_default().push(wire_action(
                    action,
                    flags,
                    lead,
                    collaborators,
                    Vec::new(),
                )?);
            }
            None => top_level.push((action, flags)),
        }
    }
    let mut actions_of: HashMap<Uuid, Vec<wire::Action>> = HashMap::new();
    for (action, flags) in top_level {
        let (lead, collaborators) = organisations_of.remove(&action.id).unwrap_or_default();
        let sub_actions = sub_actions_of.remove(&action.id).unwrap_or_default();
        actions_of
            .entry(action.objective_id)
            .or_default()
            .push(wire_action(
                action,
                flags,
                lead,
                collaborators,
                sub_actions,
            )?);
    }

    let mut strategic = Vec::new();
    for os in rows.iter().filter(|o| o.parent_id.is_none()) {
        let mut operational = Vec::new();
        for oo in rows.iter().filter(|o| o.parent_id == Some(os.id)) {
            let actions = actions_of.remove(&oo.id).unwrap_or_default();
            // Its live actions' planned dates (archived ones are not read).
            let dates = wire::ObjectiveDates::derive(
                oo.planned_start,
                oo.planned_end,
                actions.iter().map(|a| (a.planned_start, a.planned_end)),
            );
            operational.push(wire::OperationalObjective {
                rollup: wire::Rollup::of(&actions),
                political_lead: oo.political_lead.clone(),
                political_function: oo.political_function.clone(),
                responsible: user_ref(oo.responsible_user_id, oo.responsible_name.clone()),
                political_lead_account: user_ref(
                    oo.political_lead_user_id,
                    oo.political_lead_account_name.clone(),
                ),
                dates,
                id: oo.id,
                code: oo.code.clone(),
                volet: stored(&oo.volet)?,
                title: oo.title.clone(),
                position: oo.position,
                version: oo.version,
                // Set by `sectoral::tag_tree`, as the actions' below.
                sectoral_plans: Vec::new(),
                actions,
            });
        }
        let dates = wire::ObjectiveDates::derive(
            os.planned_start,
            os.planned_end,
            operational.iter().map(|oo| oo.dates.span()),
        );
        strategic.push(wire::StrategicObjective {
            rollup: wire::Rollup::of(operational.iter().flat_map(|oo| &oo.actions)),
            political_lead: os.political_lead.clone(),
            political_function: os.political_function.clone(),
            responsible: user_ref(os.responsible_user_id, os.responsible_name.clone()),
            political_lead_account: user_ref(
                os.political_lead_user_id,
                os.political_lead_account_name.clone(),
            ),
            dates,
            id: os.id,
            code: os.code.clone(),
            volet: stored(&os.volet)?,
            title: os.title.clone(),
            position: os.position,
            version: os.version,
            sectoral_plans: Vec::new(),
            operational_objectives: operational,
        });
    }
    Ok(strategic)
}

/// A responsible as the wire names them, from the id and the name read with the row.
fn user_ref(id: Option<Uuid>, name: Option<String>) -> Option<wire::UserRef> {
    Some(wire::UserRef {
        id: id?,
        display_name: name?,
    })
}

fn tenant_ref(tenant: Tenant) -> wire::TenantRef {
    wire::TenantRef {
        id: tenant.id,
        slug: tenant.slug,
        name: tenant.name,
    }
}

type Carriers = (Option<wire::OrganisationRef>, Vec<wire::OrganisationRef>);

/// Lead and collaborators of each action, from its organisation links in order.
pub(super) fn group_organisations(
    links: Vec<(ActionOrganisation, Organisation)>,
) -> DbResult<HashMap<Uuid, Carriers>> {
    let mut organisations_of: HashMap<Uuid, Carriers> = HashMap::new();
    for (link, organisation) in links {
        let entry = organisations_of.entry(link.action_id).or_default();
        let reference = wire::OrganisationRef {
            id: organisation.id,
            name: organisation.name,
            kind: stored(&organisation.kind)?,
        };
        match link.role {
            wire::OrgRole::Lead => entry.0 = Some(reference),
            wire::OrgRole::Collaborator => entry.1.push(reference),
        }
    }
    Ok(organisations_of)
}

/// An action with its flags as the database computed them (see [`super::rules`]), and
/// its sub-actions.
pub(super) fn wire_action(
    action: Action,
    flags: Flags,
    lead: Option<wire::OrganisationRef>,
    collaborators: Vec<wire::OrganisationRef>,
    sub_actions: Vec<wire::Action>,
) -> DbResult<wire::Action> {
    Ok(wire::Action {
        id: action.id,
        code: action.code,
        kind: action.kind.as_deref().map(stored).transpose()?,
        title: action.title,
        description: action.description,
        reservation: action.reservation,
        transversal: action.transversal,
        status: action.status,
        progress: action.progress,
        planned_start: action.planned_start,
        planned_end: action.planned_end,
        actual_end: action.actual_end,
        late: flags.late,
        stale: flags.stale,
        open_tasks: flags.open_tasks,
        overdue_tasks: flags.overdue_tasks,
        political_lead: action.political_lead,
        political_function: action.political_function,
        administrative_lead: action.administrative_lead,
        health: action.health,
        health_comment: action.health_comment,
        responsible: user_ref(action.responsible_user_id, action.responsible_name),
        political_lead_account: user_ref(
            action.political_lead_user_id,
            action.political_lead_account_name,
        ),
        staffing_fte: action.staffing_fte,
        sdgs: action.sdgs,
        last_reported_at: action.last_reported_at,
        position: action.position,
        version: action.version,
        lead,
        collaborators,
        parent_id: action.parent_id,
        weight: action.weight,
        progress_by_hand: action.progress_by_hand,
        progress_from_sub_actions: action.progress_from_sub_actions,
        // Set by `sectoral::tag_action` where the tags are read.
        sectoral_plans: Vec::new(),
        in_sectoral_plans: Vec::new(),
        sub_actions,
    })
}
