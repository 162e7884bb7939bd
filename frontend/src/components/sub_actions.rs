//! The sub-actions of an action, on its page: the steps in order with their status and
//! progress, each a link to its own page (where it is reported on like an action). The
//! DG's editor (adding a step, the progress set by hand) is in the managers' tools.

use api_types::Action;
use leptos::prelude::*;
use leptos_router::components::A;

use crate::components::progress_bar::ProgressBar;
use crate::components::status_chip::{HealthChip, StatusChip};
use crate::components::tree_filter::TreeFilter;

/// The steps of an action as list items: code, title (a link to the step's page), weight
/// when the steps are unequal, status, progress, late. In the tree (`filter` with the
/// action), a step the filter leaves out is hidden.
pub fn step_items(steps: Vec<Action>, filter: Option<(Memo<TreeFilter>, Action)>) -> impl IntoView {
    let weighted = steps.iter().any(|s| s.weight != 1);
    steps
        .into_iter()
        .map(|step| {
            let hidden = {
                let (filter, step) = (filter.clone(), step.clone());
                move || {
                    filter
                        .as_ref()
                        .is_some_and(|(f, action)| f.with(|f| !f.shows_step(action, &step)))
                }
            };
            view! {
                <li class="sub-action" hidden=hidden>
                    <span class="code">{step.code}</span> " "
                    <A href=format!("/actions/{}", step.id)>{step.title}</A>
                    {weighted.then(|| view! { <span class="badge">{tr!(weight)} " " {step.weight}</span> })}
                    <div class="action-status">
                        <StatusChip status=step.status/>
                        <ProgressBar progress=step.progress/>
                        <HealthChip health=step.health/>
                        {step.late.then(|| view! { <span class="chip late">{tr!(late)}</span> })}
                    </div>
                </li>
            }
        })
        .collect_view()
}

/// The steps of an action on its page; nothing for an action without any.
#[component]
pub fn SubActionList(action: Action) -> impl IntoView {
    (!action.sub_actions.is_empty()).then(|| {
        view! {
            <section class="card" aria-labelledby="sub-actions-title">
                <h2 id="sub-actions-title">{tr!(sub_actions)}</h2>
                <ul class="sub-actions">{step_items(action.sub_actions, None)}</ul>
            </section>
        }
    })
}
