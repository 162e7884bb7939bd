//! `/api/v1/plans`: the plans of the caller's CPAS and their trees.

use actix_web::{get, web};
use api_types::{PlanStats, PlanSummary, PlanTree, Problem};

use super::RequestDb;
use crate::auth::Authenticated;
use crate::authz::{self, Permission, Scope};
use crate::db;
use crate::domain::PlanId;
use crate::error::ApiError;

/// Lists the plans of the caller's CPAS.
#[utoipa::path(
    tag = "plans",
    security(("bearer" = []), ("api_token" = [])),
    responses(
        (status = 200, body = Vec<PlanSummary>),
        (status = 401, body = Problem, content_type = "application/problem+json"),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 503, body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/plans")]
pub async fn list_plans(
    db: RequestDb,
    auth: Authenticated,
) -> Result<web::Json<Vec<PlanSummary>>, ApiError> {
    let plans = db
        .run_as(&auth, |conn, actor| {
            let tenant = actor.tenant()?;
            authz::ensure(actor, Permission::ReadPlans, Scope::Tenant(tenant))?;
            db::plans::list_plans(conn, tenant)
        })
        .await?;
    Ok(web::Json(plans))
}

/// One plan with its whole tree: strategic objectives → operational objectives →
/// actions, with lead and collaborating organisations, and the DG's opinions. A plan of
/// another CPAS is answered 404.
#[utoipa::path(
    tag = "plans",
    security(("bearer" = []), ("api_token" = [])),
    params(("plan_id" = uuid::Uuid, Path, description = "Id of the plan")),
    responses(
        (status = 200, body = PlanTree),
        (status = 400, description = "Malformed id", body = Problem,
         content_type = "application/problem+json"),
        (status = 401, body = Problem, content_type = "application/problem+json"),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 503, body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/plans/{plan_id}")]
pub async fn get_plan(
    db: RequestDb,
    auth: Authenticated,
    plan_id: web::Path<PlanId>,
) -> Result<web::Json<PlanTree>, ApiError> {
    let plan_id = plan_id.into_inner();
    let tree = db
        .run_as(&auth, move |conn, actor| {
            let tenant = actor.tenant()?;
            authz::ensure(actor, Permission::ReadPlans, Scope::Tenant(tenant))?;
            db::plans::plan_tree(conn, tenant, plan_id)
        })
        .await?;
    Ok(web::Json(tree))
}

/// The dashboard's figures: per objective and per organisation, the number of actions by
/// status, the mean progress and the late ones; computed in SQL.
#[utoipa::path(
    tag = "plans",
    security(("bearer" = []), ("api_token" = [])),
    params(("plan_id" = uuid::Uuid, Path, description = "Id of the plan")),
    responses(
        (status = 200, body = PlanStats),
        (status = 401, body = Problem, content_type = "application/problem+json"),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/plans/{plan_id}/summary")]
pub async fn plan_summary(
    db: RequestDb,
    auth: Authenticated,
    plan_id: web::Path<PlanId>,
) -> Result<web::Json<PlanStats>, ApiError> {
    let plan_id = plan_id.into_inner();
    let stats = db
        .run_as(&auth, move |conn, actor| {
            let tenant = actor.tenant()?;
            authz::ensure(actor, Permission::ReadPlans, Scope::Tenant(tenant))?;
            db::stats::plan_stats(conn, tenant, plan_id)
        })
        .await?;
    Ok(web::Json(stats))
}
