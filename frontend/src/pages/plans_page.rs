use api_types::{ActionStatus, PlanStatus, PlanSummary, Role};
use leptos::prelude::*;
use leptos_router::components::A;
use serde_json::Value;

use crate::api;
use crate::components::failure::Failure;
use crate::loader::loader;
use crate::session::SessionContext;

/// The list of plans; for a partner or a social worker, first the actions they report on.
#[component]
pub fn PlansPage() -> impl IntoView {
    let session = SessionContext::get();
    let plans = loader(move || {
        let token = session.token().unwrap_or_default();
        Box::pin(async move { api::list_plans(&token).await })
    });
    let reports = session.state.with_untracked(|s| {
        s.as_ref()
            .is_some_and(|s| matches!(s.user.role, Role::Partner | Role::SocialWorker))
    });
    view! {
        <h1>{tr!(plans_title)}</h1>
        {reports.then(|| view! { <MyActions session/> })}
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

/// "Mes actions": the actions the caller's organisation carries, in every plan, the late
/// and the stale ones first, each with a link to report on it.
#[component]
fn MyActions(session: SessionContext) -> impl IntoView {
    let mine = loader(move || {
        let token = session.token().unwrap_or_default();
        Box::pin(async move { api::my_actions(&token).await })
    });
    view! {
        <section class="card my-actions" aria-labelledby="my-actions-title">
            <h2 id="my-actions-title">{tr!(my_actions)}</h2>
            {move || match mine.get() {
                None => view! { <p aria-busy="true">{tr!(loading)}</p> }.into_any(),
                Some(Err(failure)) => view! { <Failure failure/> }.into_any(),
                Some(Ok(list)) if list.is_empty() => view! { <p>{tr!(no_my_actions)}</p> }.into_any(),
                Some(Ok(mut list)) => {
                    // Late first, then stale, each group in plan order (the sort is stable).
                    list.sort_by_key(|a| (a["late"] != true, a["stale"] != true));
                    view! {
                        <ul class="my-action-list">
                            {list.into_iter().map(|action| view! { <MyAction action/> }).collect_view()}
                        </ul>
                    }.into_any()
                }
            }}
        </section>
    }
}

/// One of "my actions", an `ActionRef` object (see `api::my_actions`).
#[component]
fn MyAction(action: Value) -> impl IntoView {
    let text = |key: &str| action[key].as_str().unwrap_or_default().to_owned();
    let (code, href) = (text("code"), format!("/actions/{}", text("id")));
    // One line of text rather than chips: this list is on every partner's first page.
    let mut facts = vec![text("plan_title"), text("objective_code")];
    if let Ok(status) = text("status").parse::<ActionStatus>() {
        facts.push(crate::components::status_chip::status_label(status).to_owned());
    }
    facts.push(format!(
        "{} %",
        action["progress"].as_i64().unwrap_or_default()
    ));
    if action["late"] == true {
        facts.push(tr!(late).to_owned());
    }
    if action["stale"] == true {
        facts.push(tr!(stale).to_owned());
    }
    let (title, shown_code) = (text("title"), code.clone());
    view! {
        <li class="my-action">
            <A href=href.clone()><span class="code">{shown_code}</span> " " {title}</A>
            <p class="meta">{facts.join(" · ")}</p>
            <A href=format!("{href}#faire-le-point") attr:class="report-link">
                {tr!(report_on)} <span class="visually-hidden">" " {tr!(on_action)} " " {code}</span>
            </A>
        </li>
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
