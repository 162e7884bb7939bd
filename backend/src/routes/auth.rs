//! `/api/v1/auth`: log in, refresh the tokens, log out.

use actix_web::{HttpRequest, HttpResponse, post, web};
use api_types::{LoginRequest, Problem, RefreshRequest, TokenResponse};

use super::{Json, RequestDb};
use crate::app::accounts::{self, LoginAttempt};
use crate::auth::Person;
use crate::auth::tokens::JwtSecret;
use crate::configuration::LoginSettings;
use crate::error::ApiError;
use crate::secrets::Keyring;

/// Logs in with e-mail and password. Unknown e-mail and wrong password get the same answer
/// in about the same time. After 10 failures in a minute for an account (or 50 from one
/// address) the answer is 429 with `Retry-After`.
///
/// An account with a second step (an authenticator app) also gives its current code, or a
/// recovery code, in `second_factor_code`: without it the answer is 401
/// `second_factor_required` (the password was right; ask for the code and send both
/// again), with a wrong, expired or reused code 401 `invalid_second_factor_code`, counted
/// as a failure like a wrong password.
#[utoipa::path(
    operation_id = "login",
    tag = "auth",
    request_body = LoginRequest,
    responses(
        (status = 200, body = TokenResponse),
        (status = 401, description = "Wrong e-mail or password (`invalid_credentials`), or \
         the second step missing or wrong (`second_factor_required`, `invalid_second_factor_code`)", body = Problem,
         content_type = "application/problem+json"),
        (status = 429, description = "Too many failed attempts", body = Problem,
         content_type = "application/problem+json"),
    )
)]
#[post("/auth/login")]
pub async fn login(
    db: RequestDb,
    req: HttpRequest,
    secret: web::Data<JwtSecret>,
    keyring: web::Data<Keyring>,
    settings: web::Data<LoginSettings>,
    body: Json<LoginRequest>,
) -> Result<web::Json<TokenResponse>, ApiError> {
    let LoginRequest {
        email,
        password,
        second_factor_code,
    } = body.into_inner();
    let attempt = LoginAttempt {
        email,
        password,
        second_factor_code,
        client_ip: client_ip(&req, settings.trust_proxy),
        user_agent: user_agent(&req),
    };
    let tokens = accounts::login(&db, &secret, &keyring, settings.throttle, attempt).await?;
    Ok(web::Json(tokens))
}

/// Trades a refresh token for a new pair. Each refresh token works once: presenting a used
/// one again ends the session (it was stolen, or the client is confused).
#[utoipa::path(
    operation_id = "refresh_tokens",
    tag = "auth",
    request_body = RefreshRequest,
    responses(
        (status = 200, body = TokenResponse),
        (status = 401, description = "The refresh token is unknown, expired, revoked or \
         reused (`invalid_refresh_token`, `refresh_token_reused`)", body = Problem,
         content_type = "application/problem+json"),
    )
)]
#[post("/auth/refresh")]
pub async fn refresh(
    db: RequestDb,
    secret: web::Data<JwtSecret>,
    body: Json<RefreshRequest>,
) -> Result<web::Json<TokenResponse>, ApiError> {
    let tokens = accounts::refresh(&db, &secret, body.into_inner().refresh_token).await?;
    Ok(web::Json(tokens))
}

/// Ends the caller's session: its access and refresh tokens are refused from now on.
#[utoipa::path(
    operation_id = "logout",
    tag = "auth",
    security(("bearer" = [])),
    responses(
        (status = 204, description = "Logged out"),
    )
)]
#[post("/auth/logout")]
pub async fn logout(db: RequestDb, auth: Person) -> Result<HttpResponse, ApiError> {
    accounts::logout(&db, &auth).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// The browser's `User-Agent`, to tell the person's sessions apart in their list: its first
/// 300 characters, without control characters; `None` when absent or blank.
fn user_agent(req: &HttpRequest) -> Option<String> {
    /// As `sessions.user_agent` allows.
    const MAX_CHARS: usize = 300;
    let header = req.headers().get(actix_web::http::header::USER_AGENT)?;
    let text: String = String::from_utf8_lossy(header.as_bytes())
        .chars()
        .filter(|c| !c.is_control())
        .take(MAX_CHARS)
        .collect();
    let text = text.trim();
    (!text.is_empty()).then(|| text.to_owned())
}

fn client_ip(req: &HttpRequest, trust_proxy: bool) -> String {
    let info = req.connection_info();
    let address = if trust_proxy {
        info.realip_remote_addr()
    } else {
        info.peer_addr()
    };
    address.unwrap_or("unknown").to_owned()
}
