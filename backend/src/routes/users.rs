//! `/api/v1/users`: accounts, managed by a CPAS's DG and by platform administrators.

use actix_web::{HttpResponse, delete, get, patch, post, put, web};
use api_types::{NewUser, Problem, SecurityPolicy, User, UserCreated, UserPatch};
use serde::Deserialize;
use uuid::Uuid;

use super::problems;
use super::{Json, RequestDb};
use crate::app::{accounts, second_factor};
use crate::auth::{Authenticated, Person};
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
) -> Result<HttpResponse, ApiError> {
    let created = accounts::create_user(&db, &auth, body.into_inner()).await?;
    Ok(HttpResponse::Created().json(created))
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

/// Removes a person's authenticator and recovery codes (a lost phone): they sign in with
/// their password alone, or enrol again at their next sign-in if their CPAS requires it.
/// For who manages the account (the DG, administrators); logged.
#[utoipa::path(
    operation_id = "reset_second_factor",
    tag = "users",
    security(("bearer" = [])),
    params(("user_id" = Uuid, Path)),
    responses(
        (status = 204, description = "The person's second step is removed"),
        problems::NotFound,
    )
)]
#[delete("/users/{user_id}/second-factor")]
pub async fn reset_second_factor(
    db: RequestDb,
    auth: Authenticated,
    user_id: web::Path<UserId>,
) -> Result<HttpResponse, ApiError> {
    accounts::reset_second_factor(&db, &auth, user_id.into_inner()).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// What the caller's CPAS requires of sign-ins.
#[utoipa::path(
    operation_id = "get_security_policy",
    tag = "users",
    security(("bearer" = [])),
    responses(
        (status = 200, body = SecurityPolicy),
    )
)]
#[get("/security-policy")]
pub async fn security_policy(
    db: RequestDb,
    auth: Person,
) -> Result<web::Json<SecurityPolicy>, ApiError> {
    Ok(web::Json(second_factor::policy(&db, &auth).await?))
}

/// Sets what the CPAS requires of sign-ins (its DG): with `second_factor_required`, the
/// president and the DG sign in with a second step; one who has none enrols it at their
/// next sign-in before anything else.
#[utoipa::path(
    operation_id = "set_security_policy",
    tag = "users",
    security(("bearer" = [])),
    request_body = SecurityPolicy,
    responses(
        (status = 200, body = SecurityPolicy),
    )
)]
#[put("/security-policy")]
pub async fn set_security_policy(
    db: RequestDb,
    auth: Person,
    body: Json<SecurityPolicy>,
) -> Result<web::Json<SecurityPolicy>, ApiError> {
    Ok(web::Json(
        second_factor::set_policy(&db, &auth, body.into_inner()).await?,
    ))
}
