use api_types::{Action, ActionKind};
use leptos::prelude::*;
use leptos_router::components::A;

use crate::components::progress_bar::ProgressBar;
use crate::components::status_chip::{HealthChip, StatusChip};
use crate::components::sub_actions::step_items;
use crate::components::tree_filter::TreeFilter;

/// One action of the tree: code, kind, title, organisations, reservation.
#[component]
pub fn ActionItem(action: Action, filter: Memo<TreeFilter>) -> impl IntoView {
    let shown = action.clone();
    let whole = action.clone();
    let hidden = move || filter.with(|f| !f.matches(&shown));
    let (kind_label, kind_class) = match action.kind {
        Some(ActionKind::Mission) => (tr!(mission), "badge kind-mission"),
        Some(ActionKind::Projet) => (tr!(projet), "badge kind-projet"),
        None => (tr!(kind_unknown), "badge kind-unknown"),
    };
    let lead = action.lead.map(|lead| {
        view! {
            <li class="org lead">
                <span class="org-role">{tr!(lead)} " : "</span>
                {lead.name}
            </li>
        }
    });
    let collaborators = (!action.collaborators.is_empty()).then(|| {
        let names = action
            .collaborators
            .iter()
            .map(|o| o.name.clone())
            .collect::<Vec<_>>()
            .join(", ");
        view! {
            <li class="org collaborator">
                <span class="org-role">{tr!(collaboration)} " : "</span>
                {names}
            </li>
        }
    });
    // The steps, folded: the tree stays a list of actions; a filter one of them matches
    // unfolds them, showing that step.
    let steps = (!whole.sub_actions.is_empty()).then(move || {
        let count = whole.sub_actions.len();
        let open = {
            let whole = whole.clone();
            move || filter.with(|f| f.opens_steps(&whole))
        };
        view! {
            <details class="sub-actions" prop:open=open>
                <summary>{tr!(sub_actions)} " (" {count} ")"</summary>
                <ul>{step_items(whole.sub_actions.clone(), Some((filter, whole)))}</ul>
            </details>
        }
    });
    view! {
        <li class="action" id=format!("action-{}", action.code) hidden=hidden>
            <div class="action-head">
                <span class="code">{action.code.clone()}</span>
                <span class=kind_class>{kind_label}</span>
                <A href=format!("/actions/{}", action.id) attr:class="action-title">{action.title}</A>
            </div>
            <div class="action-status">
                <StatusChip status=action.status/>
                <ProgressBar progress=action.progress/>
                <HealthChip health=action.health/>
                {action.late.then(|| view! { <span class="chip late">{tr!(late)}</span> })}
                {action.stale.then(|| view! { <span class="chip stale">{tr!(stale)}</span> })}
            </div>
            {action.transversal.then(|| view! { <p class="transversal">{tr!(transversal)}</p> })}
            {action.description.map(|d| view! { <p class="description">{d}</p> })}
            {action.reservation.map(|r| view! { <p class="reservation">{r}</p> })}
            <ul class="orgs">{lead} {collaborators}</ul>
            {steps}
        </li>
    }
}
