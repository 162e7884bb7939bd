//! How values are shown: labels of fields, dates and amounts in the French way.

use api_types::{ActionStatus, FollowUpField};
use serde_json::Value;

use crate::components::status_chip::{health_label, status_label};

/// `2025-06-30` → `30/06/2025`; anything else unchanged.
pub fn date(iso: &str) -> String {
    let parts: Vec<&str> = iso.get(..10).unwrap_or(iso).split('-').collect();
    match parts.as_slice() {
        [y, m, d] if y.len() == 4 => format!("{d}/{m}/{y}"),
        _ => iso.to_owned(),
    }
}

/// Cents as euros: `123456` → `1 234,56 €`.
pub fn euros(cents: i64) -> String {
    let sign = if cents < 0 { "-" } else { "" };
    let cents = cents.unsigned_abs();
    let grouped = thousands(cents / 100);
    decimal_comma(format!("{sign}{grouped}.{:02}\u{a0}€", cents % 100))
}

/// How a budget line is named in a form or a list: its label, else its article, and its
/// year: "Formation des bénévoles — 2026".
pub fn budget_line_caption(line: &api_types::BudgetLine) -> String {
    match line.label.as_deref().or(line.article.as_deref()) {
        Some(name) => format!("{name} — {}", line.year),
        None => line.year.to_string(),
    }
}

/// A count with its thousands apart: `12000` → `12 000` (a narrow no-break space).
pub fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut grouped = String::new();
    for (i, digit) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            grouped.push('\u{202f}');
        }
        grouped.push(digit);
    }
    grouped
}

/// A number with a decimal comma.
pub fn number(value: f64) -> String {
    decimal_comma(fixed(value, 2))
}

/// `value` with at most `decimals` decimals and no trailing zeros, in integer arithmetic:
/// Rust's float formatting would add kilobytes to the WASM.
pub fn fixed(value: f64, decimals: u32) -> String {
    let scale = 10_i64.pow(decimals);
    #[expect(
        clippy::cast_possible_truncation,
        reason = "figures of a plan are far below i64::MAX"
    )]
    let scaled = (value * scale as f64).round() as i64;
    let sign = if scaled < 0 { "-" } else { "" };
    let (units, fraction) = (
        scaled.unsigned_abs() / scale as u64,
        scaled.unsigned_abs() % scale as u64,
    );
    if fraction == 0 {
        return format!("{sign}{units}");
    }
    let digits = format!("{fraction:0width$}", width = decimals as usize);
    format!("{sign}{units}.{}", digits.trim_end_matches('0'))
}

/// `value` as it was typed, with a decimal point (what a number field shows): the shortest
/// text that reads back as the same number. JavaScript's own conversion, because Rust's
/// float formatting would add kilobytes to the WASM.
pub fn shortest(value: f64) -> String {
    js_sys::Number::from(value)
        .to_string_with_radix(10)
        .map_or_else(|_| fixed(value, 4), String::from)
}

/// `2025-06-30` (what a date input gives) as a date; `None` for anything else. Simpler than
/// chrono's format parser, which the WASM does not need.
pub fn iso_date(text: &str) -> Option<chrono::NaiveDate> {
    let mut parts = text.trim().splitn(3, '-');
    let (year, month, day) = (parts.next()?, parts.next()?, parts.next()?);
    if year.len() != 4 || month.len() != 2 || day.len() != 2 {
        return None;
    }
    chrono::NaiveDate::from_ymd_opt(year.parse().ok()?, month.parse().ok()?, day.parse().ok()?)
}

/// French and Dutch write a decimal comma; English keeps the point.
fn decimal_comma(text: String) -> String {
    if crate::locale::current() == crate::i18n::Locale::en {
        text
    } else {
        text.replace('.', ",")
    }
}

/// The label of a field of a diff or a history row.
pub fn field_label(field: &str) -> String {
    let label = match field.parse::<FollowUpField>() {
        Ok(own) => follow_up_label(own),
        Err(_) => match field {
            "title" => tr!(field_title),
            "code" => tr!(field_code),
            "weight" => tr!(weight),
            "progress_by_hand" => tr!(progress_by_hand),
            // What the DG changes of an action's definition (`app::structure`).
            "kind" => tr!(kind),
            "description" => tr!(description),
            "reservation" => tr!(reservation),
            "transversal" => tr!(transversal),
            "political_function" => tr!(field_political_function),
            "responsible" => tr!(field_responsible),
            "political_lead_account" => tr!(field_political_lead_account),
            "attachment" => tr!(field_attachment),
            "objective" => tr!(objective),
            "lead" => tr!(lead),
            "collaborators" => tr!(collaboration),
            "sectoral_plans" => tr!(sectoral_plans),
            "archived" => tr!(field_archived),
            f if f.starts_with(api_types::INDICATOR_FIELD) => tr!(field_indicator),
            f if f.starts_with(api_types::BUDGET_SPENT_FIELD) => tr!(field_budget_line),
            f if f.starts_with(api_types::BUDGET_ENGAGED_FIELD) => tr!(field_budget_engaged),
            _ => tr!(field_other),
        },
    };
    label.to_owned()
}

/// The label of each of an action's follow-up fields: a field added to
/// `api_types::follow_up_fields!` needs its label here, the compiler asks for it.
pub fn follow_up_label(field: FollowUpField) -> &'static str {
    match field {
        FollowUpField::Status => tr!(field_status),
        FollowUpField::Progress => tr!(field_progress),
        FollowUpField::PlannedStart => tr!(field_planned_start),
        FollowUpField::PlannedEnd => tr!(field_planned_end),
        FollowUpField::ActualEnd => tr!(field_actual_end),
        FollowUpField::PoliticalLead => tr!(field_political_lead),
        FollowUpField::AdministrativeLead => tr!(field_administrative_lead),
        FollowUpField::Health => tr!(field_health),
        FollowUpField::HealthComment => tr!(field_health_comment),
        FollowUpField::StaffingFte => tr!(field_staffing),
        FollowUpField::Sdgs => tr!(field_sdgs),
    }
}

/// A value of a diff or a history row, readable.
pub fn value(field: &str, shown: &Value) -> String {
    match shown {
        Value::Null if field == FollowUpField::Health.as_str() => health_label(None).to_owned(),
        Value::Null => tr!(none).to_owned(),
        Value::String(s) if field == FollowUpField::Status.as_str() => s
            .parse::<ActionStatus>()
            .map_or_else(|_| s.clone(), |st| status_label(st).to_owned()),
        Value::String(s) if field == FollowUpField::Health.as_str() => s
            .parse::<api_types::ActionHealth>()
            .map_or_else(|_| s.clone(), |h| health_label(Some(h)).to_owned()),
        Value::String(s) if s.len() == 10 && s.as_bytes().get(4) == Some(&b'-') => date(s),
        Value::String(s) => s.clone(),
        Value::Number(n) if field == FollowUpField::Progress.as_str() => format!("{n} %"),
        Value::Number(n)
            if field.starts_with(api_types::BUDGET_SPENT_FIELD)
                || field.starts_with(api_types::BUDGET_ENGAGED_FIELD) =>
        {
            euros(n.as_i64().unwrap_or_default())
        }
        Value::Number(n) => n.as_f64().map_or_else(|| n.to_string(), number),
        Value::Bool(true) => tr!(yes).to_owned(),
        Value::Bool(false) => tr!(no).to_owned(),
        Value::Array(items) => items
            .iter()
            .map(|item| value(field, item))
            .collect::<Vec<_>>()
            .join(", "),
        Value::Object(map) => {
            let measured = map
                .get("current_value")
                .map(|v| value("", v))
                .unwrap_or_default();
            match map.get("measured_at").and_then(Value::as_str) {
                Some(at) => format!("{measured} ({})", date(at)),
                None => measured,
            }
        }
    }
}
