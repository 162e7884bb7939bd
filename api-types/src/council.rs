//! The public transparency page of a published plan: what citizens may see.

use chrono::{DateTime, NaiveDate, Utc};

use crate::PlanDate;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::{ActionKind, ActionStatus, EvaluationKind, Volet};

/// A published plan, as anyone may read it: the tree with statuses and progress. No journal
/// notes, no names of staff, no pending proposals.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PublicPlan {
    pub id: Uuid,
    /// The CPAS, e.g. "CPAS de Paliseul".
    pub cpas: String,
    pub title: String,
    pub start_year: Option<i32>,
    pub end_year: Option<i32>,
    #[serde(default, deserialize_with = "crate::wire_time::optional_date")]
    pub adopted_on: Option<NaiveDate>,
    /// When the follow-up last changed.
    #[serde(deserialize_with = "crate::wire_time::instant")]
    pub updated_at: DateTime<Utc>,
    /// Mean progress of all actions, 0–100.
    pub progress: f64,
    pub objectives: Vec<PublicObjective>,
}

/// A strategic objective with its operational ones, or an operational one with its actions.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PublicObjective {
    pub code: String,
    pub title: String,
    pub volet: Volet,
    /// Mean progress of its actions, 0–100.
    pub progress: f64,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[cfg_attr(feature = "openapi", schema(no_recursion))]
    pub objectives: Vec<PublicObjective>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub actions: Vec<PublicAction>,
}

/// An action as the public sees it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PublicAction {
    pub code: String,
    pub kind: Option<ActionKind>,
    pub title: String,
    pub status: ActionStatus,
    pub progress: i16,
    #[serde(default, deserialize_with = "crate::wire_time::optional_date")]
    pub planned_start: Option<NaiveDate>,
    #[serde(default, deserialize_with = "crate::wire_time::optional_date")]
    pub planned_end: Option<NaiveDate>,
    pub late: bool,
    /// The lead organisation (an organisation, never a person).
    pub lead: Option<String>,
    pub collaborators: Vec<String>,
    /// An action's sub-actions, in order (left out when it has none; never under a
    /// sub-action). Tasks are not public.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[cfg_attr(feature = "openapi", schema(no_recursion))]
    pub sub_actions: Vec<PublicAction>,
}

/// An adopted version of a plan: version 1 at the first adoption, then one per
/// actualisation re-adopted by the council.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PlanVersion {
    pub number: i32,
    #[serde(deserialize_with = "crate::wire_time::date")]
    pub adopted_on: NaiveDate,
    pub deliberation: Option<String>,
    #[serde(deserialize_with = "crate::wire_time::instant")]
    pub created_at: DateTime<Utc>,
}

/// `POST /api/v1/plans/{id}/versions`: the council adopted the actualised plan.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct NewPlanVersion {
    pub adopted_on: PlanDate,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::limits::optional_line::<200>))]
    pub deliberation: Option<String>,
}

/// A frozen evaluation of the follow-up.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PlanEvaluation {
    pub kind: EvaluationKind,
    /// The date the figures are frozen at.
    #[serde(deserialize_with = "crate::wire_time::date")]
    pub as_of: NaiveDate,
    #[serde(deserialize_with = "crate::wire_time::instant")]
    pub created_at: DateTime<Utc>,
}

/// `POST /api/v1/plans/{id}/evaluations`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct NewEvaluation {
    pub kind: EvaluationKind,
    pub as_of: PlanDate,
}

/// What changed between two states of a plan (versions, evaluations, or now).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PlanComparison {
    /// e.g. `version:1`.
    pub from: String,
    /// e.g. `evaluation:mid_term` or `current`.
    pub to: String,
    pub added: Vec<ComparedAction>,
    pub removed: Vec<ComparedAction>,
    /// Actions and sub-actions in both whose definition or follow-up differs (each list
    /// holds sub-actions too, `parent_code` naming their action).
    pub changed: Vec<ComparedAction>,
    /// Mean progress of all actions, 0–100, before and after (a sub-action counts through
    /// its action).
    pub progress_before: f64,
    pub progress_after: f64,
}

/// One action or sub-action in a comparison.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ComparedAction {
    pub code: String,
    pub title: String,
    /// The operational objective the action is under (in the later state; in the earlier
    /// one for a removed action), e.g. `OOe1`.
    pub objective_code: String,
    pub objective_title: String,
    /// The action a sub-action is a step of, by code (`Pe18` for `Pe18.2`); `null` for an
    /// action.
    pub parent_code: Option<String>,
    /// The fields that differ: `title`, `kind`, `objective`, `parent` (a sub-action moved to
    /// another action), `lead`, `collaborators`, `reservation`, `status`, `progress`,
    /// `weight` (a sub-action's).
    pub fields: Vec<String>,
    /// The same fields with their values before and after (`objective` and `lead` by code
    /// and name, `collaborators` as a list of names).
    pub changes: Vec<crate::FieldChange>,
    pub progress_before: Option<i16>,
    pub progress_after: Option<i16>,
}
