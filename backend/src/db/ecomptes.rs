//! What eComptes sent back for a plan's elements (its articles and projections), and the
//! reconciliation of those figures with the CPAS's budget lines. Every query is scoped to
//! the caller's CPAS and plan.

use std::collections::HashMap;

use api_types as wire;
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Integer, Text, Uuid as SqlUuid};
use uuid::Uuid;

use super::DbResult;
use super::schema::{
    actions, ecomptes_articles, ecomptes_projection_amounts, ecomptes_projections, objectives,
};
use super::stored::Stored;
use crate::domain::{PlanId, TenantId};

/// An element of a plan eComptes may attach figures to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ElementKind {
    Objective,
    Action,
}

/// An objective or an action of the plan (sub-actions and archived actions included), as
/// an import finds it by id.
#[derive(Debug, Clone)]
pub struct PlanElement {
    pub kind: ElementKind,
    pub code: String,
    pub title: String,
}

/// Every objective and action of the plan, by id. Two statements.
pub fn plan_elements(
    conn: &mut PgConnection,
    tenant: TenantId,
    plan: PlanId,
) -> DbResult<HashMap<Uuid, PlanElement>> {
    let mut elements = HashMap::new();
    let rows: Vec<(Uuid, String, String)> = objectives::table
        .filter(objectives::plan_id.eq(plan.get()))
        .filter(objectives::tenant_id.eq(tenant.get()))
        .select((objectives::id, objectives::code, objectives::title))
        .load(conn)?;
    for (id, code, title) in rows {
        let kind = ElementKind::Objective;
        elements.insert(id, PlanElement { kind, code, title });
    }
    let rows: Vec<(Uuid, String, String)> = actions::table
        .filter(actions::plan_id.eq(plan.get()))
        .filter(actions::tenant_id.eq(tenant.get()))
        .select((actions::id, actions::code, actions::title))
        .load(conn)?;
    for (id, code, title) in rows {
        let kind = ElementKind::Action;
        elements.insert(id, PlanElement { kind, code, title });
    }
    Ok(elements)
}

/// The sum of the articles of each of `elements` for each of `years`, where there are any.
/// One statement.
pub fn article_totals(
    conn: &mut PgConnection,
    tenant: TenantId,
    plan: PlanId,
    elements: &[Uuid],
    years: &[i32],
) -> DbResult<HashMap<(Uuid, i32), i64>> {
    #[derive(QueryableByName)]
    struct Total {
        #[diesel(sql_type = SqlUuid)]
        element_id: Uuid,
        #[diesel(sql_type = Integer)]
        year: i32,
        #[diesel(sql_type = BigInt)]
        amount_cents: i64,
    }
    let totals: Vec<Total> = diesel::sql_query(
        "SELECT coalesce(action_id, objective_id) AS element_id, year,
                sum(amount_cents)::int8 AS amount_cents
         FROM ecomptes_articles
         WHERE tenant_id = $1 AND plan_id = $2
           AND coalesce(action_id, objective_id) = ANY($3) AND year = ANY($4)
         GROUP BY 1, 2",
    )
    .bind::<SqlUuid, _>(tenant.get())
    .bind::<SqlUuid, _>(plan.get())
    .bind::<diesel::sql_types::Array<SqlUuid>, _>(elements)
    .bind::<diesel::sql_types::Array<Integer>, _>(years)
    .load(conn)?;
    Ok(totals
        .into_iter()
        .map(|t| ((t.element_id, t.year), t.amount_cents))
        .collect())
}

/// What a file brings for one element.
pub struct ElementFigures<'a> {
    pub id: Uuid,
    pub kind: ElementKind,
    pub articles: &'a [wire::EcomptesArticle],
    pub projections: &'a [wire::EcomptesProjection],
}

/// Replaces, for each element, its articles of `years` and its projections made for
/// `exercice` with those of the file, noting who imported them. Six statements, whatever
/// the number of elements; the caller holds the transaction.
pub fn replace(
    conn: &mut PgConnection,
    tenant: TenantId,
    plan: PlanId,
    by: Uuid,
    exercice: i32,
    years: &[i32],
    elements: &[ElementFigures<'_>],
) -> DbResult<()> {
    let ids: Vec<Uuid> = elements.iter().map(|e| e.id).collect();
    diesel::delete(
        ecomptes_articles::table
            .filter(ecomptes_articles::tenant_id.eq(tenant.get()))
            .filter(ecomptes_articles::plan_id.eq(plan.get()))
            .filter(
                ecomptes_articles::action_id
                    .eq_any(&ids)
                    .or(ecomptes_articles::objective_id.eq_any(&ids)),
            )
            .filter(ecomptes_articles::year.eq_any(years)),
    )
    .execute(conn)?;
    // Their amounts go with them (ON DELETE CASCADE).
    diesel::delete(
        ecomptes_projections::table
            .filter(ecomptes_projections::tenant_id.eq(tenant.get()))
            .filter(ecomptes_projections::plan_id.eq(plan.get()))
            .filter(
                ecomptes_projections::action_id
                    .eq_any(&ids)
                    .or(ecomptes_projections::objective_id.eq_any(&ids)),
            )
            .filter(ecomptes_projections::exercice.eq(exercice)),
    )
    .execute(conn)?;
    let element_columns = |e: &ElementFigures<'_>| match e.kind {
        ElementKind::Action => (Some(e.id), None),
        ElementKind::Objective => (None, Some(e.id)),
    };
    let mut article_rows = Vec::new();
    let mut projection_rows = Vec::new();
    let mut amount_rows = Vec::new();
    for element in elements {
        let (action, objective) = element_columns(element);
        for (position, a) in element.articles.iter().enumerate() {
            article_rows.push((
                ecomptes_articles::tenant_id.eq(tenant.get()),
                ecomptes_articles::plan_id.eq(plan.get()),
                ecomptes_articles::action_id.eq(action),
                ecomptes_articles::objective_id.eq(objective),
                ecomptes_articles::year.eq(a.year),
                ecomptes_articles::service.eq(Stored(a.service)),
                ecomptes_articles::direction.eq(Stored(a.direction)),
                ecomptes_articles::code.eq(&a.code),
                ecomptes_articles::label.eq(&a.label),
                ecomptes_articles::amount_cents.eq(a.amount_cents),
                ecomptes_articles::position.eq(i32::try_from(position).unwrap_or(i32::MAX)),
                ecomptes_articles::imported_by.eq(Some(by)),
            ));
        }
        for (position, p) in element.projections.iter().enumerate() {
            let id = Uuid::new_v4();
            projection_rows.push((
                ecomptes_projections::id.eq(id),
                ecomptes_projections::tenant_id.eq(tenant.get()),
                ecomptes_projections::plan_id.eq(plan.get()),
                ecomptes_projections::action_id.eq(action),
                ecomptes_projections::objective_id.eq(objective),
                ecomptes_projections::exercice.eq(exercice),
                ecomptes_projections::service.eq(Stored(p.service)),
                ecomptes_projections::direction.eq(Stored(p.direction)),
                ecomptes_projections::economic_group.eq(&p.economic_group),
                ecomptes_projections::label.eq(&p.label),
                ecomptes_projections::position.eq(i32::try_from(position).unwrap_or(i32::MAX)),
                ecomptes_projections::imported_by.eq(Some(by)),
            ));
            for y in &p.years {
                amount_rows.push((
                    ecomptes_projection_amounts::projection_id.eq(id),
                    ecomptes_projection_amounts::year.eq(y.year),
                    ecomptes_projection_amounts::amount_cents.eq(y.amount_cents),
                ));
            }
        }
    }
    // PostgreSQL takes at most 65,535 parameters a statement: rows go in batches.
    for batch in article_rows.chunks(4_000) {
        diesel::insert_into(ecomptes_articles::table)
            .values(batch)
            .execute(conn)?;
    }
    for batch in projection_rows.chunks(4_000) {
        diesel::insert_into(ecomptes_projections::table)
            .values(batch)
            .execute(conn)?;
    }
    for batch in amount_rows.chunks(10_000) {
        diesel::insert_into(ecomptes_projection_amounts::table)
            .values(batch)
            .execute(conn)?;
    }
    Ok(())
}

/// What eComptes sent back for an action (or an objective). Two statements.
pub fn element_budget(conn: &mut PgConnection, element: Uuid) -> DbResult<wire::EcomptesBudget> {
    type ArticleRow = (
        i32,
        Stored<wire::BudgetService>,
        Stored<wire::BudgetDirection>,
        String,
        String,
        i64,
    );
    let articles: Vec<ArticleRow> = ecomptes_articles::table
        .filter(
            ecomptes_articles::action_id
                .eq(element)
                .or(ecomptes_articles::objective_id.eq(element)),
        )
        .order((ecomptes_articles::year, ecomptes_articles::position))
        .select((
            ecomptes_articles::year,
            ecomptes_articles::service,
            ecomptes_articles::direction,
            ecomptes_articles::code,
            ecomptes_articles::label,
            ecomptes_articles::amount_cents,
        ))
        .load(conn)?;
    type ProjectionRow = (
        Uuid,
        i32,
        Stored<wire::BudgetService>,
        Stored<wire::BudgetDirection>,
        String,
        String,
        Option<i32>,
        Option<i64>,
    );
    let rows: Vec<ProjectionRow> = ecomptes_projections::table
        .left_join(ecomptes_projection_amounts::table)
        .filter(
            ecomptes_projections::action_id
                .eq(element)
                .or(ecomptes_projections::objective_id.eq(element)),
        )
        .order((
            ecomptes_projections::exercice.desc(),
            ecomptes_projections::position,
            ecomptes_projection_amounts::year,
        ))
        .select((
            ecomptes_projections::id,
            ecomptes_projections::exercice,
            ecomptes_projections::service,
            ecomptes_projections::direction,
            ecomptes_projections::economic_group,
            ecomptes_projections::label,
            ecomptes_projection_amounts::year.nullable(),
            ecomptes_projection_amounts::amount_cents.nullable(),
        ))
        .load(conn)?;
    let mut projections: Vec<(Uuid, wire::EcomptesProjection)> = Vec::new();
    for (id, exercice, service, direction, economic_group, label, year, amount) in rows {
        if projections.last().is_none_or(|(last, _)| *last != id) {
            projections.push((
                id,
                wire::EcomptesProjection {
                    exercice,
                    service: service.0,
                    direction: direction.0,
                    economic_group,
                    label,
                    years: Vec::new(),
                },
            ));
        }
        if let (Some(year), Some(amount_cents), Some((_, projection))) =
            (year, amount, projections.last_mut())
        {
            projection
                .years
                .push(wire::EcomptesProjectionYear { year, amount_cents });
        }
    }
    Ok(wire::EcomptesBudget {
        articles: articles
            .into_iter()
            .map(
                |(year, service, direction, code, label, amount_cents)| wire::EcomptesArticle {
                    year,
                    service: service.0,
                    direction: direction.0,
                    code,
                    label,
                    amount_cents,
                },
            )
            .collect(),
        projections: projections.into_iter().map(|(_, p)| p).collect(),
    })
}

/// The plan's budget figures (the view `budget_figures`) by element and year, in plan
/// order: objectives' own articles before their actions. One statement; another CPAS's
/// plan has no rows.
pub fn reconciliation(
    conn: &mut PgConnection,
    tenant: TenantId,
    plan: PlanId,
) -> DbResult<Vec<wire::ReconciliationRow>> {
    #[derive(QueryableByName)]
    struct Row {
        #[diesel(sql_type = SqlUuid)]
        element_id: Uuid,
        #[diesel(sql_type = Text)]
        code: String,
        #[diesel(sql_type = Text)]
        title: String,
        #[diesel(sql_type = Integer)]
        year: i32,
        #[diesel(sql_type = Text)]
        direction: Stored<wire::BudgetDirection>,
        #[diesel(sql_type = BigInt)]
        planned_cents: i64,
        #[diesel(sql_type = BigInt)]
        ecomptes_cents: i64,
        #[diesel(sql_type = BigInt)]
        spent_cents: i64,
    }
    let rows: Vec<Row> = diesel::sql_query(
        "SELECT f.element_id, coalesce(a.code, o.code) AS code, coalesce(a.title, o.title) AS title,
                f.year, f.direction,
                sum(f.planned_cents)::int8 AS planned_cents,
                sum(f.ecomptes_cents)::int8 AS ecomptes_cents,
                sum(f.spent_cents)::int8 AS spent_cents
         FROM budget_figures f
         JOIN objectives os ON os.id = f.os_id
         LEFT JOIN objectives oo ON oo.id = f.oo_id
         LEFT JOIN actions a ON a.id = f.element_id
         LEFT JOIN objectives o ON o.id = f.element_id
         WHERE f.plan_id = $1 AND f.tenant_id = $2
         GROUP BY f.element_id, a.code, o.code, a.title, o.title, f.year, f.direction,
                  os.position, oo.position, a.position
         ORDER BY os.position, oo.position NULLS FIRST, a.position NULLS FIRST,
                  coalesce(a.code, o.code), f.year, f.direction",
    )
    .bind::<SqlUuid, _>(plan.get())
    .bind::<SqlUuid, _>(tenant.get())
    .load(conn)?;
    Ok(rows
        .into_iter()
        .map(|r| wire::ReconciliationRow {
            element_id: r.element_id,
            code: r.code,
            title: r.title,
            year: r.year,
            direction: r.direction.0,
            planned_cents: r.planned_cents,
            ecomptes_cents: r.ecomptes_cents,
            spent_cents: r.spent_cents,
        })
        .collect())
}
