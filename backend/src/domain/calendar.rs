//! The CPAS's calendar: every date the plans show is a day in Brussels, whatever the
//! server's time zone. The database uses the same zone (the session's time zone of every
//! pooled connection, and `pst_day` / `pst_today` of migration `…_rules`); a test runs
//! both on the same instants (`tests/api/rules.rs`).

use chrono::{DateTime, NaiveDate, Utc};
use chrono_tz::Tz;

/// The time zone of the plans' calendar.
pub const TIME_ZONE: Tz = chrono_tz::Europe::Brussels;

/// The day in Brussels at the instant `at`.
pub fn day_of(at: DateTime<Utc>) -> NaiveDate {
    at.with_timezone(&TIME_ZONE).date_naive()
}

/// Today in Brussels.
pub fn today() -> NaiveDate {
    day_of(Utc::now())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(text: &str) -> DateTime<Utc> {
        text.parse().expect("an RFC 3339 instant")
    }

    #[test]
    fn the_belgian_day_starts_at_22_00_utc_in_summer_and_23_00_utc_in_winter() {
        let day = |text| NaiveDate::parse_from_str(text, "%Y-%m-%d").expect("a date");
        assert_eq!(day_of(at("2026-06-30T21:59:59Z")), day("2026-06-30"));
        assert_eq!(day_of(at("2026-06-30T23:30:00Z")), day("2026-07-01"));
        assert_eq!(day_of(at("2026-01-31T22:59:59Z")), day("2026-01-31"));
        assert_eq!(day_of(at("2026-01-31T23:30:00Z")), day("2026-02-01"));
    }
}
