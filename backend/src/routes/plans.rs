//! `/api/v1/plans`: the plans and their trees.

use actix_web::{get, web};
use api_types::{PlanSummary, PlanTree, Problem};

use super::RequestDb;
use crate::db;
use crate::domain::PlanId;
use crate::error::ApiError;

/// Lists the plans.
#[utoipa::path(
    tag = "plans",
    responses(
        (status = 200, body = Vec<PlanSummary>),
        (status = 503, body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/plans")]
pub async fn list_plans(db: RequestDb) -> Result<web::Json<Vec<PlanSummary>>, ApiError> {
    let plans = db.run(db::plans::list_plans).await?;
    Ok(web::Json(plans))
}

/// One plan with its whole tree: strategic objectives → operational objectives →
/// actions, with lead and collaborating organisations, and the DG's opinions.
#[utoipa::path(
    tag = "plans",
    params(("plan_id" = uuid::Uuid, Path, description = "Id of the plan")),
    responses(
        (status = 200, body = PlanTree),
        (status = 400, description = "Malformed id", body = Problem,
         content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 503, body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/plans/{plan_id}")]
pub async fn get_plan(
    db: RequestDb,
    plan_id: web::Path<PlanId>,
) -> Result<web::Json<PlanTree>, ApiError> {
    let plan_id = plan_id.into_inner();
    let tree = db
        .run(move |conn| db::plans::plan_tree(conn, plan_id))
        .await?;
    Ok(web::Json(tree))
}
