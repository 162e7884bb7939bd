//! How answers' dates (`YYYY-MM-DD`) and instants (RFC 3339) are read back.
//!
//! chrono's own deserialisers go through its general-purpose format parser, kilobytes of
//! the web app's WASM for the two shapes the server ever writes: chrono writes a date as
//! `2026-06-30` and an instant as `2026-06-30T08:15:00.123456Z`. These readers take those
//! shapes (any number of fraction digits, `Z` or a `±HH:MM` offset) and nothing else; the
//! request bodies the server reads keep their own parsers ([`crate::PlanDate`] and chrono).

use chrono::{DateTime, NaiveDate, NaiveTime, TimeDelta, Utc};
use serde::{Deserialize, Deserializer, de::Error as _};

/// `YYYY-MM-DD` (a signed or longer year too, as chrono writes it outside 0000–9999).
fn parse_date(text: &str) -> Option<NaiveDate> {
    let mut parts = text.rsplitn(3, '-');
    let (day, month, year) = (parts.next()?, parts.next()?, parts.next()?);
    let digits = |s: &str, n: usize| s.len() == n && s.bytes().all(|b| b.is_ascii_digit());
    if !digits(day, 2) || !digits(month, 2) {
        return None;
    }
    NaiveDate::from_ymd_opt(year.parse().ok()?, month.parse().ok()?, day.parse().ok()?)
}

/// `YYYY-MM-DDTHH:MM:SS[.fraction](Z|±HH:MM)`, in UTC.
fn parse_instant(text: &str) -> Option<DateTime<Utc>> {
    let (date, time) = text.split_once(['T', 't'])?;
    let date = parse_date(date)?;
    let (clock, offset_seconds) = if let Some(clock) = time.strip_suffix(['Z', 'z']) {
        (clock, 0)
    } else {
        let at = time.rfind(['+', '-'])?;
        let (clock, offset) = time.split_at(at);
        let sign = if offset.starts_with('-') { -1 } else { 1 };
        let (hours, minutes) = offset.get(1..)?.split_once(':')?;
        if hours.len() != 2 || minutes.len() != 2 {
            return None;
        }
        let minutes = hours.parse::<i64>().ok()? * 60 + minutes.parse::<i64>().ok()?;
        (clock, sign * minutes * 60)
    };
    let (whole, fraction) = clock.split_once('.').unwrap_or((clock, ""));
    let mut fields = whole.split(':');
    let (hour, minute, second) = (fields.next()?, fields.next()?, fields.next()?);
    if fields.next().is_some()
        || [hour, minute, second].iter().any(|f| f.len() != 2)
        || fraction.len() > 9
        || !fraction.bytes().all(|b| b.is_ascii_digit())
    {
        return None;
    }
    let nanos = format!("{fraction:0<9}").parse().ok()?;
    let time = NaiveTime::from_hms_nano_opt(
        hour.parse().ok()?,
        minute.parse().ok()?,
        second.parse().ok()?,
        nanos,
    )?;
    let local = date.and_time(time);
    local
        .checked_sub_signed(TimeDelta::seconds(offset_seconds))
        .map(|utc| utc.and_utc())
}

/// A date of an answer.
pub fn date<'de, D: Deserializer<'de>>(deserializer: D) -> Result<NaiveDate, D::Error> {
    let text = std::borrow::Cow::<'de, str>::deserialize(deserializer)?;
    parse_date(&text).ok_or_else(|| D::Error::custom("a date as YYYY-MM-DD"))
}

/// A date of an answer, or `null`.
pub fn optional_date<'de, D: Deserializer<'de>>(
    deserializer: D,
) -> Result<Option<NaiveDate>, D::Error> {
    match Option::<std::borrow::Cow<'de, str>>::deserialize(deserializer)? {
        None => Ok(None),
        Some(text) => parse_date(&text)
            .map(Some)
            .ok_or_else(|| D::Error::custom("a date as YYYY-MM-DD")),
    }
}

/// An instant of an answer.
pub fn instant<'de, D: Deserializer<'de>>(deserializer: D) -> Result<DateTime<Utc>, D::Error> {
    let text = std::borrow::Cow::<'de, str>::deserialize(deserializer)?;
    parse_instant(&text).ok_or_else(|| D::Error::custom("an RFC 3339 date and time"))
}

/// An instant of an answer, or `null`.
pub fn optional_instant<'de, D: Deserializer<'de>>(
    deserializer: D,
) -> Result<Option<DateTime<Utc>>, D::Error> {
    match Option::<std::borrow::Cow<'de, str>>::deserialize(deserializer)? {
        None => Ok(None),
        Some(text) => parse_instant(&text)
            .map(Some)
            .ok_or_else(|| D::Error::custom("an RFC 3339 date and time")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{FixedOffset, TimeZone};

    #[test]
    fn reads_back_every_date_chrono_writes() {
        for (y, m, d) in [
            (2026, 6, 30),
            (1900, 1, 1),
            (2999, 12, 31),
            (2024, 2, 29),
            (12345, 1, 2),
            (-5, 3, 4),
        ] {
            let day = NaiveDate::from_ymd_opt(y, m, d).expect("a date");
            let text = serde_json::to_string(&day).expect("serialises");
            let read = date(&mut serde_json::Deserializer::from_str(&text)).expect("reads back");
            assert_eq!(read, day, "{text}");
        }
    }

    #[test]
    fn reads_back_every_instant_chrono_writes() {
        let base = Utc
            .with_ymd_and_hms(2026, 12, 2, 23, 30, 5)
            .single()
            .expect("an instant");
        for nanos in [0, 1, 120_000_000, 123_456_000, 999_999_999] {
            let at = base + TimeDelta::nanoseconds(nanos);
            let text = serde_json::to_string(&at).expect("serialises");
            let read = instant(&mut serde_json::Deserializer::from_str(&text)).expect("reads");
            assert_eq!(read, at, "{text}");
        }
    }

    #[test]
    fn offsets_are_brought_to_utc() {
        let brussels = FixedOffset::east_opt(3600).expect("an offset");
        let at = brussels
            .with_ymd_and_hms(2026, 1, 1, 0, 30, 0)
            .single()
            .expect("an instant");
        let text = at.to_rfc3339();
        assert_eq!(parse_instant(&text), Some(at.with_timezone(&Utc)), "{text}");
        assert_eq!(
            parse_instant("2026-01-01T00:30:00-02:30"),
            Utc.with_ymd_and_hms(2026, 1, 1, 3, 0, 0).single()
        );
    }

    #[test]
    fn other_shapes_are_refused() {
        for text in ["2026-6-30", "30/06/2026", "2026-02-30", "", "2026-06-30x"] {
            assert_eq!(parse_date(text), None, "{text}");
        }
        for text in [
            "2026-06-30",
            "2026-06-30T08:15:00",
            "2026-06-30T8:15:00Z",
            "2026-06-30T08:15:00.1234567890Z",
            "2026-06-30T08:15:00+1:00",
            "2026-06-30T25:00:00Z",
            "2026-06-30T08:15Z",
        ] {
            assert_eq!(parse_instant(text), None, "{text}");
        }
        let refused: Result<Option<NaiveDate>, _> =
            optional_date(&mut serde_json::Deserializer::from_str("\"soon\""));
        assert!(refused.is_err());
        let absent: Option<DateTime<Utc>> =
            optional_instant(&mut serde_json::Deserializer::from_str("null")).expect("null");
        assert_eq!(absent, None);
    }
}
