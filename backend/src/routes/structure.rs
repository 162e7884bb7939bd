//! Editing a plan's structure (the DG): the plan and its lifecycle, objectives, actions,
//! the organisations on actions, opinions. Each answers the updated tree or action.

use actix_web::{HttpResponse, delete, patch, post, put, web};
use api_types::{
    ActionDefinitionPatch, ActionDetail, ActionOrganisations, Adoption, BudgetLineInput,
    IndicatorInput, NewAction, NewObjective, NewPlan, ObjectivePatch, OpinionInput, PlanPatch,
    PlanStatus, PlanTree, Problem, VersionOnly,
};
use diesel::{Connection, PgConnection};
use uuid::Uuid;

use super::{Json, RequestDb};
use crate::auth::Authenticated;
use crate::authz::{self, Actor, Permission, Scope};
use crate::db::{actions, plans, structure};
use crate::domain::{ActionId, Label, PlanId, TenantId};
use crate::error::ApiError;

/// The DG's CPAS, after the policy allowed the structure edit.
fn editor_tenant(actor: &Actor) -> Result<TenantId, ApiError> {
    let tenant = actor.tenant()?;
    authz::ensure(actor, Permission::EditPlanStructure, Scope::Tenant(tenant))?;
    Ok(tenant)
}

fn tree(conn: &mut PgConnection, tenant: TenantId, plan: Uuid) -> Result<PlanTree, ApiError> {
    plans::plan_tree(conn, tenant, PlanId::new(plan))
}

fn action(conn: &mut PgConnection, tenant: TenantId, id: Uuid) -> Result<ActionDetail, ApiError> {
    Ok(actions::load_action(conn, tenant, ActionId::new(id))?.0)
}

fn created<T: serde::Serialize>(location: String, body: &T) -> HttpResponse {
    HttpResponse::Created()
        .insert_header((actix_web::http::header::LOCATION, location))
        .json(body)
}

/// Creates a draft plan in the caller's CPAS.
#[utoipa::path(tag = "structure", security(("bearer" = [])), request_body = NewPlan,
    responses((status = 201, body = PlanTree),
        (status = 401, body = Problem, content_type = "application/problem+json"),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json")))]
#[post("/plans")]
pub async fn create_plan(
    db: RequestDb,
    auth: Authenticated,
    body: Json<NewPlan>,
) -> Result<HttpResponse, ApiError> {
    let new = body.into_inner();
    let title = Label::parse(&new.title, "title", 500)?;
    let tree = db
        .run_as(&auth, move |conn, actor| {
            let tenant = editor_tenant(actor)?;
            let id = structure::create_plan(conn, tenant, &title, (new.start_year, new.end_year))?;
            plans::plan_tree(conn, tenant, id)
        })
        .await?;
    Ok(created(format!("/api/v1/plans/{}", tree.id), &tree))
}

/// Changes a plan's title, period or update cadence.
#[utoipa::path(tag = "structure", security(("bearer" = [])), params(("plan_id" = Uuid, Path)), request_body = PlanPatch,
    responses((status = 200, body = PlanTree),
        (status = 401, body = Problem, content_type = "application/problem+json"),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 409, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json")))]
#[patch("/plans/{plan_id}")]
pub async fn update_plan(
    db: RequestDb,
    auth: Authenticated,
    plan: web::Path<PlanId>,
    body: Json<PlanPatch>,
) -> Result<web::Json<PlanTree>, ApiError> {
    let (plan, patch) = (plan.into_inner(), body.into_inner());
    let tree = db
        .run_as(&auth, move |conn, actor| {
            let tenant = editor_tenant(actor)?;
            structure::update_plan(conn, tenant, plan, &patch)?;
            plans::plan_tree(conn, tenant, plan)
        })
        .await?;
    Ok(web::Json(tree))
}

/// Records the council's adoption of a draft plan.
#[utoipa::path(tag = "structure", security(("bearer" = [])), params(("plan_id" = Uuid, Path)), request_body = Adoption,
    responses((status = 200, body = PlanTree),
        (status = 401, body = Problem, content_type = "application/problem+json"),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Not a draft, or stale version", body = Problem, content_type = "application/problem+json")))]
#[post("/plans/{plan_id}/adopt")]
pub async fn adopt_plan(
    db: RequestDb,
    auth: Authenticated,
    plan: web::Path<PlanId>,
    body: Json<Adoption>,
) -> Result<web::Json<PlanTree>, ApiError> {
    let (plan, adoption) = (plan.into_inner(), body.into_inner());
    let tree = db
        .run_as(&auth, move |conn, actor| {
            let tenant = editor_tenant(actor)?;
            // Adopted and frozen as version 1 together, or neither.
            conn.transaction(|conn| {
                structure::transition(
                    conn,
                    tenant,
                    plan,
                    adoption.version,
                    PlanStatus::Adopted,
                    Some(adoption.adopted_on.get()),
                )?;
                Ok::<_, ApiError>(crate::db::council::freeze_version(
                    conn,
                    tenant,
                    plan,
                    adoption.adopted_on.get(),
                    adoption.deliberation.as_deref(),
                    actor.user_id,
                )?)
            })?;
            plans::plan_tree(conn, tenant, plan)
        })
        .await?;
    Ok(web::Json(tree))
}

/// Closes an adopted plan at the end of its term.
#[utoipa::path(tag = "structure", security(("bearer" = [])), params(("plan_id" = Uuid, Path)), request_body = VersionOnly,
    responses((status = 200, body = PlanTree),
        (status = 401, body = Problem, content_type = "application/problem+json"),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 409, body = Problem, content_type = "application/problem+json")))]
#[post("/plans/{plan_id}/close")]
pub async fn close_plan(
    db: RequestDb,
    auth: Authenticated,
    plan: web::Path<PlanId>,
    body: Json<VersionOnly>,
) -> Result<web::Json<PlanTree>, ApiError> {
    let (plan, version) = (plan.into_inner(), body.into_inner().version);
    let tree = db
        .run_as(&auth, move |conn, actor| {
            let tenant = editor_tenant(actor)?;
            structure::transition(conn, tenant, plan, version, PlanStatus::Closed, None)?;
            plans::plan_tree(conn, tenant, plan)
        })
        .await?;
    Ok(web::Json(tree))
}

/// Adds a strategic objective, or an operational one under a strategic one.
#[utoipa::path(tag = "structure", security(("bearer" = [])), params(("plan_id" = Uuid, Path)), request_body = NewObjective,
    responses((status = 201, body = PlanTree),
        (status = 401, body = Problem, content_type = "application/problem+json"),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Code taken", body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json")))]
#[post("/plans/{plan_id}/objectives")]
pub async fn create_objective(
    db: RequestDb,
    auth: Authenticated,
    plan: web::Path<PlanId>,
    body: Json<NewObjective>,
) -> Result<HttpResponse, ApiError> {
    let (plan, new) = (plan.into_inner(), body.into_inner());
    let tree = db
        .run_as(&auth, move |conn, actor| {
            let tenant = editor_tenant(actor)?;
            structure::create_objective(conn, tenant, plan, &new)?;
            plans::plan_tree(conn, tenant, plan)
        })
        .await?;
    Ok(created(format!("/api/v1/plans/{}", tree.id), &tree))
}

/// Renames, recodes, moves or reorders an objective.
#[utoipa::path(tag = "structure", security(("bearer" = [])), params(("objective_id" = Uuid, Path)), request_body = ObjectivePatch,
    responses((status = 200, body = PlanTree),
        (status = 401, body = Problem, content_type = "application/problem+json"),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 409, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json")))]
#[patch("/objectives/{objective_id}")]
pub async fn update_objective(
    db: RequestDb,
    auth: Authenticated,
    id: web::Path<Uuid>,
    body: Json<ObjectivePatch>,
) -> Result<web::Json<PlanTree>, ApiError> {
    let (id, patch) = (id.into_inner(), body.into_inner());
    let tree = db
        .run_as(&auth, move |conn, actor| {
            let tenant = editor_tenant(actor)?;
            structure::update_objective(conn, tenant, id, &patch)?;
            let plan = structure::plan_of_objective(conn, tenant, id)?;
            tree(conn, tenant, plan)
        })
        .await?;
    Ok(web::Json(tree))
}

/// Deletes an empty objective.
#[utoipa::path(tag = "structure", security(("bearer" = [])), params(("objective_id" = Uuid, Path)),
    responses((status = 204, description = "Deleted"),
        (status = 401, body = Problem, content_type = "application/problem+json"),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Not empty", body = Problem, content_type = "application/problem+json")))]
#[delete("/objectives/{objective_id}")]
pub async fn delete_objective(
    db: RequestDb,
    auth: Authenticated,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    db.run_as(&auth, move |conn, actor| {
        structure::delete_objective(conn, editor_tenant(actor)?, id)
    })
    .await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Adds an action under an operational objective.
#[utoipa::path(tag = "structure", security(("bearer" = [])), params(("objective_id" = Uuid, Path)), request_body = NewAction,
    responses((status = 201, body = ActionDetail),
        (status = 401, body = Problem, content_type = "application/problem+json"),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Code taken", body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json")))]
#[post("/objectives/{objective_id}/actions")]
pub async fn create_action(
    db: RequestDb,
    auth: Authenticated,
    objective: web::Path<Uuid>,
    body: Json<NewAction>,
) -> Result<HttpResponse, ApiError> {
    let (objective, new) = (objective.into_inner(), body.into_inner());
    let detail = db
        .run_as(&auth, move |conn, actor| {
            let tenant = editor_tenant(actor)?;
            let id = structure::create_action(conn, tenant, objective, &new)?;
            action(conn, tenant, id)
        })
        .await?;
    Ok(created(
        format!("/api/v1/actions/{}", detail.action.id),
        &detail,
    ))
}

/// Changes what the plan says of an action, or moves it; written to its history.
#[utoipa::path(tag = "structure", security(("bearer" = [])), params(("action_id" = Uuid, Path)), request_body = ActionDefinitionPatch,
    responses((status = 200, body = ActionDetail),
        (status = 401, body = Problem, content_type = "application/problem+json"),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 409, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json")))]
#[patch("/actions/{action_id}/definition")]
pub async fn update_action_definition(
    db: RequestDb,
    auth: Authenticated,
    id: web::Path<ActionId>,
    body: Json<ActionDefinitionPatch>,
) -> Result<web::Json<ActionDetail>, ApiError> {
    let (id, patch) = (id.into_inner(), body.into_inner());
    let detail = db
        .run_as(&auth, move |conn, actor| {
            let tenant = editor_tenant(actor)?;
            structure::update_action_definition(conn, tenant, actor.user_id, id.get(), &patch)?;
            action(conn, tenant, id.get())
        })
        .await?;
    Ok(web::Json(detail))
}

/// Sets the lead entity and the collaborating organisations of an action.
#[utoipa::path(tag = "structure", security(("bearer" = [])), params(("action_id" = Uuid, Path)), request_body = ActionOrganisations,
    responses((status = 200, body = ActionDetail),
        (status = 401, body = Problem, content_type = "application/problem+json"),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 409, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json")))]
#[put("/actions/{action_id}/organisations")]
pub async fn set_action_organisations(
    db: RequestDb,
    auth: Authenticated,
    id: web::Path<ActionId>,
    body: Json<ActionOrganisations>,
) -> Result<web::Json<ActionDetail>, ApiError> {
    let (id, input) = (id.into_inner(), body.into_inner());
    let detail = db
        .run_as(&auth, move |conn, actor| {
            let tenant = editor_tenant(actor)?;
            structure::set_action_organisations(conn, tenant, actor.user_id, id.get(), &input)?;
            action(conn, tenant, id.get())
        })
        .await?;
    Ok(web::Json(detail))
}

/// Deletes an action that has no history; one that has is archived instead (409).
#[utoipa::path(tag = "structure", security(("bearer" = [])), params(("action_id" = Uuid, Path)),
    responses((status = 204, description = "Deleted"),
        (status = 401, body = Problem, content_type = "application/problem+json"),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "It has a history: archive it", body = Problem, content_type = "application/problem+json")))]
#[delete("/actions/{action_id}")]
pub async fn delete_action(
    db: RequestDb,
    auth: Authenticated,
    id: web::Path<ActionId>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    db.run_as(&auth, move |conn, actor| {
        structure::delete_action(conn, editor_tenant(actor)?, id.get())
    })
    .await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Takes an action out of the plan, keeping it and its history.
#[utoipa::path(tag = "structure", security(("bearer" = [])), params(("action_id" = Uuid, Path)), request_body = VersionOnly,
    responses((status = 204, description = "Archived"),
        (status = 401, body = Problem, content_type = "application/problem+json"),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 409, body = Problem, content_type = "application/problem+json")))]
#[post("/actions/{action_id}/archive")]
pub async fn archive_action(
    db: RequestDb,
    auth: Authenticated,
    id: web::Path<ActionId>,
    body: Json<VersionOnly>,
) -> Result<HttpResponse, ApiError> {
    let (id, version) = (id.into_inner(), body.into_inner().version);
    db.run_as(&auth, move |conn, actor| {
        structure::archive_action(
            conn,
            editor_tenant(actor)?,
            actor.user_id,
            id.get(),
            version,
        )
    })
    .await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Writes an opinion of the DG on the plan or on some of its objectives.
#[utoipa::path(tag = "structure", security(("bearer" = [])), params(("plan_id" = Uuid, Path)), request_body = OpinionInput,
    responses((status = 201, body = PlanTree),
        (status = 401, body = Problem, content_type = "application/problem+json"),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json")))]
#[post("/plans/{plan_id}/opinions")]
pub async fn create_opinion(
    db: RequestDb,
    auth: Authenticated,
    plan: web::Path<PlanId>,
    body: Json<OpinionInput>,
) -> Result<HttpResponse, ApiError> {
    let (plan, input) = (plan.into_inner(), body.into_inner());
    let tree = db
        .run_as(&auth, move |conn, actor| {
            let tenant = editor_tenant(actor)?;
            structure::save_opinion(conn, tenant, Some(plan), None, &input)?;
            plans::plan_tree(conn, tenant, plan)
        })
        .await?;
    Ok(created(format!("/api/v1/plans/{}", tree.id), &tree))
}

/// Rewrites an opinion.
#[utoipa::path(tag = "structure", security(("bearer" = [])), params(("opinion_id" = Uuid, Path)), request_body = OpinionInput,
    responses((status = 200, body = PlanTree),
        (status = 401, body = Problem, content_type = "application/problem+json"),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json")))]
#[put("/opinions/{opinion_id}")]
pub async fn update_opinion(
    db: RequestDb,
    auth: Authenticated,
    id: web::Path<Uuid>,
    body: Json<OpinionInput>,
) -> Result<web::Json<PlanTree>, ApiError> {
    let (id, input) = (id.into_inner(), body.into_inner());
    let tree = db
        .run_as(&auth, move |conn, actor| {
            let tenant = editor_tenant(actor)?;
            structure::save_opinion(conn, tenant, None, Some(id), &input)?;
            let plan = structure::plan_of_opinion(conn, tenant, id)?;
            tree(conn, tenant, plan)
        })
        .await?;
    Ok(web::Json(tree))
}

/// Deletes an opinion.
#[utoipa::path(tag = "structure", security(("bearer" = [])), params(("opinion_id" = Uuid, Path)),
    responses((status = 204, description = "Deleted"),
        (status = 401, body = Problem, content_type = "application/problem+json"),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json")))]
#[delete("/opinions/{opinion_id}")]
pub async fn delete_opinion(
    db: RequestDb,
    auth: Authenticated,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    db.run_as(&auth, move |conn, actor| {
        structure::delete_opinion(conn, editor_tenant(actor)?, id)
    })
    .await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Adds an indicator to an action (recurring with a year, or a milestone).
#[utoipa::path(tag = "structure", security(("bearer" = [])), params(("action_id" = Uuid, Path)), request_body = IndicatorInput,
    responses((status = 201, body = ActionDetail),
        (status = 401, body = Problem, content_type = "application/problem+json"),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json")))]
#[post("/actions/{action_id}/indicators")]
pub async fn create_indicator(
    db: RequestDb,
    auth: Authenticated,
    id: web::Path<ActionId>,
    body: Json<IndicatorInput>,
) -> Result<HttpResponse, ApiError> {
    let (id, input) = (id.into_inner(), body.into_inner());
    let detail = db
        .run_as(&auth, move |conn, actor| {
            let tenant = editor_tenant(actor)?;
            structure::create_indicator(conn, tenant, id.get(), &input)?;
            action(conn, tenant, id.get())
        })
        .await?;
    Ok(created(
        format!("/api/v1/actions/{}", detail.action.id),
        &detail,
    ))
}

/// Redefines an indicator (name, unit, year, baseline, target).
#[utoipa::path(tag = "structure", security(("bearer" = [])), params(("indicator_id" = Uuid, Path)), request_body = IndicatorInput,
    responses((status = 200, body = ActionDetail),
        (status = 401, body = Problem, content_type = "application/problem+json"),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json")))]
#[put("/indicators/{indicator_id}")]
pub async fn update_indicator(
    db: RequestDb,
    auth: Authenticated,
    id: web::Path<Uuid>,
    body: Json<IndicatorInput>,
) -> Result<web::Json<ActionDetail>, ApiError> {
    let (id, input) = (id.into_inner(), body.into_inner());
    let detail = db
        .run_as(&auth, move |conn, actor| {
            let tenant = editor_tenant(actor)?;
            let owner = structure::update_indicator(conn, tenant, id, &input)?;
            action(conn, tenant, owner)
        })
        .await?;
    Ok(web::Json(detail))
}

/// Archives an indicator: it leaves the action, its documents and new proposals; the
/// values the history recorded for it stay. An archived indicator is not found again (404).
#[utoipa::path(tag = "structure", security(("bearer" = [])), params(("indicator_id" = Uuid, Path)),
    responses((status = 204, description = "Archived"),
        (status = 401, body = Problem, content_type = "application/problem+json"),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json")))]
#[delete("/indicators/{indicator_id}")]
pub async fn delete_indicator(
    db: RequestDb,
    auth: Authenticated,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    db.run_as(&auth, move |conn, actor| {
        structure::archive_indicator(conn, editor_tenant(actor)?, id)
    })
    .await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Adds a budget line to an action.
#[utoipa::path(tag = "structure", security(("bearer" = [])), params(("action_id" = Uuid, Path)), request_body = BudgetLineInput,
    responses((status = 201, body = ActionDetail),
        (status = 401, body = Problem, content_type = "application/problem+json"),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json")))]
#[post("/actions/{action_id}/budget-lines")]
pub async fn create_budget_line(
    db: RequestDb,
    auth: Authenticated,
    id: web::Path<ActionId>,
    body: Json<BudgetLineInput>,
) -> Result<HttpResponse, ApiError> {
    let (id, input) = (id.into_inner(), body.into_inner());
    let detail = db
        .run_as(&auth, move |conn, actor| {
            let tenant = editor_tenant(actor)?;
            structure::create_budget_line(conn, tenant, id.get(), &input)?;
            action(conn, tenant, id.get())
        })
        .await?;
    Ok(created(
        format!("/api/v1/actions/{}", detail.action.id),
        &detail,
    ))
}

/// Redefines a budget line (year, service, direction, article, planned amount, funding).
#[utoipa::path(tag = "structure", security(("bearer" = [])), params(("budget_line_id" = Uuid, Path)), request_body = BudgetLineInput,
    responses((status = 200, body = ActionDetail),
        (status = 401, body = Problem, content_type = "application/problem+json"),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json")))]
#[put("/budget-lines/{budget_line_id}")]
pub async fn update_budget_line(
    db: RequestDb,
    auth: Authenticated,
    id: web::Path<Uuid>,
    body: Json<BudgetLineInput>,
) -> Result<web::Json<ActionDetail>, ApiError> {
    let (id, input) = (id.into_inner(), body.into_inner());
    let detail = db
        .run_as(&auth, move |conn, actor| {
            let tenant = editor_tenant(actor)?;
            let owner = structure::update_budget_line(conn, tenant, id, &input)?;
            action(conn, tenant, owner)
        })
        .await?;
    Ok(web::Json(detail))
}

/// Archives a budget line: it leaves the action, its documents and new proposals; the
/// amounts the history recorded for it stay. An archived line is not found again (404).
#[utoipa::path(tag = "structure", security(("bearer" = [])), params(("budget_line_id" = Uuid, Path)),
    responses((status = 204, description = "Archived"),
        (status = 401, body = Problem, content_type = "application/problem+json"),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json")))]
#[delete("/budget-lines/{budget_line_id}")]
pub async fn delete_budget_line(
    db: RequestDb,
    auth: Authenticated,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    db.run_as(&auth, move |conn, actor| {
        structure::archive_budget_line(conn, editor_tenant(actor)?, id)
    })
    .await?;
    Ok(HttpResponse::NoContent().finish())
}
