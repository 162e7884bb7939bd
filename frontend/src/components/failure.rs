use leptos::prelude::*;

use crate::api::ApiFailure;
use crate::session::SessionContext;

/// An API failure, announced to screen readers. An ended session signs the user out, which
/// sends them to the login page.
#[component]
pub fn Failure(failure: ApiFailure) -> impl IntoView {
    if failure.is_unauthenticated() {
        SessionContext::get().sign_out();
    }
    view! {
        <p class="notice error" role="alert">
            {tr!(load_failed)} " (" {failure.status} ") : " {failure.message}
        </p>
    }
}

/// A failed write in one sentence: the problem's field errors in the user's language when
/// it has some, its detail otherwise.
pub fn explain(failure: &ApiFailure) -> String {
    let fields: Vec<String> = failure
        .problem
        .iter()
        .flat_map(|p| &p.errors)
        .map(|e| format!("{} : {}", e.field, crate::locale::field_error_message(e)))
        .collect();
    if fields.is_empty() {
        failure.message.clone()
    } else {
        fields.join(" ; ")
    }
}

/// The error of a form, announced when it appears.
#[component]
pub fn ErrorText(error: RwSignal<Option<String>>) -> impl IntoView {
    move || {
        error
            .get()
            .map(|e| view! { <p class="notice error" role="alert">{e}</p> })
    }
}
