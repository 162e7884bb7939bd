//! One function per API endpoint.

use api_types::{
    ActionDetail, Approval, ChangeRequest, HistoryEntry, LoginRequest, NewChangeRequest, PlanStats,
    PlanSummary, PlanTree, Problem, RefreshRequest, Rejection, TokenResponse, User,
};
use gloo_net::http::{Request, RequestBuilder, Response};
use serde::de::DeserializeOwned;

/// A failed call, ready to show.
#[derive(Debug, Clone, PartialEq)]
pub struct ApiFailure {
    pub status: u16,
    pub message: String,
    /// The problem document, when the server sent one (field errors, conflicts).
    pub problem: Option<Problem>,
}

impl ApiFailure {
    /// The session is over (expired, revoked): the user must sign in again.
    pub fn is_unauthenticated(&self) -> bool {
        self.status == 401
    }
}

pub async fn login(email: String, password: String) -> Result<TokenResponse, ApiFailure> {
    let response = Request::post("/api/v1/auth/login")
        .json(&LoginRequest { email, password })
        .map_err(network)?
        .send()
        .await
        .map_err(network)?;
    decode(response).await
}

pub async fn refresh(refresh_token: String) -> Result<TokenResponse, ApiFailure> {
    let response = Request::post("/api/v1/auth/refresh")
        .json(&RefreshRequest { refresh_token })
        .map_err(network)?
        .send()
        .await
        .map_err(network)?;
    decode(response).await
}

pub async fn logout(token: &str) -> Result<(), ApiFailure> {
    let response = authorised(Request::post("/api/v1/auth/logout"), token)
        .send()
        .await
        .map_err(network)?;
    if response.ok() {
        Ok(())
    } else {
        Err(failure(response).await)
    }
}

pub async fn me(token: &str) -> Result<User, ApiFailure> {
    get("/api/v1/me", token).await
}

pub async fn list_plans(token: &str) -> Result<Vec<PlanSummary>, ApiFailure> {
    get("/api/v1/plans", token).await
}

pub async fn get_plan(token: &str, id: &str) -> Result<PlanTree, ApiFailure> {
    get(&format!("/api/v1/plans/{id}"), token).await
}

pub async fn plan_summary(token: &str, id: &str) -> Result<PlanStats, ApiFailure> {
    get(&format!("/api/v1/plans/{id}/summary"), token).await
}

pub async fn get_action(token: &str, id: &str) -> Result<ActionDetail, ApiFailure> {
    get(&format!("/api/v1/actions/{id}"), token).await
}

pub async fn action_history(token: &str, id: &str) -> Result<Vec<HistoryEntry>, ApiFailure> {
    get(&format!("/api/v1/actions/{id}/history"), token).await
}

pub async fn pending_change_requests(token: &str) -> Result<Vec<ChangeRequest>, ApiFailure> {
    get("/api/v1/change-requests?status=pending", token).await
}

pub async fn propose(
    token: &str,
    action: &str,
    proposal: &NewChangeRequest,
) -> Result<ChangeRequest, ApiFailure> {
    post(
        &format!("/api/v1/actions/{action}/change-requests"),
        token,
        proposal,
    )
    .await
}

pub async fn approve(
    token: &str,
    id: &str,
    over_version: Option<i32>,
) -> Result<ChangeRequest, ApiFailure> {
    post(
        &format!("/api/v1/change-requests/{id}/approve"),
        token,
        &Approval { over_version },
    )
    .await
}

pub async fn reject(token: &str, id: &str, reason: String) -> Result<ChangeRequest, ApiFailure> {
    post(
        &format!("/api/v1/change-requests/{id}/reject"),
        token,
        &Rejection { reason },
    )
    .await
}

async fn post<B: serde::Serialize, T: DeserializeOwned>(
    url: &str,
    token: &str,
    body: &B,
) -> Result<T, ApiFailure> {
    let response = authorised(Request::post(url), token)
        .json(body)
        .map_err(network)?
        .send()
        .await
        .map_err(network)?;
    decode(response).await
}

fn authorised(request: RequestBuilder, token: &str) -> RequestBuilder {
    request
        .header("Accept", "application/json")
        .header("Authorization", &format!("Bearer {token}"))
}

async fn get<T: DeserializeOwned>(url: &str, token: &str) -> Result<T, ApiFailure> {
    let response = authorised(Request::get(url), token)
        .send()
        .await
        .map_err(network)?;
    decode(response).await
}

async fn decode<T: DeserializeOwned>(response: Response) -> Result<T, ApiFailure> {
    if response.ok() {
        return response.json().await.map_err(network);
    }
    Err(failure(response).await)
}

async fn failure(response: Response) -> ApiFailure {
    let status = response.status();
    match response.json::<Problem>().await {
        Ok(problem) => ApiFailure {
            status,
            message: problem
                .detail
                .clone()
                .unwrap_or_else(|| problem.title.clone()),
            problem: Some(problem),
        },
        Err(_) => ApiFailure {
            status,
            message: response.status_text(),
            problem: None,
        },
    }
}

fn network(error: gloo_net::Error) -> ApiFailure {
    ApiFailure {
        status: 0,
        message: error.to_string(),
        problem: None,
    }
}
