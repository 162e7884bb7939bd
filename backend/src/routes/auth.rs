//! `/api/v1/auth`: log in, refresh the tokens, log out.

use crate::domain::text::Email;
use actix_web::{HttpRequest, HttpResponse, post, web};
use api_types::{LoginRequest, Problem, ProblemCode, RefreshRequest, TokenResponse};

use super::{Json, RequestDb};
use crate::auth::tokens::JwtSecret;
use crate::auth::{Person, password};
use crate::configuration::LoginSettings;
use crate::db::accounts;
use crate::error::ApiError;

/// Longest password ever compared: longer input is refused without hashing it.
const MAX_PASSWORD_BYTES: usize = 1024;

/// Logs in with e-mail and password. Unknown e-mail and wrong password get the same answer
/// in about the same time. After 10 failures in a minute for an account (or 50 from one
/// address) the answer is 429 with `Retry-After`.
#[utoipa::path(
    operation_id = "login",
    tag = "auth",
    request_body = LoginRequest,
    responses(
        (status = 200, body = TokenResponse),
        (status = 400, body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "Wrong e-mail or password", body = Problem,
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
    settings: web::Data<LoginSettings>,
    body: Json<LoginRequest>,
) -> Result<web::Json<TokenResponse>, ApiError> {
    let LoginRequest { email, password } = body.into_inner();
    // Checked before the throttle's and the account's queries: no address is longer.
    if email.chars().count() > Email::MAX_LEN {
        return Err(ApiError::invalid_field(
            "email",
            ProblemCode::TooLong,
            format!("at most {} characters", Email::MAX_LEN),
        ));
    }
    let email = email.trim().to_lowercase();
    let client_ip = client_ip(&req, settings.trust_proxy);
    let user_agent = user_agent(&req);
    let limits = settings.throttle;

    let credentials = {
        let (email, client_ip) = (email.clone(), client_ip.clone());
        db.run(move |conn| {
            accounts::check_throttle(conn, &email, &client_ip, limits)?;
            accounts::find_credentials(conn, &email)
        })
        .await?
    };
    // Always hash, against a dummy when the account is unknown: no timing oracle.
    let hash = credentials.as_ref().map_or_else(
        || password::dummy_hash().to_owned(),
        |c| c.password_hash.clone(),
    );
    let matches = web::block(move || {
        password.len() <= MAX_PASSWORD_BYTES && password::verify(&password, &hash)
    })
    .await
    .map_err(|e| ApiError::Internal(anyhow::anyhow!("password check failed: {e}")))?;

    match credentials {
        Some(user) if matches && user.active => {
            let tokens = db
                .run(move |conn| {
                    accounts::open_session(conn, &secret, &user, user_agent.as_deref())
                })
                .await?;
            Ok(web::Json(tokens))
        }
        _ => {
            db.run(move |conn| accounts::record_failure(conn, &email, &client_ip))
                .await?;
            Err(ApiError::Unauthenticated(ProblemCode::InvalidCredentials))
        }
    }
}

/// Trades a refresh token for a new pair. Each refresh token works once: presenting a used
/// one again ends the session (it was stolen, or the client is confused).
#[utoipa::path(
    operation_id = "refresh_tokens",
    tag = "auth",
    request_body = RefreshRequest,
    responses(
        (status = 200, body = TokenResponse),
        (status = 401, body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/auth/refresh")]
pub async fn refresh(
    db: RequestDb,
    secret: web::Data<JwtSecret>,
    body: Json<RefreshRequest>,
) -> Result<web::Json<TokenResponse>, ApiError> {
    let token = body.into_inner().refresh_token;
    let tokens = db
        .run(move |conn| accounts::refresh(conn, &secret, &token))
        .await?;
    Ok(web::Json(tokens))
}

/// Ends the caller's session: its access and refresh tokens are refused from now on.
#[utoipa::path(
    operation_id = "logout",
    tag = "auth",
    security(("bearer" = [])),
    responses(
        (status = 204, description = "Logged out"),
        (status = 401, body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/auth/logout")]
pub async fn logout(db: RequestDb, auth: Person) -> Result<HttpResponse, ApiError> {
    db.run_as_before_password_change(&auth, |conn, actor| {
        accounts::revoke_session(conn, actor.session_id, "logout")
    })
    .await?;
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
