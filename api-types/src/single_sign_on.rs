//! Single sign-on: a CPAS's identity providers (OpenID Connect), the login page's buttons,
//! and the way back from a provider.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::Role;

/// Longest label of a provider (its button says "Se connecter avec …").
pub const PROVIDER_LABEL_MAX_CHARS: usize = 80;
/// Longest issuer URL.
pub const ISSUER_MAX_CHARS: usize = 500;
/// Longest client id, and client secret, at a provider.
pub const CLIENT_CREDENTIAL_MAX_CHARS: usize = 200;
/// Longest list of scopes.
pub const SCOPES_MAX_CHARS: usize = 300;
/// Longest e-mail domain.
pub const DOMAIN_MAX_CHARS: usize = 253;
/// Longest authorization code, and state, the way back may carry.
pub const CALLBACK_PARAMETER_MAX_CHARS: usize = 2048;

/// `GET /api/v1/auth/providers`: a button of the login page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SignInProvider {
    pub id: Uuid,
    /// What the button names, e.g. "Wallonie Connect".
    pub label: String,
    /// The CPAS whose people sign in through it.
    pub cpas_name: String,
    pub cpas_slug: String,
}

/// `POST /api/v1/auth/oidc/{provider_id}/start`: where to send the browser.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct OidcStart {
    /// The provider's authorization URL, with our client id, the redirect URI, the scopes,
    /// the state, the nonce and the PKCE challenge.
    pub authorization_url: String,
    /// The state the provider will hand back: keep it in the browser and compare it on the
    /// way back before sending the code (a way back this browser did not start is ignored).
    pub state: String,
}

/// `POST /api/v1/auth/oidc/callback`: what the provider handed back to the redirect URI.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct OidcCallback {
    #[cfg_attr(
        feature = "openapi",
        schema(schema_with = crate::limits::any_text::<{ CALLBACK_PARAMETER_MAX_CHARS }>)
    )]
    pub code: String,
    #[cfg_attr(
        feature = "openapi",
        schema(schema_with = crate::limits::any_text::<{ CALLBACK_PARAMETER_MAX_CHARS }>)
    )]
    pub state: String,
}

/// `POST /api/v1/auth/logout`: the session is ended here.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct LoggedOut {
    /// For a session opened through an identity provider that has an end-session endpoint:
    /// where to sign out there too (the provider's own session outlives ours otherwise).
    pub end_session_url: Option<String>,
}

/// An identity provider of the CPAS, as its DG manages it. The client secret is never
/// shown again once given.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct IdentityProvider {
    pub id: Uuid,
    pub label: String,
    /// The issuer (its `/.well-known/openid-configuration` tells the rest).
    pub issuer: String,
    pub client_id: String,
    /// A client secret is kept (sealed); `false`: a public client, PKCE alone.
    pub has_client_secret: bool,
    /// The scopes asked for, space-separated (always with `openid`).
    pub scopes: String,
    /// Shown on the login page and accepted on the way back.
    pub enabled: bool,
    /// People unknown here get an account at their first sign-in (just in time).
    pub new_accounts: bool,
    /// The role of such a new account.
    pub new_account_role: Role,
    /// Its organisation (required for partners).
    pub new_account_organisation_id: Option<Uuid>,
    /// The e-mail domain a new account must have (`cpas-namur.be`).
    pub new_account_domain: Option<String>,
    /// The address to register at the provider as this client's redirect URI.
    pub redirect_uri: String,
    /// Accounts linked to a person of this provider.
    pub linked_accounts: u32,
    #[serde(deserialize_with = "crate::wire_time::instant")]
    pub created_at: DateTime<Utc>,
    pub version: i32,
}

/// `POST /api/v1/identity-providers`. The issuer's discovery document is fetched at once:
/// an issuer that does not answer as an OpenID provider is refused (422
/// `issuer_discovery_failed`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct NewIdentityProvider {
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::limits::label::<{ PROVIDER_LABEL_MAX_CHARS }>))]
    pub label: String,
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::limits::issuer_url))]
    pub issuer: String,
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::limits::label::<{ CLIENT_CREDENTIAL_MAX_CHARS }>))]
    pub client_id: String,
    /// None for a public client (PKCE alone).
    #[serde(default)]
    #[cfg_attr(
        feature = "openapi",
        schema(schema_with = crate::limits::label_or_null::<{ CLIENT_CREDENTIAL_MAX_CHARS }>)
    )]
    pub client_secret: Option<String>,
    /// Space-separated; `openid` is added when missing. Default `openid email profile`.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::limits::label_or_null::<{ SCOPES_MAX_CHARS }>))]
    pub scopes: Option<String>,
    #[serde(default)]
    pub new_accounts: bool,
    /// Default `social_worker`; never `admin`.
    #[serde(default)]
    pub new_account_role: Option<Role>,
    #[serde(default)]
    pub new_account_organisation_id: Option<Uuid>,
    /// Required when `new_accounts` is on.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::limits::label_or_null::<{ DOMAIN_MAX_CHARS }>))]
    pub new_account_domain: Option<String>,
}

/// `PATCH /api/v1/identity-providers/{id}`: what is sent changes, the rest stays.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct IdentityProviderPatch {
    pub version: i32,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::limits::label_or_null::<{ PROVIDER_LABEL_MAX_CHARS }>))]
    pub label: Option<String>,
    /// A new client secret (the old one is forgotten).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(
        feature = "openapi",
        schema(schema_with = crate::limits::label_or_null::<{ CLIENT_CREDENTIAL_MAX_CHARS }>)
    )]
    pub client_secret: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::limits::label_or_null::<{ SCOPES_MAX_CHARS }>))]
    pub scopes: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub enabled: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub new_accounts: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub new_account_role: Option<Role>,
    /// `null` removes it.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        with = "crate::double_option"
    )]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<Uuid>))]
    pub new_account_organisation_id: Option<Option<Uuid>>,
    /// `null` removes it.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        with = "crate::double_option"
    )]
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::limits::label_or_null::<{ DOMAIN_MAX_CHARS }>))]
    pub new_account_domain: Option<Option<String>>,
}
