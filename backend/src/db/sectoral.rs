//! The CPAS's sectoral plans and the tags of its objectives and actions. Every query is
//! scoped to the caller's CPAS.

use std::collections::HashMap;

use api_types as wire;
use diesel::prelude::*;
use diesel::sql_types::{Text, Uuid as SqlUuid};
use uuid::Uuid;

use super::schema::{action_sectoral_plans, objective_sectoral_plans, sectoral_plans};
use super::{DbError, DbResult};
use crate::domain::TenantId;

/// The CPAS's sectoral plans, by name.
pub fn list(conn: &mut PgConnection, tenant: TenantId) -> DbResult<Vec<wire::SectoralPlan>> {
    let rows: Vec<(Uuid, String)> = sectoral_plans::table
        .filter(sectoral_plans::tenant_id.eq(tenant.get()))
        .order(diesel::dsl::sql::<Text>("lower(name)"))
        .select((sectoral_plans::id, sectoral_plans::name))
        .load(conn)?;
    Ok(rows
        .into_iter()
        .map(|(id, name)| wire::SectoralPlan { id, name })
        .collect())
}

/// A new sectoral plan (a name the CPAS has, whatever its case: `name_taken`).
pub fn create(
    conn: &mut PgConnection,
    tenant: TenantId,
    name: &str,
) -> DbResult<wire::SectoralPlan> {
    let id: Uuid = diesel::insert_into(sectoral_plans::table)
        .values((
            sectoral_plans::tenant_id.eq(tenant.get()),
            sectoral_plans::name.eq(name),
        ))
        .returning(sectoral_plans::id)
        .get_result(conn)?;
    Ok(wire::SectoralPlan {
        id,
        name: name.to_owned(),
    })
}

/// Renames one of the CPAS's sectoral plans.
pub fn rename(
    conn: &mut PgConnection,
    tenant: TenantId,
    id: Uuid,
    name: &str,
) -> DbResult<wire::SectoralPlan> {
    let updated = diesel::update(
        sectoral_plans::table
            .filter(sectoral_plans::id.eq(id))
            .filter(sectoral_plans::tenant_id.eq(tenant.get())),
    )
    .set(sectoral_plans::name.eq(name))
    .execute(conn)?;
    if updated == 0 {
        return Err(DbError::NotFound("sectoral plan"));
    }
    Ok(wire::SectoralPlan {
        id,
        name: name.to_owned(),
    })
}

/// Deletes one of the CPAS's sectoral plans, and its tags with it.
pub fn delete(conn: &mut PgConnection, tenant: TenantId, id: Uuid) -> DbResult<()> {
    let deleted = diesel::delete(
        sectoral_plans::table
            .filter(sectoral_plans::id.eq(id))
            .filter(sectoral_plans::tenant_id.eq(tenant.get())),
    )
    .execute(conn)?;
    if deleted == 0 {
        return Err(DbError::NotFound("sectoral plan"));
    }
    Ok(())
}

/// An element tags are set on.
#[derive(Debug, Clone, Copy)]
pub enum Tagged {
    Objective(Uuid),
    Action(Uuid),
}

/// Replaces the element's tags with `plans` (sectoral plans of the CPAS, which the
/// caller checked). Two statements.
pub fn set_tags(
    conn: &mut PgConnection,
    tenant: TenantId,
    element: Tagged,
    plans: &[Uuid],
) -> DbResult<()> {
    match element {
        Tagged::Objective(id) => {
            diesel::delete(
                objective_sectoral_plans::table
                    .filter(objective_sectoral_plans::objective_id.eq(id)),
            )
            .execute(conn)?;
            let rows: Vec<_> = plans
                .iter()
                .map(|plan| {
                    (
                        objective_sectoral_plans::tenant_id.eq(tenant.get()),
                        objective_sectoral_plans::objective_id.eq(id),
                        objective_sectoral_plans::sectoral_plan_id.eq(*plan),
                    )
                })
                .collect();
            if !rows.is_empty() {
                diesel::insert_into(objective_sectoral_plans::table)
                    .values(rows)
                    .execute(conn)?;
            }
        }
        Tagged::Action(id) => {
            diesel::delete(
                action_sectoral_plans::table.filter(action_sectoral_plans::action_id.eq(id)),
            )
            .execute(conn)?;
            let rows: Vec<_> = plans
                .iter()
                .map(|plan| {
                    (
                        action_sectoral_plans::tenant_id.eq(tenant.get()),
                        action_sectoral_plans::action_id.eq(id),
                        action_sectoral_plans::sectoral_plan_id.eq(*plan),
                    )
                })
                .collect();
            if !rows.is_empty() {
                diesel::insert_into(action_sectoral_plans::table)
                    .values(rows)
                    .execute(conn)?;
            }
        }
    }
    Ok(())
}

/// The tags of a plan's elements: each objective's and action's own, and the sectoral
/// plans each action belongs to (the view `sectoral_plan_actions`), by element id.
#[derive(Debug, Default)]
pub struct Tags {
    pub own: HashMap<Uuid, Vec<Uuid>>,
    pub belongs: HashMap<Uuid, Vec<Uuid>>,
}

/// The tags of the elements `ids` (objectives and actions). One statement.
pub fn tags_of(conn: &mut PgConnection, tenant: TenantId, ids: &[Uuid]) -> DbResult<Tags> {
    #[derive(QueryableByName)]
    struct Row {
        #[diesel(sql_type = diesel::sql_types::Bool)]
        own: bool,
        #[diesel(sql_type = SqlUuid)]
        element_id: Uuid,
        #[diesel(sql_type = SqlUuid)]
        sectoral_plan_id: Uuid,
    }
    let rows: Vec<Row> = diesel::sql_query(
        "SELECT true AS own, objective_id AS element_id, sectoral_plan_id
         FROM objective_sectoral_plans WHERE tenant_id = $1 AND objective_id = ANY($2)
         UNION ALL
         SELECT true, action_id, sectoral_plan_id
         FROM action_sectoral_plans WHERE tenant_id = $1 AND action_id = ANY($2)
         UNION ALL
         SELECT false, action_id, sectoral_plan_id
         FROM sectoral_plan_actions WHERE tenant_id = $1 AND action_id = ANY($2)
         ORDER BY 1, 2, 3",
    )
    .bind::<SqlUuid, _>(tenant.get())
    .bind::<diesel::sql_types::Array<SqlUuid>, _>(ids)
    .load(conn)?;
    let mut tags = Tags::default();
    for row in rows {
        let map = if row.own {
            &mut tags.own
        } else {
            &mut tags.belongs
        };
        map.entry(row.element_id)
            .or_default()
            .push(row.sectoral_plan_id);
    }
    Ok(tags)
}

/// Puts the tags on an action (and its sub-actions).
pub fn tag_action(action: &mut wire::Action, tags: &Tags) {
    action.sectoral_plans = tags.own.get(&action.id).cloned().unwrap_or_default();
    action.in_sectoral_plans = tags.belongs.get(&action.id).cloned().unwrap_or_default();
    for step in &mut action.sub_actions {
        tag_action(step, tags);
    }
}

/// Puts the tags on every objective and action of a tree.
pub fn tag_tree(objectives: &mut [wire::StrategicObjective], tags: &Tags) {
    for os in objectives {
        os.sectoral_plans = tags.own.get(&os.id).cloned().unwrap_or_default();
        for oo in &mut os.operational_objectives {
            oo.sectoral_plans = tags.own.get(&oo.id).cloned().unwrap_or_default();
            for action in &mut oo.actions {
                tag_action(action, tags);
            }
        }
    }
}
