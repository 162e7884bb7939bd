//! The follow-up changes of an action, parsed from JSON with an error per bad field.

use std::collections::HashMap;

use api_types::{
    ActionChanges, ActionHealth, ActionStatus, BUDGET_ENGAGED_FIELD, BUDGET_SPENT_FIELD,
    BudgetSpent, FollowUpField, INDICATOR_FIELD, IndicatorMeasure, PlanDate, ProblemCode,
};
use chrono::NaiveDate;
use serde::Serialize;
use serde_json::{Map, Value};
use uuid::Uuid;

use super::Label;
use crate::error::ApiError;
use api_types::FieldError;

/// Changes that passed every rule. Only this is applied to an action.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct FollowUpChanges(ActionChanges);

impl FollowUpChanges {
    /// Parses the `changes` object at JSON path `at` (e.g. `changes`), collecting one
    /// error per bad field (`changes/progress`…).
    pub fn parse(value: Option<&Value>, at: &str) -> Result<Self, ApiError> {
        let mut errors = Vec::new();
        let Some(object) = value.and_then(Value::as_object) else {
            return Err(ApiError::invalid_field(
                at,
                ProblemCode::Required,
                "an object of fields to change",
            ));
        };
        let mut changes = ActionChanges::default();
        for (key, value) in object {
            let field = format!("{at}/{key}");
            let mut error = |code: ProblemCode, message: String| {
                errors.push(FieldError {
                    field: field.clone(),
                    code,
                    message,
                });
            };
            match key.as_str() {
                "indicators" => match parse_measures(value) {
                    Ok(measures) => changes.indicators = measures,
                    Err(message) => error(ProblemCode::InvalidValue, message),
                },
                "budget_lines" => match parse_spent(value) {
                    Ok(spent) => changes.budget_lines = spent,
                    Err(message) => error(ProblemCode::InvalidValue, message),
                },
                other => match other.parse::<FollowUpField>() {
                    Ok(own) => {
                        if let Err((code, message)) = parse_field(&mut changes, own, value, &field)
                        {
                            error(code, message);
                        }
                    }
                    Err(_) => error(
                        ProblemCode::UnknownField,
                        format!(
                            "not a follow-up field; one of {}, indicators, budget_lines",
                            FollowUpField::ALL
                                .iter()
                                .map(|f| f.as_str())
                                .collect::<Vec<_>>()
                                .join(", ")
                        ),
                    ),
                },
            }
        }
        if errors.is_empty() && object.is_empty() {
            return Err(ApiError::invalid_field(
                at,
                ProblemCode::Empty,
                "nothing to change",
            ));
        }
        if errors.is_empty() {
            Ok(Self(changes))
        } else {
            Err(ApiError::Validation(errors))
        }
    }

    pub fn get(&self) -> &ActionChanges {
        &self.0
    }

    /// The changes as stored with a proposal.
    pub fn to_json(&self) -> Value {
        serde_json::to_value(&self.0).unwrap_or_default()
    }

    /// Reads changes stored by [`Self::to_json`] (they were valid when stored, so a failure
    /// is a server fault).
    pub fn from_stored(value: &Value) -> anyhow::Result<Self> {
        serde_json::from_value(value.clone())
            .map(Self)
            .map_err(|e| anyhow::anyhow!("stored changes unreadable: {e}"))
    }

    /// The changed fields and their new values, in display order: the action's own fields,
    /// then `indicator:<id>` (value and date), `budget_line:<id>` (cents spent) and
    /// `budget_line_engaged:<id>` (cents engaged, when given).
    pub fn entries(&self) -> Vec<(String, Value)> {
        let own = self
            .0
            .fields()
            .into_iter()
            .map(|(field, value)| (field.as_str().to_owned(), value));
        let indicators = self.0.indicators.iter().map(|m| {
            (
                format!("{INDICATOR_FIELD}{}", m.id),
                measure_json(m.current_value, m.measured_at),
            )
        });
        let budget = self.0.budget_lines.iter().flat_map(|b| {
            let spent = b
                .spent_cents
                .map(|cents| (format!("{BUDGET_SPENT_FIELD}{}", b.id), Value::from(cents)));
            let engaged = b.engaged_cents.map(|cents| {
                (
                    format!("{BUDGET_ENGAGED_FIELD}{}", b.id),
                    Value::from(cents),
                )
            });
            spent.into_iter().chain(engaged)
        });
        own.chain(indicators).chain(budget).collect()
    }
}

/// Reads the new value of one of the action's own fields into `changes`. A new row of
/// `api_types::follow_up_fields!` needs its arm here: the compiler asks for it.
fn parse_field(
    changes: &mut ActionChanges,
    field: FollowUpField,
    value: &Value,
    path: &str,
) -> Result<(), (ProblemCode, String)> {
    match field {
        FollowUpField::Status => {
            let status = value
                .as_str()
                .and_then(|s| s.parse::<ActionStatus>().ok())
                .ok_or_else(|| {
                    let all: Vec<&str> = ActionStatus::ALL.iter().map(|s| s.as_str()).collect();
                    (
                        ProblemCode::UnknownValue,
                        format!("one of {}", all.join(", ")),
                    )
                })?;
            changes.status = Some(status);
        }
        FollowUpField::Progress => match value.as_i64() {
            Some(p @ 0..=100) => changes.progress = i16::try_from(p).ok(),
            Some(_) => return Err((ProblemCode::OutOfRange, "between 0 and 100".to_owned())),
            None => {
                return Err((
                    ProblemCode::InvalidType,
                    "a whole number between 0 and 100".to_owned(),
                ));
            }
        },
        FollowUpField::PlannedStart => changes.planned_start = Some(parse_date(value)?),
        FollowUpField::PlannedEnd => changes.planned_end = Some(parse_date(value)?),
        FollowUpField::ActualEnd => changes.actual_end = Some(parse_date(value)?),
        FollowUpField::PoliticalLead => changes.political_lead = Some(parse_lead(value, path)?),
        FollowUpField::AdministrativeLead => {
            changes.administrative_lead = Some(parse_lead(value, path)?);
        }
        FollowUpField::Health => {
            changes.health = Some(match value {
                Value::Null => None,
                _ => Some(
                    value
                        .as_str()
                        .and_then(|s| s.parse::<ActionHealth>().ok())
                        .ok_or_else(|| {
                            let all: Vec<&str> =
                                ActionHealth::ALL.iter().map(|h| h.as_str()).collect();
                            (
                                ProblemCode::UnknownValue,
                                format!("one of {}, or null", all.join(", ")),
                            )
                        })?,
                ),
            });
        }
        FollowUpField::HealthComment => {
            changes.health_comment = Some(parse_line(
                value,
                path,
                api_types::HEALTH_COMMENT_MAX_CHARS,
                "a few words, or null",
            )?);
        }
        FollowUpField::StaffingFte => match value {
            Value::Null => changes.staffing_fte = Some(None),
            Value::Number(n) => match n.as_f64() {
                Some(fte) if (0.0..=api_types::STAFFING_FTE_MAX).contains(&fte) => {
                    changes.staffing_fte = Some(Some((fte * 100.0).round() / 100.0));
                }
                _ => return Err((ProblemCode::OutOfRange, "between 0 and 9999".to_owned())),
            },
            _ => {
                return Err((
                    ProblemCode::InvalidType,
                    "a number of full-time equivalents, or null".to_owned(),
                ));
            }
        },
        FollowUpField::Sdgs => {
            let mut goals = value
                .as_array()
                .and_then(|items| {
                    items
                        .iter()
                        .map(|v| {
                            v.as_i64()
                                .filter(|n| (1..=17).contains(n))
                                .and_then(|n| i16::try_from(n).ok())
                        })
                        .collect::<Option<Vec<i16>>>()
                })
                .ok_or_else(|| {
                    (
                        ProblemCode::InvalidValue,
                        "a list of goals between 1 and 17".to_owned(),
                    )
                })?;
            goals.sort_unstable();
            goals.dedup();
            changes.sdgs = Some(goals);
        }
    }
    Ok(())
}

/// A lead: a name on one line, or `null` (or blank) to clear it.
fn parse_lead(value: &Value, path: &str) -> Result<Option<String>, (ProblemCode, String)> {
    parse_line(value, path, api_types::LEAD_MAX_CHARS, "a name, or null")
}

/// A line of at most `max` characters, or `null` (or blank) to clear it; `expected` says
/// what the field takes when the value is not text.
fn parse_line(
    value: &Value,
    path: &str,
    max: usize,
    expected: &str,
) -> Result<Option<String>, (ProblemCode, String)> {
    match value {
        Value::Null => Ok(None),
        Value::String(s) if s.trim().is_empty() => Ok(None),
        Value::String(s) => Label::parse(s, path, max)
            .map(|l| Some(l.as_str().to_owned()))
            .map_err(|_| {
                (
                    ProblemCode::InvalidValue,
                    format!("at most {max} characters, on one line"),
                )
            }),
        _ => Err((ProblemCode::InvalidValue, expected.to_owned())),
    }
}

/// Which body [`ChangeBody::parse`] reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ChangeKind {
    /// A proposal: `base_version` required, and `replaces` allowed.
    Proposal,
    /// A direct edit: `version` optional (`If-Match` may carry it).
    Edit,
}

/// A parsed proposal or edit body:
/// `{ "base_version" | "version": n, "changes": {…}, "note": "…", "replaces": "<id>" }`.
///
/// A note alone is a report: `changes` may be empty (`{}`) when there is a note; empty
/// changes without a note are refused (`changes`: `empty`).
#[derive(Debug, Clone, PartialEq)]
pub struct ChangeBody {
    pub version: Option<i32>,
    pub changes: FollowUpChanges,
    pub note: Option<String>,
    /// The author's pending proposal this one replaces (proposals only).
    pub replaces: Option<Uuid>,
}

impl ChangeBody {
    /// Parses the body, naming every bad field.
    pub fn parse(body: &Value, kind: ChangeKind) -> Result<Self, ApiError> {
        let (version_key, version_required, keys): (&str, bool, &[&str]) = match kind {
            ChangeKind::Proposal => (
                "base_version",
                true,
                &["base_version", "changes", "note", "replaces"],
            ),
            ChangeKind::Edit => ("version", false, &["version", "changes", "note"]),
        };
        let Some(object) = body.as_object() else {
            return Err(ApiError::invalid_field(
                "",
                ProblemCode::InvalidType,
                "a JSON object",
            ));
        };
        let mut errors = Vec::new();
        for key in object.keys() {
            if !keys.contains(&key.as_str()) {
                errors.push(FieldError {
                    field: key.clone(),
                    code: ProblemCode::UnknownField,
                    message: format!("expected {}", keys.join(", ")),
                });
            }
        }
        let replaces = match object.get("replaces") {
            None | Some(Value::Null) => None,
            Some(value) => match value.as_str().and_then(|id| id.parse::<Uuid>().ok()) {
                Some(id) => Some(id),
                None => {
                    errors.push(FieldError {
                        field: "replaces".to_owned(),
                        code: ProblemCode::InvalidType,
                        message: "the id of your pending proposal on this action".to_owned(),
                    });
                    None
                }
            },
        };
        let version = match object.get(version_key) {
            None | Some(Value::Null) if !version_required => None,
            Some(v) => match v.as_i64().and_then(|v| i32::try_from(v).ok()) {
                Some(version) => Some(version),
                None => {
                    errors.push(FieldError {
                        field: version_key.to_owned(),
                        code: ProblemCode::InvalidType,
                        message: "the version number of the action you read".to_owned(),
                    });
                    None
                }
            },
            None => {
                errors.push(FieldError {
                    field: version_key.to_owned(),
                    code: ProblemCode::Required,
                    message: "the version number of the action you read".to_owned(),
                });
                None
            }
        };
        let note = match object.get("note") {
            None | Some(Value::Null) => None,
            Some(Value::String(s)) if s.trim().is_empty() => None,
            Some(Value::String(s)) if s.chars().count() <= api_types::NOTE_MAX_CHARS => {
                Some(s.trim().to_owned())
            }
            Some(_) => {
                errors.push(FieldError {
                    field: "note".to_owned(),
                    code: ProblemCode::InvalidValue,
                    message: "a text of at most 10 000 characters".to_owned(),
                });
                None
            }
        };
        let changes = match FollowUpChanges::parse(object.get("changes"), "changes") {
            Ok(changes) => Some(changes),
            // A note alone is a report of its own.
            Err(ApiError::Validation(more))
                if note.is_some()
                    && more.iter().all(|e| e.code == ProblemCode::Empty)
                    && object.get("changes").is_some_and(Value::is_object) =>
            {
                Some(FollowUpChanges::default())
            }
            Err(ApiError::Validation(more)) => {
                errors.extend(more);
                None
            }
            Err(other) => return Err(other),
        };
        match changes {
            Some(changes) if errors.is_empty() => Ok(Self {
                version,
                changes,
                note,
                replaces,
            }),
            _ => Err(ApiError::Validation(errors)),
        }
    }
}

fn measure_json(value: Option<f64>, at: Option<NaiveDate>) -> Value {
    serde_json::json!({
        "current_value": value,
        "measured_at": at.map(|d| d.to_string()),
    })
}

/// Parses a list of objects each naming an `id` once, with `item` reading the rest.
fn parse_items<T>(
    value: &Value,
    keys: &[&str],
    message: &str,
    duplicate: &str,
    item: impl Fn(Uuid, &Value) -> Option<T>,
) -> Result<Vec<T>, String> {
    let items = value.as_array().ok_or_else(|| message.to_owned())?;
    let mut seen = Vec::new();
    let mut parsed = Vec::new();
    for entry in items {
        // Unknown fields are refused, as everywhere in the API (and as the schema says).
        if entry
            .as_object()
            .is_some_and(|object| object.keys().any(|key| !keys.contains(&key.as_str())))
        {
            return Err(message.to_owned());
        }
        let id = entry
            .get("id")
            .and_then(Value::as_str)
            .and_then(|id| id.parse::<Uuid>().ok())
            .ok_or_else(|| message.to_owned())?;
        if seen.contains(&id) {
            return Err(duplicate.to_owned());
        }
        seen.push(id);
        parsed.push(item(id, entry).ok_or_else(|| message.to_owned())?);
    }
    Ok(parsed)
}

fn parse_measures(value: &Value) -> Result<Vec<IndicatorMeasure>, String> {
    parse_items(
        value,
        &["id", "current_value", "measured_at"],
        "a list of { id, current_value, measured_at }",
        "an indicator is measured twice",
        |id, entry| {
            let current_value = match entry.get("current_value") {
                None | Some(Value::Null) => None,
                Some(v) => Some(v.as_f64().filter(|v| v.is_finite())?),
            };
            let measured_at = match entry.get("measured_at") {
                None => None,
                Some(date) => parse_date(date).ok()?.map(PlanDate::get),
            };
            Some(IndicatorMeasure {
                id,
                current_value,
                measured_at,
            })
        },
    )
}

fn parse_spent(value: &Value) -> Result<Vec<BudgetSpent>, String> {
    parse_items(
        value,
        &["id", "spent_cents", "engaged_cents"],
        "a list of { id, spent_cents, engaged_cents }, at least one of the amounts, in whole, \
         non-negative cents",
        "a budget line is given twice",
        |id, entry| {
            // Absent or null: that amount stays; a line must change one of them.
            let amount = |key: &str| match entry.get(key) {
                None | Some(Value::Null) => Some(None),
                Some(value) => value.as_i64().filter(|c| *c >= 0).map(Some),
            };
            let (spent_cents, engaged_cents) = (amount("spent_cents")?, amount("engaged_cents")?);
            if spent_cents.is_none() && engaged_cents.is_none() {
                return None;
            }
            Some(BudgetSpent {
                id,
                spent_cents,
                engaged_cents,
            })
        },
    )
}

/// A date of a report: `null`, or a [`PlanDate`] (the one date rule of the API).
fn parse_date(value: &Value) -> Result<Option<PlanDate>, (ProblemCode, String)> {
    match value {
        Value::Null => Ok(None),
        Value::String(s) => PlanDate::parse(s)
            .map(Some)
            .map_err(|e| (e.code(), format!("{e}, or null"))),
        _ => Err((
            ProblemCode::InvalidDate,
            "a date as YYYY-MM-DD, or null".to_owned(),
        )),
    }
}

/// The current measurements of an action's indicators and spending of its budget lines.
#[derive(Debug, Clone, Default)]
pub struct Measures {
    pub indicators: HashMap<Uuid, (Option<f64>, Option<NaiveDate>)>,
    pub budget_lines: HashMap<Uuid, BudgetAmounts>,
}

/// What a budget line has reported on it, in cents.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct BudgetAmounts {
    pub spent: i64,
    pub engaged: i64,
}

/// Filters of the proposals list.
#[derive(Debug, Clone, Default)]
pub struct ChangeRequestFilter {
    pub status: Option<api_types::ChangeRequestStatus>,
    pub plan_id: Option<Uuid>,
    pub action_id: Option<Uuid>,
    pub author_id: Option<Uuid>,
    /// The author's organisation.
    pub organisation_id: Option<Uuid>,
}

/// How the action keeps the value a change carries (the `T` of a row of
/// `api_types::follow_up_fields!`): a date of the API as a calendar date, the rest as is.
pub trait KeptAs: Clone {
    type Kept: Clone + std::fmt::Debug + PartialEq + Serialize;
    fn kept(self) -> Self::Kept;
}

macro_rules! kept_as_itself {
    ($($t:ty),+) => {$(
        impl KeptAs for $t {
            type Kept = $t;
            fn kept(self) -> Self {
                self
            }
        }
    )+};
}

kept_as_itself!(ActionHealth, ActionStatus, i16, f64, String, Vec<i16>);

impl KeptAs for PlanDate {
    type Kept = NaiveDate;
    fn kept(self) -> NaiveDate {
        self.get()
    }
}

impl<T: KeptAs> KeptAs for Option<T> {
    type Kept = Option<T::Kept>;
    fn kept(self) -> Self::Kept {
        self.map(KeptAs::kept)
    }
}

/// Makes [`FollowUp`] from the rows of `api_types::follow_up_fields!`.
macro_rules! follow_up_values {
    ($( $(#[$attr:meta])* $field:ident : $variant:ident ($ty:ty) ),+ $(,)?) => {
        /// The follow-up fields of an action as they are now: what a change is checked
        /// against and compared with. Serialized, each field as the API writes it.
        #[derive(Debug, Clone, PartialEq, Serialize)]
        pub struct FollowUp {
            $(pub $field: <$ty as KeptAs>::Kept,)+
        }

        impl FollowUp {
            /// The values the action has once `changes` are applied.
            pub fn changed_by(&self, changes: &ActionChanges) -> Self {
                Self {
                    $($field: changes
                        .$field
                        .clone()
                        .map_or_else(|| self.$field.clone(), KeptAs::kept),)+
                }
            }
        }
    };
}

api_types::follow_up_fields!(follow_up_values);

/// The current follow-up values of an action, field by field, as JSON (with the keys
/// of [`FollowUpChanges::entries`]).
pub fn snapshot(follow_up: &FollowUp, measures: &Measures) -> Map<String, Value> {
    let mut map = match serde_json::to_value(follow_up) {
        Ok(Value::Object(map)) => map,
        _ => Map::new(),
    };
    for (id, (value, at)) in &measures.indicators {
        map.insert(format!("{INDICATOR_FIELD}{id}"), measure_json(*value, *at));
    }
    for (id, amounts) in &measures.budget_lines {
        map.insert(
            format!("{BUDGET_SPENT_FIELD}{id}"),
            Value::from(amounts.spent),
        );
        map.insert(
            format!("{BUDGET_ENGAGED_FIELD}{id}"),
            Value::from(amounts.engaged),
        );
    }
    map
}

/// The value of each changed field before the change: what a proposal stores as `before`.
pub fn before(current: &Map<String, Value>, changes: &FollowUpChanges) -> Map<String, Value> {
    changes
        .entries()
        .into_iter()
        .map(|(field, _)| {
            let value = current.get(&field).cloned().unwrap_or(Value::Null);
            (field, value)
        })
        .collect()
}

/// The fields `changes` really changes against `current`, each before and after: what the
/// history keeps. Empty when nothing changes.
pub fn differences(
    current: &Map<String, Value>,
    changes: &FollowUpChanges,
) -> Vec<api_types::FieldChange> {
    changes
        .entries()
        .into_iter()
        .filter(|(field, after)| current.get(field) != Some(after))
        .map(|(field, after)| api_types::FieldChange {
            before: current.get(&field).cloned().unwrap_or(Value::Null),
            field,
            after,
        })
        .collect()
}

/// A proposal against the action now: each field's value when proposed (`before`), now
/// (`current`) and proposed.
pub fn conflict(
    current: &Map<String, Value>,
    current_version: i32,
    base_version: i32,
    changes: &FollowUpChanges,
    before: &Map<String, Value>,
) -> api_types::Conflict {
    api_types::Conflict {
        base_version,
        current_version,
        diff: changes
            .entries()
            .into_iter()
            .map(|(field, proposed)| api_types::FieldDiff {
                before: before.get(&field).cloned().unwrap_or(Value::Null),
                current: current.get(&field).cloned().unwrap_or(Value::Null),
                field,
                proposed,
            })
            .collect(),
    }
}

/// The dates the action would have after `changes` must be in order.
pub fn check_dates(current: &FollowUp, changes: &FollowUpChanges) -> Result<(), ApiError> {
    let after = current.changed_by(changes.get());
    if let (Some(start), Some(end)) = (after.planned_start, after.planned_end)
        && end < start
    {
        return Err(ApiError::invalid_field(
            "changes/planned_end",
            ProblemCode::BeforeStart,
            "the planned end comes before the planned start",
        ));
    }
    if let (Some(start), Some(actual)) = (after.planned_start, after.actual_end)
        && actual < start
    {
        return Err(ApiError::invalid_field(
            "changes/actual_end",
            ProblemCode::BeforeStart,
            "the actual end comes before the planned start",
        ));
    }
    Ok(())
}

/// An action whose progress comes from its sub-actions takes none of its own: the change
/// goes to the sub-actions (or the DG sets the progress by hand first).
pub fn check_progress_source(
    progress_from_sub_actions: bool,
    changes: &FollowUpChanges,
) -> Result<(), ApiError> {
    if progress_from_sub_actions && changes.get().progress.is_some() {
        return Err(ApiError::invalid_field(
            "changes/progress",
            ProblemCode::ProgressFromSubActions,
            "this action's progress is computed from its sub-actions",
        ));
    }
    Ok(())
}

/// The measured indicators and budget lines must be the action's own.
pub fn check_measures(measures: &Measures, changes: &FollowUpChanges) -> Result<(), ApiError> {
    let c = changes.get();
    if c.indicators
        .iter()
        .any(|m| !measures.indicators.contains_key(&m.id))
    {
        return Err(ApiError::invalid_field(
            "changes/indicators",
            ProblemCode::UnknownIndicator,
            "an indicator of another action",
        ));
    }
    if c.budget_lines
        .iter()
        .any(|b| !measures.budget_lines.contains_key(&b.id))
    {
        return Err(ApiError::invalid_field(
            "changes/budget_lines",
            ProblemCode::UnknownBudgetLine,
            "a budget line of another action",
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn errors(value: Value) -> Vec<(String, String)> {
        match FollowUpChanges::parse(Some(&value), "changes") {
            Err(ApiError::Validation(errors)) => errors
                .into_iter()
                .map(|e| (e.field, e.code.as_str().to_owned()))
                .collect(),
            other => panic!("expected field errors, got {other:?}"),
        }
    }

    #[test]
    fn every_bad_field_is_named() {
        assert_eq!(
            errors(json!({ "progress": 140, "status": "finished", "colour": "red" })),
            [
                ("changes/colour".to_owned(), "unknown_field".to_owned()),
                ("changes/progress".to_owned(), "out_of_range".to_owned()),
                ("changes/status".to_owned(), "unknown_value".to_owned()),
            ]
        );
        assert_eq!(
            errors(json!({ "planned_end": "31/12/2024" }))[0].1,
            "invalid_date"
        );
        assert_eq!(errors(json!({ "sdgs": [1, 18] }))[0].1, "invalid_value");
        assert_eq!(errors(json!({}))[0].1, "empty");
        let id = "6f1e0c3a-1f0e-4b8e-9a57-2f8f0f6b7c11";
        let twice = json!({ "indicators": [{ "id": id, "current_value": 1 }, { "id": id }] });
        assert_eq!(
            errors(twice)[0],
            ("changes/indicators".to_owned(), "invalid_value".to_owned())
        );
        let negative = json!({ "budget_lines": [{ "id": id, "spent_cents": -5 }] });
        assert_eq!(errors(negative)[0].0, "changes/budget_lines");
        let engaged =
            json!({ "budget_lines": [{ "id": id, "spent_cents": 0, "engaged_cents": -1 }] });
        assert_eq!(errors(engaged)[0].0, "changes/budget_lines");
        let neither = json!({ "budget_lines": [{ "id": id }] });
        assert_eq!(errors(neither)[0].0, "changes/budget_lines");
    }

    #[test]
    fn an_amount_left_out_or_null_stays_as_it_is() {
        let id = "6f1e0c3a-1f0e-4b8e-9a57-2f8f0f6b7c11";
        let key = |prefix: &str| format!("{prefix}{id}");
        for (line, expected) in [
            (
                json!({ "id": id, "spent_cents": 5 }),
                vec![key(BUDGET_SPENT_FIELD)],
            ),
            (
                json!({ "id": id, "engaged_cents": 7 }),
                vec![key(BUDGET_ENGAGED_FIELD)],
            ),
            (
                json!({ "id": id, "spent_cents": 5, "engaged_cents": null }),
                vec![key(BUDGET_SPENT_FIELD)],
            ),
            (
                json!({ "id": id, "spent_cents": 5, "engaged_cents": 7 }),
                vec![key(BUDGET_SPENT_FIELD), key(BUDGET_ENGAGED_FIELD)],
            ),
        ] {
            let body = json!({ "base_version": 1, "changes": { "budget_lines": [line] } });
            let parsed = ChangeBody::parse(&body, ChangeKind::Proposal).expect("valid");
            let fields: Vec<String> = parsed
                .changes
                .entries()
                .into_iter()
                .map(|(f, _)| f)
                .collect();
            assert_eq!(fields, expected);
        }
    }

    #[test]
    fn a_note_alone_is_a_report_but_nothing_at_all_is_not() {
        let note_only = json!({ "base_version": 3, "changes": {}, "note": "Réunion tenue." });
        let body = ChangeBody::parse(&note_only, ChangeKind::Proposal).expect("a report");
        assert_eq!(body.changes, FollowUpChanges::default());
        assert_eq!(body.note.as_deref(), Some("Réunion tenue."));
        for nothing in [
            json!({ "base_version": 3, "changes": {} }),
            json!({ "base_version": 3, "changes": {}, "note": "   " }),
        ] {
            match ChangeBody::parse(&nothing, ChangeKind::Proposal) {
                Err(ApiError::Validation(errors)) => {
                    assert_eq!(errors[0].field, "changes");
                    assert_eq!(errors[0].code, ProblemCode::Empty);
                }
                other => panic!("expected `changes: empty`, got {other:?}"),
            }
        }
        let replacing = json!({
            "base_version": 3, "changes": { "progress": 5 },
            "replaces": "6f1e0c3a-1f0e-4b8e-9a57-2f8f0f6b7c11",
        });
        assert!(
            ChangeBody::parse(&replacing, ChangeKind::Proposal)
                .expect("a replacement")
                .replaces
                .is_some()
        );
        assert!(
            ChangeBody::parse(&replacing, ChangeKind::Edit).is_err(),
            "an edit replaces nothing"
        );
    }

    #[test]
    fn valid_changes_round_trip_through_storage() {
        let changes = FollowUpChanges::parse(
            Some(&json!({ "progress": 40, "planned_end": null, "sdgs": [3, 1, 3] })),
            "changes",
        )
        .expect("valid");
        assert_eq!(changes.get().sdgs, Some(vec![1, 3]));
        assert_eq!(
            FollowUpChanges::from_stored(&changes.to_json()).expect("stored"),
            changes
        );
        let fields: Vec<String> = changes.entries().into_iter().map(|(f, _)| f).collect();
        assert_eq!(fields, ["progress", "planned_end", "sdgs"]);
    }
}
