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
