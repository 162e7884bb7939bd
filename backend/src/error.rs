//! The one error type of the API, answered as RFC 9457 problem details.

use actix_web::http::StatusCode;
use actix_web::http::header::{self, HeaderValue};
use actix_web::{HttpResponse, ResponseError};
use api_types::{FieldError, Problem, ProblemCode};

use crate::db::DbError;

/// Field errors listed in one answer; `total_errors` counts them all.
pub const MAX_LISTED_ERRORS: usize = 200;

/// Everything a handler can fail with. Each variant has one status and one stable `code`.
#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    /// The request is malformed (unparsable id, JSON, query string…).
    #[error("{detail}")]
    BadRequest { code: ProblemCode, detail: String },
    /// The request is well-formed but some fields are invalid.
    #[error("the request has invalid fields")]
    Validation(Vec<FieldError>),
    /// No valid credentials: missing, malformed, expired or revoked token, or a failed login.
    #[error("authentication required ({0})")]
    Unauthenticated(ProblemCode),
    /// A sign-in through an identity provider refused (401): the way back names no sign-in
    /// under way, the provider or its ID token failed, or the person has no account here.
    #[error("{detail}")]
    SignInRefused { code: ProblemCode, detail: String },
    /// Authenticated, but this actor may not do this.
    #[error("{0}")]
    Forbidden(&'static str),
    /// An API token that may not do this: the operation is for people only
    /// (`api_token_not_allowed`), or the token lacks its scope (`insufficient_scope`).
    #[error("{detail}")]
    TokenForbidden {
        code: ProblemCode,
        detail: &'static str,
    },
    /// The account must choose its own password before anything else (403
    /// `password_change_required`): see [`crate::app::RequestDb::run_as`].
    #[error(
        "this account's password was given to it: choose your own with PUT /api/v1/me/password \
         before anything else"
    )]
    PasswordChangeRequired,
    /// The person's CPAS requires a second sign-in step of their role and they have none:
    /// they enrol it before anything else (403).
    #[error(
        "your CPAS requires a second sign-in step: enrol an authenticator (POST \
         /api/v1/me/second-factor) before anything else"
    )]
    SecondFactorEnrolmentRequired,
    /// The request conflicts with the current state (a taken e-mail, a stale version…).
    #[error("{detail}")]
    Conflict { code: ProblemCode, detail: String },
    /// The author already has a pending proposal on the action (409): the one to replace
    /// (`replaces`) or withdraw.
    #[error(
        "you already have a pending proposal on this action ({pending}); send \"replaces\": \"{pending}\" to replace it, or withdraw it"
    )]
    ProposalPending { pending: uuid::Uuid },
    /// The resource changed since the version the request was based on (409).
    #[error("{detail}")]
    VersionConflict {
        detail: String,
        conflict: Option<Box<api_types::Conflict>>,
    },
    /// `If-Match` names another version than the current one (412).
    #[error("the resource changed since the version in If-Match; reload it")]
    PreconditionFailed,
    /// The edit names no version to check against (428).
    #[error("send If-Match (or the version in the body) to edit this resource")]
    PreconditionRequired,
    /// Too many attempts; the client may retry after the given number of seconds.
    #[error("too many attempts; retry in {retry_after} s")]
    TooManyRequests { retry_after: u64 },
    /// The body is larger than the server accepts.
    #[error("the request body is over {limit} bytes")]
    PayloadTooLarge { limit: usize },
    /// An uploaded file, or a part of it once inflated, is over a limit the detail names
    /// (413).
    #[error("{detail}")]
    FileTooLarge { detail: String },
    /// An uploaded file's content is not on the allowlist, or its name says another type
    /// (415).
    #[error("{detail}")]
    UnsupportedFileType { detail: String },
    /// The CPAS's files would be over its quota (422 `quota_exceeded`).
    #[error("{detail}")]
    QuotaExceeded { detail: String },
    /// The query string is longer than the server reads (414).
    #[error("the query string is over {limit} bytes")]
    UriTooLong { limit: usize },
    /// The resource does not exist (or is not visible to the caller).
    #[error("{resource} not found")]
    NotFound { resource: &'static str },
    /// An e-mail's unsubscribe link that the server did not sign (mistyped, cut, altered),
    /// or whose person is gone: it names no link (404 `invalid_unsubscribe_link`).
    #[error("this unsubscribe link is not valid; change your e-mail choices in \"Mon compte\"")]
    UnknownUnsubscribeLink,
    /// No route answers this path.
    #[error("no such route")]
    NoRoute,
    /// The route exists but not for this method.
    #[error("method not allowed")]
    MethodNotAllowed,
    /// The database cannot be reached right now; the client may retry.
    #[error("service unavailable: {0}")]
    Unavailable(String),
    /// An identity provider does not answer, or not as an OpenID provider (502).
    #[error("{detail}")]
    IdentityProviderUnavailable { detail: String },
    /// Anything unexpected. Logged with its cause chain, answered opaquely.
    #[error(transparent)]
    Internal(#[from] anyhow::Error),
}

/// An error and its causes on one line: "error sending request…: … : connection refused"
/// tells what went wrong, the first link alone (reqwest's own message) does not.
pub fn chain(error: &dyn std::error::Error) -> String {
    std::iter::successors(Some(error), |e| e.source())
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join(": ")
}

impl ApiError {
    pub fn bad_request(code: ProblemCode, detail: impl Into<String>) -> Self {
        Self::BadRequest {
            code,
            detail: detail.into(),
        }
    }

    /// One invalid field.
    pub fn invalid_field(
        field: impl Into<String>,
        code: ProblemCode,
        message: impl Into<String>,
    ) -> Self {
        Self::Validation(vec![FieldError {
            field: field.into(),
            code,
            message: message.into(),
        }])
    }

    /// The same answer, its fields named inside `item` (an item of a list: `tasks/3`).
    pub fn within(self, item: &str) -> Self {
        match self {
            Self::Validation(errors) => Self::Validation(
                errors
                    .into_iter()
                    .map(|error| FieldError {
                        field: if error.field.is_empty() {
                            item.to_owned()
                        } else {
                            format!("{item}/{}", error.field)
                        },
                        ..error
                    })
                    .collect(),
            ),
            other => other,
        }
    }

    /// The stable machine-readable code of the problem.
    pub fn code(&self) -> ProblemCode {
        use ProblemCode as C;
        match self {
            Self::BadRequest { code, .. }
            | Self::Conflict { code, .. }
            | Self::TokenForbidden { code, .. }
            | Self::SignInRefused { code, .. } => *code,
            Self::Unauthenticated(code) => *code,
            Self::Validation(_) => C::ValidationFailed,
            Self::Forbidden(_) => C::Forbidden,
            Self::PasswordChangeRequired => C::PasswordChangeRequired,
            Self::SecondFactorEnrolmentRequired => C::SecondFactorEnrolmentRequired,
            Self::VersionConflict { .. } => C::VersionConflict,
            Self::ProposalPending { .. } => C::ProposalAlreadyPending,
            Self::PreconditionFailed => C::PreconditionFailed,
            Self::PreconditionRequired => C::PreconditionRequired,
            Self::TooManyRequests { .. } => C::TooManyRequests,
            Self::PayloadTooLarge { .. } => C::PayloadTooLarge,
            Self::FileTooLarge { .. } => C::FileTooLarge,
            Self::UnsupportedFileType { .. } => C::UnsupportedFileType,
            Self::QuotaExceeded { .. } => C::QuotaExceeded,
            Self::UriTooLong { .. } => C::UriTooLong,
            Self::NotFound { .. } => C::NotFound,
            Self::UnknownUnsubscribeLink => C::InvalidUnsubscribeLink,
            Self::NoRoute => C::NoRoute,
            Self::MethodNotAllowed => C::MethodNotAllowed,
            Self::Unavailable(_) => C::ServiceUnavailable,
            Self::IdentityProviderUnavailable { .. } => C::IdentityProviderUnavailable,
            Self::Internal(_) => C::InternalError,
        }
    }

    fn title(&self) -> &'static str {
        match self {
            Self::BadRequest { .. } => "Bad request",
            Self::Validation(_) => "Invalid fields",
            Self::Unauthenticated(_) | Self::SignInRefused { .. } => "Unauthorized",
            Self::Forbidden(_)
            | Self::TokenForbidden { .. }
            | Self::PasswordChangeRequired
            | Self::SecondFactorEnrolmentRequired => "Forbidden",
            Self::Conflict { .. } | Self::VersionConflict { .. } | Self::ProposalPending { .. } => {
                "Conflict"
            }
            Self::PreconditionFailed => "Precondition failed",
            Self::PreconditionRequired => "Precondition required",
            Self::TooManyRequests { .. } => "Too many requests",
            Self::PayloadTooLarge { .. } => "Request body too large",
            Self::FileTooLarge { .. } => "File too large",
            Self::UnsupportedFileType { .. } => "Unsupported file type",
            Self::QuotaExceeded { .. } => "Quota exceeded",
            Self::UriTooLong { .. } => "URI too long",
            Self::NotFound { .. } | Self::UnknownUnsubscribeLink | Self::NoRoute => "Not found",
            Self::MethodNotAllowed => "Method not allowed",
            Self::Unavailable(_) => "Service unavailable",
            Self::IdentityProviderUnavailable { .. } => "Bad gateway",
            Self::Internal(_) => "Internal server error",
        }
    }

    /// The problem document of this error.
    pub fn problem(&self) -> Problem {
        let detail = match self {
            // Never leak internals; the log has the cause.
            Self::Internal(_) => None,
            Self::Unavailable(_) => {
                Some("The database is unreachable; try again in a moment.".to_owned())
            }
            other => Some(other.to_string()),
        };
        Problem {
            type_uri: "about:blank".to_owned(),
            title: self.title().to_owned(),
            status: self.status_code().as_u16(),
            detail,
            code: self.code(),
            // A file can have thousands of problems: the first ones tell what to fix.
            errors: match self {
                Self::Validation(errors) => {
                    errors.iter().take(MAX_LISTED_ERRORS).cloned().collect()
                }
                _ => Vec::new(),
            },
            total_errors: match self {
                Self::Validation(errors) if errors.len() > MAX_LISTED_ERRORS => Some(errors.len()),
                _ => None,
            },
            conflict: match self {
                Self::VersionConflict { conflict, .. } => conflict.as_deref().cloned(),
                _ => None,
            },
            pending_change_request_id: match self {
                Self::ProposalPending { pending } => Some(*pending),
                _ => None,
            },
        }
    }
}

impl ResponseError for ApiError {
    fn status_code(&self) -> StatusCode {
        match self {
            Self::BadRequest { .. } => StatusCode::BAD_REQUEST,
            Self::Validation(_) => StatusCode::UNPROCESSABLE_ENTITY,
            Self::Unauthenticated(_) | Self::SignInRefused { .. } => StatusCode::UNAUTHORIZED,
            Self::Forbidden(_)
            | Self::TokenForbidden { .. }
            | Self::PasswordChangeRequired
            | Self::SecondFactorEnrolmentRequired => StatusCode::FORBIDDEN,
            Self::Conflict { .. } | Self::VersionConflict { .. } | Self::ProposalPending { .. } => {
                StatusCode::CONFLICT
            }
            Self::PreconditionFailed => StatusCode::PRECONDITION_FAILED,
            Self::PreconditionRequired => StatusCode::PRECONDITION_REQUIRED,
            Self::TooManyRequests { .. } => StatusCode::TOO_MANY_REQUESTS,
            Self::PayloadTooLarge { .. } | Self::FileTooLarge { .. } => {
                StatusCode::PAYLOAD_TOO_LARGE
            }
            Self::UriTooLong { .. } => StatusCode::URI_TOO_LONG,
            Self::UnsupportedFileType { .. } => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            Self::QuotaExceeded { .. } => StatusCode::UNPROCESSABLE_ENTITY,
            Self::NotFound { .. } | Self::UnknownUnsubscribeLink | Self::NoRoute => {
                StatusCode::NOT_FOUND
            }
            Self::MethodNotAllowed => StatusCode::METHOD_NOT_ALLOWED,
            Self::Unavailable(_) => StatusCode::SERVICE_UNAVAILABLE,
            Self::IdentityProviderUnavailable { .. } => StatusCode::BAD_GATEWAY,
            Self::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    fn error_response(&self) -> HttpResponse {
        match self {
            Self::Internal(cause) => tracing::error!(error = ?cause, "internal error"),
            Self::Unavailable(cause) => tracing::warn!(%cause, "database unavailable"),
            Self::IdentityProviderUnavailable { detail } => {
                tracing::warn!(%detail, "identity provider unavailable");
            }
            _ => {}
        }
        let mut response = HttpResponse::build(self.status_code());
        response.insert_header((
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/problem+json"),
        ));
        match self {
            Self::Unavailable(_) => {
                response.insert_header((header::RETRY_AFTER, HeaderValue::from_static("2")));
            }
            Self::TooManyRequests { retry_after } => {
                response.insert_header((header::RETRY_AFTER, retry_after.to_string()));
            }
            Self::Unauthenticated(code) => {
                // RFC 6750: tell the client which scheme, and whether the token was the issue.
                let challenge = match code {
                    ProblemCode::MissingToken | ProblemCode::InvalidCredentials => {
                        "Bearer realm=\"pst\"".to_owned()
                    }
                    other => format!(
                        "Bearer realm=\"pst\", error=\"invalid_token\", error_description=\"{other}\""
                    ),
                };
                response.insert_header((header::WWW_AUTHENTICATE, challenge));
            }
            Self::SignInRefused { .. } => {
                response.insert_header((
                    header::WWW_AUTHENTICATE,
                    HeaderValue::from_static("Bearer realm=\"pst\""),
                ));
            }
            Self::TokenForbidden {
                code: ProblemCode::InsufficientScope,
                ..
            } => {
                // RFC 6750 §3.1: the token is good, its scope is not enough.
                response.insert_header((
                    header::WWW_AUTHENTICATE,
                    HeaderValue::from_static("Bearer realm=\"pst\", error=\"insufficient_scope\""),
                ));
            }
            _ => {}
        }
        response.json(self.problem())
    }
}

/// How a refused constraint is answered.
#[derive(Debug, Clone, Copy)]
pub enum Refusal {
    /// 409: the value is taken, or the state forbids the change.
    Conflict {
        code: ProblemCode,
        detail: &'static str,
    },
    /// 422 on one field. Without a `message`, the database's own (the triggers of
    /// `migrations/` raise sentences written for people).
    Field {
        field: &'static str,
        code: ProblemCode,
        message: Option<&'static str>,
    },
}

/// Every constraint of `migrations/` whose refusal a client can act on, and its answer.
/// A constraint not listed is a server fault (500): the use case should have checked
/// before writing. `tests/api/errors.rs` checks that each name exists in the schema.
pub const CONSTRAINT_REFUSALS: &[(&str, Refusal)] = &[
    (
        "reporting_periods_one_open",
        Refusal::Conflict {
            code: ProblemCode::PeriodAlreadyOpen,
            detail: "a reporting period of this plan is open: close it before opening the next",
        },
    ),
    (
        "reporting_periods_label_unique",
        Refusal::Conflict {
            code: ProblemCode::NameTaken,
            detail: "this plan already has a reporting period of this name",
        },
    ),
    (
        "reporting_periods_order",
        Refusal::Field {
            field: "ends_on",
            code: ProblemCode::BeforeStart,
            message: Some("the period ends before it starts"),
        },
    ),
    (
        "reporting_periods_deadline",
        Refusal::Field {
            field: "deadline",
            code: ProblemCode::BeforeStart,
            message: Some("the deadline comes before the period starts"),
        },
    ),
    (
        "tenants_period_reminder_days_before_check",
        Refusal::Field {
            field: "reminder_days_before",
            code: ProblemCode::OutOfRange,
            message: Some("from 0 to 60 days"),
        },
    ),
    (
        "tenants_period_reminder_days_after_check",
        Refusal::Field {
            field: "reminder_days_after",
            code: ProblemCode::OutOfRange,
            message: Some("from 0 to 60 days"),
        },
    ),
    (
        "sectoral_plans_name_idx",
        Refusal::Conflict {
            code: ProblemCode::NameTaken,
            detail: "the CPAS already has a sectoral plan of this name",
        },
    ),
    (
        "objectives_code_unique",
        Refusal::Conflict {
            code: ProblemCode::CodeTaken,
            detail: "another objective or action of this plan already has this code",
        },
    ),
    (
        "actions_code_unique",
        Refusal::Conflict {
            code: ProblemCode::CodeTaken,
            detail: "another objective or action of this plan already has this code",
        },
    ),
    (
        "objectives_parent_strategic",
        Refusal::Field {
            field: "parent_id",
            code: ProblemCode::InvalidStructure,
            message: None,
        },
    ),
    (
        "actions_objective_operational",
        Refusal::Field {
            field: "objective_id",
            code: ProblemCode::InvalidStructure,
            message: None,
        },
    ),
    // Sub-actions (migration `…_sub_actions`): `app::structure` checks the level first.
    (
        "actions_parent_fk",
        Refusal::Conflict {
            code: ProblemCode::HasSubActions,
            detail: "this action has sub-actions: delete them first, or archive the action",
        },
    ),
    (
        "actions_sub_action_level",
        Refusal::Field {
            field: "parent_id",
            code: ProblemCode::SubActionLevel,
            message: None,
        },
    ),
    (
        "actions_weight_check",
        Refusal::Field {
            field: "weight",
            code: ProblemCode::OutOfRange,
            message: Some("between 1 and 100"),
        },
    ),
    // Tasks (migration `…_tasks`): references of another CPAS are not found by the composite
    // keys; the due date's rule on the plan's years is the trigger's.
    (
        "tasks_action_fk",
        Refusal::Field {
            field: "action_id",
            code: ProblemCode::UnknownReference,
            message: Some("no such action in this CPAS"),
        },
    ),
    (
        "tasks_assignee_user_fk",
        Refusal::Field {
            field: "assignee",
            code: ProblemCode::UnknownAssignee,
            message: Some("no such person in this CPAS"),
        },
    ),
    (
        "tasks_assignee_organisation_fk",
        Refusal::Field {
            field: "assignee",
            code: ProblemCode::UnknownAssignee,
            message: Some("no such organisation in this CPAS"),
        },
    ),
    (
        "tasks_due_in_plan",
        Refusal::Field {
            field: "due_on",
            code: ProblemCode::OutsidePlanYears,
            message: None,
        },
    ),
    // Responsibles and objectives' dates (migration `…_responsibles_dates`): another CPAS's
    // person is not found by the composite keys; an objective's dates are in order.
    (
        "objectives_responsible_fk",
        Refusal::Field {
            field: "responsible_user_id",
            code: ProblemCode::UnknownReference,
            message: Some("no such person in this CPAS"),
        },
    ),
    (
        "actions_responsible_fk",
        Refusal::Field {
            field: "responsible_user_id",
            code: ProblemCode::UnknownReference,
            message: Some("no such person in this CPAS"),
        },
    ),
    // Mandataires' accounts (migration `…_political_lead_account`): the same composite keys.
    (
        "objectives_political_lead_user_fk",
        Refusal::Field {
            field: "political_lead_user_id",
            code: ProblemCode::UnknownReference,
            message: Some("no such person in this CPAS"),
        },
    ),
    (
        "actions_political_lead_user_fk",
        Refusal::Field {
            field: "political_lead_user_id",
            code: ProblemCode::UnknownReference,
            message: Some("no such person in this CPAS"),
        },
    ),
    (
        "objectives_dates_order",
        Refusal::Field {
            field: "planned_end",
            code: ProblemCode::BeforeStart,
            message: Some("the planned end comes before the planned start"),
        },
    ),
    // The plan structure's values and references (`app::structure` checks what it can
    // first; these answer what only the schema knows, e.g. an objective of another plan).
    (
        "plans_check",
        Refusal::Field {
            field: "",
            code: ProblemCode::InvalidStructure,
            message: None,
        },
    ),
    (
        "plans_start_year_check",
        Refusal::Field {
            field: "",
            code: ProblemCode::InvalidStructure,
            message: None,
        },
    ),
    (
        "plans_end_year_check",
        Refusal::Field {
            field: "",
            code: ProblemCode::InvalidStructure,
            message: None,
        },
    ),
    (
        "plans_title_check",
        Refusal::Field {
            field: "",
            code: ProblemCode::InvalidStructure,
            message: None,
        },
    ),
    (
        "objectives_check",
        Refusal::Field {
            field: "",
            code: ProblemCode::InvalidStructure,
            message: None,
        },
    ),
    (
        "objectives_code_check",
        Refusal::Field {
            field: "",
            code: ProblemCode::InvalidStructure,
            message: None,
        },
    ),
    (
        "objectives_title_check",
        Refusal::Field {
            field: "",
            code: ProblemCode::InvalidStructure,
            message: None,
        },
    ),
    (
        "actions_code_check",
        Refusal::Field {
            field: "",
            code: ProblemCode::InvalidStructure,
            message: None,
        },
    ),
    (
        "actions_title_check",
        Refusal::Field {
            field: "",
            code: ProblemCode::InvalidStructure,
            message: None,
        },
    ),
    (
        "actions_description_check",
        Refusal::Field {
            field: "",
            code: ProblemCode::InvalidStructure,
            message: None,
        },
    ),
    (
        "actions_reservation_check",
        Refusal::Field {
            field: "",
            code: ProblemCode::InvalidStructure,
            message: None,
        },
    ),
    (
        "plans_tenant_id_fkey",
        Refusal::Field {
            field: "",
            code: ProblemCode::UnknownReference,
            message: Some("a referenced item is not in this plan"),
        },
    ),
    (
        "objectives_tenant_id_plan_id_fkey",
        Refusal::Field {
            field: "",
            code: ProblemCode::UnknownReference,
            message: Some("a referenced item is not in this plan"),
        },
    ),
    (
        "objectives_tenant_id_plan_id_parent_id_fkey",
        Refusal::Field {
            field: "",
            code: ProblemCode::UnknownReference,
            message: Some("a referenced item is not in this plan"),
        },
    ),
    (
        "actions_tenant_id_plan_id_fkey",
        Refusal::Field {
            field: "",
            code: ProblemCode::UnknownReference,
            message: Some("a referenced item is not in this plan"),
        },
    ),
    (
        "actions_tenant_id_plan_id_objective_id_fkey",
        Refusal::Field {
            field: "",
            code: ProblemCode::UnknownReference,
            message: Some("a referenced item is not in this plan"),
        },
    ),
    (
        "opinion_objectives_tenant_id_plan_id_objective_id_fkey",
        Refusal::Field {
            field: "objective_ids",
            code: ProblemCode::UnknownObjective,
            message: Some("every objective must belong to the plan"),
        },
    ),
    (
        "opinion_objectives_pkey",
        Refusal::Field {
            field: "objective_ids",
            code: ProblemCode::Duplicate,
            message: Some("an objective is named twice"),
        },
    ),
    (
        "identity_providers_tenant_id_label_key",
        Refusal::Conflict {
            code: ProblemCode::NameTaken,
            detail: "this CPAS already has an identity provider of that name",
        },
    ),
    (
        // The organisation of the accounts made at a first sign-in must be one of the
        // provider's CPAS.
        "identity_providers_tenant_id_new_account_organisation_id_fkey",
        Refusal::Field {
            field: "new_account_organisation_id",
            code: ProblemCode::UnknownOrganisation,
            message: Some("no such organisation in this CPAS"),
        },
    ),
    (
        // Platform administrators are never made at a sign-in.
        "identity_providers_new_account_role_check",
        Refusal::Field {
            field: "new_account_role",
            code: ProblemCode::NotAllowed,
            message: Some("platform administrators are never made at a sign-in"),
        },
    ),
    (
        "identity_providers_partner_organisation",
        Refusal::Field {
            field: "new_account_organisation_id",
            code: ProblemCode::Required,
            message: Some("partners made at a first sign-in need their organisation"),
        },
    ),
    (
        "identity_providers_new_account_domain",
        Refusal::Field {
            field: "new_account_domain",
            code: ProblemCode::Required,
            message: Some("accounts are made at a first sign-in only for an e-mail domain"),
        },
    ),
    (
        "organisations_tenant_id_name_key",
        Refusal::Conflict {
            code: ProblemCode::NameTaken,
            detail: "this CPAS already has an organisation of that name",
        },
    ),
    (
        "tenants_slug_key",
        Refusal::Conflict {
            code: ProblemCode::SlugTaken,
            detail: "a CPAS with this slug already exists",
        },
    ),
    (
        "plan_versions_deliberation_check",
        Refusal::Field {
            field: "deliberation",
            code: ProblemCode::TooLong,
            message: Some("at most 200 characters"),
        },
    ),
    (
        "users_email_unique",
        Refusal::Conflict {
            code: ProblemCode::EmailTaken,
            detail: "an account with this e-mail already exists",
        },
    ),
    (
        // An account's organisation must be one of its CPAS.
        "users_tenant_id_organisation_id_fkey",
        Refusal::Field {
            field: "organisation_id",
            code: ProblemCode::UnknownOrganisation,
            message: Some("no such organisation in this CPAS"),
        },
    ),
    (
        // A new account in a CPAS that does not exist: answered like its organisation,
        // as ever.
        "users_tenant_id_fkey",
        Refusal::Field {
            field: "organisation_id",
            code: ProblemCode::UnknownOrganisation,
            message: Some("no such organisation in this CPAS"),
        },
    ),
    (
        // CHECK (role <> 'partner' OR organisation_id IS NOT NULL), the second unnamed
        // CHECK of `users`.
        "users_check1",
        Refusal::Field {
            field: "organisation_id",
            code: ProblemCode::Required,
            message: Some("partners must belong to an organisation"),
        },
    ),
];

/// The answer to a refused constraint, from [`CONSTRAINT_REFUSALS`].
fn refusal(constraint: &str, message: &str) -> Option<ApiError> {
    let (_, refusal) = CONSTRAINT_REFUSALS
        .iter()
        .find(|(name, _)| *name == constraint)?;
    Some(match *refusal {
        Refusal::Conflict { code, detail } => ApiError::Conflict {
            code,
            detail: detail.to_owned(),
        },
        Refusal::Field {
            field,
            code,
            message: ours,
        } => ApiError::invalid_field(field, code, ours.unwrap_or(message)),
    })
}

/// The one translation of data access errors into answers.
impl From<DbError> for ApiError {
    fn from(error: DbError) -> Self {
        match error {
            DbError::NotFound(resource) => Self::NotFound { resource },
            DbError::Unavailable(cause) => Self::Unavailable(cause),
            DbError::Constraint {
                kind,
                constraint,
                message,
            } => refusal(&constraint, &message).unwrap_or_else(|| {
                Self::Internal(anyhow::anyhow!(
                    "{kind:?} on {constraint}, which has no answer: {message}"
                ))
            }),
            DbError::Internal(cause) => Self::Internal(cause),
        }
    }
}

/// Diesel's `transaction`, which the use cases open, needs its error to take diesel's own;
/// it goes through the same translation.
impl From<diesel::result::Error> for ApiError {
    fn from(error: diesel::result::Error) -> Self {
        DbError::from(error).into()
    }
}
