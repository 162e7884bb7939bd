//! The endpoints of the managers' screens: the direct edit of an action, its indicators and
//! budget lines, the plan's evaluations and versions and their comparison.

use api_types::{
    ActionDetail, ActionEdit, BudgetLineInput, BudgetProjection, BudgetProjectionInput,
    EcomptesImportReport, IndicatorInput, NewEvaluation, NewPlanVersion, NewSubAction,
    PlanComparison, PlanEvaluation, PlanVersion, Reconciliation, SectoralPlan, SectoralPlanInput,
    SectoralPlanTags,
};
use gloo_net::http::{Method, RequestBuilder};

use super::{ApiFailure, exchange, failure, get, json, network, parse, post, send, send_file};

/// `PATCH /api/v1/actions/{id}` against `version` (sent as `If-Match`): a stale version
/// comes back as 412 `precondition_failed`.
pub async fn edit_action(
    token: &str,
    id: &str,
    version: i32,
    edit: &ActionEdit,
) -> Result<ActionDetail, ApiFailure> {
    let response = RequestBuilder::new(&format!("/api/v1/actions/{id}"))
        .method(Method::PATCH)
        .header("Accept", "application/json")
        .header("Authorization", &format!("Bearer {token}"))
        .header("Content-Type", "application/json")
        .header("If-Match", &format!("\"{version}\""))
        .body(json(edit)?)
        .map_err(network)?
        .send()
        .await
        .map_err(network)?;
    if response.ok() {
        parse(&response.text().await.map_err(network)?)
    } else {
        Err(failure(response).await)
    }
}

/// `PATCH /api/v1/actions/{id}/definition` with who answers for the action alone: the
/// mandataire's function and account, and the responsible (`None` clears each). Its own
/// body type, as the progress rule's.
pub async fn set_responsibles(
    token: &str,
    id: &str,
    body: &Responsibles,
) -> Result<ActionDetail, ApiFailure> {
    send(
        Method::PATCH,
        &format!("/api/v1/actions/{id}/definition"),
        token,
        body,
    )
    .await
}

/// Who answers for an action, as [`set_responsibles`] sends it.
#[derive(serde::Serialize)]
pub struct Responsibles {
    pub version: i32,
    pub political_function: Option<String>,
    pub political_lead_user_id: Option<uuid::Uuid>,
    pub responsible_user_id: Option<uuid::Uuid>,
}

/// `PATCH /api/v1/actions/{id}/definition` with the progress rule alone: by hand, or from
/// the steps. Its own body type, so that this chunk shares no serializer with the
/// structure editor's (shared code would move into the initial WASM).
pub async fn set_progress_by_hand(
    token: &str,
    id: &str,
    version: i32,
    by_hand: bool,
) -> Result<ActionDetail, ApiFailure> {
    #[derive(serde::Serialize)]
    struct ProgressRule {
        version: i32,
        progress_by_hand: bool,
    }
    let rule = ProgressRule {
        version,
        progress_by_hand: by_hand,
    };
    send(
        Method::PATCH,
        &format!("/api/v1/actions/{id}/definition"),
        token,
        &rule,
    )
    .await
}

/// `POST /api/v1/actions/{id}/sub-actions`: a step of the action.
pub async fn create_sub_action(
    token: &str,
    action: &str,
    step: &NewSubAction,
) -> Result<ActionDetail, ApiFailure> {
    post(
        &format!("/api/v1/actions/{action}/sub-actions"),
        token,
        step,
    )
    .await
}

pub async fn create_indicator(
    token: &str,
    action: &str,
    input: &IndicatorInput,
) -> Result<ActionDetail, ApiFailure> {
    post(
        &format!("/api/v1/actions/{action}/indicators"),
        token,
        input,
    )
    .await
}

pub async fn update_indicator(
    token: &str,
    id: &str,
    input: &IndicatorInput,
) -> Result<ActionDetail, ApiFailure> {
    send(
        Method::PUT,
        &format!("/api/v1/indicators/{id}"),
        token,
        input,
    )
    .await
}

/// Archives the indicator (the API's `DELETE` keeps the row for the history).
pub async fn archive_indicator(token: &str, id: &str) -> Result<(), ApiFailure> {
    let url = format!("/api/v1/indicators/{id}");
    exchange(Method::DELETE, &url, Some(token), None)
        .await
        .map(drop)
}

pub async fn create_budget_line(
    token: &str,
    action: &str,
    input: &BudgetLineInput,
) -> Result<ActionDetail, ApiFailure> {
    post(
        &format!("/api/v1/actions/{action}/budget-lines"),
        token,
        input,
    )
    .await
}

pub async fn update_budget_line(
    token: &str,
    id: &str,
    input: &BudgetLineInput,
) -> Result<ActionDetail, ApiFailure> {
    send(
        Method::PUT,
        &format!("/api/v1/budget-lines/{id}"),
        token,
        input,
    )
    .await
}

/// Archives the budget line (the API's `DELETE` keeps the row for the history).
pub async fn archive_budget_line(token: &str, id: &str) -> Result<(), ApiFailure> {
    let url = format!("/api/v1/budget-lines/{id}");
    exchange(Method::DELETE, &url, Some(token), None)
        .await
        .map(drop)
}

/// `GET /api/v1/actions/{id}/budget-projections`.
pub async fn budget_projections(
    token: &str,
    action: &str,
) -> Result<Vec<BudgetProjection>, ApiFailure> {
    get(
        &format!("/api/v1/actions/{action}/budget-projections"),
        token,
    )
    .await
}

pub async fn create_budget_projection(
    token: &str,
    action: &str,
    input: &BudgetProjectionInput,
) -> Result<Vec<BudgetProjection>, ApiFailure> {
    post(
        &format!("/api/v1/actions/{action}/budget-projections"),
        token,
        input,
    )
    .await
}

pub async fn update_budget_projection(
    token: &str,
    id: &str,
    input: &BudgetProjectionInput,
) -> Result<Vec<BudgetProjection>, ApiFailure> {
    send(
        Method::PUT,
        &format!("/api/v1/budget-projections/{id}"),
        token,
        input,
    )
    .await
}

pub async fn delete_budget_projection(token: &str, id: &str) -> Result<(), ApiFailure> {
    let url = format!("/api/v1/budget-projections/{id}");
    exchange(Method::DELETE, &url, Some(token), None)
        .await
        .map(drop)
}

pub async fn list_evaluations(token: &str, plan: &str) -> Result<Vec<PlanEvaluation>, ApiFailure> {
    get(&format!("/api/v1/plans/{plan}/evaluations"), token).await
}

pub async fn create_evaluation(
    token: &str,
    plan: &str,
    evaluation: &NewEvaluation,
) -> Result<PlanEvaluation, ApiFailure> {
    post(
        &format!("/api/v1/plans/{plan}/evaluations"),
        token,
        evaluation,
    )
    .await
}

pub async fn list_versions(token: &str, plan: &str) -> Result<Vec<PlanVersion>, ApiFailure> {
    get(&format!("/api/v1/plans/{plan}/versions"), token).await
}

pub async fn create_version(
    token: &str,
    plan: &str,
    version: &NewPlanVersion,
) -> Result<PlanVersion, ApiFailure> {
    post(&format!("/api/v1/plans/{plan}/versions"), token, version).await
}

/// `from` and `to` are states: `version:<n>`, `evaluation:mid_term|final`, `current`.
pub async fn compare(
    token: &str,
    plan: &str,
    from: &str,
    to: &str,
) -> Result<PlanComparison, ApiFailure> {
    let query = |s: &str| String::from(js_sys::encode_uri_component(s));
    get(
        &format!(
            "/api/v1/plans/{plan}/compare?from={}&to={}",
            query(from),
            query(to)
        ),
        token,
    )
    .await
}

/// `POST /api/v1/plans/{id}/ecomptes`: the file eComptes sent back; `dry_run` answers what
/// it would change without writing (the preview).
pub async fn import_ecomptes(
    token: &str,
    plan: &str,
    dry_run: bool,
    file: web_sys::File,
) -> Result<EcomptesImportReport, ApiFailure> {
    let url = format!("/api/v1/plans/{plan}/ecomptes?dry_run={dry_run}");
    send_file(token, &url, file).await
}

/// `GET /api/v1/plans/{id}/reconciliation`.
pub async fn reconciliation(token: &str, plan: &str) -> Result<Reconciliation, ApiFailure> {
    get(&format!("/api/v1/plans/{plan}/reconciliation"), token).await
}

/// `GET /api/v1/sectoral-plans`: the CPAS's sectoral plans, by name.
pub async fn sectoral_plans(token: &str) -> Result<Vec<SectoralPlan>, ApiFailure> {
    get("/api/v1/sectoral-plans", token).await
}

/// `POST /api/v1/sectoral-plans` (the DG).
pub async fn create_sectoral_plan(token: &str, name: &str) -> Result<SectoralPlan, ApiFailure> {
    let input = SectoralPlanInput {
        name: name.to_owned(),
    };
    post("/api/v1/sectoral-plans", token, &input).await
}

/// `DELETE /api/v1/sectoral-plans/{id}` (the DG): its tags go with it.
pub async fn delete_sectoral_plan(token: &str, id: &str) -> Result<(), ApiFailure> {
    let url = format!("/api/v1/sectoral-plans/{id}");
    exchange(Method::DELETE, &url, Some(token), None)
        .await
        .map(drop)
}

/// `PUT /api/v1/{objectives|actions}/{id}/sectoral-plans` (the DG): all the element's tags.
pub async fn set_sectoral_tags(
    token: &str,
    element: &str,
    tags: &SectoralPlanTags,
) -> Result<SectoralPlanTags, ApiFailure> {
    send(
        Method::PUT,
        &format!("/api/v1/{element}/sectoral-plans"),
        token,
        tags,
    )
    .await
}
