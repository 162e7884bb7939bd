//! The endpoints of evidence files: used only by the files' own WASM chunk (the proposal
//! form attaches through `api::attach`).

use api_types::AttachmentList;
use gloo_net::http::Method;

use super::{ApiFailure, exchange, get};

/// `GET /api/v1/actions/{id}/attachments`: an action's and its sub-actions'.
pub async fn of_action(token: &str, action: &str) -> Result<AttachmentList, ApiFailure> {
    get(&format!("/api/v1/actions/{action}/attachments"), token).await
}

pub async fn attach(token: &str, action: &str, file: web_sys::File) -> Result<(), ApiFailure> {
    super::attach(token, action, None, file).await
}

pub async fn remove(token: &str, id: &str) -> Result<(), ApiFailure> {
    exchange(
        Method::DELETE,
        &format!("/api/v1/attachments/{id}"),
        Some(token),
        None,
    )
    .await
    .map(drop)
}

/// Where a file's bytes are read.
pub fn content_url(id: &uuid::Uuid) -> String {
    format!("/api/v1/attachments/{id}/content")
}
