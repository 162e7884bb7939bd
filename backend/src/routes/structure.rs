//! Editing a plan's structure (the DG): the plan and its lifecycle, objectives, actions,
//! the organisations on actions, opinions. Each answers the updated tree or action.

use actix_web::{HttpResponse, delete, patch, post, put, web};
use api_types::{
    ActionDefinitionPatch, ActionDetail, ActionOrganisations, Adoption, BudgetLineInput,
    BudgetProjection, BudgetProjectionInput, IndicatorInput, NewAction, NewObjective, NewPlan,
    NewSubAction, ObjectivePatch, OpinionInput, PlanPatch, PlanTree, Problem, VersionOnly,
};
use uuid::Uuid;

use super::problems;
use super::{Json, RequestDb};
use crate::app::{projections, structure};
use crate::auth::Authenticated;
use crate::domain::{ActionId, Label, PlanId};
use crate::error::ApiError;

fn created<T: serde::Serialize>(location: String, body: &T) -> HttpResponse {
    HttpResponse::Created()
        .insert_header((actix_web::http::header::LOCATION, location))
        .json(body)
}

/// Creates a draft plan in the caller's CPAS.
#[utoipa::path(tag = "structure", security(("bearer" = [])), request_body = NewPlan,
    responses((status = 201, body = PlanTree)))]
#[post("/plans")]
pub async fn create_plan(
    db: RequestDb,
    auth: Authenticated,
    body: Json<NewPlan>,
) -> Result<HttpResponse, ApiError> {
    let new = body.into_inner();
    let title = Label::parse(&new.title, "title", 500)?;
    let tree = structure::create_plan(&db, &auth, title, (new.start_year, new.end_year)).await?;
    Ok(created(format!("/api/v1/plans/{}", tree.id), &tree))
}

/// Changes a plan's title, period or update cadence.
#[utoipa::path(tag = "structure", security(("bearer" = [])), params(("plan_id" = Uuid, Path)), request_body = PlanPatch,
    responses((status = 200, body = PlanTree),
        problems::NotFound,
        (status = 409, body = Problem, content_type = "application/problem+json")))]
#[patch("/plans/{plan_id}")]
pub async fn update_plan(
    db: RequestDb,
    auth: Authenticated,
    plan: web::Path<PlanId>,
    body: Json<PlanPatch>,
) -> Result<web::Json<PlanTree>, ApiError> {
    let tree = structure::update_plan(&db, &auth, plan.into_inner(), body.into_inner()).await?;
    Ok(web::Json(tree))
}

/// Records the council's adoption of a draft plan.
#[utoipa::path(tag = "structure", security(("bearer" = [])), params(("plan_id" = Uuid, Path)), request_body = Adoption,
    responses((status = 200, body = PlanTree),
        problems::NotFound,
        (status = 409, description = "Not a draft, or stale version", body = Problem, content_type = "application/problem+json")))]
#[post("/plans/{plan_id}/adopt")]
pub async fn adopt_plan(
    db: RequestDb,
    auth: Authenticated,
    plan: web::Path<PlanId>,
    body: Json<Adoption>,
) -> Result<web::Json<PlanTree>, ApiError> {
    let tree = structure::adopt_plan(&db, &auth, plan.into_inner(), body.into_inner()).await?;
    Ok(web::Json(tree))
}

/// Closes an adopted plan at the end of its term.
#[utoipa::path(tag = "structure", security(("bearer" = [])), params(("plan_id" = Uuid, Path)), request_body = VersionOnly,
    responses((status = 200, body = PlanTree),
        problems::NotFound,
        (status = 409, body = Problem, content_type = "application/problem+json")))]
#[post("/plans/{plan_id}/close")]
pub async fn close_plan(
    db: RequestDb,
    auth: Authenticated,
    plan: web::Path<PlanId>,
    body: Json<VersionOnly>,
) -> Result<web::Json<PlanTree>, ApiError> {
    let version = body.into_inner().version;
    let tree = structure::close_plan(&db, &auth, plan.into_inner(), version).await?;
    Ok(web::Json(tree))
}

/// Adds a strategic objective, or an operational one under a strategic one.
#[utoipa::path(tag = "structure", security(("bearer" = [])), params(("plan_id" = Uuid, Path)), request_body = NewObjective,
    responses((status = 201, body = PlanTree),
        problems::NotFound,
        (status = 409, description = "Code taken", body = Problem, content_type = "application/problem+json")))]
#[post("/plans/{plan_id}/objectives")]
pub async fn create_objective(
    db: RequestDb,
    auth: Authenticated,
    plan: web::Path<PlanId>,
    body: Json<NewObjective>,
) -> Result<HttpResponse, ApiError> {
    let tree =
        structure::create_objective(&db, &auth, plan.into_inner(), body.into_inner()).await?;
    Ok(created(format!("/api/v1/plans/{}", tree.id), &tree))
}

/// Renames, recodes, moves or reorders an objective.
#[utoipa::path(tag = "structure", security(("bearer" = [])), params(("objective_id" = Uuid, Path)), request_body = ObjectivePatch,
    responses((status = 200, body = PlanTree),
        problems::NotFound,
        (status = 409, body = Problem, content_type = "application/problem+json")))]
#[patch("/objectives/{objective_id}")]
pub async fn update_objective(
    db: RequestDb,
    auth: Authenticated,
    id: web::Path<Uuid>,
    body: Json<ObjectivePatch>,
) -> Result<web::Json<PlanTree>, ApiError> {
    let tree = structure::update_objective(&db, &auth, id.into_inner(), body.into_inner()).await?;
    Ok(web::Json(tree))
}

/// Deletes an empty objective.
#[utoipa::path(tag = "structure", security(("bearer" = [])), params(("objective_id" = Uuid, Path)),
    responses((status = 204, description = "Deleted"),
        problems::NotFound,
        (status = 409, description = "Not empty", body = Problem, content_type = "application/problem+json")))]
#[delete("/objectives/{objective_id}")]
pub async fn delete_objective(
    db: RequestDb,
    auth: Authenticated,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    structure::delete_objective(&db, &auth, id.into_inner()).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Adds an action under an operational objective.
#[utoipa::path(tag = "structure", security(("bearer" = [])), params(("objective_id" = Uuid, Path)), request_body = NewAction,
    responses((status = 201, body = ActionDetail),
        problems::NotFound,
        (status = 409, description = "Code taken", body = Problem, content_type = "application/problem+json")))]
#[post("/objectives/{objective_id}/actions")]
pub async fn create_action(
    db: RequestDb,
    auth: Authenticated,
    objective: web::Path<Uuid>,
    body: Json<NewAction>,
) -> Result<HttpResponse, ApiError> {
    let detail =
        structure::create_action(&db, &auth, objective.into_inner(), body.into_inner()).await?;
    Ok(created(
        format!("/api/v1/actions/{}", detail.action.id),
        &detail,
    ))
}

/// Adds a sub-action (a step) under an action. Its code follows the action's (`Pe17.3`)
/// unless given; the action's progress then comes from its sub-actions, weighted, unless
/// the DG sets it by hand (`progress_by_hand` of the definition). Sub-actions sit one level
/// under actions: not under a sub-action (422 `sub_action_level`).
#[utoipa::path(tag = "structure", security(("bearer" = [])), params(("action_id" = Uuid, Path)), request_body = NewSubAction,
    responses((status = 201, body = ActionDetail),
        problems::NotFound,
        (status = 409, description = "Code taken", body = Problem, content_type = "application/problem+json")))]
#[post("/actions/{action_id}/sub-actions")]
pub async fn create_sub_action(
    db: RequestDb,
    auth: Authenticated,
    action: web::Path<ActionId>,
    body: Json<NewSubAction>,
) -> Result<HttpResponse, ApiError> {
    let detail =
        structure::create_sub_action(&db, &auth, action.into_inner(), body.into_inner()).await?;
    Ok(created(
        format!("/api/v1/actions/{}", detail.action.id),
        &detail,
    ))
}

/// Changes what the plan says of an action, or moves it; written to its history.
#[utoipa::path(tag = "structure", security(("bearer" = [])), params(("action_id" = Uuid, Path)), request_body = ActionDefinitionPatch,
    responses((status = 200, body = ActionDetail),
        problems::NotFound,
        (status = 409, body = Problem, content_type = "application/problem+json")))]
#[patch("/actions/{action_id}/definition")]
pub async fn update_action_definition(
    db: RequestDb,
    auth: Authenticated,
    id: web::Path<ActionId>,
    body: Json<ActionDefinitionPatch>,
) -> Result<web::Json<ActionDetail>, ApiError> {
    let detail =
        structure::update_action_definition(&db, &auth, id.into_inner(), body.into_inner()).await?;
    Ok(web::Json(detail))
}

/// Sets the lead entity and the collaborating organisations of an action.
#[utoipa::path(tag = "structure", security(("bearer" = [])), params(("action_id" = Uuid, Path)), request_body = ActionOrganisations,
    responses((status = 200, body = ActionDetail),
        problems::NotFound,
        (status = 409, body = Problem, content_type = "application/problem+json")))]
#[put("/actions/{action_id}/organisations")]
pub async fn set_action_organisations(
    db: RequestDb,
    auth: Authenticated,
    id: web::Path<ActionId>,
    body: Json<ActionOrganisations>,
) -> Result<web::Json<ActionDetail>, ApiError> {
    let detail =
        structure::set_action_organisations(&db, &auth, id.into_inner(), body.into_inner()).await?;
    Ok(web::Json(detail))
}

/// Deletes an action that has no history; one that has is archived instead (409).
#[utoipa::path(tag = "structure", security(("bearer" = [])), params(("action_id" = Uuid, Path)),
    responses((status = 204, description = "Deleted"),
        problems::NotFound,
        (status = 409, description = "It has a history: archive it", body = Problem, content_type = "application/problem+json")))]
#[delete("/actions/{action_id}")]
pub async fn delete_action(
    db: RequestDb,
    auth: Authenticated,
    id: web::Path<ActionId>,
) -> Result<HttpResponse, ApiError> {
    structure::delete_action(&db, &auth, id.into_inner()).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Takes an action out of the plan, keeping it and its history.
#[utoipa::path(tag = "structure", security(("bearer" = [])), params(("action_id" = Uuid, Path)), request_body = VersionOnly,
    responses((status = 204, description = "Archived"),
        problems::NotFound,
        (status = 409, body = Problem, content_type = "application/problem+json")))]
#[post("/actions/{action_id}/archive")]
pub async fn archive_action(
    db: RequestDb,
    auth: Authenticated,
    id: web::Path<ActionId>,
    body: Json<VersionOnly>,
) -> Result<HttpResponse, ApiError> {
    let version = body.into_inner().version;
    structure::archive_action(&db, &auth, id.into_inner(), version).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Writes an opinion of the DG on the plan or on some of its objectives.
#[utoipa::path(tag = "structure", security(("bearer" = [])), params(("plan_id" = Uuid, Path)), request_body = OpinionInput,
    responses((status = 201, body = PlanTree),
        problems::NotFound))]
#[post("/plans/{plan_id}/opinions")]
pub async fn create_opinion(
    db: RequestDb,
    auth: Authenticated,
    plan: web::Path<PlanId>,
    body: Json<OpinionInput>,
) -> Result<HttpResponse, ApiError> {
    let tree = structure::create_opinion(&db, &auth, plan.into_inner(), body.into_inner()).await?;
    Ok(created(format!("/api/v1/plans/{}", tree.id), &tree))
}

/// Rewrites an opinion.
#[utoipa::path(tag = "structure", security(("bearer" = [])), params(("opinion_id" = Uuid, Path)), request_body = OpinionInput,
    responses((status = 200, body = PlanTree),
        problems::NotFound))]
#[put("/opinions/{opinion_id}")]
pub async fn update_opinion(
    db: RequestDb,
    auth: Authenticated,
    id: web::Path<Uuid>,
    body: Json<OpinionInput>,
) -> Result<web::Json<PlanTree>, ApiError> {
    let tree = structure::update_opinion(&db, &auth, id.into_inner(), body.into_inner()).await?;
    Ok(web::Json(tree))
}

/// Deletes an opinion.
#[utoipa::path(tag = "structure", security(("bearer" = [])), params(("opinion_id" = Uuid, Path)),
    responses((status = 204, description = "Deleted"),
        problems::NotFound))]
#[delete("/opinions/{opinion_id}")]
pub async fn delete_opinion(
    db: RequestDb,
    auth: Authenticated,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    structure::delete_opinion(&db, &auth, id.into_inner()).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Adds an indicator to an action (recurring with a year, or a milestone).
#[utoipa::path(tag = "structure", security(("bearer" = [])), params(("action_id" = Uuid, Path)), request_body = IndicatorInput,
    responses((status = 201, body = ActionDetail),
        problems::NotFound))]
#[post("/actions/{action_id}/indicators")]
pub async fn create_indicator(
    db: RequestDb,
    auth: Authenticated,
    id: web::Path<ActionId>,
    body: Json<IndicatorInput>,
) -> Result<HttpResponse, ApiError> {
    let detail =
        structure::create_indicator(&db, &auth, id.into_inner(), body.into_inner()).await?;
    Ok(created(
        format!("/api/v1/actions/{}", detail.action.id),
        &detail,
    ))
}

/// Redefines an indicator (name, unit, year, baseline, target).
#[utoipa::path(tag = "structure", security(("bearer" = [])), params(("indicator_id" = Uuid, Path)), request_body = IndicatorInput,
    responses((status = 200, body = ActionDetail),
        problems::NotFound))]
#[put("/indicators/{indicator_id}")]
pub async fn update_indicator(
    db: RequestDb,
    auth: Authenticated,
    id: web::Path<Uuid>,
    body: Json<IndicatorInput>,
) -> Result<web::Json<ActionDetail>, ApiError> {
    let detail =
        structure::update_indicator(&db, &auth, id.into_inner(), body.into_inner()).await?;
    Ok(web::Json(detail))
}

/// Archives an indicator: it leaves the action, its documents and new proposals; the
/// values the history recorded for it stay. An archived indicator is not found again (404).
#[utoipa::path(tag = "structure", security(("bearer" = [])), params(("indicator_id" = Uuid, Path)),
    responses((status = 204, description = "Archived"),
        problems::NotFound))]
#[delete("/indicators/{indicator_id}")]
pub async fn delete_indicator(
    db: RequestDb,
    auth: Authenticated,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    structure::archive_indicator(&db, &auth, id.into_inner()).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Adds a budget line to an action.
#[utoipa::path(tag = "structure", security(("bearer" = [])), params(("action_id" = Uuid, Path)), request_body = BudgetLineInput,
    responses((status = 201, body = ActionDetail),
        problems::NotFound))]
#[post("/actions/{action_id}/budget-lines")]
pub async fn create_budget_line(
    db: RequestDb,
    auth: Authenticated,
    id: web::Path<ActionId>,
    body: Json<BudgetLineInput>,
) -> Result<HttpResponse, ApiError> {
    let detail =
        structure::create_budget_line(&db, &auth, id.into_inner(), body.into_inner()).await?;
    Ok(created(
        format!("/api/v1/actions/{}", detail.action.id),
        &detail,
    ))
}

/// Redefines a budget line (year, service, direction, article, label, planned amount,
/// funding); the amounts engaged and spent are reported through proposals.
#[utoipa::path(tag = "structure", security(("bearer" = [])), params(("budget_line_id" = Uuid, Path)), request_body = BudgetLineInput,
    responses((status = 200, body = ActionDetail),
        problems::NotFound))]
#[put("/budget-lines/{budget_line_id}")]
pub async fn update_budget_line(
    db: RequestDb,
    auth: Authenticated,
    id: web::Path<Uuid>,
    body: Json<BudgetLineInput>,
) -> Result<web::Json<ActionDetail>, ApiError> {
    let detail =
        structure::update_budget_line(&db, &auth, id.into_inner(), body.into_inner()).await?;
    Ok(web::Json(detail))
}

/// Adds a multi-year projection to an action; answers the action's projections.
#[utoipa::path(operation_id = "create_budget_projection", tag = "structure", security(("bearer" = [])),
    params(("action_id" = Uuid, Path)), request_body = BudgetProjectionInput,
    responses((status = 201, body = Vec<BudgetProjection>),
        problems::NotFound))]
#[post("/actions/{action_id}/budget-projections")]
pub async fn create_budget_projection(
    db: RequestDb,
    auth: Authenticated,
    id: web::Path<ActionId>,
    body: Json<BudgetProjectionInput>,
) -> Result<HttpResponse, ApiError> {
    let action = id.into_inner();
    let list = projections::create(&db, &auth, action, body.into_inner()).await?;
    Ok(created(
        format!("/api/v1/actions/{action}/budget-projections"),
        &list,
    ))
}

/// Redefines a multi-year projection, its years replaced by those given; answers its
/// action's projections.
#[utoipa::path(operation_id = "update_budget_projection", tag = "structure", security(("bearer" = [])),
    params(("budget_projection_id" = Uuid, Path)), request_body = BudgetProjectionInput,
    responses((status = 200, body = Vec<BudgetProjection>),
        problems::NotFound))]
#[put("/budget-projections/{budget_projection_id}")]
pub async fn update_budget_projection(
    db: RequestDb,
    auth: Authenticated,
    id: web::Path<Uuid>,
    body: Json<BudgetProjectionInput>,
) -> Result<web::Json<Vec<BudgetProjection>>, ApiError> {
    Ok(web::Json(
        projections::update(&db, &auth, id.into_inner(), body.into_inner()).await?,
    ))
}

/// Deletes a multi-year projection (a forecast: nothing was reported on it).
#[utoipa::path(operation_id = "delete_budget_projection", tag = "structure", security(("bearer" = [])),
    params(("budget_projection_id" = Uuid, Path)),
    responses((status = 204, description = "Deleted"),
        problems::NotFound))]
#[delete("/budget-projections/{budget_projection_id}")]
pub async fn delete_budget_projection(
    db: RequestDb,
    auth: Authenticated,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    projections::delete(&db, &auth, id.into_inner()).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Archives a budget line: it leaves the action, its documents and new proposals; the
/// amounts the history recorded for it stay. An archived line is not found again (404).
#[utoipa::path(tag = "structure", security(("bearer" = [])), params(("budget_line_id" = Uuid, Path)),
    responses((status = 204, description = "Archived"),
        problems::NotFound))]
#[delete("/budget-lines/{budget_line_id}")]
pub async fn delete_budget_line(
    db: RequestDb,
    auth: Authenticated,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    structure::archive_budget_line(&db, &auth, id.into_inner()).await?;
    Ok(HttpResponse::NoContent().finish())
}
