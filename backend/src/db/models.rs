//! Rows as diesel reads and writes them. Enum columns are text guarded by CHECK
//! constraints; statuses and roles are read and written as the wire enums through
//! [`Stored`], the others are parsed when a DTO is built.

use chrono::{DateTime, NaiveDate, Utc};
use diesel::dsl::sql;
use diesel::expression::SqlLiteral;
use diesel::prelude::*;
use diesel::sql_types::{Nullable, Text};
use uuid::Uuid;

use super::stored::{Stored, StoredOption};
use api_types::{ActionHealth, ActionStatus, OrgRole, PlanStatus};

use super::schema::{
    action_organisations, actions, objectives, opinion_objectives, opinions, organisations, plans,
    tenants,
};

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = tenants, check_for_backend(diesel::pg::Pg))]
pub struct Tenant {
    pub id: Uuid,
    pub slug: String,
    pub name: String,
}

#[derive(Debug, Insertable)]
#[diesel(table_name = tenants)]
pub struct NewTenant<'a> {
    pub id: Uuid,
    pub slug: &'a str,
    pub name: &'a str,
    pub description: Option<&'a str>,
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = organisations, check_for_backend(diesel::pg::Pg))]
pub struct Organisation {
    pub id: Uuid,
    pub name: String,
    pub kind: String,
}

#[derive(Debug, Insertable)]
#[diesel(table_name = organisations)]
pub struct NewOrganisation<'a> {
    pub id: Uuid,
    pub tenant_id: Uuid,
    pub name: &'a str,
    pub kind: &'a str,
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = plans, check_for_backend(diesel::pg::Pg))]
pub struct Plan {
    pub id: Uuid,
    pub tenant_id: Uuid,
    pub title: String,
    pub start_year: Option<i32>,
    pub end_year: Option<i32>,
    #[diesel(deserialize_as = Stored<PlanStatus>)]
    pub status: PlanStatus,
    pub adopted_on: Option<NaiveDate>,
    pub opinion_title: Option<String>,
    pub updated_at: DateTime<Utc>,
    pub version: i32,
    pub created_at: DateTime<Utc>,
    pub update_cadence_days: i32,
    pub published_at: Option<DateTime<Utc>>,
}

#[derive(Debug, Insertable)]
#[diesel(table_name = plans)]
pub struct NewPlan<'a> {
    pub id: Uuid,
    pub tenant_id: Uuid,
    pub title: &'a str,
    pub start_year: Option<i32>,
    pub end_year: Option<i32>,
    pub status: Stored<PlanStatus>,
    pub adopted_on: Option<NaiveDate>,
    pub opinion_title: Option<&'a str>,
    pub source_document: Option<&'a str>,
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = objectives, check_for_backend(diesel::pg::Pg))]
pub struct Objective {
    pub id: Uuid,
    pub parent_id: Option<Uuid>,
    pub level: String,
    pub volet: String,
    pub code: String,
    pub title: String,
    pub position: i32,
    pub version: i32,
    pub political_lead: Option<String>,
    pub political_function: Option<String>,
    pub responsible_user_id: Option<Uuid>,
    /// The responsible's name, read in the same statement.
    #[diesel(select_expression = sql::<Nullable<Text>>(OBJECTIVE_RESPONSIBLE_NAME))]
    #[diesel(select_expression_type = SqlLiteral<Nullable<Text>>)]
    pub responsible_name: Option<String>,
    /// The mandataire's account (eComptes `Mandataire`).
    pub political_lead_user_id: Option<Uuid>,
    /// That account's name, read in the same statement.
    #[diesel(select_expression = sql::<Nullable<Text>>(OBJECTIVE_POLITICAL_LEAD_ACCOUNT_NAME))]
    #[diesel(select_expression_type = SqlLiteral<Nullable<Text>>)]
    pub political_lead_account_name: Option<String>,
    pub planned_start: Option<NaiveDate>,
    pub planned_end: Option<NaiveDate>,
}

/// The name of an objective's responsible, over a row of `objectives` (a primary-key probe
/// inside the statement that reads the row: the tree keeps its statement count).
const OBJECTIVE_RESPONSIBLE_NAME: &str = "(SELECT u.display_name FROM users u \
     WHERE u.id = objectives.responsible_user_id)";

/// The name of an action's responsible, over a row of `actions`.
const ACTION_RESPONSIBLE_NAME: &str = "(SELECT u.display_name FROM users u \
     WHERE u.id = actions.responsible_user_id)";

/// The name of an objective's mandataire's account, over a row of `objectives`.
const OBJECTIVE_POLITICAL_LEAD_ACCOUNT_NAME: &str = "(SELECT u.display_name FROM users u \
     WHERE u.id = objectives.political_lead_user_id)";

/// The name of an action's mandataire's account, over a row of `actions`.
const ACTION_POLITICAL_LEAD_ACCOUNT_NAME: &str = "(SELECT u.display_name FROM users u \
     WHERE u.id = actions.political_lead_user_id)";

#[derive(Debug, Insertable)]
#[diesel(table_name = objectives)]
pub struct NewObjective<'a> {
    pub id: Uuid,
    pub tenant_id: Uuid,
    pub plan_id: Uuid,
    pub parent_id: Option<Uuid>,
    pub level: &'a str,
    pub volet: &'a str,
    pub code: &'a str,
    pub title: &'a str,
    pub position: i32,
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = actions, check_for_backend(diesel::pg::Pg))]
pub struct Action {
    pub id: Uuid,
    pub objective_id: Uuid,
    pub code: String,
    pub kind: Option<String>,
    pub title: String,
    pub description: Option<String>,
    pub reservation: Option<String>,
    pub transversal: bool,
    #[diesel(deserialize_as = Stored<ActionStatus>)]
    pub status: ActionStatus,
    pub progress: i16,
    pub planned_start: Option<NaiveDate>,
    pub planned_end: Option<NaiveDate>,
    pub actual_end: Option<NaiveDate>,
    pub position: i32,
    pub version: i32,
    pub political_lead: Option<String>,
    pub administrative_lead: Option<String>,
    pub staffing_fte: Option<f64>,
    pub sdgs: Vec<i16>,
    pub last_reported_at: Option<DateTime<Utc>>,
    #[diesel(deserialize_as = StoredOption<ActionHealth>)]
    pub health: Option<ActionHealth>,
    pub health_comment: Option<String>,
    /// The action a sub-action is a step of.
    pub parent_id: Option<Uuid>,
    pub weight: i16,
    pub progress_by_hand: bool,
    /// Kept by the database's roll-up rule (migration `…_sub_actions`).
    pub progress_from_sub_actions: bool,
    pub political_function: Option<String>,
    pub responsible_user_id: Option<Uuid>,
    /// The responsible's name, read in the same statement.
    #[diesel(select_expression = sql::<Nullable<Text>>(ACTION_RESPONSIBLE_NAME))]
    #[diesel(select_expression_type = SqlLiteral<Nullable<Text>>)]
    pub responsible_name: Option<String>,
    /// The mandataire's account (eComptes `Mandataire`).
    pub political_lead_user_id: Option<Uuid>,
    /// That account's name, read in the same statement.
    #[diesel(select_expression = sql::<Nullable<Text>>(ACTION_POLITICAL_LEAD_ACCOUNT_NAME))]
    #[diesel(select_expression_type = SqlLiteral<Nullable<Text>>)]
    pub political_lead_account_name: Option<String>,
}

#[derive(Debug, Insertable)]
#[diesel(table_name = actions)]
pub struct NewAction<'a> {
    pub id: Uuid,
    pub tenant_id: Uuid,
    pub plan_id: Uuid,
    pub objective_id: Uuid,
    pub code: &'a str,
    pub kind: Option<&'a str>,
    pub title: &'a str,
    pub description: Option<&'a str>,
    pub reservation: Option<&'a str>,
    pub transversal: bool,
    pub position: i32,
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = action_organisations, check_for_backend(diesel::pg::Pg))]
pub struct ActionOrganisation {
    pub action_id: Uuid,
    #[diesel(deserialize_as = Stored<OrgRole>)]
    pub role: OrgRole,
    pub position: i32,
}

#[derive(Debug, Insertable)]
#[diesel(table_name = action_organisations)]
pub struct NewActionOrganisation {
    pub tenant_id: Uuid,
    pub action_id: Uuid,
    pub organisation_id: Uuid,
    pub role: Stored<OrgRole>,
    pub position: i32,
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = opinions, check_for_backend(diesel::pg::Pg))]
pub struct Opinion {
    pub id: Uuid,
    pub heading: Option<String>,
    pub body: String,
    pub position: i32,
}

#[derive(Debug, Insertable)]
#[diesel(table_name = opinions)]
pub struct NewOpinion<'a> {
    pub id: Uuid,
    pub tenant_id: Uuid,
    pub plan_id: Uuid,
    pub heading: Option<&'a str>,
    pub body: &'a str,
    pub position: i32,
}

#[derive(Debug, Insertable)]
#[diesel(table_name = opinion_objectives)]
pub struct NewOpinionObjective {
    pub tenant_id: Uuid,
    pub plan_id: Uuid,
    pub opinion_id: Uuid,
    pub objective_id: Uuid,
    pub position: i32,
}
