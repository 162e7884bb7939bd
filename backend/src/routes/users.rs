//! `/api/v1/users`: accounts, managed by a CPAS's DG and by platform administrators.

use actix_web::{get, patch, post, web};
use api_types::{NewUser, Problem, User, UserCreated, UserPatch};
use serde::Deserialize;
use uuid::Uuid;

use super::problems;
use super::{Json, RequestDb};
use crate::app::accounts;
use crate::auth::Authenticated;
use crate::domain::{TenantId, UserId};
use crate::error::ApiError;

/// Optional CPAS filter of administrators' lists.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct TenantFilter {
    /// Only this CPAS (platform administrators; others always see their own).
    pub tenant_id: Option<Uuid>,
}

/// Lists accounts: a DG sees their CPAS's, an administrator everyone's (or one CPAS's).
#[utoipa::path(
    tag = "users",
    security(("bearer" = [])),
    params(TenantFilter),
    responses(
        (status = 200, body = Vec<User>),
        (status = 404, description = "No such CPAS (or another one)", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/users")]
pub async fn list_users(
    db: RequestDb,
    auth: Authenticated,
    filter: web::Query<TenantFilter>,
) -> Result<web::Json<Vec<User>>, ApiError> {
    let requested = filter.tenant_id.map(TenantId::new);
    Ok(web::Json(
        accounts::list_users(&db, &auth, requested).await?,
    ))
}

/// Creates an account. Without a password, one is generated, returned once, and must be
/// changed at first login.
#[utoipa::path(
    tag = "users",
    security(("bearer" = [])),
    request_body = NewUser,
    responses(
        (status = 201, body = UserCreated),
        (status = 404, description = "No such CPAS (or another one)", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "E-mail already used", body = Problem,
         content_type = "application/problem+json"),
    )
)]
#[post("/users")]
pub async fn create_user(
    db: RequestDb,
    auth: Authenticated,
    body: Json<NewUser>,
) -> Result<actix_web::HttpResponse, ApiError> {
    let created = accounts::create_user(&db, &auth, body.into_inner()).await?;
    Ok(actix_web::HttpResponse::Created().json(created))
}

/// One account.
#[utoipa::path(
    tag = "users",
    security(("bearer" = [])),
    params(("user_id" = Uuid, Path)),
    responses(
        (status = 200, body = User),
        problems::NotFound,
    )
)]
#[get("/users/{user_id}")]
pub async fn get_user(
    db: RequestDb,
    auth: Authenticated,
    user_id: web::Path<UserId>,
) -> Result<web::Json<User>, ApiError> {
    Ok(web::Json(
        accounts::get_user(&db, &auth, user_id.into_inner()).await?,
    ))
}

/// Changes an account's name, role, organisation or active flag. Deactivation takes
/// effect at once: the account's tokens are refused from the next request.
#[utoipa::path(
    tag = "users",
    security(("bearer" = [])),
    params(("user_id" = Uuid, Path)),
    request_body = UserPatch,
    responses(
        (status = 200, body = User),
        problems::NotFound,
        (status = 409, description = "Stale version", body = Problem,
         content_type = "application/problem+json"),
    )
)]
#[patch("/users/{user_id}")]
pub async fn update_user(
    db: RequestDb,
    auth: Authenticated,
    user_id: web::Path<UserId>,
    body: Json<UserPatch>,
) -> Result<web::Json<User>, ApiError> {
    let user = accounts::update_user(&db, &auth, user_id.into_inner(), body.into_inner()).await?;
    Ok(web::Json(user))
}

/// Gives another account a new generated password (returned once) and ends its sessions.
#[utoipa::path(
    tag = "users",
    security(("bearer" = [])),
    params(("user_id" = Uuid, Path)),
    responses(
        (status = 200, body = UserCreated),
        problems::NotFound,
    )
)]
#[post("/users/{user_id}/password-reset")]
pub async fn reset_password(
    db: RequestDb,
    auth: Authenticated,
    user_id: web::Path<UserId>,
) -> Result<web::Json<UserCreated>, ApiError> {
    Ok(web::Json(
        accounts::reset_password(&db, &auth, user_id.into_inner()).await?,
    ))
}
