//! The language of the interface: French by default, Dutch and English. The texts live in
//! `frontend/locales/{fr,nl,en}.json`; leptos_i18n's build step turns them into typed keys,
//! so a key missing in one language fails the build. The choice is remembered in the
//! browser's local storage and set on `<html lang>`.

use std::cell::Cell;

use api_types::ProblemCode;
use leptos::prelude::*;

use leptos_i18n::Locale as _;

use crate::i18n::Locale;

const STORAGE_KEY: &str = "pst.locale";

thread_local! {
    static CURRENT: Cell<Locale> = Cell::new(stored().unwrap_or(Locale::fr));
}

/// The language texts are read in now (see `tr!`).
pub fn current() -> Locale {
    CURRENT.with(Cell::get)
}

fn storage() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok()?
}

fn stored() -> Option<Locale> {
    let code = storage()?.get_item(STORAGE_KEY).ok()??;
    Locale::get_all()
        .iter()
        .copied()
        .find(|l| l.as_str() == code)
}

fn set_html_lang(locale: Locale) {
    if let Some(root) = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.document_element())
    {
        let _ = root.set_attribute("lang", locale.as_str());
    }
}

/// The language signal: the app renders again when it changes.
#[derive(Debug, Clone, Copy)]
pub struct LocaleContext(pub RwSignal<Locale>);

impl LocaleContext {
    pub fn provide() -> Self {
        set_html_lang(current());
        let context = Self(RwSignal::new(current()));
        provide_context(context);
        context
    }

    /// Switches the language and remembers it.
    pub fn set(self, locale: Locale) {
        CURRENT.with(|c| c.set(locale));
        if let Some(storage) = storage() {
            let _ = storage.set_item(STORAGE_KEY, locale.as_str());
        }
        set_html_lang(locale);
        self.0.set(locale);
    }
}

/// `url` asking for the current language (`lang=`): the documents the server writes (the
/// report, the exports, the public page) follow the language chosen here, which may not be
/// the browser's.
pub fn document_url(url: &str) -> String {
    let separator = if url.contains('?') { '&' } else { '?' };
    format!("{url}{separator}lang={}", current().as_str())
}

/// The message of an API problem or field-error code in the current language. Exhaustive
/// on purpose: a code added to [`ProblemCode`] without a translation does not compile.
pub fn problem_message(code: ProblemCode) -> &'static str {
    use ProblemCode as C;
    match code {
        C::InvalidPath => tr!(problem_bad_request),
        C::InvalidQuery => tr!(problem_bad_request),
        C::InvalidJson => tr!(problem_bad_request),
        C::InvalidIfMatch => tr!(problem_bad_request),
        C::InvalidIdempotencyKey => tr!(problem_bad_request),
        C::UnsupportedLanguage => tr!(problem_unsupported_language),
        C::MissingToken => tr!(problem_missing_token),
        C::InvalidToken => tr!(problem_session_ended),
        C::TokenExpired => tr!(problem_session_ended),
        C::TokenStale => tr!(problem_session_ended),
        C::TokenRevoked => tr!(problem_token_revoked),
        C::SessionRevoked => tr!(problem_session_ended),
        C::InvalidCredentials => tr!(problem_invalid_credentials),
        C::AccountDeactivated => tr!(problem_account_deactivated),
        C::InvalidRefreshToken => tr!(problem_session_ended),
        C::RefreshTokenReused => tr!(problem_session_ended),
        C::Forbidden => tr!(problem_forbidden),
        C::InsufficientScope => tr!(problem_insufficient_scope),
        C::ApiTokenNotAllowed => tr!(problem_api_token_not_allowed),
        C::PasswordChangeRequired => tr!(problem_password_change_required),
        C::NotFound => tr!(problem_not_found),
        C::NoRoute => tr!(problem_no_route),
        C::MethodNotAllowed => tr!(problem_no_route),
        C::VersionConflict => tr!(problem_version_conflict),
        C::NisCodeMissing => tr!(problem_nis_code_missing),
        C::EditWindowClosed => tr!(problem_edit_window_closed),
        C::UnsupportedFileType => tr!(problem_unsupported_file_type),
        C::QuotaExceeded => tr!(problem_quota_exceeded),
        C::StaleVersion => tr!(problem_version_conflict),
        C::AlreadyDecided => tr!(problem_already_decided),
        C::ProposalAlreadyPending => tr!(problem_proposal_already_pending),
        C::InvalidTransition => tr!(problem_invalid_transition),
        C::NotAdopted => tr!(problem_not_adopted),
        C::EvaluationExists => tr!(problem_evaluation_exists),
        C::PeriodAlreadyOpen => tr!(problem_period_already_open),
        C::PeriodClosed => tr!(problem_period_closed),
        C::PeriodNotClosed => tr!(problem_period_not_closed),
        C::InvalidUnsubscribeLink => tr!(problem_invalid_unsubscribe_link),
        C::UnsubscribeLinkUsed => tr!(problem_unsubscribe_link_used),
        C::InvalidSignInState => tr!(problem_invalid_sign_in_state),
        C::IdentityProviderRefused => tr!(problem_identity_provider_refused),
        C::NoAccountForIdentity => tr!(problem_no_account_for_identity),
        C::IdentityProviderUnavailable => tr!(problem_identity_provider_unavailable),
        C::IssuerDiscoveryFailed => tr!(problem_issuer_discovery_failed),
        C::SecondFactorRequired => tr!(problem_second_factor_required),
        C::InvalidSecondFactorCode => tr!(problem_invalid_second_factor_code),
        C::SecondFactorEnrolmentRequired => tr!(problem_second_factor_enrolment_required),
        C::SecondFactorEnabled => tr!(problem_second_factor_enabled),
        C::SecondFactorMandatory => tr!(problem_second_factor_mandatory),
        C::HasHistory => tr!(problem_has_history),
        C::HasSubActions => tr!(problem_has_sub_actions),
        C::NotEmpty => tr!(problem_not_empty),
        C::EmailTaken => tr!(problem_email_taken),
        C::NameTaken => tr!(problem_name_taken),
        C::CodeTaken => tr!(problem_code_taken),
        C::SlugTaken => tr!(problem_slug_taken),
        C::IdempotencyInProgress => tr!(problem_idempotency_in_progress),
        C::PreconditionFailed => tr!(problem_version_conflict),
        C::PreconditionRequired => tr!(problem_precondition_required),
        C::PayloadTooLarge => tr!(problem_payload_too_large),
        C::FileTooLarge => tr!(problem_file_too_large),
        C::UriTooLong => tr!(problem_uri_too_long),
        C::TooManyRequests => tr!(problem_too_many_requests),
        C::ValidationFailed => tr!(problem_validation_failed),
        C::InternalError => tr!(problem_internal_error),
        C::ServiceUnavailable => tr!(problem_service_unavailable),
        C::Required => tr!(error_required),
        C::InvalidType => tr!(error_invalid_value),
        C::InvalidValue => tr!(error_invalid_value),
        C::UnknownValue => tr!(error_unknown_value),
        C::UnknownField => tr!(problem_unknown_field),
        C::OutOfRange => tr!(error_out_of_range),
        C::TooLong => tr!(error_too_long),
        C::TooShort => tr!(problem_too_short),
        C::ControlCharacters => tr!(error_control_characters),
        C::InvalidDate => tr!(error_invalid_date),
        C::DateOutOfRange => tr!(error_date_out_of_range),
        C::BeforeStart => tr!(error_before_start),
        C::InThePast => tr!(problem_in_the_past),
        C::InvalidEmail => tr!(problem_invalid_email),
        C::InvalidCode => tr!(problem_invalid_code),
        C::InvalidSlug => tr!(problem_invalid_slug),
        C::InvalidUrl => tr!(problem_invalid_url),
        C::NotPublicAddress => tr!(error_not_public_address),
        C::NotAllowed => tr!(problem_not_allowed),
        C::Duplicate => tr!(problem_duplicate),
        C::Empty => tr!(problem_empty),
        C::NotOperational => tr!(problem_not_operational),
        C::InvalidStructure => tr!(problem_invalid_structure),
        C::SubActionLevel => tr!(problem_sub_action_level),
        C::UnknownAssignee => tr!(problem_unknown_assignee),
        C::OutsidePlanYears => tr!(problem_outside_plan_years),
        C::ProgressFromSubActions => tr!(problem_progress_from_sub_actions),
        C::UnknownReference => tr!(problem_unknown_reference),
        C::UnknownOrganisation => tr!(problem_unknown_reference),
        C::UnknownTenant => tr!(problem_unknown_reference),
        C::UnknownObjective => tr!(problem_unknown_reference),
        C::UnknownIndicator => tr!(problem_unknown_reference),
        C::UnknownBudgetLine => tr!(problem_unknown_reference),
        C::UnknownState => tr!(problem_unknown_reference),
        C::NotReplaceable => tr!(problem_not_replaceable),
        C::WrongPassword => tr!(problem_wrong_password),
        C::SamePassword => tr!(problem_same_password),
        C::WeakPassword => tr!(error_weak_password),
        C::TooCommon => tr!(error_too_common),
        C::IdempotencyKeyReused => tr!(problem_idempotency_key_reused),
        C::NotUtf8 => tr!(problem_import_row),
        C::Unreadable => tr!(problem_import_row),
        C::DtdRefused => tr!(problem_dtd_refused),
        C::MissingColumn => tr!(problem_import_row),
        C::InvalidLevel => tr!(problem_import_row),
        C::InvalidVolet => tr!(problem_import_row),
        C::InvalidStatus => tr!(problem_import_row),
        C::InvalidProgress => tr!(problem_import_row),
        C::InvalidText => tr!(problem_import_row),
        C::DuplicateCode => tr!(problem_import_row),
        C::UnknownParent => tr!(problem_import_row),
        C::UnexpectedParent => tr!(problem_import_row),
        C::WrongParent => tr!(problem_import_row),
        C::TooManyRows
        | C::TooManyColumns
        | C::TooManyCells
        | C::CellTooLong
        | C::SheetTooLarge => tr!(problem_import_limit),
    }
}

/// The message of a field error for a person: the server's own French explanation of a
/// weak password (it names the precise reason) for French readers, the translation of the
/// code otherwise.
pub fn field_error_message(error: &api_types::FieldError) -> String {
    if error.code == ProblemCode::WeakPassword && current() == Locale::fr {
        error.message.clone()
    } else {
        problem_message(error.code).to_owned()
    }
}
