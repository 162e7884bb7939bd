//! `PlanDate`: the only kind of calendar date the API accepts.

use std::fmt;

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// A calendar date between 1900-01-01 and 2999-12-31, written `YYYY-MM-DD`.
///
/// This is the business rule on dates, defined here once: a strategic plan's dates are
/// those of the people and councils who run it, so anything outside these years is a
/// typing error (`0202-03-01`), or an attack on the storage (`-5000-01-01` is before
/// PostgreSQL's first date, `+10000-01-01` breaks `format: date` for every client). A
/// value of this type can only be built by [`PlanDate::parse`] or [`PlanDate::new`],
/// which refuse the others, and so can deserialisation. The database's CHECK constraints
/// on date columns are only the guard of last resort.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct PlanDate(NaiveDate);

/// Why a text or a date is not a [`PlanDate`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PlanDateError {
    /// Not a real date written `YYYY-MM-DD` (`2026-02-30`, `31/12/2026`, `soon`).
    Invalid,
    /// A real date, outside 1900-01-01 – 2999-12-31 (`0000-01-01`, `+10000-01-01`).
    OutOfRange,
}

impl PlanDateError {
    /// The stable field-error code of the API.
    pub fn code(self) -> crate::ProblemCode {
        match self {
            Self::Invalid => crate::ProblemCode::InvalidDate,
            Self::OutOfRange => crate::ProblemCode::DateOutOfRange,
        }
    }

    /// The error a deserialiser reported with this error's message, if it is one.
    pub fn from_message(message: &str) -> Option<Self> {
        [Self::Invalid, Self::OutOfRange]
            .into_iter()
            .find(|error| message.starts_with(error.message()))
    }

    fn message(self) -> &'static str {
        match self {
            Self::Invalid => "a date as YYYY-MM-DD",
            Self::OutOfRange => "a date between 1900-01-01 and 2999-12-31",
        }
    }
}

impl fmt::Display for PlanDateError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.message())
    }
}

impl std::error::Error for PlanDateError {}

impl PlanDate {
    /// The first date accepted.
    pub const MIN: NaiveDate = match NaiveDate::from_ymd_opt(1900, 1, 1) {
        Some(date) => date,
        None => panic!("1900-01-01 is a date"),
    };
    /// The last date accepted.
    pub const MAX: NaiveDate = match NaiveDate::from_ymd_opt(2999, 12, 31) {
        Some(date) => date,
        None => panic!("2999-12-31 is a date"),
    };
    /// The shape of the accepted texts, as the OpenAPI document states it: only real days
    /// (OpenAPI 3.1 takes `format` as an annotation, so generators follow the pattern). It
    /// leaves out 29 February, which the server accepts in leap years: a schema may be
    /// stricter than the server, never looser.
    pub const PATTERN: &'static str = r"^(19[0-9]{2}|2[0-9]{3})-((0[1-9]|1[0-2])-(0[1-9]|1[0-9]|2[0-8])|(0[13-9]|1[0-2])-(29|30)|(0[13578]|1[02])-31)$";

    /// A date within the accepted range.
    pub fn new(date: NaiveDate) -> Result<Self, PlanDateError> {
        if (Self::MIN..=Self::MAX).contains(&date) {
            Ok(Self(date))
        } else {
            Err(PlanDateError::OutOfRange)
        }
    }

    /// Reads `YYYY-MM-DD`: four-digit year, two-digit month and day. A real date written
    /// with another year (`-5000-01-01`, `+10000-01-01`, `0000-01-01`) is out of range;
    /// anything else is invalid.
    pub fn parse(text: &str) -> Result<Self, PlanDateError> {
        let mut parts = text.rsplitn(3, '-');
        let (Some(day), Some(month), Some(year)) = (parts.next(), parts.next(), parts.next())
        else {
            return Err(PlanDateError::Invalid);
        };
        let two_digits = |s: &str| s.len() == 2 && s.bytes().all(|b| b.is_ascii_digit());
        let digits = year.strip_prefix(['+', '-']).unwrap_or(year);
        if !two_digits(day)
            || !two_digits(month)
            || digits.is_empty()
            || digits.len() > 9
            || !digits.bytes().all(|b| b.is_ascii_digit())
        {
            return Err(PlanDateError::Invalid);
        }
        let (Ok(year_number), Ok(month), Ok(day)) = (
            year.parse::<i64>(),
            month.parse::<u32>(),
            day.parse::<u32>(),
        ) else {
            return Err(PlanDateError::Invalid);
        };
        // Is it a real day of the calendar (with a year that has the same leap rule)?
        let leap_equivalent = if year_number.rem_euclid(400) == 0 {
            2000
        } else if year_number.rem_euclid(100) == 0 {
            1900
        } else if year_number.rem_euclid(4) == 0 {
            2024
        } else {
            2023
        };
        if NaiveDate::from_ymd_opt(leap_equivalent, month, day).is_none() {
            return Err(PlanDateError::Invalid);
        }
        if year.len() != 4 || !(1900..=2999).contains(&year_number) {
            return Err(PlanDateError::OutOfRange);
        }
        let year = i32::try_from(year_number).map_err(|_| PlanDateError::OutOfRange)?;
        NaiveDate::from_ymd_opt(year, month, day)
            .ok_or(PlanDateError::Invalid)
            .and_then(Self::new)
    }

    /// The date itself.
    pub fn get(self) -> NaiveDate {
        self.0
    }

    /// The year.
    pub fn year(self) -> i32 {
        self.0.year()
    }
}

impl From<PlanDate> for NaiveDate {
    fn from(date: PlanDate) -> Self {
        date.0
    }
}

impl TryFrom<NaiveDate> for PlanDate {
    type Error = PlanDateError;

    fn try_from(date: NaiveDate) -> Result<Self, PlanDateError> {
        Self::new(date)
    }
}

impl std::str::FromStr for PlanDate {
    type Err = PlanDateError;

    fn from_str(text: &str) -> Result<Self, PlanDateError> {
        Self::parse(text)
    }
}

impl fmt::Display for PlanDate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Always four digits: the range guarantees it. Written by hand: chrono's `format`
        // machinery would add kilobytes to the web app's WASM.
        write!(
            f,
            "{:04}-{:02}-{:02}",
            self.0.year(),
            self.0.month(),
            self.0.day()
        )
    }
}

impl Serialize for PlanDate {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for PlanDate {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = std::borrow::Cow::<'de, str>::deserialize(deserializer)?;
        Self::parse(&text).map_err(serde::de::Error::custom)
    }
}

#[cfg(feature = "openapi")]
impl utoipa::PartialSchema for PlanDate {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        use utoipa::openapi::schema::{KnownFormat, ObjectBuilder, SchemaFormat, Type};
        ObjectBuilder::new()
            .schema_type(Type::String)
            .format(Some(SchemaFormat::KnownFormat(KnownFormat::Date)))
            .pattern(Some(Self::PATTERN))
            .description(Some(
                "A date `YYYY-MM-DD` from 1900-01-01 to 2999-12-31; any other is refused \
                 (422, field error `date_out_of_range` or `invalid_date`).",
            ))
            .examples([serde_json::json!("2026-12-31")])
            .into()
    }
}

#[cfg(feature = "openapi")]
impl utoipa::ToSchema for PlanDate {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_in_range_are_read_and_written_back() {
        for text in ["1900-01-01", "2026-02-28", "2024-02-29", "2999-12-31"] {
            let date = PlanDate::parse(text).expect(text);
            assert_eq!(date.to_string(), text);
            let json = serde_json::to_string(&date).expect("serialises");
            assert_eq!(json, format!("\"{text}\""));
            assert_eq!(serde_json::from_str::<PlanDate>(&json).ok(), Some(date));
        }
    }

    #[test]
    fn real_dates_outside_the_range_are_out_of_range() {
        for text in [
            "1899-12-31",
            "3000-01-01",
            "0000-01-01",
            "-5000-01-01",
            "+10000-01-01",
            "+2026-01-01",
            "02026-01-01",
            "-0001-12-31",
        ] {
            assert_eq!(
                PlanDate::parse(text),
                Err(PlanDateError::OutOfRange),
                "{text}"
            );
        }
        assert_eq!(
            NaiveDate::from_ymd_opt(1899, 12, 31).map(PlanDate::new),
            Some(Err(PlanDateError::OutOfRange))
        );
    }

    #[test]
    fn other_texts_are_invalid() {
        for text in [
            "",
            "2026",
            "2026-1-01",
            "2026-02-30",
            "2023-02-29",
            "2100-02-29",
            "31/12/2026",
            "2026-12-31T00:00:00",
            " 2026-12-31",
            "2026-12-31 ",
            "2026-13-01",
            "20a6-12-01",
            "--2026-12-01",
            "2026-12-00",
        ] {
            assert_eq!(
                PlanDate::parse(text),
                Err(PlanDateError::Invalid),
                "{text:?}"
            );
        }
    }

    #[test]
    fn deserialisation_errors_are_recognised() {
        let error = serde_json::from_str::<PlanDate>("\"-5000-01-01\"")
            .expect_err("refused")
            .to_string();
        assert_eq!(
            PlanDateError::from_message(&error),
            Some(PlanDateError::OutOfRange)
        );
        let error = serde_json::from_str::<PlanDate>("\"soon\"")
            .expect_err("refused")
            .to_string();
        assert_eq!(
            PlanDateError::from_message(&error),
            Some(PlanDateError::Invalid)
        );
    }
}
