//! What the Region's eComptes application sends back for a plan's elements (its budget
//! articles and multi-year projections), the import of its file, and the reconciliation
//! of those figures with the CPAS's own budget lines.

use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::{BudgetDirection, BudgetService};

/// A budget article eComptes attached to an objective or an action, as its file said.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct EcomptesArticle {
    /// The budget year (`Exercice`).
    pub year: i32,
    pub service: BudgetService,
    pub direction: BudgetDirection,
    /// The article code, e.g. `84010/123-48`.
    pub code: String,
    pub label: String,
    /// `Montant`, in euro cents.
    pub amount_cents: i64,
}

/// One year of a projection.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct EcomptesProjectionYear {
    pub year: i32,
    pub amount_cents: i64,
}

/// A multi-year projection eComptes attached to an element: an economic group's amounts
/// over the coming years, as projected for the budget year `exercice`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct EcomptesProjection {
    /// The budget year of the file that brought it.
    pub exercice: i32,
    pub service: BudgetService,
    pub direction: BudgetDirection,
    /// `GroupeEco`, the economic group.
    pub economic_group: String,
    pub label: String,
    /// In year order.
    pub years: Vec<EcomptesProjectionYear>,
}

/// An element's figures from eComptes: its articles (by year, then as the file listed
/// them) and its projections (newest budget year first).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct EcomptesBudget {
    pub articles: Vec<EcomptesArticle>,
    pub projections: Vec<EcomptesProjection>,
}

/// An element of the file found in the plan.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct EcomptesMatch {
    pub element_id: Uuid,
    /// The objective's or the action's code in the plan.
    pub code: String,
    pub title: String,
    /// How many articles and projections the file brings for it.
    pub articles: i32,
    pub projections: i32,
}

/// An element's eComptes amount for a year, before the import and after.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct EcomptesAmountChange {
    pub element_id: Uuid,
    pub code: String,
    pub year: i32,
    pub before_cents: i64,
    pub after_cents: i64,
}

/// `POST /api/v1/plans/{id}/ecomptes`: what the file holds and what it changes (or, with
/// `dry_run`, would change).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct EcomptesImportReport {
    /// The budget year the file was made for (`Identifiants/Exercice`).
    pub exercice: i32,
    /// The years whose articles the file replaces, for the elements it names: its own and
    /// those of its articles.
    pub years: Vec<i32>,
    /// Whether it was written: false for a dry run, and when some element is not in the
    /// plan (then nothing is).
    pub applied: bool,
    /// The elements found in the plan, in the file's order; the volets, which hold no
    /// figures, are not listed.
    pub matched: Vec<EcomptesMatch>,
    /// The `ElementId`s the plan does not have.
    pub unmatched: Vec<String>,
    /// The amounts that change, by element and year.
    pub changes: Vec<EcomptesAmountChange>,
}

/// An element's expenses or revenues for a year, three ways: what the CPAS planned and
/// spent (its budget lines, a sub-action's with its action's), and what eComptes' articles
/// say.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ReconciliationRow {
    /// The action (or, for articles eComptes put on an objective, the objective).
    pub element_id: Uuid,
    pub code: String,
    pub title: String,
    pub year: i32,
    /// Expenses and revenues are compared apart.
    pub direction: BudgetDirection,
    pub planned_cents: i64,
    pub ecomptes_cents: i64,
    pub spent_cents: i64,
}

impl ReconciliationRow {
    /// eComptes' amount less the planned one: what the reconciliation points out.
    pub fn difference_cents(&self) -> i64 {
        self.ecomptes_cents - self.planned_cents
    }

    /// Whether eComptes and the plan disagree.
    pub fn differs(&self) -> bool {
        self.difference_cents() != 0
    }
}

/// `GET /api/v1/plans/{id}/reconciliation`: every element with budget figures, by year, in
/// plan order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Reconciliation {
    pub plan_id: Uuid,
    pub rows: Vec<ReconciliationRow>,
}
