//! Users, organisations and tenants.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::{AdministrationType, OrganisationKind, Role, TenantRef};

/// A user account as its managers and the user see it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct User {
    pub id: Uuid,
    pub email: String,
    pub display_name: String,
    pub role: Role,
    /// The CPAS; `null` for platform administrators.
    pub tenant: Option<TenantRef>,
    pub organisation: Option<OrganisationSummary>,
    pub active: bool,
    /// The user must choose a new password (the current one was given to them).
    pub must_change_password: bool,
    #[serde(default, deserialize_with = "crate::wire_time::optional_instant")]
    pub last_login_at: Option<DateTime<Utc>>,
    #[serde(deserialize_with = "crate::wire_time::instant")]
    pub created_at: DateTime<Utc>,
    pub version: i32,
}

/// `POST /api/v1/users`: create an account.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct NewUser {
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::limits::email))]
    pub email: String,
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::limits::label::<200>))]
    pub display_name: String,
    pub role: Role,
    /// Required for `partner`; must belong to the user's tenant.
    #[serde(default)]
    pub organisation_id: Option<Uuid>,
    /// The CPAS of the new user. Platform administrators must give it (except for another
    /// `admin`); a DG creates users in their own CPAS and may omit it.
    #[serde(default)]
    pub tenant_id: Option<Uuid>,
    /// Initial password: 12 to 256 characters, not a common one, and hard enough to guess
    /// (zxcvbn score ≥ 3 over its first 64 characters, with the person's name and e-mail and
    /// the CPAS's name as known words; else 422 `weak_password` with the reason in French).
    /// When omitted, one is generated and returned once.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::limits::new_password_or_null))]
    pub password: Option<String>,
}

/// Answer to an account creation or a password reset.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct UserCreated {
    pub user: User,
    /// The generated password, shown this once; the user must change it at first login.
    pub temporary_password: Option<String>,
}

/// `PATCH /api/v1/users/{id}`: the fields to change.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct UserPatch {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::limits::label_or_null::<200>))]
    pub display_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub role: Option<Role>,
    /// `null` clears it (not allowed for partners).
    #[serde(
        default,
        with = "crate::double_option",
        skip_serializing_if = "Option::is_none"
    )]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<Uuid>))]
    pub organisation_id: Option<Option<Uuid>>,
    /// `false` deactivates the account at once: its tokens are refused from then on.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub active: Option<bool>,
    /// The version the client saw; a stale one is refused with 409.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub version: Option<i32>,
}

/// The characters a telephone number may have, as the server checks them.
pub const PHONE_CHARS: &str = "0123456789 +./()-";
/// The longest telephone number, in characters (the eComptes file's `Tel`).
pub const PHONE_MAX_CHARS: usize = 15;
/// The longest given name, in characters (the eComptes file's `Prenom`).
pub const GIVEN_NAME_MAX_CHARS: usize = 50;
/// The longest family name, in characters (the eComptes file's `Nom`).
pub const FAMILY_NAME_MAX_CHARS: usize = 100;

/// `GET` and `PUT /api/v1/me/identity`: the caller as official documents name them. The
/// eComptes file names a responsible as its `Responsable` once civility, given name and
/// family name are all given. A `PUT` replaces the whole: a field left out is cleared.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(example = json!({
    "civility": "madame",
    "given_name": "Anne",
    "family_name": "Lambert",
    "phone": "+32 61 23 45 67"
})))]
#[serde(deny_unknown_fields)]
pub struct PersonIdentity {
    #[serde(default)]
    pub civility: Option<crate::Civility>,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::limits::optional_line::<{ GIVEN_NAME_MAX_CHARS }>))]
    pub given_name: Option<String>,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::limits::optional_line::<{ FAMILY_NAME_MAX_CHARS }>))]
    pub family_name: Option<String>,
    /// Digits, spaces and `+ . / - ( )`.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::limits::phone))]
    pub phone: Option<String>,
}

/// Fewest characters of a password the server accepts.
pub const PASSWORD_MIN_CHARS: usize = 12;
/// Most characters of a password the server accepts.
pub const PASSWORD_MAX_CHARS: usize = 256;

/// `PUT /api/v1/me/password`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct PasswordChange {
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::limits::plain_text))]
    pub current_password: String,
    /// 12 to 256 characters, not a common one, and hard enough to guess (zxcvbn score ≥ 3
    /// over its first 64 characters, with the person's name and e-mail and the CPAS's name
    /// as known words; else 422 `weak_password` with the reason in French).
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::limits::new_password))]
    pub new_password: String,
}

/// One of the caller's open sessions (a browser or device signed in), from
/// `GET /api/v1/me/sessions`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SessionInfo {
    pub id: Uuid,
    /// When the person signed in.
    #[serde(deserialize_with = "crate::wire_time::instant")]
    pub started_at: DateTime<Utc>,
    /// The last sign-in or token refresh: a client refreshes its tokens before their 15
    /// minutes run out while it is in use, so this is when it was last used, within 15
    /// minutes.
    #[serde(deserialize_with = "crate::wire_time::instant")]
    pub last_used_at: DateTime<Utc>,
    /// The browser's `User-Agent` at sign-in (its first 300 characters), if it sent one.
    pub user_agent: Option<String>,
    /// The session of the request's own token.
    pub current: bool,
    /// How it was opened.
    pub signed_in_with: crate::SignInMethod,
}

/// An organisation of a CPAS: the CPAS itself or a partner.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct OrganisationSummary {
    pub id: Uuid,
    pub name: String,
    pub kind: OrganisationKind,
}

/// `POST /api/v1/organisations`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct NewOrganisation {
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::limits::label::<200>))]
    pub name: String,
    pub kind: OrganisationKind,
    /// Platform administrators name the CPAS; a DG's organisations go to their own.
    #[serde(default)]
    pub tenant_id: Option<Uuid>,
}

/// A CPAS as the Region knows it: `GET /api/v1/tenants/{tenant_id}` (its own people, and
/// the platform's administrators).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TenantIdentity {
    pub id: Uuid,
    pub slug: String,
    pub name: String,
    /// The NIS (INS) code of its municipality, five digits; `null` until set.
    #[cfg_attr(feature = "openapi", schema(minimum = 10000, maximum = 99999))]
    pub nis_code: Option<i32>,
    pub administration_type: AdministrationType,
    /// Sent back in a change; also the `ETag`.
    pub version: i32,
}

/// `PUT /api/v1/tenants/{tenant_id}` (platform administrators): the whole identity, against
/// the version read.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct TenantIdentityChange {
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::limits::label::<200>))]
    pub name: String,
    /// Five digits (10000–99999), or `null` to clear it.
    #[cfg_attr(feature = "openapi", schema(minimum = 10000, maximum = 99999))]
    pub nis_code: Option<i32>,
    pub administration_type: AdministrationType,
    pub version: i32,
}

/// `POST /api/v1/tenants` (platform administrators).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct NewTenant {
    /// Lowercase letters, digits and dashes, e.g. `paliseul`.
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::limits::slug))]
    pub slug: String,
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::limits::label::<200>))]
    pub name: String,
}
