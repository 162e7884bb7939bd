//! The endpoints of the reporting periods and of an indicator's history.

use api_types::{
    IndicatorHistory, NewReportingPeriod, PeriodCompletion, ReportingPeriod, ReportingSettings,
};
use gloo_net::http::Method;

use super::{ApiFailure, exchange, get, parse, post, send};

pub async fn list_periods(token: &str, plan: &str) -> Result<Vec<ReportingPeriod>, ApiFailure> {
    get(&format!("/api/v1/plans/{plan}/periods"), token).await
}

pub async fn open_period(
    token: &str,
    plan: &str,
    period: &NewReportingPeriod,
) -> Result<ReportingPeriod, ApiFailure> {
    post(&format!("/api/v1/plans/{plan}/periods"), token, period).await
}

pub async fn period_completion(token: &str, id: &str) -> Result<PeriodCompletion, ApiFailure> {
    get(&format!("/api/v1/periods/{id}"), token).await
}

pub async fn close_period(token: &str, id: &str) -> Result<ReportingPeriod, ApiFailure> {
    let url = format!("/api/v1/periods/{id}/close");
    parse(&exchange(Method::POST, &url, Some(token), None).await?)
}

pub async fn reporting_settings(token: &str) -> Result<ReportingSettings, ApiFailure> {
    get("/api/v1/reporting-settings", token).await
}

pub async fn set_reporting_settings(
    token: &str,
    settings: &ReportingSettings,
) -> Result<ReportingSettings, ApiFailure> {
    send(Method::PUT, "/api/v1/reporting-settings", token, settings).await
}

pub async fn indicator_history(token: &str, action: &str) -> Result<IndicatorHistory, ApiFailure> {
    get(
        &format!("/api/v1/actions/{action}/indicator-history"),
        token,
    )
    .await
}
