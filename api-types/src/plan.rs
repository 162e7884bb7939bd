//! Plans and their tree: strategic objectives → operational objectives → actions.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::{ActionKind, ActionStatus, OrganisationKind, PlanStatus, Volet};

/// The CPAS that owns a plan.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TenantRef {
    pub id: Uuid,
    /// Short stable name used in URLs, e.g. `paliseul`.
    pub slug: String,
    pub name: String,
}

/// One plan in a list, without its tree.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PlanSummary {
    pub id: Uuid,
    pub tenant: TenantRef,
    pub title: String,
    /// First year of the term, when the plan states it.
    pub start_year: Option<i32>,
    /// Last year of the term, when the plan states it.
    pub end_year: Option<i32>,
    pub status: PlanStatus,
    /// Date of the council's adoption, when known.
    pub adopted_on: Option<NaiveDate>,
    pub strategic_objective_count: i64,
    pub operational_objective_count: i64,
    pub action_count: i64,
    /// Optimistic-concurrency version of the plan row.
    pub version: i32,
    pub updated_at: DateTime<Utc>,
}

/// A plan with its whole tree, organisations and the Directeur général's opinions.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PlanTree {
    pub id: Uuid,
    pub tenant: TenantRef,
    pub title: String,
    pub start_year: Option<i32>,
    pub end_year: Option<i32>,
    pub status: PlanStatus,
    pub adopted_on: Option<NaiveDate>,
    /// Title of the DG's opinion section, as the document gives it.
    pub opinion_title: Option<String>,
    pub version: i32,
    pub updated_at: DateTime<Utc>,
    /// Strategic objectives in plan order, each with its operational objectives.
    pub objectives: Vec<StrategicObjective>,
    /// The Directeur général's opinions ("avis"), in document order.
    pub opinions: Vec<Opinion>,
}

/// A strategic objective (OS).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct StrategicObjective {
    pub id: Uuid,
    /// e.g. `OSe1`.
    pub code: String,
    pub volet: Volet,
    pub title: String,
    pub position: i32,
    pub version: i32,
    pub operational_objectives: Vec<OperationalObjective>,
}

/// An operational objective (OO) and its actions.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct OperationalObjective {
    pub id: Uuid,
    /// e.g. `OOe3`.
    pub code: String,
    pub volet: Volet,
    pub title: String,
    pub position: i32,
    pub version: i32,
    pub actions: Vec<Action>,
}

/// An action: a mission (ongoing service) or a projet (new project).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Action {
    pub id: Uuid,
    /// e.g. `Me14`, `Pe17`, or `A3` for a plan that did not classify its actions.
    pub code: String,
    /// `null` when the plan does not say whether the action is a mission or a projet.
    pub kind: Option<ActionKind>,
    pub title: String,
    /// Details given by the plan, e.g. examples.
    pub description: Option<String>,
    /// Condition the action is subject to, e.g. "sous réserve de ressources…".
    pub reservation: Option<String>,
    /// The action applies across every project of the plan.
    pub transversal: bool,
    pub status: ActionStatus,
    /// 0–100.
    pub progress: i16,
    pub planned_start: Option<NaiveDate>,
    pub planned_end: Option<NaiveDate>,
    pub actual_end: Option<NaiveDate>,
    pub position: i32,
    pub version: i32,
    /// The lead entity ("entité porteuse"), when the plan names one.
    pub lead: Option<OrganisationRef>,
    /// Collaborating organisations, in plan order.
    pub collaborators: Vec<OrganisationRef>,
}

/// An organisation as referenced from an action.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct OrganisationRef {
    pub id: Uuid,
    pub name: String,
    pub kind: OrganisationKind,
}

/// An opinion ("avis") of the Directeur général, on the plan or on some objectives.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Opinion {
    pub id: Uuid,
    /// The heading the opinion is written under, e.g. the objectives it discusses.
    pub heading: Option<String>,
    /// The text; paragraphs are separated by a blank line.
    pub body: String,
    pub position: i32,
    /// Objectives the opinion discusses; empty when it is on the plan as a whole.
    pub objective_ids: Vec<Uuid>,
    /// Codes of those objectives, in the same order.
    pub objective_codes: Vec<String>,
}

/// An action in a list ("my actions"), with where it sits.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ActionRef {
    pub id: Uuid,
    pub code: String,
    pub title: String,
    pub kind: Option<ActionKind>,
    pub status: ActionStatus,
    pub progress: i16,
    pub plan_id: Uuid,
    pub plan_title: String,
    pub objective_code: String,
    /// The role of the caller's organisation on the action.
    pub role: crate::OrgRole,
}

/// `GET /api/v1/actions/{id}`: an action and where it sits in its plan.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ActionDetail {
    pub plan_id: Uuid,
    pub plan_title: String,
    pub objective_id: Uuid,
    pub objective_code: String,
    pub objective_title: String,
    pub action: Action,
}
