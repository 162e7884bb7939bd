//! `/api/v1/me`: the caller's own account.

use actix_web::{HttpResponse, delete, get, post, put, web};
use api_types::{ActionRef, PasswordChange, Problem, ProblemCode, SessionInfo, User};
use diesel::Connection;

use super::{Json, RequestDb};
use crate::auth::{Authenticated, Person, password};
use crate::authz::{self, Permission, Scope};
use crate::db::{accounts, actions};
use crate::domain::SessionId;
use crate::error::ApiError;

/// The caller's account.
///
/// `must_change_password: true` means the password was given to the account (a new one, a
/// reset): until the person chooses their own with `PUT /api/v1/me/password`, every other
/// operation answers 403 `password_change_required`, but this one, the password change,
/// the list and end of their sessions, and logout.
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
        .run_as_before_password_change(&auth, |conn, actor| {
            accounts::get_user(conn, actor.user_id, None)
        })
        .await?;
    Ok(web::Json(user))
}

/// Changes the caller's password; their other sessions end.
///
/// The current password is required (422 `wrong_password` otherwise), and the new one must
/// differ from it (422 `same_password`). Every other session of the caller ends at once
/// (their tokens are refused from the next request); the session of this request stays
/// signed in. It lifts `must_change_password`: this is the way out of 403
/// `password_change_required`.
#[utoipa::path(
    operation_id = "change_password",
    tag = "me",
    security(("bearer" = [])),
    request_body = PasswordChange,
    responses(
        (status = 204, description = "Password changed; the caller's other sessions ended"),
        (status = 401, body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Wrong current password, the same one again, or a weak new one", body = Problem,
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
        .run_as_before_password_change(&auth, |conn, actor| {
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
        let parsed = password::NewPassword::parse(&new_password, "new_password", &owner)?;
        if !password::verify(&current_password, &stored_hash) {
            return Err(ApiError::invalid_field(
                "current_password",
                ProblemCode::WrongPassword,
                "the current password is not correct",
            ));
        }
        // Else a given password could be "changed" for itself, and stay known to whoever
        // gave it.
        if new_password == current_password {
            return Err(ApiError::invalid_field(
                "new_password",
                ProblemCode::SamePassword,
                "the new password must differ from the current one",
            ));
        }
        parsed.hash()
    })
    .await
    .map_err(|e| ApiError::Internal(anyhow::anyhow!("password hashing failed: {e}")))??;
    db.run_as_before_password_change(&auth, move |conn, _| {
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

/// The caller's open sessions: each browser or device signed in to their account, the one
/// of this request marked `current`, the most recently used first.
#[utoipa::path(
    operation_id = "list_my_sessions",
    tag = "me",
    security(("bearer" = [])),
    responses(
        (status = 200, body = Vec<SessionInfo>),
        (status = 401, body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/me/sessions")]
pub async fn my_sessions(
    db: RequestDb,
    auth: Person,
) -> Result<web::Json<Vec<SessionInfo>>, ApiError> {
    let list = db
        .run_as_before_password_change(&auth, |conn, actor| {
            accounts::list_sessions(conn, actor.user_id, actor.session_id)
        })
        .await?;
    Ok(web::Json(list))
}

/// Ends one of the caller's sessions (a browser left signed in elsewhere): its access tokens
/// are refused from the next request and its refresh token no longer works. Another
/// person's session, or one already ended, is 404. Ending the current one is a logout.
#[utoipa::path(
    operation_id = "end_my_session",
    tag = "me",
    security(("bearer" = [])),
    params(("session_id" = Uuid, Path, description = "From `GET /api/v1/me/sessions`")),
    responses(
        (status = 204, description = "The session ended"),
        (status = 401, body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No open session of the caller has this id", body = Problem,
         content_type = "application/problem+json"),
    )
)]
#[delete("/me/sessions/{session_id}")]
pub async fn end_my_session(
    db: RequestDb,
    auth: Person,
    session_id: web::Path<SessionId>,
) -> Result<HttpResponse, ApiError> {
    let session_id = session_id.into_inner();
    db.run_as_before_password_change(&auth, move |conn, actor| {
        accounts::end_own_session(conn, actor.user_id, session_id.get())
    })
    .await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Ends every session of the caller but the one of this request: "sign out everywhere
/// else".
#[utoipa::path(
    operation_id = "end_my_other_sessions",
    tag = "me",
    security(("bearer" = [])),
    responses(
        (status = 204, description = "The caller's other sessions ended"),
        (status = 401, body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/me/sessions/end-others")]
pub async fn end_my_other_sessions(db: RequestDb, auth: Person) -> Result<HttpResponse, ApiError> {
    db.run_as_before_password_change(&auth, |conn, actor| {
        accounts::revoke_sessions_of(
            conn,
            actor.user_id,
            Some(actor.session_id),
            accounts::ENDED_BY_OWNER,
        )
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
