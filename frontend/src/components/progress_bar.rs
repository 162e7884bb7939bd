use leptos::prelude::*;

/// Progress 0–100 as a native, labelled progress bar with the figure beside it.
#[component]
pub fn ProgressBar(progress: i16) -> impl IntoView {
    view! {
        <span class="progress">
            <progress max="100" value=progress aria-label=tr!(progress)></progress>
            <span class="progress-figure">{progress} " %"</span>
        </span>
    }
}
