//! The language of the interface: French by default, Dutch and English. The texts live in
//! `frontend/locales/{fr,nl,en}.json`; leptos_i18n's build step turns them into typed keys,
//! so a key missing in one language fails the build. The choice is remembered in the
//! browser's local storage and set on `<html lang>`.

use std::cell::Cell;

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

/// The message of an API field error code in the current language; `None` keeps the
/// server's own text.
pub fn field_error(code: &str) -> Option<&'static str> {
    // The server explains a weak password in French, with the precise reason: better than
    // the general sentence for French readers.
    if code == "weak_password" && current() == Locale::fr {
        return None;
    }
    Some(match code {
        "weak_password" => tr!(error_weak_password),
        "too_common" => tr!(error_too_common),
        "not_public_address" => tr!(error_not_public_address),
        "required" => tr!(error_required),
        "out_of_range" => tr!(error_out_of_range),
        "invalid_date" => tr!(error_invalid_date),
        "date_out_of_range" => tr!(error_date_out_of_range),
        "control_characters" => tr!(error_control_characters),
        "invalid_type" | "invalid_value" => tr!(error_invalid_value),
        "unknown_value" => tr!(error_unknown_value),
        "before_start" => tr!(error_before_start),
        "too_long" => tr!(error_too_long),
        _ => return None,
    })
}
