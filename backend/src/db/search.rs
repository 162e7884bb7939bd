//! The actions list: filters, free-text search (accents and case ignored), sorting and
//! pages. Sub-actions are listed like actions, each naming its action.

use api_types as wire;
use chrono::{DateTime, NaiveDate, Utc};
use diesel::dsl::sql;
use diesel::pg::Pg;
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Bool, Integer, Nullable, Text, Uuid as SqlUuid};
use uuid::Uuid;

use super::DbResult;
use super::models::{ActionOrganisation, Organisation};
use super::plans::group_organisations;
use super::rules;
use super::schema::{action_organisations, actions, objectives, organisations};
use super::stored;
use super::stored::Stored;
use crate::domain::TenantId;

/// The largest page.
pub const MAX_PER_PAGE: i64 = 200;

/// How to order the list.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Sort {
    /// Plan order (objective, then position).
    Plan,
    Code,
    Title,
    Status,
    Progress,
    PlannedEnd,
    Updated,
}

/// What to list.
#[derive(Debug, Clone, Default)]
pub struct ActionFilter {
    pub plan_id: Option<Uuid>,
    /// A strategic objective includes its operational ones.
    pub objective_id: Option<Uuid>,
    pub statuses: Vec<wire::ActionStatus>,
    pub organisation_id: Option<Uuid>,
    /// Actions that belong to this sectoral plan (the view `sectoral_plan_actions`), with
    /// their sub-actions.
    pub sectoral_plan_id: Option<Uuid>,
    pub late: Option<bool>,
    /// Not updated within the plan's cadence.
    pub stale: Option<bool>,
    /// Free text, matched in codes, titles and the carrying organisations' names.
    pub text: Option<String>,
}

type Boxed<'a> = actions::BoxedQuery<'a, Pg>;

/// `LIKE` pattern of a user's text: wildcards escaped, accents and case folded by SQL.
fn pattern(text: &str) -> String {
    let escaped = text
        .trim()
        .replace('\\', "\\\\")
        .replace('%', "\\%")
        .replace('_', "\\_");
    format!("%{escaped}%")
}

/// Actions and sub-actions alike: each matches on its own fields (a sub-action's code,
/// title, status, dates), and a sub-action is carried by its own organisations and its
/// action's (who may propose on it).
fn filtered(tenant: TenantId, filter: &ActionFilter) -> Boxed<'static> {
    let mut query = actions::table
        .filter(actions::tenant_id.eq(tenant.get()))
        .filter(actions::archived_at.is_null())
        .into_boxed();
    if let Some(plan) = filter.plan_id {
        query = query.filter(actions::plan_id.eq(plan));
    }
    if let Some(objective) = filter.objective_id {
        let operational = objectives::table
            .filter(
                objectives::id
                    .eq(objective)
                    .or(objectives::parent_id.eq(objective)),
            )
            .select(objectives::id);
        query = query.filter(actions::objective_id.eq_any(operational));
    }
    if !filter.statuses.is_empty() {
        let statuses: Vec<Stored<wire::ActionStatus>> =
            filter.statuses.iter().copied().map(Stored).collect();
        query = query.filter(actions::status.eq_any(statuses));
    }
    if let Some(organisation) = filter.organisation_id {
        let carried = || {
            action_organisations::table
                .filter(action_organisations::organisation_id.eq(organisation))
                .select(action_organisations::action_id)
        };
        query = query.filter(actions::id.eq_any(carried()).or(
            actions::parent_id.eq_any(carried().select(action_organisations::action_id.nullable())),
        ));
    }
    if let Some(sectoral_plan) = filter.sectoral_plan_id {
        query = query.filter(
            sql::<Bool>(
                "coalesce(actions.parent_id, actions.id) IN \
                 (SELECT action_id FROM sectoral_plan_actions WHERE sectoral_plan_id = ",
            )
            .bind::<diesel::sql_types::Uuid, _>(sectoral_plan)
            .sql(")"),
        );
    }
    match filter.late {
        Some(true) => query = query.filter(sql::<Bool>(rules::LATE)),
        Some(false) => query = query.filter(sql::<Bool>(&format!("NOT {}", rules::LATE))),
        None => {}
    }
    match filter.stale {
        Some(true) => query = query.filter(sql::<Bool>(rules::STALE)),
        Some(false) => query = query.filter(sql::<Bool>(&format!("NOT {}", rules::STALE))),
        None => {}
    }
    if let Some(text) = filter.text.as_deref().filter(|t| !t.trim().is_empty()) {
        // Folded in SQL (`pst_fold`, `unaccent`), not with `api_types::fold`: the stored
        // `search_text` column and the trigram indexes are built by it, and the text
        // searched for must be folded the same way to match them. `search_text` is folded
        // once per write (a stored generated column); the CPAS's few organisations are
        // folded once per statement, not once per action row.
        let pattern = pattern(text);
        query = query.filter(
            sql::<Bool>("(actions.search_text LIKE pst_fold(")
                .bind::<Text, _>(pattern.clone())
                .sql(
                    ") OR actions.id IN (SELECT ao.action_id FROM action_organisations ao \
                     JOIN organisations o ON o.id = ao.organisation_id WHERE o.tenant_id = ",
                )
                .bind::<SqlUuid, _>(tenant.get())
                .sql(" AND pst_fold(o.name) LIKE pst_fold(")
                .bind::<Text, _>(pattern)
                .sql(")))"),
        );
    }
    query
}

/// The columns of one listed action, in `select` order.
#[derive(Debug, Queryable)]
struct ItemRow {
    id: Uuid,
    code: String,
    title: String,
    kind: Option<String>,
    #[diesel(deserialize_as = Stored<wire::ActionStatus>)]
    status: wire::ActionStatus,
    progress: i16,
    planned_end: Option<NaiveDate>,
    updated_at: DateTime<Utc>,
    plan_id: Uuid,
    objective_id: Uuid,
    objective_code: String,
    late: bool,
    stale: bool,
    parent_id: Option<Uuid>,
    parent_code: Option<String>,
    parent_title: Option<String>,
    /// All the rows that match, whatever the page.
    total: i64,
}

/// The objective's code, read by primary key for the page's rows only (the planner
/// evaluates it after the sort and the limit).
const OBJECTIVE_CODE: &str = "(SELECT o.code FROM objectives o WHERE o.id = actions.objective_id)";
/// A sub-action's action's code and title, the same way.
const PARENT_CODE: &str = "(SELECT p.code FROM actions p WHERE p.id = actions.parent_id)";
const PARENT_TITLE: &str = "(SELECT p.title FROM actions p WHERE p.id = actions.parent_id)";

/// One page of the actions of the CPAS that match, with the count of all of them: one
/// statement, plus one for the page's organisations (two when the page is past the end).
pub fn list_actions(
    conn: &mut PgConnection,
    tenant: TenantId,
    filter: &ActionFilter,
    sort: Sort,
    descending: bool,
    page: i64,
    per_page: i64,
) -> DbResult<wire::ActionPage> {
    let per_page = per_page.clamp(1, MAX_PER_PAGE);
    let page = page.max(1);

    let mut query = filtered(tenant, filter);
    query = match (sort, descending) {
        (Sort::Plan, _) => query.order((
            actions::plan_id,
            sql::<Integer>(
                "(SELECT s.position FROM objectives o JOIN objectives s ON s.id = o.parent_id \
                 WHERE o.id = actions.objective_id)",
            ),
            sql::<Integer>(
                "(SELECT o.position FROM objectives o WHERE o.id = actions.objective_id)",
            ),
            // A sub-action right after its action.
            sql::<Integer>(
                "COALESCE((SELECT p.position FROM actions p WHERE p.id = actions.parent_id), \
                 actions.position)",
            ),
            sql::<Bool>("actions.parent_id IS NOT NULL"),
            actions::position,
        )),
        (Sort::Code, false) => query.order(actions::code.asc()),
        (Sort::Code, true) => query.order(actions::code.desc()),
        (Sort::Title, false) => query.order(actions::title.asc()),
        (Sort::Title, true) => query.order(actions::title.desc()),
        (Sort::Status, false) => query.order(actions::status.asc()),
        (Sort::Status, true) => query.order(actions::status.desc()),
        (Sort::Progress, false) => query.order(actions::progress.asc()),
        (Sort::Progress, true) => query.order(actions::progress.desc()),
        (Sort::PlannedEnd, false) => query.order(actions::planned_end.asc().nulls_last()),
        (Sort::PlannedEnd, true) => query.order(actions::planned_end.desc().nulls_last()),
        (Sort::Updated, false) => query.order(actions::updated_at.asc()),
        (Sort::Updated, true) => query.order(actions::updated_at.desc()),
    };
    // A stable tie-break, so that pages never overlap.
    let rows: Vec<ItemRow> = query
        .then_order_by(actions::id)
        .limit(per_page)
        .offset((page - 1).saturating_mul(per_page))
        .select((
            actions::id,
            actions::code,
            actions::title,
            actions::kind,
            actions::status,
            actions::progress,
            actions::planned_end,
            actions::updated_at,
            actions::plan_id,
            actions::objective_id,
            sql::<Text>(OBJECTIVE_CODE),
            sql::<Bool>(rules::LATE),
            sql::<Bool>(rules::STALE),
            actions::parent_id,
            sql::<Nullable<Text>>(PARENT_CODE),
            sql::<Nullable<Text>>(PARENT_TITLE),
            // Counted over the filtered rows before the limit: no second pass.
            sql::<BigInt>("count(*) OVER ()"),
        ))
        .load(conn)?;
    let total = match rows.first() {
        Some(row) => row.total,
        // Past the last page the window has no row to report the count on.
        None if page > 1 => filtered(tenant, filter).count().get_result(conn)?,
        None => 0,
    };

    let ids: Vec<Uuid> = rows.iter().map(|r| r.id).collect();
    let links: Vec<(ActionOrganisation, Organisation)> = action_organisations::table
        .inner_join(organisations::table)
        .filter(action_organisations::action_id.eq_any(&ids))
        // The CPAS's few organisations by index, not a hash of the whole federation's.
        .filter(organisations::tenant_id.eq(tenant.get()))
        .order((
            action_organisations::action_id,
            action_organisations::position,
            organisations::name,
        ))
        .select((ActionOrganisation::as_select(), Organisation::as_select()))
        .load(conn)?;
    let mut carriers = group_organisations(links)?;

    let items = rows
        .into_iter()
        .map(|row| {
            let (lead, collaborators) = carriers.remove(&row.id).unwrap_or_default();
            Ok(wire::ActionListItem {
                id: row.id,
                code: row.code,
                title: row.title,
                kind: row.kind.as_deref().map(stored).transpose()?,
                status: row.status,
                progress: row.progress,
                late: row.late,
                stale: row.stale,
                planned_end: row.planned_end,
                updated_at: row.updated_at,
                plan_id: row.plan_id,
                objective_code: row.objective_code,
                objective_id: row.objective_id,
                lead,
                collaborators,
                parent: match (row.parent_id, row.parent_code, row.parent_title) {
                    (Some(id), Some(code), Some(title)) => {
                        Some(wire::ActionLink { id, code, title })
                    }
                    _ => None,
                },
            })
        })
        .collect::<DbResult<Vec<_>>>()?;
    Ok(wire::ActionPage {
        items,
        page,
        per_page,
        total,
    })
}

#[cfg(test)]
mod tests {
    use super::pattern;

    #[test]
    fn like_wildcards_in_the_text_are_taken_literally() {
        assert_eq!(pattern(" 100% "), "%100\\%%");
        assert_eq!(pattern("a_b\\c"), "%a\\_b\\\\c%");
    }
}
