//! Proposals of change: `/api/v1/actions/{id}/change-requests` and
//! `/api/v1/change-requests`.

use actix_web::{HttpResponse, get, post, web};
use api_types::{
    Approval, ChangeRequest, ChangeRequestStatus, NewChangeRequest, Problem, ProblemCode, Rejection,
};
use serde::Deserialize;
use serde_json::Value;
use uuid::Uuid;

use super::{Json, OptionalJson, RequestDb};
use crate::auth::Authenticated;
use crate::authz::{self, Actor, Permission, Scope};
use crate::db::follow_up::{self, ChangeRequestFilter};
use crate::domain::follow_up::{ChangeBody, ChangeKind};
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
        (status = 401, body = Problem, content_type = "application/problem+json"),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
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
    let action_id = action_id.into_inner();
    let body = ChangeBody::parse(&body, ChangeKind::Proposal)?;
    let created = db
        .run_as(&auth, move |conn, actor| {
            let tenant = actor.tenant()?;
            let basis = follow_up::proposal_basis(conn, tenant, action_id, actor.user_id)?;
            authz::ensure(
                actor,
                Permission::ProposeChange,
                Scope::Action {
                    tenant,
                    organisations: &basis.carriers,
                },
            )?;
            follow_up::propose(
                conn,
                tenant,
                &basis,
                &follow_up::Proposal {
                    base_version: body.version.unwrap_or_default(),
                    changes: &body.changes,
                    note: body.note.as_deref(),
                    replaces: body.replaces,
                },
            )
        })
        .await?;
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

/// Most proposals one list answers.
const MAX_CHANGE_REQUESTS: i64 = 500;

/// The proposals: the management queue for the president and the DG (`?status=pending`),
/// one's own proposals for everyone else. Oldest first, at most 500.
#[utoipa::path(
    operation_id = "list_change_requests",
    tag = "change-requests",
    security(("bearer" = []), ("api_token" = ["plans:read"])),
    params(ChangeRequestQuery),
    responses(
        (status = 200, body = Vec<ChangeRequest>),
        (status = 400, body = Problem, content_type = "application/problem+json"),
        (status = 401, body = Problem, content_type = "application/problem+json"),
        (status = 403, body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/change-requests")]
pub async fn list(
    db: RequestDb,
    auth: Authenticated,
    query: web::Query<ChangeRequestQuery>,
) -> Result<web::Json<Vec<ChangeRequest>>, ApiError> {
    let query = query.into_inner();
    let list = db
        .run_as(&auth, move |conn, actor| {
            let tenant = actor.tenant()?;
            authz::ensure(actor, Permission::ReadPlans, Scope::Tenant(tenant))?;
            let manager = is_manager(actor, tenant);
            let filter = ChangeRequestFilter {
                status: query.status,
                plan_id: query.plan_id,
                action_id: query.action_id,
                // Others see their own proposals only.
                author_id: if manager {
                    query.author_id
                } else {
                    Some(actor.user_id)
                },
                organisation_id: query.organisation_id,
            };
            follow_up::list(conn, tenant, &filter, MAX_CHANGE_REQUESTS)
        })
        .await?;
    Ok(web::Json(list))
}

fn is_manager(actor: &Actor, tenant: crate::domain::TenantId) -> bool {
    authz::decide(actor, Permission::DecideChanges, Scope::Tenant(tenant)) == authz::Decision::Allow
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
        (status = 401, body = Problem, content_type = "application/problem+json"),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/change-requests/{change_request_id}")]
pub async fn get_one(
    db: RequestDb,
    auth: Authenticated,
    id: web::Path<Uuid>,
) -> Result<web::Json<ChangeRequest>, ApiError> {
    let id = id.into_inner();
    let found = db
        .run_as(&auth, move |conn, actor| {
            let tenant = actor.tenant()?;
            authz::ensure(actor, Permission::ReadPlans, Scope::Tenant(tenant))?;
            let found = follow_up::get(conn, tenant, id)?;
            if found.author.id != actor.user_id && !is_manager(actor, tenant) {
                return Err(ApiError::Forbidden(
                    "a proposal is visible to its author and to the management",
                ));
            }
            Ok(found)
        })
        .await?;
    Ok(web::Json(found))
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
        (status = 401, body = Problem, content_type = "application/problem+json"),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Already decided, or the action changed", body = Problem,
         content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/change-requests/{change_request_id}/approve")]
pub async fn approve(
    db: RequestDb,
    auth: Authenticated,
    id: web::Path<Uuid>,
    body: OptionalJson<Approval>,
) -> Result<web::Json<ChangeRequest>, ApiError> {
    let id = id.into_inner();
    let over_version = body.0.and_then(|b| b.over_version);
    let decided = db
        .run_as(&auth, move |conn, actor| {
            let tenant = actor.tenant()?;
            authz::ensure(actor, Permission::DecideChanges, Scope::Tenant(tenant))?;
            follow_up::approve(conn, tenant, actor.user_id, id, over_version)
        })
        .await?;
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
        (status = 401, body = Problem, content_type = "application/problem+json"),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
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
    let decided = db
        .run_as(&auth, move |conn, actor| {
            let tenant = actor.tenant()?;
            authz::ensure(actor, Permission::DecideChanges, Scope::Tenant(tenant))?;
            follow_up::reject(conn, tenant, actor.user_id, id, &reason)
        })
        .await?;
    Ok(web::Json(decided))
}

/// Withdraws one's own pending proposal.
#[utoipa::path(
    operation_id = "withdraw_change_request",
    tag = "change-requests",
    security(("bearer" = []), ("api_token" = ["actions:propose"])),
    params(("change_request_id" = Uuid, Path)),
    responses(
        (status = 200, body = ChangeRequest),
        (status = 401, body = Problem, content_type = "application/problem+json"),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 409, body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/change-requests/{change_request_id}/withdraw")]
pub async fn withdraw(
    db: RequestDb,
    auth: Authenticated,
    id: web::Path<Uuid>,
) -> Result<web::Json<ChangeRequest>, ApiError> {
    let id = id.into_inner();
    let withdrawn = db
        .run_as(&auth, move |conn, actor| {
            let tenant = actor.tenant()?;
            authz::ensure(actor, Permission::WithdrawChange, Scope::Tenant(tenant))?;
            follow_up::withdraw(conn, tenant, actor.user_id, id)
        })
        .await?;
    Ok(web::Json(withdrawn))
}
