//! Logging in and out, and the tokens.

use serde::{Deserialize, Serialize};

/// `POST /api/v1/auth/login`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct LoginRequest {
    /// At most 254 characters (RFC 5321's longest address); a longer one is refused
    /// before any work (422, `too_long`).
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::limits::any_text::<254>))]
    pub email: String,
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::limits::plain_text))]
    pub password: String,
    /// The second step, for an account that has one (else 401 `second_factor_required`):
    /// the authenticator's 6-digit code, or a recovery code. Ignored for other accounts.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(
        feature = "openapi",
        schema(schema_with = crate::limits::any_text_or_null::<{ crate::SECOND_FACTOR_CODE_MAX_CHARS }>)
    )]
    pub second_factor_code: Option<String>,
}

/// `POST /api/v1/auth/refresh` and `POST /api/v1/auth/logout`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct RefreshRequest {
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::limits::plain_text))]
    pub refresh_token: String,
}

/// A new pair of tokens.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TokenResponse {
    /// Short-lived JWT, sent as `Authorization: Bearer …`.
    pub access_token: String,
    /// Single-use token that buys the next pair; reusing one ends the session.
    pub refresh_token: String,
    /// Always `Bearer`.
    pub token_type: String,
    /// Lifetime of the access token, in seconds.
    pub expires_in: u64,
}
