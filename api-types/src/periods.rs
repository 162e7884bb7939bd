//! Reporting periods: the DG opens a period of a plan ("T1 2027", its dates and a
//! deadline), each action still expected to move gets an update request addressed to its
//! lead organisation, reminders go before and after the deadline, and the close freezes
//! what the report and the exports show as at the end of the period.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::{OrganisationRef, PersonRef, PlanDate};

/// The longest period name, in characters ("T1 2027", "1er semestre 2027").
pub const PERIOD_LABEL_MAX_CHARS: usize = 80;
/// The most days a reminder goes before or after a deadline.
pub const PERIOD_REMINDER_DAYS_MAX: i16 = 60;

/// `POST /api/v1/plans/{id}/periods`: opens a period of an adopted plan (one open at a
/// time).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct NewReportingPeriod {
    /// Unique in the plan, e.g. "T1 2027".
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::limits::label::<80>))]
    pub label: String,
    pub starts_on: PlanDate,
    /// Not before `starts_on` (422 `before_start`).
    pub ends_on: PlanDate,
    /// The day the reports are due; not before `starts_on` (422 `before_start`).
    pub deadline: PlanDate,
}

/// A reporting period, with its completion: of the actions asked to report, how many did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ReportingPeriod {
    pub id: Uuid,
    pub plan_id: Uuid,
    pub label: String,
    #[serde(deserialize_with = "crate::wire_time::date")]
    pub starts_on: NaiveDate,
    #[serde(deserialize_with = "crate::wire_time::date")]
    pub ends_on: NaiveDate,
    #[serde(deserialize_with = "crate::wire_time::date")]
    pub deadline: NaiveDate,
    pub opened_by: PersonRef,
    #[serde(deserialize_with = "crate::wire_time::instant")]
    pub opened_at: DateTime<Utc>,
    /// `null` while open.
    pub closed_by: Option<PersonRef>,
    #[serde(default, deserialize_with = "crate::wire_time::optional_instant")]
    pub closed_at: Option<DateTime<Utc>>,
    /// The completion of the whole period.
    pub completion: Completion,
    /// The caller may close it (and open the next one): the Directeur général.
    pub may_manage: bool,
}

/// Actions asked to report in a period, and how many did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Completion {
    /// Actions asked to report (each action of the plan not done nor abandoned at the
    /// opening).
    pub due: i64,
    /// Of those, the ones reported while the period was open (an approved proposal, a
    /// direct edit, a note in the journal).
    pub reported: i64,
    /// Of those not reported, the ones with a proposal waiting for a decision (always 0
    /// once the period is closed).
    pub awaiting_approval: i64,
}

/// `GET /api/v1/periods/{id}`: a period and its completion by organisation and by action.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PeriodCompletion {
    pub period: ReportingPeriod,
    /// By lead organisation (at the opening), by name; the actions without a lead last.
    pub organisations: Vec<OrganisationCompletion>,
    /// Each action asked to report, by code.
    pub actions: Vec<PeriodAction>,
}

/// One organisation's share of a period.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct OrganisationCompletion {
    /// `null`: the actions without a lead organisation (the CPAS's people report them).
    pub organisation: Option<OrganisationRef>,
    pub completion: Completion,
}

/// One action's update request in a period.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PeriodAction {
    pub action_id: Uuid,
    pub code: String,
    pub title: String,
    /// The lead organisation at the opening.
    pub organisation: Option<OrganisationRef>,
    /// When it was reported in the period; `null`: not (yet).
    #[serde(default, deserialize_with = "crate::wire_time::optional_instant")]
    pub reported_at: Option<DateTime<Utc>>,
    /// Not reported, but a proposal on it waits for a decision.
    pub awaiting_approval: bool,
}

/// `GET`/`PUT /api/v1/reporting-settings`: when the reminders of a period go, for the
/// caller's CPAS (the Directeur général changes them).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ReportingSettings {
    /// Days before a deadline the actions not reported yet are reminded (0: no reminder);
    /// 7 by default.
    #[cfg_attr(feature = "openapi", schema(minimum = 0, maximum = 60))]
    pub reminder_days_before: i16,
    /// Days after a deadline they are reminded again (0: no reminder); 3 by default.
    #[cfg_attr(feature = "openapi", schema(minimum = 0, maximum = 60))]
    pub reminder_days_after: i16,
}

/// A closed period, as a point of an indicator's history.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PeriodRef {
    pub id: Uuid,
    pub label: String,
    #[serde(deserialize_with = "crate::wire_time::date")]
    pub ends_on: NaiveDate,
}

/// `GET /api/v1/actions/{id}/indicator-history`: the values of an action's indicators at
/// the close of each period of its plan, oldest first.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct IndicatorHistory {
    /// The closed periods of the plan, by end date.
    pub periods: Vec<PeriodRef>,
    /// The action's indicators (archived ones too, when a period kept a value of theirs).
    pub indicators: Vec<IndicatorSeries>,
}

/// One indicator across the closed periods.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct IndicatorSeries {
    pub indicator_id: Uuid,
    pub name: String,
    pub unit: Option<String>,
    pub target: Option<f64>,
    /// One per period of `periods`, in the same order: the value at its close, `null`
    /// when the indicator had none (or did not exist yet).
    pub values: Vec<Option<f64>>,
}
