//! One function per API endpoint.

use api_types::{PlanSummary, PlanTree, Problem};
use gloo_net::http::{Request, Response};
use serde::de::DeserializeOwned;

/// A failed call, ready to show.
#[derive(Debug, Clone, PartialEq)]
pub struct ApiFailure {
    pub status: u16,
    pub message: String,
}

pub async fn list_plans() -> Result<Vec<PlanSummary>, ApiFailure> {
    get("/api/v1/plans").await
}

pub async fn get_plan(id: &str) -> Result<PlanTree, ApiFailure> {
    get(&format!("/api/v1/plans/{id}")).await
}

async fn get<T: DeserializeOwned>(url: &str) -> Result<T, ApiFailure> {
    let response = Request::get(url)
        .header("Accept", "application/json")
        .send()
        .await
        .map_err(network)?;
    decode(response).await
}

async fn decode<T: DeserializeOwned>(response: Response) -> Result<T, ApiFailure> {
    let status = response.status();
    if response.ok() {
        return response.json().await.map_err(network);
    }
    let message = match response.json::<Problem>().await {
        Ok(problem) => problem.detail.unwrap_or(problem.title),
        Err(_) => response.status_text(),
    };
    Err(ApiFailure { status, message })
}

fn network(error: gloo_net::Error) -> ApiFailure {
    ApiFailure {
        status: 0,
        message: error.to_string(),
    }
}
