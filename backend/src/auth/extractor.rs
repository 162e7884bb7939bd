//! `Authenticated`: a request whose bearer token verified. Loading the account (is it
//! still active, is the session still open?) happens with the request's database work, see
//! [`crate::routes::RequestDb::run_as`].

use std::future::{Ready, ready};

use actix_web::dev::Payload;
use actix_web::http::header;
use actix_web::{FromRequest, HttpRequest, web};

use super::tokens::{
    API_TOKEN_PREFIX, Claims, JwtSecret, TokenError, hash_refresh_token, verify_access,
};
use crate::error::ApiError;

/// Who the request's bearer credential says it is: a person's access token (verified here,
/// without the database) or an integration's API token (looked up with the request's
/// database work).
#[derive(Debug, Clone)]
pub enum Authenticated {
    /// The verified claims of a person's access token.
    User(Claims),
    /// The SHA-256 of an API token (`pst_…`), to find it in `api_tokens`.
    ApiToken(Vec<u8>),
}

impl FromRequest for Authenticated {
    type Error = ApiError;
    type Future = Ready<Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        ready(authenticate(req))
    }
}

fn authenticate(req: &HttpRequest) -> Result<Authenticated, ApiError> {
    let secret = req
        .app_data::<web::Data<JwtSecret>>()
        .ok_or_else(|| ApiError::Internal(anyhow::anyhow!("no signing key configured")))?;
    let header = req
        .headers()
        .get(header::AUTHORIZATION)
        .ok_or(ApiError::Unauthenticated("missing_token"))?;
    let token = header
        .to_str()
        .ok()
        // The scheme is case-insensitive (RFC 7235 §2.1): `Bearer`, `bearer`, `BEARER`.
        .and_then(|h| h.split_once(' '))
        .filter(|(scheme, _)| scheme.eq_ignore_ascii_case("bearer"))
        .map(|(_, token)| token)
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .ok_or(ApiError::Unauthenticated("invalid_token"))?;
    if token.starts_with(API_TOKEN_PREFIX) {
        return Ok(Authenticated::ApiToken(hash_refresh_token(token)));
    }
    verify_access(secret, token)
        .map(Authenticated::User)
        .map_err(|e| match e {
            TokenError::Expired => ApiError::Unauthenticated("token_expired"),
            TokenError::Invalid => ApiError::Unauthenticated("invalid_token"),
        })
}
