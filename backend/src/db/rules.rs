//! Where the queries call the rules of the follow-up. The rules themselves are SQL
//! functions (migration `…_rules`), each defined once: `pst_action_is_late`,
//! `pst_action_is_stale` with `pst_stale_deadline`, `pst_status_is_closed`, `pst_today`
//! and `pst_next_day_start` on the Belgian calendar. Rust reads their results; it never
//! recomputes them.

use chrono::{DateTime, Utc};
use diesel::dsl::sql;
use diesel::expression::SqlLiteral;
use diesel::sql_types::{Bool, Integer, Nullable, Timestamptz};

/// "This action is late", over a row of `actions`.
pub const LATE: &str = "pst_action_is_late(actions.planned_end, actions.status)";

/// "This action is stale", over a row of `actions` joined to its plan as `p`.
pub const STALE_WITH_PLAN: &str = "pst_action_is_stale(p.status, p.update_cadence_days, \
     p.adopted_on, p.created_at, actions.status, actions.last_reported_at)";

/// "This action is stale", over a row of `actions` alone (its plan read by primary key).
pub const STALE: &str = "coalesce((SELECT pst_action_is_stale(p.status, p.update_cadence_days, \
     p.adopted_on, p.created_at, actions.status, actions.last_reported_at) \
     FROM plans p WHERE p.id = actions.plan_id), false)";

/// When this action becomes stale without a new report (`NULL`: never), over a row of
/// `actions` alone.
pub const STALE_DEADLINE: &str = "(SELECT pst_stale_deadline(p.status, p.update_cadence_days, \
     p.adopted_on, p.created_at, actions.status, actions.last_reported_at) \
     FROM plans p WHERE p.id = actions.plan_id)";

/// The action's open tasks, over a row of `actions`.
pub const OPEN_TASKS: &str =
    "(SELECT count(*)::int FROM tasks t WHERE t.action_id = actions.id AND t.done_at IS NULL)";

/// The action's overdue tasks, over a row of `actions`.
pub const OVERDUE_TASKS: &str = "(SELECT count(*)::int FROM tasks t \
     WHERE t.action_id = actions.id AND pst_task_is_overdue(t.due_on, t.done_at))";

/// When the next Belgian day starts, the next instant a `late` flag may turn on.
pub const NEXT_DAY_START: &str = "pst_next_day_start()";

/// Today in Brussels, the day `late` is judged on.
pub const TODAY: &str = "pst_today()";

/// What the database derives of an action: its time-dependent flags, and its tasks'
/// counts (overdue is time-dependent too: it turns on with the next Belgian day).
#[derive(Debug, Clone, Copy, PartialEq, Eq, diesel::Queryable)]
pub struct Flags {
    pub late: bool,
    pub stale: bool,
    /// When `stale` turns on without a new report; `None` when it never does.
    pub stale_deadline: Option<DateTime<Utc>>,
    pub open_tasks: i32,
    pub overdue_tasks: i32,
}

/// The columns of [`Flags`], to select beside an action.
pub type FlagColumns = (
    SqlLiteral<Bool>,
    SqlLiteral<Bool>,
    SqlLiteral<Nullable<Timestamptz>>,
    SqlLiteral<Integer>,
    SqlLiteral<Integer>,
);

/// Selects [`Flags`] over a row of `actions`.
pub fn flags() -> FlagColumns {
    (
        sql(LATE),
        sql(STALE),
        sql(STALE_DEADLINE),
        sql(OPEN_TASKS),
        sql(OVERDUE_TASKS),
    )
}

/// The next instant at or after `now` at which one of these flags changes without a write:
/// the next Belgian day (`late`), or the nearest stale deadline to come.
pub fn next_change<'a>(
    flags: impl IntoIterator<Item = &'a Flags>,
    next_day_start: DateTime<Utc>,
    now: DateTime<Utc>,
) -> DateTime<Utc> {
    flags
        .into_iter()
        .filter_map(|f| f.stale_deadline)
        .filter(|deadline| *deadline >= now)
        .fold(next_day_start, DateTime::min)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(text: &str) -> DateTime<Utc> {
        text.parse().expect("an RFC 3339 instant")
    }

    #[test]
    fn the_next_change_is_the_nearest_deadline_to_come_or_the_next_day() {
        let now = at("2026-06-30T23:30:00Z");
        let next_day = at("2026-07-01T22:00:00Z");
        let flags = |deadline: &str| Flags {
            late: false,
            stale: false,
            stale_deadline: Some(at(deadline)),
            open_tasks: 0,
            overdue_tasks: 0,
        };
        let past = flags("2026-06-30T10:00:00Z");
        let soon = flags("2026-07-01T08:00:00Z");
        let never = Flags {
            stale_deadline: None,
            ..past
        };
        assert_eq!(
            next_change([&past, &soon, &never], next_day, now),
            at("2026-07-01T08:00:00Z")
        );
        assert_eq!(next_change([&past, &never], next_day, now), next_day);
    }
}
