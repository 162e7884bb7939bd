//! Who answers for a part of the plan (issue 16.4) and when an objective runs (16.5).

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::{Action, PlanTree};

/// A person of the CPAS, named where they answer for something: the administrative
/// responsible of an objective, an action or a sub-action.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct UserRef {
    pub id: Uuid,
    pub display_name: String,
}

impl UserRef {
    /// "This person is the responsible": the one definition of "what I am responsible for".
    pub fn is(responsible: Option<&Self>, user: Uuid) -> bool {
        responsible.is_some_and(|r| r.id == user)
    }
}

impl PlanTree {
    /// The actions (ids of top-level actions) a person answers for: those they are the
    /// responsible of, those of whose sub-actions they are, and every action of an
    /// objective (operational or strategic) they are. The web app's "Ce dont je suis
    /// responsable" filter.
    pub fn responsible_for(&self, user: Uuid) -> Vec<Uuid> {
        let mut ids = Vec::new();
        for os in &self.objectives {
            let whole_os = UserRef::is(os.responsible.as_ref(), user);
            for oo in &os.operational_objectives {
                let whole_oo = whole_os || UserRef::is(oo.responsible.as_ref(), user);
                ids.extend(
                    oo.actions
                        .iter()
                        .filter(|a| whole_oo || a.answers_to(user))
                        .map(|a| a.id),
                );
            }
        }
        ids
    }
}

impl Action {
    /// The person is this action's responsible, or one of its sub-actions'.
    pub fn answers_to(&self, user: Uuid) -> bool {
        UserRef::is(self.responsible.as_ref(), user)
            || self
                .sub_actions
                .iter()
                .any(|s| UserRef::is(s.responsible.as_ref(), user))
    }
}

/// When an objective runs: the dates the management gave it, or else those of what it
/// holds. An operational objective's follow from its live actions (the earliest planned
/// start, the latest planned end), a strategic one's from its operational objectives'
/// (given or derived).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ObjectiveDates {
    /// The start the management gave it; `null`: derived.
    #[serde(default, deserialize_with = "crate::wire_time::optional_date")]
    pub planned_start: Option<NaiveDate>,
    /// The end the management gave it; `null`: derived.
    #[serde(default, deserialize_with = "crate::wire_time::optional_date")]
    pub planned_end: Option<NaiveDate>,
    /// The start that holds: `planned_start`, or the earliest start of what it holds;
    /// `null` when neither says.
    #[serde(default, deserialize_with = "crate::wire_time::optional_date")]
    pub start: Option<NaiveDate>,
    /// The end that holds: `planned_end`, or the latest end of what it holds.
    #[serde(default, deserialize_with = "crate::wire_time::optional_date")]
    pub end: Option<NaiveDate>,
    /// `start` comes from what the objective holds, not from the management.
    pub start_derived: bool,
    /// `end` comes from what the objective holds.
    pub end_derived: bool,
}

impl ObjectiveDates {
    /// The rule, once: the dates given win; otherwise the earliest start and the latest
    /// end of the parts (`(start, end)` of each: an action's planned dates, an operational
    /// objective's effective ones).
    pub fn derive(
        planned_start: Option<NaiveDate>,
        planned_end: Option<NaiveDate>,
        parts: impl IntoIterator<Item = (Option<NaiveDate>, Option<NaiveDate>)>,
    ) -> Self {
        let (mut earliest, mut latest) = (None::<NaiveDate>, None::<NaiveDate>);
        for (start, end) in parts {
            earliest = match (earliest, start) {
                (Some(a), Some(b)) => Some(a.min(b)),
                (a, b) => a.or(b),
            };
            latest = match (latest, end) {
                (Some(a), Some(b)) => Some(a.max(b)),
                (a, b) => a.or(b),
            };
        }
        Self {
            planned_start,
            planned_end,
            start: planned_start.or(earliest),
            end: planned_end.or(latest),
            start_derived: planned_start.is_none() && earliest.is_some(),
            end_derived: planned_end.is_none() && latest.is_some(),
        }
    }

    /// `(start, end)`, as a part of the objective above.
    pub fn span(&self) -> (Option<NaiveDate>, Option<NaiveDate>) {
        (self.start, self.end)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(text: &str) -> Option<NaiveDate> {
        text.parse().ok()
    }

    #[test]
    fn dates_given_win_and_the_others_span_the_parts() {
        let parts = [
            (day("2026-03-01"), day("2026-06-30")),
            (None, day("2027-12-31")),
            (day("2025-09-01"), None),
        ];
        let derived = ObjectiveDates::derive(None, None, parts);
        assert_eq!(derived.span(), (day("2025-09-01"), day("2027-12-31")));
        assert!(derived.start_derived && derived.end_derived);

        let given = ObjectiveDates::derive(day("2026-01-01"), None, parts);
        assert_eq!(given.span(), (day("2026-01-01"), day("2027-12-31")));
        assert!(!given.start_derived && given.end_derived);

        let nothing = ObjectiveDates::derive(None, None, [(None, None)]);
        assert_eq!(nothing, ObjectiveDates::default());
    }
}
