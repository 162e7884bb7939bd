use api_types::{ActionHealth, ActionStatus};
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

/// The label of an action's health (`None`: not assessed).
pub fn health_label(health: Option<ActionHealth>) -> &'static str {
    match health {
        Some(ActionHealth::Good) => tr!(health_good),
        Some(ActionHealth::AtRisk) => tr!(health_at_risk),
        Some(ActionHealth::Struggling) => tr!(health_struggling),
        Some(ActionHealth::Paused) => tr!(health_paused),
        None => tr!(health_unassessed),
    }
}

/// An action's health as a chip, named as such for a screen reader ("État de santé :
/// à surveiller"); nothing when it is not assessed.
#[component]
pub fn HealthChip(health: Option<ActionHealth>) -> impl IntoView {
    health.map(|health| {
        view! {
            <span class=format!("chip health health-{}", health.as_str())>
                <span class="visually-hidden">{tr!(health_prefix)} " "</span>
                {health_label(Some(health))}
            </span>
        }
    })
}
