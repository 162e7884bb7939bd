//! The endpoints of discussions: used only by the discussion's own WASM chunk.

use api_types::{Comment, CommentHide, CommentInput, CommentList, CommentPatch};
use gloo_net::http::Method;

use super::{ApiFailure, exchange, get, post, send};

/// `GET /api/v1/actions/{id}/comments`: an action's and its sub-actions'.
pub async fn of_action(token: &str, action: &str) -> Result<CommentList, ApiFailure> {
    get(&format!("/api/v1/actions/{action}/comments"), token).await
}

pub async fn create(
    token: &str,
    action: &str,
    input: &CommentInput,
) -> Result<Comment, ApiFailure> {
    post(&format!("/api/v1/actions/{action}/comments"), token, input).await
}

pub async fn update(token: &str, id: &str, patch: &CommentPatch) -> Result<Comment, ApiFailure> {
    send(
        Method::PATCH,
        &format!("/api/v1/comments/{id}"),
        token,
        patch,
    )
    .await
}

pub async fn delete(token: &str, id: &str) -> Result<(), ApiFailure> {
    exchange(
        Method::DELETE,
        &format!("/api/v1/comments/{id}"),
        Some(token),
        None,
    )
    .await
    .map(drop)
}

pub async fn hide(token: &str, id: &str, hide: &CommentHide) -> Result<Comment, ApiFailure> {
    post(&format!("/api/v1/comments/{id}/hide"), token, hide).await
}
