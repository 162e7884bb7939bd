//! Wire types of the PST API (`/api/v1`).
//!
//! Shared by the server (which derives the OpenAPI schemas from them with the `openapi`
//! feature), the Leptos web app and the black-box tests, so the three cannot disagree on
//! the JSON. No database code lives here: the crate builds for `wasm32-unknown-unknown`.
//!
//! Wire rules: field names are `snake_case`, enums are lower `snake_case` strings, dates
//! are ISO 8601 (`YYYY-MM-DD`), timestamps RFC 3339 in UTC, ids are UUIDs.

mod attachments;
mod auth;
mod comments;
mod council;
mod date;
mod ecomptes;
mod enums;
mod follow_up;
mod integrations;
#[cfg(feature = "openapi")]
pub mod limits;
mod periods;
mod plan;
mod preferences;
mod problem;
mod responsibles;
mod rules;
mod second_factor;
mod sectoral;
mod single_sign_on;
mod structure;
mod tasks;
mod users;
mod wire_time;

pub use attachments::*;
pub use auth::*;
pub use comments::*;
pub use council::*;
pub use date::*;
pub use ecomptes::*;
pub use enums::*;
pub use follow_up::*;
pub use integrations::*;
pub use periods::*;
pub use plan::*;
pub use preferences::*;
pub use problem::*;
pub use responsibles::*;
pub use rules::*;
pub use second_factor::*;
pub use sectoral::*;
pub use single_sign_on::*;
pub use structure::*;
pub use tasks::*;
pub use users::*;

/// Answer of `GET /healthz` and `GET /readyz`.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Health {
    /// `ok` when the check passed.
    pub status: String,
}

/// Serde helper: tells an absent field (`None`) from an explicit `null` (`Some(None)`).
pub(crate) mod double_option {
    use serde::{Deserialize, Deserializer, Serialize, Serializer};

    pub fn serialize<T: Serialize, S: Serializer>(
        value: &Option<Option<T>>,
        serializer: S,
    ) -> Result<S::Ok, S::Error> {
        match value {
            Some(inner) => inner.serialize(serializer),
            None => serializer.serialize_none(),
        }
    }

    pub fn deserialize<'de, T: Deserialize<'de>, D: Deserializer<'de>>(
        deserializer: D,
    ) -> Result<Option<Option<T>>, D::Error> {
        Option::<T>::deserialize(deserializer).map(Some)
    }
}

/// Longest note of a proposal or an edit, in characters: the server's rule, stated in the
/// schema and counted down by the web app's form.
pub const NOTE_MAX_CHARS: usize = 10_000;

/// Longest political or administrative lead of an action, in characters, on one line.
pub const LEAD_MAX_CHARS: usize = 200;

/// Longest comment on an action's health, in characters, on one line: a short reason
/// ("retard du marché public"), not a report (that is the note's job).
pub const HEALTH_COMMENT_MAX_CHARS: usize = 300;

/// The years a plan's term, an indicator, a budget line or an eComptes file may name: the
/// server's rule, stated in the schemas (`minimum`, `maximum`) and checked by the forms.
pub const PLAN_YEARS: std::ops::RangeInclusive<i32> = 1990..=2200;

/// NIS (INS) codes of Belgian municipalities: five digits, the first one the province's.
pub const NIS_CODES: std::ops::RangeInclusive<i32> = 10_000..=99_999;

/// Most full-time equivalents an action's staffing may state (the schema's `maximum`).
pub const STAFFING_FTE_MAX: f64 = 9999.0;
