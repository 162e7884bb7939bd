//! Editing a plan's structure (the DG): plans, objectives, actions, organisations on
//! actions, opinions.

use crate::PlanDate;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::{ActionKind, ObjectiveLevel, Volet};

/// `POST /api/v1/plans`: a new draft plan of the caller's CPAS.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct NewPlan {
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::limits::label::<500>))]
    pub title: String,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(minimum = 1990, maximum = 2200))]
    pub start_year: Option<i32>,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(minimum = 1990, maximum = 2200))]
    pub end_year: Option<i32>,
}

/// `PATCH /api/v1/plans/{id}`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct PlanPatch {
    /// The version edited.
    pub version: i32,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::limits::label_or_null::<500>))]
    pub title: Option<String>,
    #[serde(
        default,
        with = "crate::double_option",
        skip_serializing_if = "Option::is_none"
    )]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<i32>, minimum = 1990, maximum = 2200))]
    pub start_year: Option<Option<i32>>,
    #[serde(
        default,
        with = "crate::double_option",
        skip_serializing_if = "Option::is_none"
    )]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<i32>, minimum = 1990, maximum = 2200))]
    pub end_year: Option<Option<i32>>,
    /// Days within which each action should be updated (7–366).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(minimum = 7, maximum = 366))]
    pub update_cadence_days: Option<i32>,
}

/// `POST /api/v1/plans/{id}/adopt`: the council adopted the plan.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct Adoption {
    pub version: i32,
    /// Date of the council's deliberation.
    pub adopted_on: PlanDate,
    /// Reference of the deliberation, e.g. "CAS 2025/014".
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::limits::optional_line::<200>))]
    pub deliberation: Option<String>,
}

/// `POST /api/v1/plans/{id}/close`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct VersionOnly {
    pub version: i32,
}

/// `POST /api/v1/plans/{id}/objectives`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct NewObjective {
    pub level: ObjectiveLevel,
    /// The strategic objective of an operational one.
    #[serde(default)]
    pub parent_id: Option<Uuid>,
    pub volet: Volet,
    /// Unique within the plan, e.g. `OOe11`.
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::limits::code))]
    pub code: String,
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::limits::label::<1000>))]
    pub title: String,
    /// Place among its siblings (0 first); at the end when absent.
    #[serde(default)]
    pub position: Option<i32>,
}

/// `PATCH /api/v1/objectives/{id}`: rename, recode, move (to another strategic
/// objective), reorder.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ObjectivePatch {
    pub version: i32,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::limits::code_or_null))]
    pub code: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::limits::label_or_null::<1000>))]
    pub title: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub volet: Option<Volet>,
    /// Another strategic objective of the plan (operational objectives only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub parent_id: Option<Uuid>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub position: Option<i32>,
    /// The mandataire's name; `null` or blank clears it.
    #[serde(
        default,
        with = "crate::double_option",
        skip_serializing_if = "Option::is_none"
    )]
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::limits::nullable_line::<{ crate::LEAD_MAX_CHARS }>))]
    pub political_lead: Option<Option<String>>,
    /// The mandataire's function; `null` or blank clears it.
    #[serde(
        default,
        with = "crate::double_option",
        skip_serializing_if = "Option::is_none"
    )]
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::limits::nullable_line::<{ crate::LEAD_MAX_CHARS }>))]
    pub political_function: Option<Option<String>>,
    /// A person of the CPAS (another CPAS's: 422 `unknown_reference`); `null` clears it.
    #[serde(
        default,
        with = "crate::double_option",
        skip_serializing_if = "Option::is_none"
    )]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<Uuid>))]
    pub responsible_user_id: Option<Option<Uuid>>,
    /// The mandataire's account, a person of the CPAS whose identity the eComptes file
    /// sends (another CPAS's: 422 `unknown_reference`); `null` clears it.
    #[serde(
        default,
        with = "crate::double_option",
        skip_serializing_if = "Option::is_none"
    )]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<Uuid>))]
    pub political_lead_user_id: Option<Option<Uuid>>,
    /// The objective's own start; `null`: derived from what it holds again.
    #[serde(
        default,
        with = "crate::double_option",
        skip_serializing_if = "Option::is_none"
    )]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<PlanDate>))]
    pub planned_start: Option<Option<PlanDate>>,
    /// The objective's own end, not before its start (422 `before_start`); `null`:
    /// derived again.
    #[serde(
        default,
        with = "crate::double_option",
        skip_serializing_if = "Option::is_none"
    )]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<PlanDate>))]
    pub planned_end: Option<Option<PlanDate>>,
}

/// `POST /api/v1/objectives/{id}/actions`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct NewAction {
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::limits::code))]
    pub code: String,
    #[serde(default)]
    pub kind: Option<ActionKind>,
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::limits::label::<1000>))]
    pub title: String,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::limits::optional_text::<10000>))]
    pub description: Option<String>,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::limits::optional_text::<2000>))]
    pub reservation: Option<String>,
    #[serde(default)]
    pub transversal: bool,
    #[serde(default)]
    pub position: Option<i32>,
}

/// `POST /api/v1/actions/{id}/sub-actions` (the DG): a step of an action.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct NewSubAction {
    /// The action's code and the next number (`Pe17.3`) when absent.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::limits::code_or_null))]
    pub code: Option<String>,
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::limits::label::<1000>))]
    pub title: String,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::limits::optional_text::<10000>))]
    pub description: Option<String>,
    /// Its share in the action's progress (1 when absent).
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(minimum = 1, maximum = 100))]
    pub weight: Option<i16>,
    /// Among the action's sub-actions, 0-based (last when absent).
    #[serde(default)]
    pub position: Option<i32>,
}

/// `PATCH /api/v1/actions/{id}/definition`: what the plan says of an action.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ActionDefinitionPatch {
    pub version: i32,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::limits::code_or_null))]
    pub code: Option<String>,
    #[serde(
        default,
        with = "crate::double_option",
        skip_serializing_if = "Option::is_none"
    )]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<ActionKind>))]
    pub kind: Option<Option<ActionKind>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::limits::label_or_null::<1000>))]
    pub title: Option<String>,
    #[serde(
        default,
        with = "crate::double_option",
        skip_serializing_if = "Option::is_none"
    )]
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::limits::nullable_text::<10000>))]
    pub description: Option<Option<String>>,
    /// e.g. "Projet mis en place sous réserve de ressources…"; `null` lifts it.
    #[serde(
        default,
        with = "crate::double_option",
        skip_serializing_if = "Option::is_none"
    )]
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::limits::nullable_text::<2000>))]
    pub reservation: Option<Option<String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub transversal: Option<bool>,
    /// Move under another operational objective of the plan (an action; its sub-actions
    /// follow it).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub objective_id: Option<Uuid>,
    /// Among the objective's actions, or the action's sub-actions, 0-based.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub position: Option<i32>,
    /// A sub-action's share in its action's progress, 1–100.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(minimum = 1, maximum = 100))]
    pub weight: Option<i16>,
    /// An action with sub-actions: `true`, the DG sets its progress by hand; `false`, its
    /// sub-actions drive it (the default).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub progress_by_hand: Option<bool>,
    /// The mandataire's function (their name is the follow-up's `political_lead`);
    /// `null` or blank clears it.
    #[serde(
        default,
        with = "crate::double_option",
        skip_serializing_if = "Option::is_none"
    )]
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::limits::nullable_line::<{ crate::LEAD_MAX_CHARS }>))]
    pub political_function: Option<Option<String>>,
    /// The administrative responsible, a person of the CPAS (another CPAS's: 422
    /// `unknown_reference`); `null` clears it.
    #[serde(
        default,
        with = "crate::double_option",
        skip_serializing_if = "Option::is_none"
    )]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<Uuid>))]
    pub responsible_user_id: Option<Option<Uuid>>,
    /// The mandataire's account, a person of the CPAS whose identity the eComptes file
    /// sends (another CPAS's: 422 `unknown_reference`); `null` clears it.
    #[serde(
        default,
        with = "crate::double_option",
        skip_serializing_if = "Option::is_none"
    )]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<Uuid>))]
    pub political_lead_user_id: Option<Option<Uuid>>,
}

/// `PUT /api/v1/actions/{id}/organisations`: the lead entity and the collaborators.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ActionOrganisations {
    pub version: i32,
    #[serde(default)]
    pub lead: Option<Uuid>,
    #[serde(default)]
    pub collaborators: Vec<Uuid>,
}

/// `POST /api/v1/plans/{id}/opinions` and `PUT /api/v1/opinions/{id}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct OpinionInput {
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::limits::optional_text::<1000>))]
    pub heading: Option<String>,
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::limits::text::<50000>))]
    pub body: String,
    /// The objectives it discusses; none: the plan as a whole.
    #[serde(default)]
    pub objective_ids: Vec<Uuid>,
    #[serde(default)]
    pub position: Option<i32>,
}
