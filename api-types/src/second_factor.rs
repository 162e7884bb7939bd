//! The second step of signing in for local accounts: a code from an authenticator app
//! (TOTP), or a single-use recovery code.

use serde::{Deserialize, Serialize};

/// Characters a second-step code may have: a 6-digit TOTP code, or a recovery code
/// (`abcde-fghij`, spaces and dashes ignored).
pub const SECOND_FACTOR_CODE_MAX_CHARS: usize = 20;

/// `GET /api/v1/me/second-factor`: where the caller's second step stands.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SecondFactorStatus {
    /// An authenticator is enrolled and confirmed: signing in asks for its code.
    pub enabled: bool,
    /// The CPAS requires it of the caller's role (president, DG).
    pub required: bool,
    /// Recovery codes not used yet.
    pub recovery_codes_left: u32,
}

/// `POST /api/v1/me/second-factor`: an authenticator to enrol, until a first code
/// confirms it. The secret is shown once, here.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SecondFactorEnrolment {
    /// The secret in base32, to type into an app that cannot read the QR code.
    pub secret: String,
    /// The `otpauth://totp/…` address the QR code holds (SHA-1, 6 digits, 30 seconds).
    pub otpauth_uri: String,
    /// The QR code as an SVG image, drawn by the server (no outside service sees the
    /// secret).
    pub qr_svg: String,
}

/// A code from the authenticator (or, where accepted, a recovery code).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct SecondFactorCode {
    #[cfg_attr(
        feature = "openapi",
        schema(schema_with = crate::limits::any_text::<{ SECOND_FACTOR_CODE_MAX_CHARS }>)
    )]
    pub code: String,
}

/// The ten recovery codes, shown once: each signs in once instead of a TOTP code.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RecoveryCodes {
    pub codes: Vec<String>,
}

/// `POST /api/v1/me/second-factor/disable`: the caller's password, to turn the second
/// step off.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct SecondFactorDisable {
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::limits::plain_text))]
    pub password: String,
}

/// `GET`/`PUT /api/v1/security-policy`: what the CPAS requires of sign-ins.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct SecurityPolicy {
    /// The president and the DG sign in with a second step; one who has none enrols it at
    /// their next sign-in before doing anything else.
    pub second_factor_required: bool,
}
