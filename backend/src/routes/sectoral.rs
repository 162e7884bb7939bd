//! `/api/v1/sectoral-plans`, and the tags of objectives and actions.

use actix_web::{HttpResponse, delete, get, post, put, web};
use api_types::{Problem, SectoralPlan, SectoralPlanInput, SectoralPlanTags};
use uuid::Uuid;

use super::problems;
use super::{Json, RequestDb};
use crate::app::sectoral;
use crate::auth::Authenticated;
use crate::domain::Label;
use crate::error::ApiError;

/// The CPAS's sectoral plans (the commune's PCS, the staff training plan, the PCDR…), by
/// name: what objectives and actions are tagged with.
#[utoipa::path(
    tag = "plans",
    security(("bearer" = []), ("api_token" = ["plans:read"])),
    responses((status = 200, body = Vec<SectoralPlan>))
)]
#[get("/sectoral-plans")]
pub async fn list_sectoral_plans(
    db: RequestDb,
    auth: Authenticated,
) -> Result<web::Json<Vec<SectoralPlan>>, ApiError> {
    Ok(web::Json(sectoral::list(&db, &auth).await?))
}

/// Adds a sectoral plan to the CPAS's list (the DG).
#[utoipa::path(
    tag = "plans",
    security(("bearer" = [])),
    request_body = SectoralPlanInput,
    responses(
        (status = 201, body = SectoralPlan),
        (status = 409, description = "The CPAS has a sectoral plan of this name, whatever its case (`name_taken`)", body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/sectoral-plans")]
pub async fn create_sectoral_plan(
    db: RequestDb,
    auth: Authenticated,
    body: Json<SectoralPlanInput>,
) -> Result<HttpResponse, ApiError> {
    let name = Label::parse(&body.into_inner().name, "name", 200)?;
    let created = sectoral::create(&db, &auth, name).await?;
    Ok(HttpResponse::Created().json(created))
}

/// Renames one of the CPAS's sectoral plans (the DG).
#[utoipa::path(
    tag = "plans",
    security(("bearer" = [])),
    params(("sectoral_plan_id" = Uuid, Path)),
    request_body = SectoralPlanInput,
    responses(
        (status = 200, body = SectoralPlan),
        problems::NotFound,
        (status = 409, description = "The CPAS has a sectoral plan of this name (`name_taken`)", body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json"),
    )
)]
#[put("/sectoral-plans/{sectoral_plan_id}")]
pub async fn rename_sectoral_plan(
    db: RequestDb,
    auth: Authenticated,
    id: web::Path<Uuid>,
    body: Json<SectoralPlanInput>,
) -> Result<web::Json<SectoralPlan>, ApiError> {
    let name = Label::parse(&body.into_inner().name, "name", 200)?;
    Ok(web::Json(
        sectoral::rename(&db, &auth, id.into_inner(), name).await?,
    ))
}

/// Deletes one of the CPAS's sectoral plans (the DG): the objectives and actions tagged
/// with it lose that tag.
#[utoipa::path(
    tag = "plans",
    security(("bearer" = [])),
    params(("sectoral_plan_id" = Uuid, Path)),
    responses((status = 204), problems::NotFound)
)]
#[delete("/sectoral-plans/{sectoral_plan_id}")]
pub async fn delete_sectoral_plan(
    db: RequestDb,
    auth: Authenticated,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    sectoral::delete(&db, &auth, id.into_inner()).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Sets the sectoral plans an objective is tagged with, all of them (the DG); its actions
/// belong to them too.
#[utoipa::path(
    tag = "structure",
    security(("bearer" = [])),
    params(("objective_id" = Uuid, Path)),
    request_body = SectoralPlanTags,
    responses(
        (status = 200, body = SectoralPlanTags),
        problems::NotFound,
        (status = 422, description = "An id the CPAS has no sectoral plan for (`unknown_reference`), named twice (`duplicate`), or more than 50", body = Problem, content_type = "application/problem+json"),
    )
)]
#[put("/objectives/{objective_id}/sectoral-plans")]
pub async fn tag_objective(
    db: RequestDb,
    auth: Authenticated,
    id: web::Path<Uuid>,
    body: Json<SectoralPlanTags>,
) -> Result<web::Json<SectoralPlanTags>, ApiError> {
    Ok(web::Json(
        sectoral::tag_objective(&db, &auth, id.into_inner(), body.into_inner()).await?,
    ))
}

/// Sets the sectoral plans an action or a sub-action is tagged with, all of them (the DG);
/// a sub-action's make its action belong to them.
#[utoipa::path(
    tag = "structure",
    security(("bearer" = [])),
    params(("action_id" = Uuid, Path)),
    request_body = SectoralPlanTags,
    responses(
        (status = 200, body = SectoralPlanTags),
        problems::NotFound,
        (status = 422, description = "An id the CPAS has no sectoral plan for (`unknown_reference`), named twice (`duplicate`), or more than 50", body = Problem, content_type = "application/problem+json"),
    )
)]
#[put("/actions/{action_id}/sectoral-plans")]
pub async fn tag_action(
    db: RequestDb,
    auth: Authenticated,
    id: web::Path<Uuid>,
    body: Json<SectoralPlanTags>,
) -> Result<web::Json<SectoralPlanTags>, ApiError> {
    Ok(web::Json(
        sectoral::tag_action(&db, &auth, id.into_inner(), body.into_inner()).await?,
    ))
}
