//! `Authenticated`: a request whose bearer token verified. Loading the account (is it
//! still active, is the session still open?) happens with the request's database work, see
//! [`crate::app::RequestDb::run_as`].

use std::future::{Ready, ready};

use actix_web::dev::Payload;
use actix_web::http::header;
use actix_web::{FromRequest, HttpRequest, web};
use api_types::ProblemCode;

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
        .ok_or(ApiError::Unauthenticated(ProblemCode::MissingToken))?;
    let token = header
        .to_str()
        .ok()
        // The scheme is case-insensitive (RFC 7235 §2.1): `Bearer`, `bearer`, `BEARER`.
        .and_then(|h| h.split_once(' '))
        .filter(|(scheme, _)| scheme.eq_ignore_ascii_case("bearer"))
        .map(|(_, token)| token)
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .ok_or(ApiError::Unauthenticated(ProblemCode::InvalidToken))?;
    if token.starts_with(API_TOKEN_PREFIX) {
        return Ok(Authenticated::ApiToken(hash_refresh_token(token)));
    }
    verify_access(secret, token)
        .map(Authenticated::User)
        .map_err(|e| match e {
            TokenError::Expired => ApiError::Unauthenticated(ProblemCode::TokenExpired),
            TokenError::Invalid => ApiError::Unauthenticated(ProblemCode::InvalidToken),
        })
}

/// A person's verified access token. The operations about a person (their account, their
/// password, their inbox, their session) take this instead of [`Authenticated`], so their
/// signature shows it: an API token gets 403 `api_token_not_allowed`, as their OpenAPI
/// `security` (bearer only) says.
#[derive(Debug, Clone)]
pub struct Person(Authenticated);

impl std::ops::Deref for Person {
    type Target = Authenticated;

    fn deref(&self) -> &Authenticated {
        &self.0
    }
}

impl FromRequest for Person {
    type Error = ApiError;
    type Future = Ready<Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        ready(authenticate(req).and_then(|auth| match auth {
            Authenticated::User(_) => Ok(Self(auth)),
            Authenticated::ApiToken(_) => Err(ApiError::TokenForbidden {
                code: ProblemCode::ApiTokenNotAllowed,
                detail: "this operation is for a signed-in person, not an API token",
            }),
        }))
    }
}
