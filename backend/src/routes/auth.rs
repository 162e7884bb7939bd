//! `/api/v1/auth`: log in (with a password, or through the CPAS's identity provider),
//! refresh the tokens, log out.

use actix_web::{HttpRequest, get, post, web};
use api_types::{
    LoggedOut, LoginRequest, OidcCallback, OidcStart, Problem, RefreshRequest, SignInProvider,
    TokenResponse,
};
use serde::Deserialize;
use uuid::Uuid;

use super::{Json, RequestDb};
use crate::app::accounts::{self, LoginAttempt};
use crate::app::single_sign_on;
use crate::auth::Person;
use crate::auth::oidc::OidcClients;
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
///
/// A session opened through an identity provider that has an end-session endpoint gets
/// its address in `end_session_url`: the person's session at the provider outlives ours
/// otherwise (on a shared computer, the next person would sign in as them there).
#[utoipa::path(
    operation_id = "logout",
    tag = "auth",
    security(("bearer" = [])),
    responses(
        (status = 200, body = LoggedOut, description = "Logged out"),
    )
)]
#[post("/auth/logout")]
pub async fn logout(db: RequestDb, auth: Person) -> Result<web::Json<LoggedOut>, ApiError> {
    let end_session_url = accounts::logout(&db, &auth).await?;
    Ok(web::Json(LoggedOut { end_session_url }))
}

/// Which CPAS's providers the login page shows.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct ProviderFilter {
    /// The CPAS's slug (`namur`): its providers only. Without it, every CPAS's.
    #[param(max_length = 63, pattern = r"^[a-z0-9]+(-[a-z0-9]+)*$")]
    pub cpas: Option<String>,
}

/// The identity providers people may sign in through (enabled ones), for the login page's
/// buttons. Public.
#[utoipa::path(
    operation_id = "list_sign_in_providers",
    tag = "auth",
    params(ProviderFilter),
    responses(
        (status = 200, body = Vec<SignInProvider>),
    )
)]
#[get("/auth/providers")]
pub async fn sign_in_providers(
    db: RequestDb,
    filter: web::Query<ProviderFilter>,
) -> Result<web::Json<Vec<SignInProvider>>, ApiError> {
    Ok(web::Json(
        single_sign_on::sign_in_providers(&db, filter.into_inner().cpas).await?,
    ))
}

/// Starts a sign-in through an identity provider (OpenID Connect, authorization code with
/// PKCE): the answer's `authorization_url` is where to send the browser. Keep `state` in the
/// browser: the provider sends the person back to the web app's `/connexion/oidc` page with
/// it and a code, to give to `POST /api/v1/auth/oidc/callback` within ten minutes. Public.
#[utoipa::path(
    operation_id = "start_oidc_sign_in",
    tag = "auth",
    params(("provider_id" = Uuid, Path)),
    responses(
        (status = 200, body = OidcStart),
        (status = 404, description = "No such identity provider, or it is turned off", body = Problem,
         content_type = "application/problem+json"),
        (status = 502, description = "The provider does not answer (`identity_provider_unavailable`)",
         body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/auth/oidc/{provider_id}/start")]
pub async fn start_oidc_sign_in(
    db: RequestDb,
    oidc: web::Data<OidcClients>,
    keyring: web::Data<Keyring>,
    provider_id: web::Path<Uuid>,
) -> Result<web::Json<OidcStart>, ApiError> {
    Ok(web::Json(
        single_sign_on::start(&db, &oidc, &keyring, provider_id.into_inner()).await?,
    ))
}

/// Ends a sign-in through an identity provider: the code and state it handed back are
/// checked (the state names a sign-in started here, unused and under ten minutes old; the
/// ID token's issuer, audience, signature, expiry and nonce), then the same tokens as a
/// password login. The person is the account linked to them, or the account of the CPAS
/// with their e-mail (linked from then on), or a new one when the provider allows it.
#[utoipa::path(
    operation_id = "complete_oidc_sign_in",
    tag = "auth",
    request_body = OidcCallback,
    responses(
        (status = 200, body = TokenResponse),
        (status = 401, description = "The state names no sign-in under way (`invalid_sign_in_state`), \
         the provider refused the code or its ID token failed the checks (`identity_provider_refused`), \
         the person has no account here (`no_account_for_identity`), or it is deactivated \
         (`account_deactivated`)", body = Problem, content_type = "application/problem+json"),
        (status = 502, description = "The provider does not answer (`identity_provider_unavailable`)",
         body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/auth/oidc/callback")]
pub async fn complete_oidc_sign_in(
    db: RequestDb,
    req: HttpRequest,
    oidc: web::Data<OidcClients>,
    keyring: web::Data<Keyring>,
    secret: web::Data<JwtSecret>,
    body: Json<OidcCallback>,
) -> Result<web::Json<TokenResponse>, ApiError> {
    let tokens = single_sign_on::callback(
        &db,
        &oidc,
        &keyring,
        &secret,
        body.into_inner(),
        user_agent(&req),
    )
    .await?;
    Ok(web::Json(tokens))
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
