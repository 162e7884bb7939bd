//! Discussions on actions and sub-actions: the people of the CPAS comment and mention
//! each other; the DG hides a comment with a reason.

use actix_web::{HttpResponse, delete, get, patch, post, web};
use api_types::{Comment, CommentHide, CommentInput, CommentList, CommentPatch, Problem};
use uuid::Uuid;

use super::problems;
use super::{Json, RequestDb};
use crate::app::comments;
use crate::auth::Authenticated;
use crate::domain::ActionId;
use crate::error::ApiError;

/// The discussion of an action and of its sub-actions, oldest first, with the people a
/// comment may mention. Deleted comments are traces, hidden ones give the DG's reason.
#[utoipa::path(operation_id = "list_action_comments", tag = "comments",
    security(("bearer" = []), ("api_token" = ["plans:read"])),
    params(("action_id" = Uuid, Path)),
    responses((status = 200, body = CommentList), problems::NotFound))]
#[get("/actions/{action_id}/comments")]
pub async fn action_comments(
    db: RequestDb,
    auth: Authenticated,
    action: web::Path<ActionId>,
) -> Result<web::Json<CommentList>, ApiError> {
    Ok(web::Json(
        comments::of_action(&db, &auth, action.into_inner()).await?,
    ))
}

/// Comments on an action or a sub-action (any person of its CPAS). Each person mentioned
/// is told; a mention of someone who is not an active person of the CPAS is refused
/// (422 `unknown_reference` on `mentions/N`).
#[utoipa::path(operation_id = "create_comment", tag = "comments", security(("bearer" = [])),
    params(("action_id" = Uuid, Path)), request_body = CommentInput,
    responses((status = 201, body = Comment), problems::NotFound))]
#[post("/actions/{action_id}/comments")]
pub async fn create_comment(
    db: RequestDb,
    auth: Authenticated,
    action: web::Path<ActionId>,
    body: Json<CommentInput>,
) -> Result<HttpResponse, ApiError> {
    let created = comments::create(&db, &auth, action.into_inner(), body.into_inner()).await?;
    Ok(HttpResponse::Created().json(created))
}

/// Its author changes a comment, within 15 minutes of writing it (409
/// `edit_window_closed` after); people newly mentioned are told.
#[utoipa::path(operation_id = "update_comment", tag = "comments", security(("bearer" = [])),
    params(("comment_id" = Uuid, Path)), request_body = CommentPatch,
    responses((status = 200, body = Comment),
        problems::NotFound,
        (status = 409, description = "Edit window closed, or stale version", body = Problem, content_type = "application/problem+json")))]
#[patch("/comments/{comment_id}")]
pub async fn update_comment(
    db: RequestDb,
    auth: Authenticated,
    id: web::Path<Uuid>,
    body: Json<CommentPatch>,
) -> Result<web::Json<Comment>, ApiError> {
    Ok(web::Json(
        comments::update(&db, &auth, id.into_inner(), body.into_inner()).await?,
    ))
}

/// Its author deletes a comment: the discussion keeps a trace ("supprimé") without its
/// words.
#[utoipa::path(operation_id = "delete_comment", tag = "comments", security(("bearer" = [])),
    params(("comment_id" = Uuid, Path)),
    responses((status = 204, description = "Deleted"), problems::NotFound))]
#[delete("/comments/{comment_id}")]
pub async fn delete_comment(
    db: RequestDb,
    auth: Authenticated,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    comments::delete(&db, &auth, id.into_inner()).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// The DG hides a comment, with a reason the discussion shows in its place.
#[utoipa::path(operation_id = "hide_comment", tag = "comments", security(("bearer" = [])),
    params(("comment_id" = Uuid, Path)), request_body = CommentHide,
    responses((status = 200, body = Comment), problems::NotFound))]
#[post("/comments/{comment_id}/hide")]
pub async fn hide_comment(
    db: RequestDb,
    auth: Authenticated,
    id: web::Path<Uuid>,
    body: Json<CommentHide>,
) -> Result<web::Json<Comment>, ApiError> {
    Ok(web::Json(
        comments::hide(&db, &auth, id.into_inner(), body.into_inner()).await?,
    ))
}
