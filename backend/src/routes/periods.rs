//! Reporting periods of a plan: open, list, completion, close; the reporting settings of
//! a CPAS; the history of an action's indicators across the closed periods.

use actix_web::{HttpResponse, get, post, put, web};
use api_types::{
    IndicatorHistory, NewReportingPeriod, PeriodCompletion, Problem, ReportingPeriod,
    ReportingSettings,
};
use uuid::Uuid;

use super::problems;
use super::{Json, RequestDb};
use crate::app::periods;
use crate::auth::Authenticated;
use crate::domain::{ActionId, PlanId};
use crate::error::ApiError;

/// Opens a reporting period of an adopted plan (the Directeur général): each action of the
/// plan neither done nor abandoned gets an update request addressed to its lead
/// organisation, whose people are told in their inbox and by e-mail. One period of a plan
/// is open at a time (409 `period_already_open`); its label is unique in the plan (409
/// `name_taken`); `ends_on` and `deadline` are not before `starts_on` (422
/// `before_start`). Reminders go before and after the deadline (`GET
/// /reporting-settings`).
#[utoipa::path(operation_id = "open_reporting_period", tag = "periods",
    security(("bearer" = [])), params(("plan_id" = Uuid, Path)), request_body = NewReportingPeriod,
    responses((status = 201, body = ReportingPeriod),
        problems::NotFound,
        (status = 409, description = "The plan is not adopted (`not_adopted`), a period is open (`period_already_open`), or the label is taken (`name_taken`)", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "A field breaks its rule", body = Problem, content_type = "application/problem+json")))]
#[post("/plans/{plan_id}/periods")]
pub async fn open_reporting_period(
    db: RequestDb,
    auth: Authenticated,
    plan: web::Path<PlanId>,
    body: Json<NewReportingPeriod>,
) -> Result<HttpResponse, ApiError> {
    let period = periods::open(&db, &auth, plan.into_inner(), body.into_inner()).await?;
    Ok(HttpResponse::Created().json(period))
}

/// The reporting periods of a plan, the latest first, each with its completion (anyone
/// who reads the plan).
#[utoipa::path(operation_id = "list_reporting_periods", tag = "periods",
    security(("bearer" = []), ("api_token" = ["plans:read"])), params(("plan_id" = Uuid, Path)),
    responses((status = 200, body = Vec<ReportingPeriod>), problems::NotFound))]
#[get("/plans/{plan_id}/periods")]
pub async fn list_reporting_periods(
    db: RequestDb,
    auth: Authenticated,
    plan: web::Path<PlanId>,
) -> Result<web::Json<Vec<ReportingPeriod>>, ApiError> {
    Ok(web::Json(
        periods::of_plan(&db, &auth, plan.into_inner()).await?,
    ))
}

/// A reporting period's completion: by lead organisation and by action, which were
/// reported while it was open and which wait for a decision on a proposal (anyone who
/// reads the plan).
#[utoipa::path(operation_id = "get_reporting_period", tag = "periods",
    security(("bearer" = []), ("api_token" = ["plans:read"])), params(("period_id" = Uuid, Path)),
    responses((status = 200, body = PeriodCompletion), problems::NotFound))]
#[get("/periods/{period_id}")]
pub async fn get_reporting_period(
    db: RequestDb,
    auth: Authenticated,
    period: web::Path<Uuid>,
) -> Result<web::Json<PeriodCompletion>, ApiError> {
    Ok(web::Json(
        periods::completion(&db, &auth, period.into_inner()).await?,
    ))
}

/// Closes a reporting period (the Directeur général): the plan as it stands — actions,
/// indicators, budget lines, the decisions of the period — is kept, and the report and the
/// exports can be produced as at its end (`?period=`). A report made afterwards belongs to
/// the next period. 409 `period_closed` when it already is.
#[utoipa::path(operation_id = "close_reporting_period", tag = "periods",
    security(("bearer" = [])), params(("period_id" = Uuid, Path)),
    responses((status = 200, body = ReportingPeriod),
        problems::NotFound,
        (status = 409, description = "Already closed (`period_closed`)", body = Problem, content_type = "application/problem+json")))]
#[post("/periods/{period_id}/close")]
pub async fn close_reporting_period(
    db: RequestDb,
    auth: Authenticated,
    period: web::Path<Uuid>,
) -> Result<web::Json<ReportingPeriod>, ApiError> {
    Ok(web::Json(
        periods::close(&db, &auth, period.into_inner()).await?,
    ))
}

/// When the reminders of a reporting period go, for the caller's CPAS (its people).
#[utoipa::path(operation_id = "get_reporting_settings", tag = "periods",
    security(("bearer" = []), ("api_token" = ["plans:read"])),
    responses((status = 200, body = ReportingSettings)))]
#[get("/reporting-settings")]
pub async fn get_reporting_settings(
    db: RequestDb,
    auth: Authenticated,
) -> Result<web::Json<ReportingSettings>, ApiError> {
    Ok(web::Json(periods::settings(&db, &auth).await?))
}

/// Sets when the reminders of a reporting period go (the Directeur général): 0 to 60 days
/// before and after the deadline, 0 for none (422 `out_of_range`).
#[utoipa::path(operation_id = "set_reporting_settings", tag = "periods",
    security(("bearer" = [])), request_body = ReportingSettings,
    responses((status = 200, body = ReportingSettings),
        (status = 422, description = "A number of days out of 0–60", body = Problem, content_type = "application/problem+json")))]
#[put("/reporting-settings")]
pub async fn set_reporting_settings(
    db: RequestDb,
    auth: Authenticated,
    body: Json<ReportingSettings>,
) -> Result<web::Json<ReportingSettings>, ApiError> {
    Ok(web::Json(
        periods::set_settings(&db, &auth, body.into_inner()).await?,
    ))
}

/// The values of an action's indicators at the close of each reporting period of its plan,
/// oldest first (anyone who reads the plan).
#[utoipa::path(operation_id = "get_indicator_history", tag = "periods",
    security(("bearer" = []), ("api_token" = ["plans:read"])), params(("action_id" = Uuid, Path)),
    responses((status = 200, body = IndicatorHistory), problems::NotFound))]
#[get("/actions/{action_id}/indicator-history")]
pub async fn get_indicator_history(
    db: RequestDb,
    auth: Authenticated,
    action: web::Path<ActionId>,
) -> Result<web::Json<IndicatorHistory>, ApiError> {
    Ok(web::Json(
        periods::indicators_over_periods(&db, &auth, action.into_inner()).await?,
    ))
}
