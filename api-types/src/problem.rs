//! RFC 9457 problem details: the body of every error answer
//! (`Content-Type: application/problem+json`).

use serde::{Deserialize, Serialize};

/// An error answer.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(example = json!({
    "type": "about:blank",
    "title": "Invalid fields",
    "status": 422,
    "detail": "the request has invalid fields",
    "code": "validation_failed",
    "errors": [{ "field": "changes/progress", "code": "out_of_range", "message": "between 0 and 100" }]
})))]
pub struct Problem {
    /// A URI naming the problem type; `about:blank` when the status says it all.
    #[serde(rename = "type")]
    pub type_uri: String,
    /// Short human summary of the problem type.
    pub title: String,
    /// The HTTP status code.
    pub status: u16,
    /// Human explanation of this occurrence.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
    /// Stable machine-readable code: what a client branches on (the `detail` is for people).
    pub code: ProblemCode,
    /// Per-field problems of a rejected input (the first 200).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[cfg_attr(feature = "openapi", schema(max_items = 200))]
    pub errors: Vec<FieldError>,
    /// How many field problems there are in all, when `errors` lists only the first 200.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub total_errors: Option<usize>,
    /// For `version_conflict`: what changed since the version the request was based on.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub conflict: Option<Conflict>,
    /// For `proposal_already_pending`: the caller's pending proposal on the action, to
    /// withdraw, or to name in `replaces`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pending_change_request_id: Option<uuid::Uuid>,
}

/// Two versions of an action that a change request or an edit collides on.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Conflict {
    /// The version the change was made against.
    pub base_version: i32,
    /// The action's version now.
    pub current_version: i32,
    /// Each proposed field: value at `base_version`, value now, proposed value.
    pub diff: Vec<crate::FieldDiff>,
}

/// One invalid field of a request.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct FieldError {
    /// The field, as a JSON pointer-like path (`progress`, `indicators/0/value`).
    pub field: String,
    /// Stable code, e.g. `out_of_range`.
    pub code: ProblemCode,
    /// Human explanation (English, or French where a person must act on it).
    pub message: String,
}

/// Declares [`ProblemCode`] once: each variant with its wire text, so `as_str`, the serde
/// form and the schema's enum come from one list.
macro_rules! problem_codes {
    ($($(#[doc = $doc:literal])* $variant:ident = $text:literal,)+) => {
        /// Every stable code the API answers with, in `Problem.code` and in
        /// `FieldError.code`. A client branches on these, never on `detail` or `message`;
        /// the web app has a translation for each (an exhaustive `match`, so a new code
        /// without one does not compile).
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
        #[serde(rename_all = "snake_case")]
        pub enum ProblemCode {
            $($(#[doc = $doc])* $variant,)+
        }

        impl ProblemCode {
            /// Every code, in declaration order.
            pub const ALL: &'static [ProblemCode] = &[$(ProblemCode::$variant,)+];

            /// The code as it is written on the wire.
            pub const fn as_str(self) -> &'static str {
                match self {
                    $(ProblemCode::$variant => $text,)+
                }
            }
        }
    };
}

problem_codes! {
    // 400: the request does not parse.
    /// A path parameter does not parse (not a UUID…) or the path has dot segments.
    InvalidPath = "invalid_path",
    /// The query string does not parse.
    InvalidQuery = "invalid_query",
    /// The body is not the JSON object the operation reads.
    InvalidJson = "invalid_json",
    /// `If-Match` is not a quoted version number.
    InvalidIfMatch = "invalid_if_match",
    /// `Idempotency-Key` is not 1–255 visible ASCII characters.
    InvalidIdempotencyKey = "invalid_idempotency_key",
    /// `lang` names a language the documents are not written in (`fr`, `nl`, `en`).
    UnsupportedLanguage = "unsupported_language",
    // 401
    /// No `Authorization` header.
    MissingToken = "missing_token",
    /// The credential is not one the server issued.
    InvalidToken = "invalid_token",
    /// The access token has expired: refresh it.
    TokenExpired = "token_expired",
    /// The account changed (role, CPAS) since the token was issued: refresh it.
    TokenStale = "token_stale",
    /// The API token was revoked, or its integration account deactivated.
    TokenRevoked = "token_revoked",
    /// The session was ended (logout, password change, an administrator).
    SessionRevoked = "session_revoked",
    /// Wrong e-mail or password.
    InvalidCredentials = "invalid_credentials",
    /// The account is deactivated.
    AccountDeactivated = "account_deactivated",
    /// The refresh token is unknown, expired, or its session ended.
    InvalidRefreshToken = "invalid_refresh_token",
    /// The refresh token was already used: the session is ended (it may have been stolen).
    RefreshTokenReused = "refresh_token_reused",
    /// The way back from an identity provider names no sign-in under way: unknown, older
    /// than ten minutes, or already used.
    InvalidSignInState = "invalid_sign_in_state",
    /// The identity provider refused the code (used or expired), or its ID token failed
    /// our checks (issuer, audience, signature, nonce, expiry).
    IdentityProviderRefused = "identity_provider_refused",
    /// The person the identity provider vouches for has no active account in this CPAS
    /// (and new accounts are off, or their e-mail is unverified or outside the allowed
    /// domain): the DG creates one, or links it.
    NoAccountForIdentity = "no_account_for_identity",
    // 403
    /// The caller's role or organisation may not do this.
    Forbidden = "forbidden",
    /// The API token lacks the scope the operation needs (`x-required-scopes`).
    InsufficientScope = "insufficient_scope",
    /// The operation is for people only: it refuses API tokens.
    ApiTokenNotAllowed = "api_token_not_allowed",
    /// The account's password was given to it (a new account, a reset): until the person
    /// chooses their own with `PUT /api/v1/me/password`, their token may only read `/me`,
    /// change the password, list or end their sessions, and log out.
    PasswordChangeRequired = "password_change_required",
    // 404, 405
    /// The resource does not exist, or is not the caller's to see.
    NotFound = "not_found",
    /// No route has this path.
    NoRoute = "no_route",
    /// The path exists for other methods (see `Allow`).
    MethodNotAllowed = "method_not_allowed",
    // 409
    /// The resource changed since the version the request was based on (see `conflict`).
    VersionConflict = "version_conflict",
    /// The `version` sent is not the current one.
    StaleVersion = "stale_version",
    /// The CPAS has no NIS code yet, which the Region's eComptes file needs: a platform
    /// administrator sets it (`PUT /api/v1/tenants/{tenant_id}`).
    NisCodeMissing = "nis_code_missing",
    /// The proposal was already approved, rejected, withdrawn or replaced.
    AlreadyDecided = "already_decided",
    /// The caller already has a pending proposal on this action
    /// (`pending_change_request_id`): replace it (`replaces`) or withdraw it.
    ProposalAlreadyPending = "proposal_already_pending",
    /// The plan's state does not allow this step (e.g. closing a draft).
    InvalidTransition = "invalid_transition",
    /// The plan is not adopted yet.
    NotAdopted = "not_adopted",
    /// An evaluation of this kind already exists.
    EvaluationExists = "evaluation_exists",
    /// A reporting period of this plan is open: close it before opening the next.
    PeriodAlreadyOpen = "period_already_open",
    /// The reporting period is already closed.
    PeriodClosed = "period_closed",
    /// The reporting period is still open: its figures are kept at its close.
    PeriodNotClosed = "period_not_closed",
    /// The unsubscribe link is not one the server signed (mistyped, cut, or altered): it
    /// names no link (404).
    InvalidUnsubscribeLink = "invalid_unsubscribe_link",
    /// The unsubscribe link was already used: each works once.
    UnsubscribeLinkUsed = "unsubscribe_link_used",
    /// The account signs in with a second step: send `second_factor_code` with the
    /// password (401).
    SecondFactorRequired = "second_factor_required",
    /// The authenticator's code is wrong, expired or already used, or the recovery code is
    /// unknown or used.
    InvalidSecondFactorCode = "invalid_second_factor_code",
    /// The CPAS requires a second step of this role: enrol an authenticator
    /// (`/api/v1/me/second-factor`) before anything else (403).
    SecondFactorEnrolmentRequired = "second_factor_enrolment_required",
    /// An authenticator is already enrolled: turn it off first to enrol another.
    SecondFactorEnabled = "second_factor_enabled",
    /// The CPAS requires the second step of this role: it cannot be turned off.
    SecondFactorMandatory = "second_factor_mandatory",
    /// A comment is changed by its author within 15 minutes of writing it, while it is
    /// shown (neither deleted nor hidden).
    EditWindowClosed = "edit_window_closed",
    /// The item has a history and cannot be deleted (archive it).
    HasHistory = "has_history",
    /// The item still holds others and cannot be deleted.
    NotEmpty = "not_empty",
    /// The action has sub-actions: delete or archive them first (or archive the action).
    HasSubActions = "has_sub_actions",
    /// The e-mail address is already used by an account.
    EmailTaken = "email_taken",
    /// The name is already used in this CPAS.
    NameTaken = "name_taken",
    /// The code is already used in this plan.
    CodeTaken = "code_taken",
    /// The slug is already used by another CPAS.
    SlugTaken = "slug_taken",
    /// A request with this `Idempotency-Key` is still running.
    IdempotencyInProgress = "idempotency_in_progress",
    // 412, 413, 414, 428, 429
    /// `If-Match` names another version than the current one.
    PreconditionFailed = "precondition_failed",
    /// The edit names no version: send `If-Match` or `version`.
    PreconditionRequired = "precondition_required",
    /// The body is over the size the operation accepts.
    PayloadTooLarge = "payload_too_large",
    /// An uploaded file, or a part of a workbook once inflated, is over its limit.
    FileTooLarge = "file_too_large",
    /// The query string is over the length the server reads.
    UriTooLong = "uri_too_long",
    // 415
    /// The file's content is not a type the server keeps (PDF, images, office documents,
    /// CSV and text), or its name's extension says another type than its content.
    UnsupportedFileType = "unsupported_file_type",
    /// Too many requests or attempts: retry after `Retry-After` seconds.
    TooManyRequests = "too_many_requests",
    // 422: the problem's own code; the fields carry theirs.
    /// Fields break rules: each is named in `errors`.
    ValidationFailed = "validation_failed",
    /// The CPAS's files would be over its quota: remove some, or ask for more.
    QuotaExceeded = "quota_exceeded",
    // 500, 503
    /// An unexpected failure (logged on the server).
    InternalError = "internal_error",
    /// The database is unreachable: retry after `Retry-After` seconds.
    ServiceUnavailable = "service_unavailable",
    /// The identity provider does not answer, or not as an OpenID provider (502).
    IdentityProviderUnavailable = "identity_provider_unavailable",

    // Codes of a field (`FieldError.code`).
    /// The field is missing or empty.
    Required = "required",
    /// The JSON value has the wrong type.
    InvalidType = "invalid_type",
    /// The value is not one the field accepts.
    InvalidValue = "invalid_value",
    /// The value is not among the allowed ones.
    UnknownValue = "unknown_value",
    /// The field is not one the operation reads.
    UnknownField = "unknown_field",
    /// A number outside the allowed range.
    OutOfRange = "out_of_range",
    /// A text over its maximum length.
    TooLong = "too_long",
    /// The issuer's discovery document could not be read, or does not describe an OpenID
    /// provider with this issuer.
    IssuerDiscoveryFailed = "issuer_discovery_failed",
    /// A text under its minimum length.
    TooShort = "too_short",
    /// A text holding a control character (NUL, escape…).
    ControlCharacters = "control_characters",
    /// Not a date `YYYY-MM-DD`.
    InvalidDate = "invalid_date",
    /// A date outside 1900-01-01 – 2999-12-31.
    DateOutOfRange = "date_out_of_range",
    /// An end date before the start.
    BeforeStart = "before_start",
    /// A date that must be in the future is not.
    InThePast = "in_the_past",
    /// Not an e-mail address.
    InvalidEmail = "invalid_email",
    /// Not a valid objective or action code.
    InvalidCode = "invalid_code",
    /// Not a valid slug (lowercase letters, digits and hyphens).
    InvalidSlug = "invalid_slug",
    /// Not an HTTPS URL without credentials.
    InvalidUrl = "invalid_url",
    /// The URL's host is not a public address.
    NotPublicAddress = "not_public_address",
    /// The field is not allowed in this case.
    NotAllowed = "not_allowed",
    /// A value named twice.
    Duplicate = "duplicate",
    /// Nothing to change.
    Empty = "empty",
    /// The objective is not an operational objective.
    NotOperational = "not_operational",
    /// The structure breaks a rule of the plan.
    InvalidStructure = "invalid_structure",
    /// Sub-actions sit under an action, one level only: not under a sub-action, and an
    /// action with sub-actions does not become one.
    SubActionLevel = "sub_action_level",
    /// The action's progress comes from its sub-actions: report on them (or the DG sets
    /// the progress by hand).
    ProgressFromSubActions = "progress_from_sub_actions",
    /// A referenced item does not exist here.
    UnknownReference = "unknown_reference",
    /// No such person or organisation in this CPAS to give a task to.
    UnknownAssignee = "unknown_assignee",
    /// A task is due within its plan's years.
    OutsidePlanYears = "outside_plan_years",
    /// No such organisation in this CPAS.
    UnknownOrganisation = "unknown_organisation",
    /// No such CPAS.
    UnknownTenant = "unknown_tenant",
    /// No such objective in this plan.
    UnknownObjective = "unknown_objective",
    /// No such indicator on this action.
    UnknownIndicator = "unknown_indicator",
    /// No such budget line on this action.
    UnknownBudgetLine = "unknown_budget_line",
    /// No such state to compare.
    UnknownState = "unknown_state",
    /// `replaces` names a proposal of the caller on another action.
    NotReplaceable = "not_replaceable",
    /// The current password is not correct.
    WrongPassword = "wrong_password",
    /// The new password is the current one.
    SamePassword = "same_password",
    /// The password is too easy to guess.
    WeakPassword = "weak_password",
    /// The password is one of the most used.
    TooCommon = "too_common",
    /// This `Idempotency-Key` was used for another request.
    IdempotencyKeyReused = "idempotency_key_reused",

    // Codes of a row of an imported file (`rows/<row>/<column>`).
    /// The file is neither UTF-8 text nor a workbook.
    NotUtf8 = "not_utf8",
    /// The file cannot be read.
    Unreadable = "unreadable",
    /// The XML file declares a DTD, or names an entity that is not one of XML's five:
    /// refused without being read (no external entity, no entity expansion).
    DtdRefused = "dtd_refused",
    /// A column of the interchange format is missing.
    MissingColumn = "missing_column",
    /// The level is not OS, OO, action or sous-action.
    InvalidLevel = "invalid_level",
    /// The volet is not interne or externe.
    InvalidVolet = "invalid_volet",
    /// The status is not one of the list.
    InvalidStatus = "invalid_status",
    /// The progress is not a number from 0 to 100.
    InvalidProgress = "invalid_progress",
    /// The text of a cell breaks a rule.
    InvalidText = "invalid_text",
    /// A code used twice in the file.
    DuplicateCode = "duplicate_code",
    /// The parent code is not in the file.
    UnknownParent = "unknown_parent",
    /// A row of this level has no parent.
    UnexpectedParent = "unexpected_parent",
    /// The parent is not of the level this row needs.
    WrongParent = "wrong_parent",
    /// The file has more rows than an import reads.
    TooManyRows = "too_many_rows",
    /// A row has more columns than an import reads.
    TooManyColumns = "too_many_columns",
    /// The file has more filled cells (or shared texts) than an import reads.
    TooManyCells = "too_many_cells",
    /// A cell holds more characters than an import reads.
    CellTooLong = "cell_too_long",
    /// The sheet's declared extent, or a cell, lies beyond the rows and columns read.
    SheetTooLarge = "sheet_too_large",
}

impl std::fmt::Display for ProblemCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl PartialEq<str> for ProblemCode {
    fn eq(&self, other: &str) -> bool {
        self.as_str() == other
    }
}

impl PartialEq<&str> for ProblemCode {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == *other
    }
}

#[cfg(test)]
mod tests {
    use super::ProblemCode;

    #[test]
    fn the_wire_text_of_each_code_is_its_serde_form() {
        for code in ProblemCode::ALL {
            let json = serde_json::to_string(code).expect("serialises");
            assert_eq!(json, format!("\"{}\"", code.as_str()));
            let back: ProblemCode = serde_json::from_str(&json).expect("deserialises");
            assert_eq!(back, *code);
        }
    }
}
