//! `/api/v1/plans`: the plans of the caller's CPAS and their trees.

use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, get, web};
use api_types::{PlanStats, PlanSummary, PlanTree, Problem};

use super::problems;
use super::{IfNoneMatch, RequestDb};
use crate::app::plans;
use crate::auth::Authenticated;
use crate::cache::PlanTreeCache;
use crate::domain::PlanId;
use crate::error::ApiError;

/// Lists the plans of the caller's CPAS.
#[utoipa::path(
    tag = "plans",
    security(("bearer" = []), ("api_token" = ["plans:read"])),
    responses(
        (status = 200, body = Vec<PlanSummary>),
    )
)]
#[get("/plans")]
pub async fn list_plans(
    db: RequestDb,
    auth: Authenticated,
) -> Result<web::Json<Vec<PlanSummary>>, ApiError> {
    Ok(web::Json(plans::list(&db, &auth).await?))
}

/// One plan with its whole tree: strategic objectives → operational objectives →
/// actions, with lead and collaborating organisations, and the DG's opinions. A plan of
/// another CPAS is answered 404.
///
/// The answer carries a weak `ETag` derived from its content (which includes the `late`
/// and `stale` flags of the day); sent back in `If-None-Match`, it gets a `304 Not
/// Modified` without body while the tree is unchanged.
#[utoipa::path(
    tag = "plans",
    security(("bearer" = []), ("api_token" = ["plans:read"])),
    params(
        ("plan_id" = uuid::Uuid, Path, description = "Id of the plan"),
        ("If-None-Match" = Option<String>, Header,
         description = "The `ETag` of a copy already held: 304 if it is still current"),
    ),
    responses(
        (status = 200, body = PlanTree, headers(
            ("ETag" = String, description = "Weak validator of this content, e.g. `W/\"9f86d081884c7d65\"`"),
            ("Cache-Control" = String, description = "`private, no-cache`: keep it, revalidate before use"),
        )),
        (status = 304, description = "Not modified: the copy whose `ETag` was sent is current; no body",
         headers(("ETag" = String, description = "The same validator"))),
        (status = 400, description = "Malformed id", body = Problem,
         content_type = "application/problem+json"),
        problems::NotFound,
    )
)]
#[get("/plans/{plan_id}")]
pub async fn get_plan(
    db: RequestDb,
    auth: Authenticated,
    req: HttpRequest,
    plan_id: web::Path<PlanId>,
    cache: web::Data<PlanTreeCache>,
) -> Result<HttpResponse, ApiError> {
    let tree = plans::tree(&db, &auth, plan_id.into_inner(), cache.into_inner()).await?;
    let cached = (header::CACHE_CONTROL, "private, no-cache");
    if IfNoneMatch::of(&req).holds(&tree.etag) {
        return Ok(HttpResponse::NotModified()
            .insert_header((header::ETAG, tree.etag.clone()))
            .insert_header(cached)
            .finish());
    }
    Ok(HttpResponse::Ok()
        .insert_header((header::ETAG, tree.etag.clone()))
        .insert_header(cached)
        .content_type("application/json")
        .body(tree.body.clone()))
}

/// The dashboard's figures: per objective and per organisation, the number of actions by
/// status, the mean progress and the late ones; computed in SQL.
#[utoipa::path(
    operation_id = "get_plan_summary",
    tag = "plans",
    security(("bearer" = []), ("api_token" = ["plans:read"])),
    params(("plan_id" = uuid::Uuid, Path, description = "Id of the plan")),
    responses(
        (status = 200, body = PlanStats),
        problems::NotFound,
    )
)]
#[get("/plans/{plan_id}/summary")]
pub async fn plan_summary(
    db: RequestDb,
    auth: Authenticated,
    plan_id: web::Path<PlanId>,
) -> Result<web::Json<PlanStats>, ApiError> {
    Ok(web::Json(
        plans::summary(&db, &auth, plan_id.into_inner()).await?,
    ))
}
