//! The sectoral plans a PST federates (the commune's PCS, the staff training plan, the
//! PCDR…): a list per CPAS, kept by the DG, whose entries tag objectives and actions.

use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// A sectoral plan of the CPAS.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SectoralPlan {
    pub id: Uuid,
    /// e.g. "Plan de cohésion sociale (PCS)"; once per CPAS, whatever its case.
    pub name: String,
}

/// `POST /api/v1/sectoral-plans` and `PUT /api/v1/sectoral-plans/{id}` (the DG).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(example = json!({ "name": "Plan de cohésion sociale (PCS)" })))]
#[serde(deny_unknown_fields)]
pub struct SectoralPlanInput {
    /// One line, not blank.
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::limits::label::<200>))]
    pub name: String,
}

/// `PUT /api/v1/objectives/{id}/sectoral-plans` and `PUT /api/v1/actions/{id}/sectoral-plans`
/// (the DG): the element's tags, all of them (an empty list removes them).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct SectoralPlanTags {
    /// Sectoral plans of the CPAS, each once; at most 50.
    #[cfg_attr(feature = "openapi", schema(max_items = 50))]
    pub sectoral_plan_ids: Vec<Uuid>,
}

/// One sectoral plan's roll-up in a plan summary: the actions that belong to it (tagged,
/// through a sub-action, or through their objective).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SectoralPlanRollup {
    pub sectoral_plan: SectoralPlan,
    pub rollup: crate::Rollup,
}
