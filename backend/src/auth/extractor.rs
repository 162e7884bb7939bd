//! `Authenticated`: a request whose bearer token verified. Loading the account (is it
//! still active, is the session still open?) happens with the request's database work, see
//! [`crate::routes::RequestDb::run_as`].

use std::future::{Ready, ready};

use actix_web::dev::Payload;
use actix_web::http::header;
use actix_web::{FromRequest, HttpRequest, web};

use super::tokens::{Claims, JwtSecret, TokenError, verify_access};
use crate::error::ApiError;

/// The verified claims of the request's access token.
#[derive(Debug, Clone)]
pub struct Authenticated(pub Claims);

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
        .and_then(|h| {
            h.strip_prefix("Bearer ")
                .or_else(|| h.strip_prefix("bearer "))
        })
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .ok_or(ApiError::Unauthenticated("invalid_token"))?;
    verify_access(secret, token)
        .map(Authenticated)
        .map_err(|e| match e {
            TokenError::Expired => ApiError::Unauthenticated("token_expired"),
            TokenError::Invalid => ApiError::Unauthenticated("invalid_token"),
        })
}
