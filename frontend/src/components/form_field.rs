//! The fields of the managers' forms: a label, the input, what the field accepts (its
//! limits, shown before anyone gets them wrong) and the app's own error message, linked to
//! the input for screen readers. The forms are `novalidate`: the browser's bubbles are in
//! the browser's language and say nothing of our limits.

use std::cell::RefCell;

use leptos::prelude::*;

thread_local! {
    /// A confirmation waiting for the page to be drawn again: a saved form is drawn anew
    /// from the saved data, and would forget it.
    static NOTICE: RefCell<Option<(&'static str, String)>> = const { RefCell::new(None) };
}

/// Keeps `text` for the form `area` (`action`, `indicators`, `budget`) until it is drawn again.
pub fn notice_after_reload(area: &'static str, text: &str) {
    NOTICE.with(|n| *n.borrow_mut() = Some((area, text.to_owned())));
}

/// The confirmation kept for `area`, once.
pub fn take_notice(area: &'static str) -> Option<String> {
    NOTICE.with(|n| {
        let mut kept = n.borrow_mut();
        match kept.as_ref() {
            Some((a, _)) if *a == area => kept.take().map(|(_, text)| text),
            _ => None,
        }
    })
}

/// The errors of a form, by field name (`progress`, `planned_end`, `name`…).
#[derive(Clone, Copy)]
pub struct FieldErrors(pub RwSignal<Vec<(String, String)>>);

impl FieldErrors {
    pub fn new() -> Self {
        Self(RwSignal::new(Vec::new()))
    }

    /// The error of one field, as a signal for its view.
    pub fn of(self, field: &'static str) -> Signal<Option<String>> {
        Signal::derive(move || {
            self.0
                .with(|all| all.iter().find(|(f, _)| f == field).map(|(_, m)| m.clone()))
        })
    }

    pub fn set(self, errors: Vec<(String, String)>) {
        self.0.set(errors);
    }

    /// What a refused save says: the API's field errors go under their fields and the
    /// message asks to correct them; otherwise the API's message.
    pub fn refusal(self, failure: crate::api::ApiFailure) -> String {
        if self.set_from_problem(&failure) {
            tr!(fix_fields).to_owned()
        } else {
            failure.message
        }
    }

    /// The API's field errors (`changes/progress` is shown under `progress`).
    pub fn set_from_problem(self, failure: &crate::api::ApiFailure) -> bool {
        let errors: Vec<(String, String)> = failure
            .problem
            .iter()
            .flat_map(|p| &p.errors)
            .map(|e| {
                let field = e.field.strip_prefix("changes/").unwrap_or(&e.field);
                (field.to_owned(), crate::locale::field_error_message(e))
            })
            .collect();
        let any = !errors.is_empty();
        self.0.set(errors);
        any
    }
}

/// A form's outcome: `(saved, text)`, shown by [`FormStatus`].
pub type FormMessage = RwSignal<Option<(bool, String)>>;

/// A form's status line: announced (`role="status"`), focusable so that the outcome is
/// read where it is shown, styled as a success or an error, empty otherwise.
#[component]
pub fn FormStatus(id: &'static str, message: FormMessage) -> impl IntoView {
    view! {
        <p id=id tabindex="-1" role="status"
            class=move || match message.get() {
                Some((true, _)) => "notice success",
                Some((false, _)) => "notice error",
                None => "sr-status",
            }>
            {move || message.get().map(|(_, text)| text)}
        </p>
    }
}

/// Where a manager's editor on the action page shows what became of a save.
#[derive(Clone, Copy)]
pub struct SaveOutcome {
    /// The editor's name for the confirmation kept across the reload (`indicators`…).
    pub area: &'static str,
    /// The id of its [`FormStatus`].
    pub status_id: &'static str,
    pub errors: FieldErrors,
    pub message: FormMessage,
    /// Reloads the action, which draws the editor anew.
    pub on_changed: Callback<()>,
}

impl SaveOutcome {
    /// Saved: the confirmation waits for the editor drawn anew with the reloaded action.
    /// Refused: the reasons, under the fields and in the status line, which takes the focus.
    pub fn show(self, result: Result<(), crate::api::ApiFailure>, saved: &'static str) {
        match result {
            Ok(()) => {
                notice_after_reload(self.area, saved);
                self.on_changed.run(());
            }
            Err(failure) => {
                self.message
                    .set(Some((false, self.errors.refusal(failure))));
                focus_later(self.status_id);
            }
        }
    }
}

/// One input. `kind` is the input's type (`text`, `date`, `number`); `hint` states the limits.
#[component]
pub fn InputField(
    id: String,
    label: String,
    kind: &'static str,
    value: RwSignal<String>,
    error: Signal<Option<String>>,
    #[prop(optional)] hint: Option<String>,
    #[prop(optional)] decimal: bool,
) -> impl IntoView {
    let (hint_id, error_id) = (format!("{id}-hint"), format!("{id}-error"));
    let described = if hint.is_some() {
        format!("{hint_id} {error_id}")
    } else {
        error_id.clone()
    };
    view! {
        <div class="field">
            <label for=id.clone()>{label}</label>
            <input type=kind id=id prop:value=value
                inputmode=decimal.then_some("decimal")
                aria-invalid=move || error.with(Option::is_some).to_string()
                aria-describedby=described
                on:input=move |ev| value.set(event_target_value(&ev))/>
            {hint.map(|h| view! { <p class="hint" id=hint_id>{h}</p> })}
            <p class="field-error" id=error_id aria-live="polite">{move || error.get()}</p>
        </div>
    }
}

/// A multi-line text with its counter against `max` characters.
#[component]
pub fn TextAreaField(
    id: String,
    label: String,
    value: RwSignal<String>,
    max: usize,
    error: Signal<Option<String>>,
) -> impl IntoView {
    let (count_id, error_id) = (format!("{id}-count"), format!("{id}-error"));
    let described = format!("{count_id} {error_id}");
    view! {
        <div class="field">
            <label for=id.clone()>{label}</label>
            <textarea id=id rows="3" prop:value=value
                aria-invalid=move || error.with(Option::is_some).to_string()
                aria-describedby=described
                on:input=move |ev| value.set(event_target_value(&ev))></textarea>
            <p class="hint" id=count_id>
                {move || value.with(|v| v.chars().count())} " / " {max} " " {tr!(characters_at_most)}
            </p>
            <p class="field-error" id=error_id aria-live="polite">{move || error.get()}</p>
        </div>
    }
}

/// Puts the keyboard focus on the element with this id, once it is drawn.
pub fn focus_later(id: &'static str) {
    request_animation_frame(move || {
        use wasm_bindgen::JsCast;
        if let Some(element) = web_sys::window()
            .and_then(|w| w.document())
            .and_then(|d| d.get_element_by_id(id))
            .and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok())
        {
            let _ = element.focus();
        }
    });
}

/// `text` as a number, with a decimal comma or point (`-12`, `3,5`, `.5`); `None` when
/// empty. Digits only: no exponent, no `inf`.
pub fn decimal(text: &str) -> Result<Option<f64>, ()> {
    let text = text.trim().replace(',', ".");
    if text.is_empty() {
        return Ok(None);
    }
    let unsigned = text.strip_prefix(['-', '+']).unwrap_or(&text);
    let (units, fraction) = unsigned.split_once('.').unwrap_or((unsigned, ""));
    let digits = |part: &str| part.bytes().all(|b| b.is_ascii_digit());
    if units.len() + fraction.len() == 0 || !digits(units) || !digits(fraction) {
        return Err(());
    }
    // Read by JavaScript once checked: Rust's float parser would add kilobytes to the WASM.
    let value = js_sys::Number::parse_float(&text);
    value.is_finite().then_some(Some(value)).ok_or(())
}

/// A one-line text: `None` when blank; an error message when over `max` characters or
/// holding control characters (the API refuses both).
pub fn line(text: &str, max: usize) -> Result<Option<String>, String> {
    let text = text.trim();
    if text.chars().count() > max {
        return Err(format!(
            "{} {max} {}",
            tr!(error_too_long),
            tr!(characters_at_most)
        ));
    }
    if text.chars().any(char::is_control) {
        return Err(tr!(error_control_characters).to_owned());
    }
    Ok((!text.is_empty()).then(|| text.to_owned()))
}
