//! What the Walloon Region knows a CPAS by (eComptes' `Identifiants`).

use api_types::ProblemCode;

use crate::error::ApiError;

/// The NIS (INS) code of a Belgian municipality: five digits, the first one the province's.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NisCode(i32);

impl NisCode {
    pub const MIN: i32 = 10_000;
    pub const MAX: i32 = 99_999;

    pub fn parse(raw: i32, field: &str) -> Result<Self, ApiError> {
        if (Self::MIN..=Self::MAX).contains(&raw) {
            Ok(Self(raw))
        } else {
            Err(ApiError::invalid_field(
                field,
                ProblemCode::OutOfRange,
                format!("five digits, between {} and {}", Self::MIN, Self::MAX),
            ))
        }
    }

    pub fn get(self) -> i32 {
        self.0
    }
}

/// A year a plan's term, an indicator, a budget line or an eComptes exercice may name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PlanYear(i32);

impl PlanYear {
    pub const MIN: i32 = 1990;
    pub const MAX: i32 = 2200;

    pub fn parse(raw: i32, field: &str) -> Result<Self, ApiError> {
        if (Self::MIN..=Self::MAX).contains(&raw) {
            Ok(Self(raw))
        } else {
            Err(ApiError::invalid_field(
                field,
                ProblemCode::OutOfRange,
                format!("a year between {} and {}", Self::MIN, Self::MAX),
            ))
        }
    }

    pub fn get(self) -> i32 {
        self.0
    }
}
