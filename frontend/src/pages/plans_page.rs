use api_types::{PlanStatus, PlanSummary};
use leptos::prelude::*;
use leptos_router::components::A;

use crate::api;
use crate::components::failure::Failure;
use crate::i18n::fr;
use crate::session::SessionContext;

/// The list of plans.
#[component]
pub fn PlansPage() -> impl IntoView {
    let session = SessionContext::get();
    let plans = LocalResource::new(move || {
        let token = session.token().unwrap_or_default();
        async move { api::list_plans(&token).await }
    });
    view! {
        <h1>{fr::PLANS_TITLE}</h1>
        {move || match plans.get() {
            None => view! { <p class="notice" aria-busy="true">{fr::LOADING}</p> }.into_any(),
            Some(Err(failure)) => view! { <Failure failure/> }.into_any(),
            Some(Ok(list)) if list.is_empty() => view! { <p class="notice">{fr::NO_PLANS}</p> }.into_any(),
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
                {plan.strategic_objective_count} " " {fr::STRATEGIC} " · "
                {plan.operational_objective_count} " " {fr::OPERATIONAL} " · "
                {plan.action_count} " " {fr::ACTIONS}
            </p>
        </li>
    }
}

pub fn period(start: Option<i32>, end: Option<i32>) -> String {
    match (start, end) {
        (Some(s), Some(e)) => format!("{s}–{e}"),
        (Some(s), None) => format!("{s}–"),
        (None, Some(e)) => format!("–{e}"),
        (None, None) => fr::PERIOD_UNKNOWN.to_owned(),
    }
}

pub fn status_label(status: PlanStatus) -> &'static str {
    match status {
        PlanStatus::Draft => fr::STATUS_DRAFT,
        PlanStatus::Adopted => fr::STATUS_ADOPTED,
        PlanStatus::Closed => fr::STATUS_CLOSED,
    }
}
