use api_types::ActionStatus;
use leptos::prelude::*;

/// The label of a follow-up status.
pub fn status_label(status: ActionStatus) -> &'static str {
    match status {
        ActionStatus::NonCommence => tr!(status_non_commence),
        ActionStatus::EnCours => tr!(status_en_cours),
        ActionStatus::EnAttente => tr!(status_en_attente),
        ActionStatus::Probleme => tr!(status_probleme),
        ActionStatus::Termine => tr!(status_termine),
        ActionStatus::AnnuleAbandonne => tr!(status_annule),
    }
}

/// A status as a coloured chip (the colour is never the only cue: the label is there).
#[component]
pub fn StatusChip(status: ActionStatus) -> impl IntoView {
    view! {
        <span class=format!("chip status-{}", status.as_str())>{status_label(status)}</span>
    }
}
