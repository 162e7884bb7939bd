//! Follow-up of actions: proposals of change, their decision, the history, the inbox.

use chrono::{DateTime, NaiveDate, Utc};

// The schema names it (`value_type`) in the rows of `follow_up_fields!`.
#[cfg(feature = "openapi")]
use crate::{ActionHealth, PlanDate};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use uuid::Uuid;

/// The follow-up fields of an action, declared once: the table every part that handles
/// them is made from. `follow_up_fields!(then)` hands the rows to the macro `then`, which
/// makes what it needs of them: here the wire type [`ActionChanges`] and
/// [`FollowUpField`]; in the server the action's current values, the database update and
/// the snapshot that diffs and the history are made of. A new field is one row here, one
/// column in a migration, and the arms the compiler then asks for (how the server parses
/// it, how the web app names it).
///
/// A row is `field: Variant(T)`: the field's name (on the wire, in the history and as the
/// column), its [`FollowUpField`] variant, and `T`, the type of a change's value. A change
/// carries `Option<T>` (absent leaves the field as it is); a field that can be cleared has
/// `T = Option<…>` (`null` clears it). The attributes are the wire type's.
#[macro_export]
macro_rules! follow_up_fields {
    ($then:ident) => {
        $then! {
            // Absent leaves these as they are; unlike the dates and leads, they cannot be
            // cleared.
            #[cfg_attr(feature = "openapi", schema(nullable = false))]
            status: Status($crate::ActionStatus),
            /// 0–100.
            #[cfg_attr(
                feature = "openapi",
                schema(nullable = false, minimum = 0, maximum = 100)
            )]
            progress: Progress(i16),
            #[serde(with = "crate::double_option")]
            #[cfg_attr(feature = "openapi", schema(value_type = Option<PlanDate>))]
            planned_start: PlannedStart(Option<$crate::PlanDate>),
            #[serde(with = "crate::double_option")]
            #[cfg_attr(feature = "openapi", schema(value_type = Option<PlanDate>))]
            planned_end: PlannedEnd(Option<$crate::PlanDate>),
            #[serde(with = "crate::double_option")]
            #[cfg_attr(feature = "openapi", schema(value_type = Option<PlanDate>))]
            actual_end: ActualEnd(Option<$crate::PlanDate>),
            /// The "responsable mandataire" (e.g. the president).
            #[serde(with = "crate::double_option")]
            #[cfg_attr(feature = "openapi", schema(schema_with = $crate::limits::nullable_line::<{ $crate::LEAD_MAX_CHARS }>))]
            political_lead: PoliticalLead(Option<String>),
            /// The administrative lead.
            #[serde(with = "crate::double_option")]
            #[cfg_attr(feature = "openapi", schema(schema_with = $crate::limits::nullable_line::<{ $crate::LEAD_MAX_CHARS }>))]
            administrative_lead: AdministrativeLead(Option<String>),
            /// How the action is going, apart from its status; `null`: not assessed.
            #[serde(with = "crate::double_option")]
            #[cfg_attr(feature = "openapi", schema(value_type = Option<ActionHealth>))]
            health: Health(Option<$crate::ActionHealth>),
            /// Why, in a few words.
            #[serde(with = "crate::double_option")]
            #[cfg_attr(feature = "openapi", schema(schema_with = $crate::limits::nullable_line::<{ $crate::HEALTH_COMMENT_MAX_CHARS }>))]
            health_comment: HealthComment(Option<String>),
            /// Staffing in full-time equivalents (ETP).
            #[serde(with = "crate::double_option")]
            #[cfg_attr(feature = "openapi", schema(value_type = Option<f64>, minimum = 0, maximum = 9999))]
            staffing_fte: StaffingFte(Option<f64>),
            /// UN Sustainable Development Goals (ODD), 1–17.
            #[cfg_attr(feature = "openapi", schema(schema_with = $crate::limits::sdgs))]
            sdgs: Sdgs(Vec<i16>),
        }
    };
}

/// Makes the wire type of a change and the list of fields from [`follow_up_fields!`].
macro_rules! wire_follow_up {
    ($( $(#[$attr:meta])* $field:ident : $variant:ident ($ty:ty) ),+ $(,)?) => {
        /// The follow-up fields a proposal or a direct edit changes. An absent field is left as
        /// it is; `null` clears a date, a lead or the staffing.
        #[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
        #[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
        #[serde(deny_unknown_fields)]
        pub struct ActionChanges {
            $(
                $(#[$attr])*
                #[serde(default, skip_serializing_if = "Option::is_none")]
                pub $field: Option<$ty>,
            )+
            /// New measurements of some of the action's indicators.
            #[serde(default, skip_serializing_if = "Vec::is_empty")]
            pub indicators: Vec<IndicatorMeasure>,
            /// Amounts spent on some of the action's budget lines.
            #[serde(default, skip_serializing_if = "Vec::is_empty")]
            pub budget_lines: Vec<BudgetSpent>,
        }

        /// A follow-up field of an action, as diffs, the history and field errors
        /// (`changes/<field>`) name it.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum FollowUpField {
            $($variant),+
        }

        impl FollowUpField {
            /// Every field, in display order.
            pub const ALL: &'static [FollowUpField] = &[$(FollowUpField::$variant),+];

            /// The field's name on the wire, in the history and in the database.
            pub const fn as_str(self) -> &'static str {
                match self {
                    $(FollowUpField::$variant => stringify!($field)),+
                }
            }
        }

        impl ActionChanges {
            /// The fields it changes with their new values as the API writes them, in
            /// display order (indicators and budget lines not included).
            pub fn fields(&self) -> Vec<(FollowUpField, Value)> {
                let mut changed = Vec::new();
                $(
                    if let Some(value) = &self.$field {
                        changed.push((
                            FollowUpField::$variant,
                            serde_json::to_value(value).unwrap_or(Value::Null),
                        ));
                    }
                )+
                changed
            }
        }
    };
}

follow_up_fields!(wire_follow_up);

impl std::str::FromStr for FollowUpField {
    type Err = crate::UnknownVariant;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::ALL
            .iter()
            .copied()
            .find(|field| field.as_str() == s)
            .ok_or_else(|| crate::UnknownVariant {
                kind: "FollowUpField",
                value: s.to_owned(),
            })
    }
}

impl std::fmt::Display for FollowUpField {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A measurement of an indicator.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct IndicatorMeasure {
    pub id: Uuid,
    pub current_value: Option<f64>,
    #[cfg_attr(feature = "openapi", schema(value_type = Option<PlanDate>))]
    pub measured_at: Option<NaiveDate>,
}

/// The prefixes of an action's measures among the fields of a proposal's diff and of the
/// history, each followed by the measure's id: an indicator's value and date, a budget
/// line's amount spent, its amount engaged.
pub const INDICATOR_FIELD: &str = "indicator:";
pub const BUDGET_SPENT_FIELD: &str = "budget_line:";
pub const BUDGET_ENGAGED_FIELD: &str = "budget_line_engaged:";

/// The amounts reported on a budget line, in euro cents: spent, and engaged (committed, not
/// yet paid). Each one left out stays as it is; one of them at least is given.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct BudgetSpent {
    pub id: Uuid,
    /// Absent: the amount spent stays as it is. One of the two amounts is given.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(minimum = 0))]
    pub spent_cents: Option<i64>,
    /// Absent: the amount engaged stays as it is.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(minimum = 0))]
    pub engaged_cents: Option<i64>,
}

/// An indicator of an action: recurring (with a year) for missions, milestones for projets.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Indicator {
    pub id: Uuid,
    pub name: String,
    pub unit: Option<String>,
    /// The year it is measured for, when it recurs.
    pub year: Option<i32>,
    pub baseline: Option<f64>,
    pub target: Option<f64>,
    pub current_value: Option<f64>,
    #[serde(default, deserialize_with = "crate::wire_time::optional_date")]
    pub measured_at: Option<NaiveDate>,
    pub position: i32,
}

/// `POST /api/v1/actions/{id}/indicators` and `PUT /api/v1/indicators/{id}` (the DG).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct IndicatorInput {
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::limits::label::<300>))]
    pub name: String,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::limits::optional_line::<50>))]
    pub unit: Option<String>,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(minimum = 1990, maximum = 2200))]
    pub year: Option<i32>,
    #[serde(default)]
    pub baseline: Option<f64>,
    #[serde(default)]
    pub target: Option<f64>,
}

/// A budget line of an action; amounts in euro cents.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct BudgetLine {
    pub id: Uuid,
    pub year: i32,
    pub service: crate::BudgetService,
    pub direction: crate::BudgetDirection,
    /// The budget article code, e.g. `84010/124-02`.
    pub article: Option<String>,
    /// What the amount is for, e.g. "Frais de formation des bénévoles".
    #[serde(default)]
    pub label: Option<String>,
    pub planned_cents: i64,
    /// Committed by a decision, not yet paid: reported through proposals.
    #[serde(default)]
    pub engaged_cents: i64,
    pub spent_cents: i64,
    pub funding_source: Option<String>,
    pub position: i32,
}

/// `POST /api/v1/actions/{id}/budget-lines` and `PUT /api/v1/budget-lines/{id}` (the DG).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct BudgetLineInput {
    #[cfg_attr(feature = "openapi", schema(minimum = 1990, maximum = 2200))]
    pub year: i32,
    pub service: crate::BudgetService,
    pub direction: crate::BudgetDirection,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::limits::optional_line::<50>))]
    pub article: Option<String>,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::limits::optional_line::<{ BUDGET_LABEL_MAX_CHARS }>))]
    pub label: Option<String>,
    #[cfg_attr(feature = "openapi", schema(minimum = 0))]
    pub planned_cents: i64,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::limits::optional_line::<200>))]
    pub funding_source: Option<String>,
}

/// A multi-year projection the CPAS makes on an action or a sub-action: an economic
/// group's amounts over the coming budget years, e.g. "Dépenses de personnel" for 2026,
/// 2027 and 2028. The eComptes file carries them as the element's `Projection`s.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct BudgetProjection {
    pub id: Uuid,
    pub service: crate::BudgetService,
    pub direction: crate::BudgetDirection,
    /// `GroupeEco`: the economic group, e.g. "Dépenses de personnel" or "70".
    pub economic_group: String,
    pub label: Option<String>,
    /// In year order.
    pub years: Vec<ProjectionAmount>,
}

/// A projection's amount for one budget year, in euro cents.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ProjectionAmount {
    #[cfg_attr(feature = "openapi", schema(minimum = 1990, maximum = 2200))]
    pub year: i32,
    #[cfg_attr(feature = "openapi", schema(minimum = 0))]
    pub amount_cents: i64,
}

/// The most years one projection holds.
pub const PROJECTION_YEARS_MAX: usize = 20;
/// The longest economic group of a projection, in characters.
pub const ECONOMIC_GROUP_MAX_CHARS: usize = 50;
/// The longest label of a projection or a budget line, in characters.
pub const BUDGET_LABEL_MAX_CHARS: usize = 200;

/// `POST /api/v1/actions/{id}/budget-projections` and `PUT
/// /api/v1/budget-projections/{id}` (the DG): the projection whole, its years replaced.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(example = json!({
    "service": "ordinaire",
    "direction": "depense",
    "economic_group": "Dépenses de personnel",
    "label": "Coordinatrice du projet (0,5 ETP)",
    "years": [
        { "year": 2026, "amount_cents": 2_400_000 },
        { "year": 2027, "amount_cents": 2_450_000 }
    ]
})))]
#[serde(deny_unknown_fields)]
pub struct BudgetProjectionInput {
    pub service: crate::BudgetService,
    pub direction: crate::BudgetDirection,
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::limits::label::<{ ECONOMIC_GROUP_MAX_CHARS }>))]
    pub economic_group: String,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::limits::optional_line::<{ BUDGET_LABEL_MAX_CHARS }>))]
    pub label: Option<String>,
    /// Each year once.
    #[cfg_attr(feature = "openapi", schema(min_items = 1, max_items = 20))]
    pub years: Vec<ProjectionAmount>,
}

/// `POST /api/v1/actions/{id}/change-requests`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(example = json!({
    "base_version": 3,
    "changes": { "status": "en_cours", "progress": 40 },
    "note": "Première réunion avec le PCS tenue le 12 mars."
})))]
#[serde(deny_unknown_fields)]
pub struct NewChangeRequest {
    /// The action's `version` the proposal was made against.
    pub base_version: i32,
    pub changes: ActionChanges,
    /// A note for the journal, e.g. what was done. A note alone, with no field changed,
    /// is a valid report: approved, it goes to the action's journal.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::limits::any_text_or_null::<{ crate::NOTE_MAX_CHARS }>))]
    pub note: Option<String>,
    /// The id of the author's pending proposal on this action that this one replaces: it
    /// becomes `replaced`, in the same transaction. Without it, a second pending proposal
    /// of the same author on the same action is refused (409 `proposal_already_pending`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub replaces: Option<Uuid>,
}

/// `PATCH /api/v1/actions/{id}` (president, DG): a direct change.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ActionEdit {
    /// The version edited; or send `If-Match: "<version>"`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub version: Option<i32>,
    pub changes: ActionChanges,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::limits::any_text_or_null::<{ crate::NOTE_MAX_CHARS }>))]
    pub note: Option<String>,
}

/// Lifecycle of a proposal.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ChangeRequestStatus {
    Pending,
    Approved,
    Rejected,
    Withdrawn,
    /// Its author replaced it by a newer proposal (`replaced_by`).
    Replaced,
}

impl ChangeRequestStatus {
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Pending => "pending",
            Self::Approved => "approved",
            Self::Rejected => "rejected",
            Self::Withdrawn => "withdrawn",
            Self::Replaced => "replaced",
        }
    }
}

impl std::str::FromStr for ChangeRequestStatus {
    type Err = crate::UnknownVariant;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "pending" => Ok(Self::Pending),
            "approved" => Ok(Self::Approved),
            "rejected" => Ok(Self::Rejected),
            "withdrawn" => Ok(Self::Withdrawn),
            "replaced" => Ok(Self::Replaced),
            other => Err(crate::UnknownVariant {
                kind: "ChangeRequestStatus",
                value: other.to_owned(),
            }),
        }
    }
}

/// One field of a proposal: its value when proposed, now, and the proposed one.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct FieldDiff {
    pub field: String,
    pub before: Value,
    /// The value today (differs from `before` when the action changed since).
    pub current: Value,
    pub proposed: Value,
}

/// A person, as shown next to what they did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PersonRef {
    pub id: Uuid,
    pub display_name: String,
    pub organisation: Option<String>,
}

/// A proposal of change and its decision.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ChangeRequest {
    pub id: Uuid,
    pub action_id: Uuid,
    pub action_code: String,
    pub action_title: String,
    pub plan_id: Uuid,
    pub author: PersonRef,
    pub status: ChangeRequestStatus,
    pub base_version: i32,
    /// The action's version now; when it differs from `base_version`, approving needs a
    /// decision on the conflict.
    pub current_version: i32,
    pub note: Option<String>,
    pub diff: Vec<FieldDiff>,
    #[serde(deserialize_with = "crate::wire_time::instant")]
    pub created_at: DateTime<Utc>,
    pub decided_by: Option<PersonRef>,
    #[serde(default, deserialize_with = "crate::wire_time::optional_instant")]
    pub decided_at: Option<DateTime<Utc>>,
    /// Why it was rejected.
    pub reason: Option<String>,
    /// The author's newer proposal that replaced this one.
    pub replaced_by: Option<Uuid>,
}

/// `POST /api/v1/change-requests/{id}/approve`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct Approval {
    /// Approve over a newer version of the action, after seeing the conflict: give the
    /// action's current version. Absent: the proposal's own base version.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub over_version: Option<i32>,
}

/// `POST /api/v1/change-requests/{id}/reject`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct Rejection {
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::limits::text::<5000>))]
    pub reason: String,
}

/// One field of an applied change.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct FieldChange {
    pub field: String,
    pub before: Value,
    pub after: Value,
}

/// A row of an action's history.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct HistoryEntry {
    pub id: i64,
    #[serde(deserialize_with = "crate::wire_time::instant")]
    pub at: DateTime<Utc>,
    /// The action's version after this change.
    pub version: i32,
    /// Who applied it (the approver, or the editor).
    pub applied_by: PersonRef,
    /// Who proposed it, when it came from a proposal.
    pub proposed_by: Option<PersonRef>,
    pub change_request_id: Option<Uuid>,
    pub changes: Vec<FieldChange>,
    /// The sub-action the change was made on, in the history of its action (which lists
    /// its steps' changes with its own); `null` for the action's own changes. `version` is
    /// then the sub-action's.
    #[serde(default)]
    pub sub_action: Option<crate::ActionLink>,
}

/// A message of the in-app inbox.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Notification {
    pub id: Uuid,
    /// `change_request_created`, `change_request_approved`, `change_request_rejected`,
    /// `action_stale`, `stale_digest`, `task_assigned`, `task_due_soon`, `task_overdue`,
    /// `comment_mention`.
    pub kind: String,
    pub payload: Value,
    #[serde(deserialize_with = "crate::wire_time::instant")]
    pub created_at: DateTime<Utc>,
    #[serde(default, deserialize_with = "crate::wire_time::optional_instant")]
    pub read_at: Option<DateTime<Utc>>,
}

/// A journal note of an action.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct JournalEntry {
    pub id: Uuid,
    pub kind: crate::JournalKind,
    #[serde(deserialize_with = "crate::wire_time::date")]
    pub entry_date: NaiveDate,
    pub author: PersonRef,
    pub body: String,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{ActionStatus, PlanDate};

    #[test]
    fn each_follow_up_field_is_named_as_the_wire_type_names_it() {
        let every = ActionChanges {
            status: Some(ActionStatus::EnCours),
            progress: Some(40),
            planned_start: Some(None),
            planned_end: Some(PlanDate::parse("2026-12-31").ok()),
            actual_end: Some(None),
            political_lead: Some(Some("La présidente".to_owned())),
            administrative_lead: Some(None),
            health: Some(Some(ActionHealth::AtRisk)),
            health_comment: Some(Some("Local à trouver".to_owned())),
            staffing_fte: Some(Some(1.5)),
            sdgs: Some(vec![1, 10]),
            ..ActionChanges::default()
        };
        let written = serde_json::to_value(&every).expect("serializable");
        let fields = every.fields();
        assert_eq!(
            fields.iter().map(|(f, _)| *f).collect::<Vec<_>>(),
            FollowUpField::ALL
        );
        for (field, value) in fields {
            assert_eq!(written.get(field.as_str()), Some(&value), "{field}");
            assert_eq!(field.as_str().parse::<FollowUpField>(), Ok(field));
        }
        assert_eq!(
            written.as_object().map(|o| o.len()),
            Some(FollowUpField::ALL.len()),
            "the wire type has no other field when indicators and budget lines are empty"
        );
        assert!("indicators".parse::<FollowUpField>().is_err());
        assert_eq!(ActionChanges::default().fields(), []);
    }
}
