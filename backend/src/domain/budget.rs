//! A plan's budget figures as the council report and the workbook show them.

use std::collections::HashMap;

use api_types::BudgetRollup;
use uuid::Uuid;

/// A plan's budget by year: the whole plan's and each objective's (strategic and
/// operational), as the view `budget_figures` adds them up (see `db::stats`).
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct PlanBudget {
    pub plan: BudgetRollup,
    pub objectives: HashMap<Uuid, BudgetRollup>,
}

impl PlanBudget {
    /// An objective's figures; nothing (all zero, no year) when none of its actions has any.
    pub fn of(&self, objective: Uuid) -> BudgetRollup {
        self.objectives.get(&objective).cloned().unwrap_or_default()
    }

    /// Whether the plan has any figure at all: the documents then leave the section out.
    pub fn is_empty(&self) -> bool {
        self.plan.by_year.is_empty()
    }
}

/// The rows the documents write for one element's budget: a row per year, then the total
/// (`None`), each with the amounts planned, engaged, spent and in eComptes' articles.
pub fn year_rows(budget: &BudgetRollup) -> Vec<(Option<i32>, [i64; 4])> {
    budget
        .by_year
        .iter()
        .map(|y| {
            let amounts = [
                y.planned_cents,
                y.engaged_cents,
                y.spent_cents,
                y.ecomptes_cents,
            ];
            (Some(y.year), amounts)
        })
        .chain(std::iter::once((
            None,
            [
                budget.planned_cents,
                budget.engaged_cents,
                budget.spent_cents,
                budget.ecomptes_cents,
            ],
        )))
        .collect()
}
