//! `/api/v1/actions`.

use actix_web::{get, web};
use api_types::{ActionDetail, Problem};

use super::RequestDb;
use crate::auth::Authenticated;
use crate::authz::{self, Permission, Scope};
use crate::db::actions;
use crate::domain::ActionId;
use crate::error::ApiError;

/// One action and where it sits in its plan.
#[utoipa::path(
    tag = "actions",
    security(("bearer" = [])),
    params(("action_id" = uuid::Uuid, Path)),
    responses(
        (status = 200, body = ActionDetail),
        (status = 400, body = Problem, content_type = "application/problem+json"),
        (status = 401, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/actions/{action_id}")]
pub async fn get_action(
    db: RequestDb,
    auth: Authenticated,
    action_id: web::Path<ActionId>,
) -> Result<web::Json<ActionDetail>, ApiError> {
    let action_id = action_id.into_inner();
    let detail = db
        .run_as(&auth, move |conn, actor| {
            let tenant = actor.tenant()?;
            authz::ensure(actor, Permission::ReadPlans, Scope::Tenant(tenant))?;
            Ok(actions::load_action(conn, tenant, action_id)?.0)
        })
        .await?;
    Ok(web::Json(detail))
}
