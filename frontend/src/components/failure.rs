use leptos::prelude::*;

use crate::api::ApiFailure;
use crate::i18n::fr;

/// An API failure, announced to screen readers.
#[component]
pub fn Failure(failure: ApiFailure) -> impl IntoView {
    view! {
        <p class="notice error" role="alert">
            {fr::LOAD_FAILED} " (" {failure.status} ") : " {failure.message}
        </p>
    }
}
