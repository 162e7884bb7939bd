//! The form parts of the council pages (evaluations, versions, the report's period).
//!
//! The same as `components::form_field`, kept apart on purpose: what two WASM chunks share
//! moves to the initial set, which has a budget; these stay in the council pages' chunk.

use leptos::prelude::*;

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

/// Today where the person is (the browser's time zone: in Belgium, between midnight and
/// 1 or 2 a.m. the UTC date is still yesterday), `YYYY-MM-DD` as a date input shows it.
pub fn today() -> String {
    let now = js_sys::Date::new_0();
    format!(
        "{:04}-{:02}-{:02}",
        now.get_full_year(),
        now.get_month() + 1,
        now.get_date()
    )
}

/// The class of a form's message: a success, an error, or an empty live region.
pub fn message_class(message: Option<&(bool, String)>) -> &'static str {
    match message {
        Some((true, _)) => "notice success",
        Some((false, _)) => "notice error",
        None => "sr-status",
    }
}
