//! What the timeline draws, worked out once from the plan tree: the span of years shown,
//! and for every action and step its planned bar and its actual one. Dates only: whether
//! an action is late is the server's `late` flag, never judged here.

use api_types::{Action, ActionStatus, PlanTree};
use chrono::{Datelike, NaiveDate};

/// A run of days, both ends included.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Days {
    pub first: NaiveDate,
    pub last: NaiveDate,
}

impl Days {
    fn new(a: NaiveDate, b: NaiveDate) -> Self {
        Self {
            first: a.min(b),
            last: a.max(b),
        }
    }

    /// The whole years from `first`'s to `last`'s.
    fn years(first: i32, last: i32) -> Option<Self> {
        Some(Self {
            first: NaiveDate::from_ymd_opt(first, 1, 1)?,
            last: NaiveDate::from_ymd_opt(last, 12, 31)?,
        })
    }

    /// How many days, at least one.
    pub fn len(self) -> i64 {
        (self.last - self.first).num_days() + 1
    }
}

/// One row of the timeline: an action or one of its steps, and its bars.
#[derive(Debug, Clone, PartialEq)]
pub struct Row {
    pub action: Action,
    /// From the planned start to the planned end; a missing one is the plan's.
    pub planned: Days,
    /// Neither planned date is known: the bar is the plan's period.
    pub undated: bool,
    /// From the start to the actual end when the action ended, to today while it is under
    /// way; `None` before it started, or when it ended on a day nobody gave.
    pub actual: Option<Days>,
}

/// An action's row and its steps' rows.
#[derive(Debug, Clone, PartialEq)]
pub struct ActionRows {
    pub row: Row,
    pub steps: Vec<Row>,
}

/// The timeline of a plan.
#[derive(Debug, Clone, PartialEq)]
pub struct Schedule {
    /// Whole years: the plan's period, widened to every date of its actions and to today.
    pub shown: Days,
    /// What an action without dates runs over: the plan's years, or what is shown when
    /// the plan states none.
    pub plan_period: Days,
    /// Today in Brussels, as the server read the tree.
    pub today: Option<NaiveDate>,
    pub actions: Vec<ActionRows>,
}

impl Schedule {
    pub fn of(tree: &PlanTree) -> Self {
        let today = tree.as_of;
        let years: Vec<i32> = tree
            .actions()
            .flat_map(|a| std::iter::once(a).chain(&a.sub_actions))
            .flat_map(|a| [a.planned_start, a.planned_end, a.actual_end])
            .chain([today])
            .flatten()
            .map(|d| d.year())
            .chain(tree.start_year)
            .chain(tree.end_year)
            .collect();
        // A plan with no period, no dates and no day from the server: the year of its
        // last change, so there is still something to draw.
        let fallback = tree.updated_at.year();
        let first = years.iter().min().copied().unwrap_or(fallback);
        let last = years.iter().max().copied().unwrap_or(fallback);
        // Only a stated year beyond chrono's dates fails: then the last change's year.
        let shown = Days::years(first, last)
            .or_else(|| Days::years(fallback, fallback))
            .unwrap_or(Days::new(NaiveDate::MIN, NaiveDate::MIN));
        let plan_period = Days {
            first: tree
                .start_year
                .and_then(|y| Days::years(y, y))
                .map_or(shown.first, |d| d.first),
            last: tree
                .end_year
                .and_then(|y| Days::years(y, y))
                .map_or(shown.last, |d| d.last),
        };
        let row = |action: &Action| row_of(action, plan_period, today);
        let actions = tree
            .actions()
            .map(|action| ActionRows {
                row: row(action),
                steps: action.sub_actions.iter().map(row).collect(),
            })
            .collect();
        Self {
            shown,
            plan_period,
            today,
            actions,
        }
    }
}

fn row_of(action: &Action, plan: Days, today: Option<NaiveDate>) -> Row {
    let start = action.planned_start.unwrap_or(plan.first);
    let planned = Days::new(start, action.planned_end.unwrap_or(plan.last));
    let ended = match action.status {
        ActionStatus::NonCommence => None,
        ActionStatus::Termine | ActionStatus::AnnuleAbandonne => action.actual_end,
        ActionStatus::EnCours | ActionStatus::EnAttente | ActionStatus::Probleme => today,
    };
    let actual = ended
        .filter(|end| *end >= start)
        .map(|end| Days::new(start, end));
    Row {
        // The steps are rows of their own.
        action: Action {
            sub_actions: Vec::new(),
            ..action.clone()
        },
        planned,
        undated: action.planned_start.is_none() && action.planned_end.is_none(),
        actual,
    }
}
