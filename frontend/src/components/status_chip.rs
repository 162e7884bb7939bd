use api_types::ActionStatus;
use leptos::prelude::*;

use crate::i18n::fr;

/// The label of a follow-up status.
pub fn status_label(status: ActionStatus) -> &'static str {
    match status {
        ActionStatus::NonCommence => fr::STATUS_NON_COMMENCE,
        ActionStatus::EnCours => fr::STATUS_EN_COURS,
        ActionStatus::EnAttente => fr::STATUS_EN_ATTENTE,
        ActionStatus::Probleme => fr::STATUS_PROBLEME,
        ActionStatus::Termine => fr::STATUS_TERMINE,
        ActionStatus::AnnuleAbandonne => fr::STATUS_ANNULE,
    }
}

/// A status as a coloured chip (the colour is never the only cue: the label is there).
#[component]
pub fn StatusChip(status: ActionStatus) -> impl IntoView {
    view! {
        <span class=format!("chip status-{}", status.as_str())>{status_label(status)}</span>
    }
}
