//! RFC 9457 problem details: the body of every error answer
//! (`Content-Type: application/problem+json`).

use serde::{Deserialize, Serialize};

/// An error answer.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(example = json!({
    "type": "about:blank",
    "title": "Invalid fields",
    "status": 422,
    "detail": "the request has invalid fields",
    "code": "validation_failed",
    "errors": [{ "field": "changes/progress", "code": "out_of_range", "message": "between 0 and 100" }]
})))]
pub struct Problem {
    /// A URI naming the problem type; `about:blank` when the status says it all.
    #[serde(rename = "type")]
    pub type_uri: String,
    /// Short human summary of the problem type.
    pub title: String,
    /// The HTTP status code.
    pub status: u16,
    /// Human explanation of this occurrence.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
    /// Stable machine-readable code, e.g. `not_found`, `invalid_id`.
    pub code: String,
    /// Per-field problems of a rejected input (the first 200).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[cfg_attr(feature = "openapi", schema(max_items = 200))]
    pub errors: Vec<FieldError>,
    /// How many field problems there are in all, when `errors` lists only the first 200.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub total_errors: Option<usize>,
    /// For `version_conflict`: what changed since the version the request was based on.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub conflict: Option<Conflict>,
}

/// Two versions of an action that a change request or an edit collides on.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Conflict {
    /// The version the change was made against.
    pub base_version: i32,
    /// The action's version now.
    pub current_version: i32,
    /// Each proposed field: value at `base_version`, value now, proposed value.
    pub diff: Vec<crate::FieldDiff>,
}

/// One invalid field of a request.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct FieldError {
    /// The field, as a JSON pointer-like path (`progress`, `indicators/0/value`).
    pub field: String,
    /// Stable code, e.g. `out_of_range`.
    pub code: String,
    pub message: String,
}
