//! The CPAS's multi-year projections on its actions and sub-actions, as data. Every query
//! is scoped to the caller's CPAS; the checks are the use cases' (`app::projections`).

use std::collections::HashMap;

use api_types as wire;
use diesel::prelude::*;
use uuid::Uuid;

use super::schema::{budget_projection_amounts, budget_projections};
use super::stored::Stored;
use super::{DbError, DbResult};
use crate::domain::TenantId;

/// A projection as the use case has checked it.
#[derive(Debug, Clone)]
pub struct ProjectionFields {
    pub service: wire::BudgetService,
    pub direction: wire::BudgetDirection,
    pub economic_group: String,
    pub label: Option<String>,
    /// Each year once.
    pub years: Vec<wire::ProjectionAmount>,
}

/// The projections of these actions (and sub-actions), by action, in their order, each
/// with its years in order: one statement.
pub fn of_actions(
    conn: &mut PgConnection,
    tenant: TenantId,
    actions: &[Uuid],
) -> DbResult<HashMap<Uuid, Vec<wire::BudgetProjection>>> {
    type Row = (
        Uuid,
        Uuid,
        Stored<wire::BudgetService>,
        Stored<wire::BudgetDirection>,
        String,
        Option<String>,
        Option<i32>,
        Option<i64>,
    );
    let rows: Vec<Row> = budget_projections::table
        .left_join(budget_projection_amounts::table)
        .filter(budget_projections::tenant_id.eq(tenant.get()))
        .filter(budget_projections::action_id.eq_any(actions))
        .order((
            budget_projections::action_id,
            budget_projections::position,
            budget_projection_amounts::year,
        ))
        .select((
            budget_projections::action_id,
            budget_projections::id,
            budget_projections::service,
            budget_projections::direction,
            budget_projections::economic_group,
            budget_projections::label,
            budget_projection_amounts::year.nullable(),
            budget_projection_amounts::amount_cents.nullable(),
        ))
        .load(conn)?;
    let mut by_action: HashMap<Uuid, Vec<wire::BudgetProjection>> = HashMap::new();
    for (action, id, service, direction, economic_group, label, year, amount) in rows {
        let list = by_action.entry(action).or_default();
        if list.last().is_none_or(|last| last.id != id) {
            list.push(wire::BudgetProjection {
                id,
                service: service.0,
                direction: direction.0,
                economic_group,
                label,
                years: Vec::new(),
            });
        }
        if let (Some(year), Some(amount_cents), Some(projection)) = (year, amount, list.last_mut())
        {
            projection
                .years
                .push(wire::ProjectionAmount { year, amount_cents });
        }
    }
    Ok(by_action)
}

/// Adds a projection after the action's others.
pub fn insert(
    conn: &mut PgConnection,
    tenant: TenantId,
    action: Uuid,
    fields: &ProjectionFields,
) -> DbResult<()> {
    let next: Option<i32> = budget_projections::table
        .filter(budget_projections::action_id.eq(action))
        .select(diesel::dsl::max(budget_projections::position))
        .first(conn)?;
    let id: Uuid = diesel::insert_into(budget_projections::table)
        .values((
            budget_projections::tenant_id.eq(tenant.get()),
            budget_projections::action_id.eq(action),
            budget_projections::service.eq(fields.service.as_str()),
            budget_projections::direction.eq(fields.direction.as_str()),
            budget_projections::economic_group.eq(&fields.economic_group),
            budget_projections::label.eq(&fields.label),
            budget_projections::position.eq(next.map_or(0, |n| n + 1)),
        ))
        .returning(budget_projections::id)
        .get_result(conn)?;
    insert_years(conn, id, &fields.years)
}

/// Redefines a projection of the CPAS, its years replaced; returns its action's id.
pub fn update(
    conn: &mut PgConnection,
    tenant: TenantId,
    id: Uuid,
    fields: &ProjectionFields,
) -> DbResult<Uuid> {
    let action = diesel::update(
        budget_projections::table
            .filter(budget_projections::id.eq(id))
            .filter(budget_projections::tenant_id.eq(tenant.get())),
    )
    .set((
        budget_projections::service.eq(fields.service.as_str()),
        budget_projections::direction.eq(fields.direction.as_str()),
        budget_projections::economic_group.eq(&fields.economic_group),
        budget_projections::label.eq(&fields.label),
    ))
    .returning(budget_projections::action_id)
    .get_result(conn)
    .optional()?
    .ok_or(DbError::NotFound("budget projection"))?;
    diesel::delete(
        budget_projection_amounts::table.filter(budget_projection_amounts::projection_id.eq(id)),
    )
    .execute(conn)?;
    insert_years(conn, id, &fields.years)?;
    Ok(action)
}

/// Deletes a projection of the CPAS (it is a forecast: nothing was reported on it);
/// returns its action's id.
pub fn delete(conn: &mut PgConnection, tenant: TenantId, id: Uuid) -> DbResult<Uuid> {
    diesel::delete(
        budget_projections::table
            .filter(budget_projections::id.eq(id))
            .filter(budget_projections::tenant_id.eq(tenant.get())),
    )
    .returning(budget_projections::action_id)
    .get_result(conn)
    .optional()?
    .ok_or(DbError::NotFound("budget projection"))
}

fn insert_years(
    conn: &mut PgConnection,
    projection: Uuid,
    years: &[wire::ProjectionAmount],
) -> DbResult<()> {
    let rows: Vec<_> = years
        .iter()
        .map(|y| {
            (
                budget_projection_amounts::projection_id.eq(projection),
                budget_projection_amounts::year.eq(y.year),
                budget_projection_amounts::amount_cents.eq(y.amount_cents),
            )
        })
        .collect();
    diesel::insert_into(budget_projection_amounts::table)
        .values(rows)
        .execute(conn)?;
    Ok(())
}
