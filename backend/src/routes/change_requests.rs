//! Proposals of change: `/api/v1/actions/{id}/change-requests` and
//! `/api/v1/change-requests`.

use actix_web::{HttpResponse, get, post, web};
use api_types::{
    Approval, ChangeRequest, ChangeRequestStatus, NewChangeRequest, Problem, ProblemCode, Rejection,
};
use serde::Deserialize;
use serde_json::Value;
use uuid::Uuid;

use super::problems;
use super::{Json, OptionalJson, RequestDb};
use crate::app::proposals;
use crate::auth::Authenticated;
use crate::domain::follow_up::{ChangeBody, ChangeKind, ChangeRequestFilter};
use crate::domain::{ActionId, Label};
use crate::error::ApiError;

/// Proposes a change of an action's follow-up, against the version the author saw.
/// Partners may propose on the actions their organisation carries; social workers on any.
///
/// A note alone (`"changes": {}` with a `note`) is a report too: approved, the note goes to
/// the action's journal. One author has at most one pending proposal per action: another
/// one is refused (409 `proposal_already_pending`, with `pending_change_request_id`)
/// unless it names the pending one in `replaces`, which it then replaces.
#[utoipa::path(
    operation_id = "propose_change",
    tag = "change-requests",
    security(("bearer" = []), ("api_token" = ["actions:propose"])),
    params(("action_id" = Uuid, Path)),
    request_body = NewChangeRequest,
    responses(
        (status = 201, body = ChangeRequest),
        problems::NotFound,
        (status = 409, description = "The action changed since `base_version` \
         (`version_conflict`); the author already has a pending proposal on it \
         (`proposal_already_pending`, naming it in `pending_change_request_id`); or the \
         proposal named in `replaces` is no longer pending (`already_decided`)",
         body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields, each named; `replaces` naming no \
         proposal of the caller (`unknown_reference`) or one on another action \
         (`not_replaceable`)", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/actions/{action_id}/change-requests")]
pub async fn propose(
    db: RequestDb,
    auth: Authenticated,
    action_id: web::Path<ActionId>,
    body: Json<Value>,
) -> Result<HttpResponse, ApiError> {
    let body = ChangeBody::parse(&body, ChangeKind::Proposal)?;
    let created = proposals::propose(&db, &auth, action_id.into_inner(), body).await?;
    Ok(HttpResponse::Created()
        .insert_header((
            actix_web::http::header::LOCATION,
            format!("/api/v1/change-requests/{}", created.id),
        ))
        .json(created))
}

/// Filters of the proposals list.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ChangeRequestQuery {
    /// `pending` for the approval queue.
    pub status: Option<ChangeRequestStatus>,
    pub plan_id: Option<Uuid>,
    pub action_id: Option<Uuid>,
    pub author_id: Option<Uuid>,
    /// The author's organisation.
    pub organisation_id: Option<Uuid>,
}

/// The proposals: the management queue for the president and the DG (`?status=pending`),
/// one's own proposals for everyone else. Oldest first, at most 500.
#[utoipa::path(
    operation_id = "list_change_requests",
    tag = "change-requests",
    security(("bearer" = []), ("api_token" = ["plans:read"])),
    params(ChangeRequestQuery),
    responses(
        (status = 200, body = Vec<ChangeRequest>),
    )
)]
#[get("/change-requests")]
pub async fn list(
    db: RequestDb,
    auth: Authenticated,
    query: web::Query<ChangeRequestQuery>,
) -> Result<web::Json<Vec<ChangeRequest>>, ApiError> {
    let query = query.into_inner();
    let filter = ChangeRequestFilter {
        status: query.status,
        plan_id: query.plan_id,
        action_id: query.action_id,
        author_id: query.author_id,
        organisation_id: query.organisation_id,
    };
    Ok(web::Json(proposals::list(&db, &auth, filter).await?))
}

/// One proposal, with the per-field diff (value when proposed, now, proposed). Visible to
/// the president, the DG and its author.
#[utoipa::path(
    operation_id = "get_change_request",
    tag = "change-requests",
    security(("bearer" = []), ("api_token" = ["plans:read"])),
    params(("change_request_id" = Uuid, Path)),
    responses(
        (status = 200, body = ChangeRequest),
        problems::NotFound,
    )
)]
#[get("/change-requests/{change_request_id}")]
pub async fn get_one(
    db: RequestDb,
    auth: Authenticated,
    id: web::Path<Uuid>,
) -> Result<web::Json<ChangeRequest>, ApiError> {
    Ok(web::Json(
        proposals::get(&db, &auth, id.into_inner()).await?,
    ))
}

/// Approves a pending proposal: its changes are applied in one transaction, with a
/// history row naming its author and the approver. 409 with both versions when the action
/// changed since; approve again with `over_version` to apply it anyway.
#[utoipa::path(
    operation_id = "approve_change_request",
    tag = "change-requests",
    security(("bearer" = [])),
    params(("change_request_id" = Uuid, Path)),
    request_body(content = Option<Approval>),
    responses(
        (status = 200, body = ChangeRequest),
        problems::NotFound,
        (status = 409, description = "Already decided, or the action changed", body = Problem,
         content_type = "application/problem+json"),
    )
)]
#[post("/change-requests/{change_request_id}/approve")]
pub async fn approve(
    db: RequestDb,
    auth: Authenticated,
    id: web::Path<Uuid>,
    body: OptionalJson<Approval>,
) -> Result<web::Json<ChangeRequest>, ApiError> {
    let over_version = body.0.and_then(|b| b.over_version);
    let decided = proposals::approve(&db, &auth, id.into_inner(), over_version).await?;
    Ok(web::Json(decided))
}

/// Rejects a pending proposal; the reason is required and sent to its author.
#[utoipa::path(
    operation_id = "reject_change_request",
    tag = "change-requests",
    security(("bearer" = [])),
    params(("change_request_id" = Uuid, Path)),
    request_body = Rejection,
    responses(
        (status = 200, body = ChangeRequest),
        problems::NotFound,
        (status = 409, body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "No reason", body = Problem,
         content_type = "application/problem+json"),
    )
)]
#[post("/change-requests/{change_request_id}/reject")]
pub async fn reject(
    db: RequestDb,
    auth: Authenticated,
    id: web::Path<Uuid>,
    body: OptionalJson<Value>,
) -> Result<web::Json<ChangeRequest>, ApiError> {
    // `Rejection` documents the body; it is read by hand to name a missing reason (a request
    // without a body too). A malformed body is refused as such, not read as no reason.
    let _: Option<Rejection> = None;
    let id = id.into_inner();
    let body = body.0.unwrap_or_default();
    if let Some(unknown) = body
        .as_object()
        .and_then(|object| object.keys().find(|key| key.as_str() != "reason"))
    {
        return Err(ApiError::invalid_field(
            unknown.clone(),
            ProblemCode::UnknownField,
            "the body has only `reason`",
        ));
    }
    let reason = body
        .get("reason")
        .and_then(Value::as_str)
        .map(|r| Label::parse_text(r, "reason", 5000))
        .transpose()?
        .ok_or_else(|| {
            ApiError::invalid_field(
                "reason",
                ProblemCode::Required,
                "say why the proposal is rejected",
            )
        })?;
    Ok(web::Json(proposals::reject(&db, &auth, id, reason).await?))
}

/// Withdraws one's own pending proposal.
#[utoipa::path(
    operation_id = "withdraw_change_request",
    tag = "change-requests",
    security(("bearer" = []), ("api_token" = ["actions:propose"])),
    params(("change_request_id" = Uuid, Path)),
    responses(
        (status = 200, body = ChangeRequest),
        problems::NotFound,
        (status = 409, body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/change-requests/{change_request_id}/withdraw")]
pub async fn withdraw(
    db: RequestDb,
    auth: Authenticated,
    id: web::Path<Uuid>,
) -> Result<web::Json<ChangeRequest>, ApiError> {
    Ok(web::Json(
        proposals::withdraw(&db, &auth, id.into_inner()).await?,
    ))
}
