//! `/api/v1/me`: the caller's own account.

use actix_web::{HttpResponse, get, put, web};
use api_types::{ActionRef, PasswordChange, Problem, ProblemCode, User};
use diesel::Connection;

use super::{Json, RequestDb};
use crate::auth::{Authenticated, Person, password};
use crate::authz::{self, Permission, Scope};
use crate::db::{accounts, actions};
use crate::error::ApiError;

/// The caller's account.
#[utoipa::path(
    operation_id = "get_me",
    tag = "me",
    security(("bearer" = [])),
    responses(
        (status = 200, body = User),
        (status = 401, body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/me")]
pub async fn me(db: RequestDb, auth: Person) -> Result<web::Json<User>, ApiError> {
    let user = db
        .run_as(&auth, |conn, actor| {
            accounts::get_user(conn, actor.user_id, None)
        })
        .await?;
    Ok(web::Json(user))
}

/// Changes the caller's password; their other sessions end.
#[utoipa::path(
    operation_id = "change_password",
    tag = "me",
    security(("bearer" = [])),
    request_body = PasswordChange,
    responses(
        (status = 204, description = "Password changed"),
        (status = 401, body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Wrong current password, or a weak new one", body = Problem,
         content_type = "application/problem+json"),
    )
)]
#[put("/me/password")]
pub async fn change_password(
    db: RequestDb,
    auth: Person,
    body: Json<PasswordChange>,
) -> Result<HttpResponse, ApiError> {
    let PasswordChange {
        current_password,
        new_password,
    } = body.into_inner();
    let (actor, stored_hash, user) = db
        .run_as(&auth, |conn, actor| {
            Ok((
                actor.clone(),
                accounts::password_hash(conn, actor.user_id)?,
                accounts::get_user(conn, actor.user_id, None)?,
            ))
        })
        .await?;
    let new_hash = web::block(move || {
        let owner = password::PasswordOwner {
            name: &user.display_name,
            email: &user.email,
            tenant_name: user.tenant.as_ref().map(|tenant| tenant.name.as_str()),
        };
        let new_password = password::NewPassword::parse(&new_password, "new_password", &owner)?;
        if password::verify(&current_password, &stored_hash) {
            new_password.hash()
        } else {
            Err(ApiError::invalid_field(
                "current_password",
                ProblemCode::WrongPassword,
                "the current password is not correct",
            ))
        }
    })
    .await
    .map_err(|e| ApiError::Internal(anyhow::anyhow!("password hashing failed: {e}")))??;
    db.run_as(&auth, move |conn, _| {
        conn.transaction(|conn| {
            accounts::set_password(conn, actor.user_id, &new_hash, false)?;
            accounts::revoke_sessions_of(
                conn,
                actor.user_id,
                Some(actor.session_id),
                "password_changed",
            )
        })
    })
    .await?;
    Ok(HttpResponse::NoContent().finish())
}

/// "My actions": the actions that the caller's organisation leads or collaborates on, in
/// every plan of their CPAS.
#[utoipa::path(
    operation_id = "list_my_actions",
    tag = "me",
    security(("bearer" = []), ("api_token" = ["plans:read"])),
    responses(
        (status = 200, body = Vec<ActionRef>),
        (status = 401, body = Problem, content_type = "application/problem+json"),
        (status = 403, body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/me/actions")]
pub async fn my_actions(
    db: RequestDb,
    auth: Authenticated,
) -> Result<web::Json<Vec<ActionRef>>, ApiError> {
    let list = db
        .run_as(&auth, |conn, actor| {
            let tenant = actor.tenant()?;
            authz::ensure(actor, Permission::ReadPlans, Scope::Tenant(tenant))?;
            match actor.organisation {
                Some(organisation) => actions::of_organisation(conn, tenant, organisation),
                None => Ok(Vec::new()),
            }
        })
        .await?;
    Ok(web::Json(list))
}
