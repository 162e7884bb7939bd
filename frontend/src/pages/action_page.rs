use api_types::{ActionDetail, ChangeRequest, Role};
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::components::A;
use leptos_router::hooks::use_params_map;

use crate::api;
use crate::components::attachments::Attachments;
use crate::components::discussion::Discussion;
use crate::components::failure::{ErrorText, Failure};
use crate::components::inbox::ProposalActivity;
use crate::components::manager_tools::ManagerTools;
use crate::components::progress_bar::ProgressBar;
use crate::components::proposal_diff::ProposalDiff;
use crate::components::propose_form::ProposeForm;
use crate::components::status_chip::{HealthChip, StatusChip, health_label};
use crate::components::sub_actions::SubActionList;
use crate::components::tasks::{TaskArea, Tasks};
use crate::format;
use crate::loader::loader;
use crate::pages::action_records::Records;
use crate::session::SessionContext;

/// One action: every follow-up field, indicators against their targets, budget, journal,
/// history; and, for those who may propose, their pending proposal or the proposal form.
#[component]
pub fn ActionPage() -> impl IntoView {
    let params = use_params_map();
    let session = SessionContext::get();
    let activity = ProposalActivity::get();
    let reload = RwSignal::new(0_u32);
    let id = move || params.read().get("id").unwrap_or_default();
    let proposer = session.state.with_untracked(|s| {
        s.as_ref()
            .is_some_and(|s| matches!(s.user.role, Role::Partner | Role::SocialWorker))
    });
    // The action and the caller's pending proposal on it arrive together, so the page
    // never shows the form for a moment where the pending proposal belongs.
    let detail = loader(move || {
        reload.track();
        let (id, token) = (id(), session.token().unwrap_or_default());
        Box::pin(async move {
            let detail = api::get_action(&token, &id).await?;
            let mine = if proposer {
                api::my_change_requests(&token, Some(&id)).await?
            } else {
                Vec::new()
            };
            Ok((detail, mine.into_iter().next()))
        })
    });
    // The records' chunk comes while the action's data does.
    spawn_local(crate::pages::action_records::preload());
    // The confirmation lives here: the report panel is drawn anew with the reloaded action.
    let confirmation = RwSignal::new(None::<String>);
    let on_sent = Callback::new(move |message: String| {
        confirmation.set(Some(message));
        reload.update(|n| *n += 1);
        if let Some(activity) = activity {
            activity.record();
        }
    });
    let on_changed = Callback::new(move |()| reload.update(|n| *n += 1));
    view! {
        {move || match detail.get() {
            None => view! { <p class="notice" aria-busy="true">{tr!(loading)}</p> }.into_any(),
            Some(Err(failure)) => view! { <Failure failure/> }.into_any(),
            Some(Ok((detail, mine))) => {
                view! { <ActionView detail mine confirmation on_sent on_changed/> }.into_any()
            }
        }}
    }
}

/// Whether the signed-in user may propose on this action (the API decides in the end).
fn may_propose(session: SessionContext, detail: &ActionDetail) -> bool {
    session.state.with(|s| {
        s.as_ref().is_some_and(|s| match s.user.role {
            Role::SocialWorker => true,
            Role::Partner => s
                .user
                .organisation
                .as_ref()
                .is_some_and(|org| detail.carriers.contains(&org.id)),
            _ => false,
        })
    })
}

#[component]
fn ActionView(
    detail: ActionDetail,
    /// The caller's pending proposal on the action.
    mine: Option<ChangeRequest>,
    confirmation: RwSignal<Option<String>>,
    on_sent: Callback<String>,
    on_changed: Callback<()>,
) -> impl IntoView {
    let session = SessionContext::get();
    let can_propose = may_propose(session, &detail);
    let action = detail.action.clone();
    let date = |d: Option<chrono::NaiveDate>| {
        d.map_or_else(|| tr!(none).to_owned(), |d| format::date(&d.to_string()))
    };
    let text = |t: Option<String>| t.unwrap_or_else(|| tr!(none).to_owned());
    let (plan_id, plan_title) = (detail.plan_id, detail.plan_title.clone());
    let (objective_code, objective_title) = (
        detail.objective_code.clone(),
        detail.objective_title.clone(),
    );
    let pending = !detail.pending_change_requests.is_empty();
    let form = can_propose
        .then(|| view! { <ReportPanel detail=detail.clone() mine confirmation on_sent/> });
    let tools = view! { <ManagerTools detail=detail.clone() on_changed/> };
    let parent = detail.parent.clone().map(|p| {
        view! {
            <p class="parent-action">
                {tr!(sub_action_of)} " "
                <A href=format!("/actions/{}", p.id)><span class="code">{p.code}</span> " " {p.title}</A>
            </p>
        }
    });
    let derived = action.progress_from_sub_actions.then(|| {
        view! {
            <span class="hint">{tr!(progress_from_sub_actions)} " (" {action.sub_actions.len()} ")"</span>
        }
    });
    let by_hand = (action.progress_by_hand && !action.sub_actions.is_empty())
        .then(|| view! { <span class="hint">{tr!(progress_by_hand)}</span> });
    let steps = view! { <SubActionList action=action.clone()/> };
    let manager = session.state.with_untracked(|s| {
        s.as_ref()
            .is_some_and(|s| matches!(s.user.role, Role::President | Role::Dg))
    });
    let tasks = view! { <Tasks area=TaskArea::Action { id: action.id.to_string(), manager }/> };
    view! {
        <p><A href=format!("/plans/{plan_id}")>"← " {plan_title}</A></p>
        {parent}
        <h1>
            <span class="plan-tenant">{tr!(objective)} " " {objective_code} " — " {objective_title}</span>
            <span class="code">{action.code.clone()}</span> {action.title.clone()}
        </h1>
        <div class="action-status">
            <StatusChip status=action.status/>
            <ProgressBar progress=action.progress/>
            <HealthChip health=action.health/>
            {derived}
            {by_hand}
            {action.late.then(|| view! { <span class="chip late">{tr!(late)}</span> })}
            {action.stale.then(|| view! { <span class="chip stale">{tr!(stale)}</span> })}
        </div>
        {pending.then(|| view! { <p class="notice">{tr!(pending_notice)}</p> })}
        <div class="action-layout">
            <section class="card" aria-labelledby="fields-title">
                <h2 id="fields-title">{tr!(action_of_plan)}</h2>
                <dl class="fields">
                    <dt>{tr!(field_planned_start)}</dt><dd>{date(action.planned_start)}</dd>
                    <dt>{tr!(field_planned_end)}</dt><dd>{date(action.planned_end)}</dd>
                    <dt>{tr!(field_actual_end)}</dt><dd>{date(action.actual_end)}</dd>
                    <dt>{tr!(lead)}</dt><dd>{text(action.lead.clone().map(|o| o.name))}</dd>
                    <dt>{tr!(collaboration)}</dt>
                    <dd>{if action.collaborators.is_empty() { tr!(none).to_owned() } else { action.collaborators.iter().map(|o| o.name.clone()).collect::<Vec<_>>().join(", ") }}</dd>
                    <dt>{tr!(field_political_lead)}</dt><dd>{text(action.political_lead.clone())}</dd>
                    <dt>{tr!(field_political_function)}</dt><dd>{text(action.political_function.clone())}</dd>
                    <dt>{tr!(field_administrative_lead)}</dt><dd>{text(action.administrative_lead.clone())}</dd>
                    <dt>{tr!(field_health)}</dt>
                    <dd>
                        {health_label(action.health)}
                        {action.health_comment.clone().map(|c| view! { " — " {c} })}
                    </dd>
                    <dt>{tr!(field_responsible)}</dt><dd>{text(action.responsible.clone().map(|r| r.display_name))}</dd>
                    <dt>{tr!(field_staffing)}</dt><dd>{action.staffing_fte.map_or_else(|| tr!(none).to_owned(), format::number)}</dd>
                </dl>
                {action.reservation.clone().map(|r| view! { <p class="reservation">{r}</p> })}
                {action.description.clone().map(|d| view! { <p class="description">{d}</p> })}
            </section>
            {form}
        </div>
        {steps}
        {tasks}
        {tools}
        <Records detail=detail.clone()/>
        <Attachments action=action.id.to_string()/>
        <Discussion action=action.id.to_string()/>
    }
}

/// Where the caller reports on the action: their pending proposal, shown with its values
/// and with "Retirer" and "Remplacer", or the form. The confirmation of what they just did
/// is announced here, next to it, and takes the focus.
#[component]
fn ReportPanel(
    detail: ActionDetail,
    mine: Option<ChangeRequest>,
    confirmation: RwSignal<Option<String>>,
    on_sent: Callback<String>,
) -> impl IntoView {
    let session = SessionContext::get();
    let replacing = RwSignal::new(false);
    let error = RwSignal::new(None::<String>);
    let busy = RwSignal::new(false);
    let status = NodeRef::<leptos::html::P>::new();
    let section = NodeRef::<leptos::html::Section>::new();
    // "Faire le point" links here (`#faire-le-point`): bring the panel into view.
    let hash = leptos_router::hooks::use_location().hash;
    Effect::new(move |_| {
        if let Some(element) = section.get()
            && hash.get_untracked().trim_start_matches('#') == "faire-le-point"
            && confirmation.with_untracked(Option::is_none)
        {
            element.scroll_into_view();
            let _ = element.focus();
        }
    });
    Effect::new(move |_| {
        if let Some(element) = status.get()
            && confirmation.with(Option::is_some)
        {
            let _ = element.focus();
        }
    });
    let withdraw = move |id: String| {
        let token = session.token().unwrap_or_default();
        busy.set(true);
        spawn_local(async move {
            let result = api::withdraw(&token, &id).await;
            busy.set(false);
            match result {
                Ok(_) => on_sent.run(tr!(proposal_withdrawn).to_owned()),
                Err(failure) => error.set(Some(failure.message)),
            }
        });
    };
    let panel = move || match (mine.clone(), replacing.get()) {
        (Some(request), false) => {
            let id = request.id.to_string();
            view! {
                <div class="pending-proposal">
                    <h2 id="propose-title">{tr!(my_pending_title)}</h2>
                    <p class="meta">
                        {tr!(proposed_on)} " " {format::date(&request.created_at.date_naive().to_string())}
                        " · " {tr!(awaiting_decision)}
                    </p>
                    <ProposalDiff request/>
                    <ErrorText error/>
                    <div class="buttons">
                        <button type="button" prop:disabled=busy on:click=move |_| withdraw(id.clone())>{tr!(withdraw)}</button>
                        <button type="button" class="primary" prop:disabled=busy on:click=move |_| replacing.set(true)>{tr!(replace)}</button>
                    </div>
                </div>
            }
            .into_any()
        }
        (replaces, _) => {
            let on_cancel = replaces
                .is_some()
                .then(|| Callback::new(move |()| replacing.set(false)));
            view! { <ProposeForm detail=detail.clone() replaces on_sent on_cancel/> }.into_any()
        }
    };
    view! {
        <section class="card report" id="faire-le-point" aria-labelledby="propose-title" tabindex="-1" node_ref=section>
            <p class="report-status" role="status" aria-live="polite" tabindex="-1" node_ref=status>
                {move || confirmation.get()}
            </p>
            {panel}
        </section>
    }
}
