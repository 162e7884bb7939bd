use api_types::{PlanStatus, PlanSummary};
use leptos::prelude::*;
use leptos_router::components::A;

use crate::api;
use crate::components::failure::Failure;
use crate::loader::loader;
use crate::session::SessionContext;

/// The list of plans.
#[component]
pub fn PlansPage() -> impl IntoView {
    let session = SessionContext::get();
    let plans = loader(move || {
        let token = session.token().unwrap_or_default();
        Box::pin(async move { api::list_plans(&token).await })
    });
    view! {
        <h1>{tr!(plans_title)}</h1>
        {move || match plans.get() {
            None => view! { <p class="notice" aria-busy="true">{tr!(loading)}</p> }.into_any(),
            Some(Err(failure)) => view! { <Failure failure/> }.into_any(),
            Some(Ok(list)) if list.is_empty() => view! { <p class="notice">{tr!(no_plans)}</p> }.into_any(),
            Some(Ok(list)) => view! {
                <ul class="plan-list">
                    {list.into_iter().map(|plan| view! { <PlanCard plan/> }).collect_view()}
                </ul>
            }.into_any(),
        }}
    }
}

#[component]
fn PlanCard(plan: PlanSummary) -> impl IntoView {
    view! {
        <li class="plan-card">
            <A href=format!("/plans/{}", plan.id)>
                <span class="plan-tenant">{plan.tenant.name}</span>
                <span class="plan-title">{plan.title}</span>
            </A>
            <p class="plan-meta">
                {period(plan.start_year, plan.end_year)} " · " {status_label(plan.status)}
            </p>
            <p class="plan-counts">
                {tr!(count_strategic, count = plan.strategic_objective_count)} " · "
                {tr!(count_operational, count = plan.operational_objective_count)} " · "
                {tr!(count_actions, count = plan.action_count)}
            </p>
        </li>
    }
}

pub fn period(start: Option<i32>, end: Option<i32>) -> String {
    match (start, end) {
        (Some(s), Some(e)) => format!("{s}–{e}"),
        (Some(s), None) => format!("{s}–"),
        (None, Some(e)) => format!("–{e}"),
        (None, None) => tr!(period_unknown).to_owned(),
    }
}

pub fn status_label(status: PlanStatus) -> &'static str {
    match status {
        PlanStatus::Draft => tr!(status_draft),
        PlanStatus::Adopted => tr!(status_adopted),
        PlanStatus::Closed => tr!(status_closed),
    }
}
