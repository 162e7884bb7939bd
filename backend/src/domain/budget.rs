//! A plan's budget figures as the council report and the workbook show them.

use std::collections::HashMap;

use api_types::BudgetRollup;
use uuid::Uuid;

/// A plan's budget by year: the whole plan's and each objective's (strategic and
/// operational), as the view `budget_figures` adds them up (see `db::stats`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
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
