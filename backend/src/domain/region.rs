//! What the Walloon Region knows a CPAS by (eComptes' `Identifiants`), and the years its
//! plan and budget name.

use std::ops::RangeInclusive;

use api_types::ProblemCode;

use crate::error::ApiError;

/// `raw` when `range` holds it; otherwise 422 on `field`, saying what is expected.
fn within(
    raw: i32,
    range: RangeInclusive<i32>,
    field: &str,
    expected: &str,
) -> Result<i32, ApiError> {
    if range.contains(&raw) {
        Ok(raw)
    } else {
        Err(ApiError::invalid_field(
            field,
            ProblemCode::OutOfRange,
            format!("{expected} between {} and {}", range.start(), range.end()),
        ))
    }
}

/// The NIS (INS) code of a Belgian municipality ([`api_types::NIS_CODES`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NisCode(i32);

impl NisCode {
    pub fn parse(raw: i32, field: &str) -> Result<Self, ApiError> {
        within(raw, api_types::NIS_CODES, field, "five digits,").map(Self)
    }

    pub fn get(self) -> i32 {
        self.0
    }
}

/// A year a plan's term, an indicator, a budget line or an eComptes exercice may name
/// ([`api_types::PLAN_YEARS`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PlanYear(i32);

impl PlanYear {
    pub fn parse(raw: i32, field: &str) -> Result<Self, ApiError> {
        within(raw, api_types::PLAN_YEARS, field, "a year").map(Self)
    }

    pub fn get(self) -> i32 {
        self.0
    }
}
