//! `/api/v1/me`: the caller's own account.

use actix_web::{HttpResponse, delete, get, post, put, web};
use api_types::{
    ActionRef, PasswordChange, PersonIdentity, Problem, RecoveryCodes, SecondFactorCode,
    SecondFactorDisable, SecondFactorEnrolment, SecondFactorStatus, SessionInfo, User,
};

use super::problems;
use super::{Json, RequestDb};
use crate::app::{accounts, second_factor};
use crate::auth::{Authenticated, Person};
use crate::domain::SessionId;
use crate::error::ApiError;
use crate::secrets::Keyring;

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
    )
)]
#[get("/me")]
pub async fn me(db: RequestDb, auth: Person) -> Result<web::Json<User>, ApiError> {
    Ok(web::Json(accounts::me(&db, &auth).await?))
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
    accounts::change_password(&db, &auth, body.into_inner()).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// The caller as official documents name them: civility, given and family names,
/// telephone. The eComptes file names the responsible of an element as its `Responsable`
/// once the three first are given.
#[utoipa::path(
    operation_id = "get_my_identity",
    tag = "me",
    security(("bearer" = [])),
    responses(
        (status = 200, body = PersonIdentity),
    )
)]
#[get("/me/identity")]
pub async fn my_identity(
    db: RequestDb,
    auth: Person,
) -> Result<web::Json<PersonIdentity>, ApiError> {
    Ok(web::Json(accounts::my_identity(&db, &auth).await?))
}

/// Replaces the caller's identity for official documents (a field left out is cleared);
/// answers it as stored (texts trimmed, blank ones cleared).
#[utoipa::path(
    operation_id = "set_my_identity",
    tag = "me",
    security(("bearer" = [])),
    request_body = PersonIdentity,
    responses(
        (status = 200, body = PersonIdentity),
        (status = 422, description = "A name too long, a telephone number with other characters", body = Problem,
         content_type = "application/problem+json"),
    )
)]
#[put("/me/identity")]
pub async fn set_my_identity(
    db: RequestDb,
    auth: Person,
    body: Json<PersonIdentity>,
) -> Result<web::Json<PersonIdentity>, ApiError> {
    Ok(web::Json(
        accounts::set_my_identity(&db, &auth, body.into_inner()).await?,
    ))
}

/// The caller's open sessions: each browser or device signed in to their account, the one
/// of this request marked `current`, the most recently used first.
#[utoipa::path(
    operation_id = "list_my_sessions",
    tag = "me",
    security(("bearer" = [])),
    responses(
        (status = 200, body = Vec<SessionInfo>),
    )
)]
#[get("/me/sessions")]
pub async fn my_sessions(
    db: RequestDb,
    auth: Person,
) -> Result<web::Json<Vec<SessionInfo>>, ApiError> {
    Ok(web::Json(accounts::my_sessions(&db, &auth).await?))
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
    accounts::end_my_session(&db, &auth, session_id.into_inner()).await?;
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
    )
)]
#[post("/me/sessions/end-others")]
pub async fn end_my_other_sessions(db: RequestDb, auth: Person) -> Result<HttpResponse, ApiError> {
    accounts::end_my_other_sessions(&db, &auth).await?;
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
    )
)]
#[get("/me/actions")]
pub async fn my_actions(
    db: RequestDb,
    auth: Authenticated,
) -> Result<web::Json<Vec<ActionRef>>, ApiError> {
    Ok(web::Json(accounts::my_actions(&db, &auth).await?))
}

/// Where the caller's second sign-in step stands: enrolled or not, required by their CPAS
/// or not, recovery codes left.
#[utoipa::path(
    operation_id = "get_my_second_factor",
    tag = "me",
    security(("bearer" = [])),
    responses(
        (status = 200, body = SecondFactorStatus),
    )
)]
#[get("/me/second-factor")]
pub async fn my_second_factor(
    db: RequestDb,
    auth: Person,
) -> Result<web::Json<SecondFactorStatus>, ApiError> {
    Ok(web::Json(second_factor::status(&db, &auth).await?))
}

/// Starts enrolling an authenticator app (TOTP: SHA-1, 6 digits, 30 seconds): a new
/// secret, its `otpauth://` address and QR code (SVG), shown once. Started again, it
/// replaces an enrolment left unconfirmed. Confirm it with a first code.
#[utoipa::path(
    operation_id = "start_second_factor_enrolment",
    tag = "me",
    security(("bearer" = [])),
    responses(
        (status = 200, body = SecondFactorEnrolment),
        (status = 409, description = "An authenticator is enrolled already (`second_factor_enabled`)", body = Problem,
         content_type = "application/problem+json"),
    )
)]
#[post("/me/second-factor")]
pub async fn start_second_factor(
    db: RequestDb,
    auth: Person,
    keyring: web::Data<Keyring>,
) -> Result<web::Json<SecondFactorEnrolment>, ApiError> {
    Ok(web::Json(second_factor::start(&db, &auth, &keyring).await?))
}

/// Confirms the enrolment with the app's current code: from now on signing in asks for a
/// code. Answers ten recovery codes, once: each signs in once instead of a code.
#[utoipa::path(
    operation_id = "confirm_second_factor",
    tag = "me",
    security(("bearer" = [])),
    request_body = SecondFactorCode,
    responses(
        (status = 200, body = RecoveryCodes),
        problems::NotFound,
        (status = 422, description = "Not the app's current code (`invalid_second_factor_code` on `code`)", body = Problem,
         content_type = "application/problem+json"),
    )
)]
#[post("/me/second-factor/confirm")]
pub async fn confirm_second_factor(
    db: RequestDb,
    auth: Person,
    keyring: web::Data<Keyring>,
    body: Json<SecondFactorCode>,
) -> Result<web::Json<RecoveryCodes>, ApiError> {
    Ok(web::Json(
        second_factor::confirm(&db, &auth, &keyring, body.into_inner()).await?,
    ))
}

/// Turns the caller's second step off, with their password (its recovery codes go too).
#[utoipa::path(
    operation_id = "disable_second_factor",
    tag = "me",
    security(("bearer" = [])),
    request_body = SecondFactorDisable,
    responses(
        (status = 204, description = "The second step is off"),
        (status = 409, description = "The CPAS requires it of the caller's role (`second_factor_mandatory`)", body = Problem,
         content_type = "application/problem+json"),
        (status = 422, description = "Wrong password", body = Problem,
         content_type = "application/problem+json"),
    )
)]
#[post("/me/second-factor/disable")]
pub async fn disable_second_factor(
    db: RequestDb,
    auth: Person,
    body: Json<SecondFactorDisable>,
) -> Result<HttpResponse, ApiError> {
    second_factor::disable(&db, &auth, body.into_inner()).await?;
    Ok(HttpResponse::NoContent().finish())
}
