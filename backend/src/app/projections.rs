//! The CPAS's multi-year projections (issue 17.1): everyone who reads the plan sees an
//! action's; the DG (and whoever edits the plan's structure) defines them. Each answer is
//! the action's projections after the change, in their order.

use std::collections::BTreeSet;

use api_types::{self as wire, ProblemCode};
use diesel::Connection;
use uuid::Uuid;

use super::RequestDb;
use super::structure::editor_tenant;
use crate::auth::Authenticated;
use crate::authz::{self, Permission, Scope};
use crate::db::projections::{self, ProjectionFields};
use crate::db::{follow_up, structure};
use crate::domain::{ActionId, Label, PlanYear, TenantId};
use crate::error::ApiError;

fn fields(input: wire::BudgetProjectionInput) -> Result<ProjectionFields, ApiError> {
    let economic_group = Label::parse(
        &input.economic_group,
        "economic_group",
        wire::ECONOMIC_GROUP_MAX_CHARS,
    )?;
    let label = Label::optional(
        input.label.as_deref(),
        "label",
        wire::BUDGET_LABEL_MAX_CHARS,
    )?;
    if input.years.is_empty() {
        return Err(ApiError::invalid_field(
            "years",
            ProblemCode::Empty,
            "at least one year",
        ));
    }
    if input.years.len() > wire::PROJECTION_YEARS_MAX {
        return Err(ApiError::invalid_field(
            "years",
            ProblemCode::OutOfRange,
            format!("{} years at most", wire::PROJECTION_YEARS_MAX),
        ));
    }
    let mut seen = BTreeSet::new();
    for amount in &input.years {
        PlanYear::parse(amount.year, "years")?;
        if amount.amount_cents < 0 {
            return Err(ApiError::invalid_field(
                "years",
                ProblemCode::OutOfRange,
                "whole cents, not negative",
            ));
        }
        if !seen.insert(amount.year) {
            return Err(ApiError::invalid_field(
                "years",
                ProblemCode::Duplicate,
                format!("{} is given twice", amount.year),
            ));
        }
    }
    let mut years = input.years;
    years.sort_by_key(|y| y.year);
    Ok(ProjectionFields {
        service: input.service,
        direction: input.direction,
        economic_group: economic_group.as_str().to_owned(),
        label,
        years,
    })
}

fn of_action(
    conn: &mut diesel::PgConnection,
    tenant: TenantId,
    action: Uuid,
) -> Result<Vec<wire::BudgetProjection>, ApiError> {
    Ok(projections::of_actions(conn, tenant, &[action])?
        .remove(&action)
        .unwrap_or_default())
}

/// An action's projections.
pub async fn list(
    db: &RequestDb,
    auth: &Authenticated,
    action: ActionId,
) -> Result<Vec<wire::BudgetProjection>, ApiError> {
    db.run_as(auth, move |conn, actor| {
        let tenant = actor.tenant()?;
        authz::ensure(actor, Permission::ReadPlans, Scope::Tenant(tenant))?;
        let found = follow_up::action_for_change(conn, tenant, action, false)?;
        of_action(conn, tenant, found.id)
    })
    .await
}

/// Adds a projection to an action.
pub async fn create(
    db: &RequestDb,
    auth: &Authenticated,
    action: ActionId,
    input: wire::BudgetProjectionInput,
) -> Result<Vec<wire::BudgetProjection>, ApiError> {
    let action = action.get();
    let fields = fields(input)?;
    db.run_as(auth, move |conn, actor| {
        let tenant = editor_tenant(actor)?;
        conn.transaction(|conn| {
            structure::lock_action(conn, tenant, action)?;
            projections::insert(conn, tenant, action, &fields)?;
            of_action(conn, tenant, action)
        })
    })
    .await
}

/// Redefines a projection, its years replaced.
pub async fn update(
    db: &RequestDb,
    auth: &Authenticated,
    id: Uuid,
    input: wire::BudgetProjectionInput,
) -> Result<Vec<wire::BudgetProjection>, ApiError> {
    let fields = fields(input)?;
    db.run_as(auth, move |conn, actor| {
        let tenant = editor_tenant(actor)?;
        conn.transaction(|conn| {
            let action = projections::update(conn, tenant, id, &fields)?;
            of_action(conn, tenant, action)
        })
    })
    .await
}

/// Deletes a projection.
pub async fn delete(db: &RequestDb, auth: &Authenticated, id: Uuid) -> Result<(), ApiError> {
    db.run_as(auth, move |conn, actor| {
        projections::delete(conn, editor_tenant(actor)?, id)?;
        Ok(())
    })
    .await
}

#[cfg(test)]
mod tests {
    use super::*;
    use api_types::{BudgetDirection, BudgetService, ProjectionAmount};

    fn input(years: &[(i32, i64)]) -> wire::BudgetProjectionInput {
        wire::BudgetProjectionInput {
            service: BudgetService::Ordinaire,
            direction: BudgetDirection::Depense,
            economic_group: " Dépenses de personnel ".to_owned(),
            label: Some("  ".to_owned()),
            years: years
                .iter()
                .map(|&(year, amount_cents)| ProjectionAmount { year, amount_cents })
                .collect(),
        }
    }

    fn refusal(input: wire::BudgetProjectionInput) -> (String, ProblemCode) {
        match fields(input) {
            Err(ApiError::Validation(errors)) => (errors[0].field.clone(), errors[0].code),
            other => panic!("refused, not {other:?}"),
        }
    }

    #[test]
    fn years_are_sorted_and_blank_texts_are_none() {
        let checked = fields(input(&[(2028, 3), (2026, 1), (2027, 2)])).expect("valid");
        let years: Vec<i32> = checked.years.iter().map(|y| y.year).collect();
        assert_eq!(years, [2026, 2027, 2028]);
        assert_eq!(checked.economic_group, "Dépenses de personnel");
        assert_eq!(checked.label, None);
    }

    #[test]
    fn each_bad_input_names_its_field() {
        let years = "years".to_owned();
        assert_eq!(refusal(input(&[])), (years.clone(), ProblemCode::Empty));
        assert_eq!(
            refusal(input(&[(2026, 1), (2026, 2)])),
            (years.clone(), ProblemCode::Duplicate)
        );
        assert_eq!(refusal(input(&[(2026, -1)])).0, years);
        assert_eq!(refusal(input(&[(1800, 1)])).0, years);
        let many: Vec<(i32, i64)> = (2000..2021).map(|y| (y, 1)).collect();
        assert_eq!(refusal(input(&many)), (years, ProblemCode::OutOfRange));
        let mut blank = input(&[(2026, 1)]);
        blank.economic_group = " ".to_owned();
        assert_eq!(refusal(blank).0, "economic_group");
    }
}
