use api_types::{ChangeRequest, Role};
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::components::A;

use crate::api;
use crate::components::failure::{ErrorText, Failure};
use crate::format;
use crate::loader::loader;
use crate::session::SessionContext;

/// The management's queue: pending proposals with their diff, approved or rejected in one
/// click; a conflict (the action changed since) is explained and can be resolved.
#[component]
pub fn ApprovalsPage() -> impl IntoView {
    let session = SessionContext::get();
    let reload = RwSignal::new(0_u32);
    let pending = loader(move || {
        reload.track();
        let token = session.token().unwrap_or_default();
        Box::pin(async move { api::pending_change_requests(&token).await })
    });
    let outcome = RwSignal::new(None::<String>);
    let activity = crate::components::inbox::ProposalActivity::get();
    let decided = Callback::new(move |message: String| {
        outcome.set(Some(message));
        reload.update(|n| *n += 1);
        if let Some(activity) = activity {
            activity.record();
        }
    });
    let manager = session.state.with(|s| {
        s.as_ref()
            .is_some_and(|s| matches!(s.user.role, Role::President | Role::Dg))
    });
    if !manager {
        return view! {
            <h1>{tr!(approvals_title)}</h1>
            <p class="notice error" role="alert">{tr!(managers_only)}</p>
        }
        .into_any();
    }
    view! {
        <h1>{tr!(approvals_title)}</h1>
        <p role="status" class="sr-status">{move || outcome.get()}</p>
        {move || match pending.get() {
            None => view! { <p class="notice" aria-busy="true">{tr!(loading)}</p> }.into_any(),
            Some(Err(failure)) => view! { <Failure failure/> }.into_any(),
            Some(Ok(list)) if list.is_empty() => view! { <p class="notice">{tr!(no_pending)}</p> }.into_any(),
            Some(Ok(list)) => view! {
                <ul class="approvals">
                    {list.into_iter().map(|request| view! { <Proposal request decided/> }).collect_view()}
                </ul>
            }.into_any(),
        }}
    }
    .into_any()
}

#[component]
fn Proposal(request: ChangeRequest, decided: Callback<String>) -> impl IntoView {
    let session = SessionContext::get();
    let id = request.id.to_string();
    let conflict = RwSignal::new(None::<i32>);
    let rejecting = RwSignal::new(false);
    let reason = RwSignal::new(String::new());
    let error = RwSignal::new(None::<String>);
    let busy = RwSignal::new(false);
    let stale = request.current_version != request.base_version;
    let heading_id = format!("proposal-{}", request.id);
    // Each button names its action: a screen reader's list of buttons tells them apart.
    let code = request.action_code.clone();
    let approve_label = tr!(approve_proposal_on, code = code.clone());
    let approve_anyway_label = tr!(approve_anyway_on, code = code.clone());
    let reject_label = tr!(reject_proposal_on, code = code.clone());
    let confirm_reject_label = tr!(confirm_reject_on, code = code);
    let reason_id = format!("reason-{}", request.id);

    let approve = {
        let id = id.clone();
        move |over: Option<i32>| {
            let (id, token) = (id.clone(), session.token().unwrap_or_default());
            busy.set(true);
            spawn_local(async move {
                let result = api::approve(&token, &id, over).await;
                busy.set(false);
                match result {
                    Ok(_) => decided.run(tr!(approved).to_owned()),
                    Err(failure) if failure.status == 409 => {
                        let current = failure
                            .problem
                            .and_then(|p| p.conflict)
                            .map(|c| c.current_version);
                        conflict.set(current);
                        error.set(Some(tr!(conflict).to_owned()));
                    }
                    Err(failure) => error.set(Some(failure.message)),
                }
            });
        }
    };
    let reject = {
        let id = id.clone();
        move |ev: leptos::ev::SubmitEvent| {
            ev.prevent_default();
            let (id, token, text) = (
                id.clone(),
                session.token().unwrap_or_default(),
                reason.get_untracked(),
            );
            busy.set(true);
            spawn_local(async move {
                let result = api::reject(&token, &id, text).await;
                busy.set(false);
                match result {
                    Ok(_) => decided.run(tr!(rejected).to_owned()),
                    Err(failure) => error.set(Some(
                        failure
                            .problem
                            .and_then(|p| p.errors.first().map(|e| e.message.clone()))
                            .unwrap_or(failure.message),
                    )),
                }
            });
        }
    };
    let approve_first = approve.clone();

    view! {
        <li class="card proposal" aria-labelledby=heading_id.clone()>
            <h2 id=heading_id.clone()>
                <A href=format!("/actions/{}", request.action_id)>
                    <span class="code">{request.action_code.clone()}</span> {request.action_title.clone()}
                </A>
            </h2>
            <p class="meta">
                {request.author.display_name.clone()}
                {request.author.organisation.clone().map(|o| format!(" ({o})"))}
                " · " {tr!(proposed_on)} " " {format::date(&request.created_at.date_naive().to_string())}
            </p>
            <table class="diff">
                <thead><tr>
                    <th scope="col">{tr!(field_other)}</th>
                    <th scope="col">{tr!(before)}</th>
                    <th scope="col">{tr!(proposed)}</th>
                    {stale.then(|| view! { <th scope="col">{tr!(now)}</th> })}
                </tr></thead>
                <tbody>
                    {request.diff.iter().map(|d| view! {
                        <tr>
                            <th scope="row">{format::field_label(&d.field)}</th>
                            <td>{format::value(&d.field, &d.before)}</td>
                            <td class="proposed">{format::value(&d.field, &d.proposed)}</td>
                            {stale.then(|| view! { <td>{format::value(&d.field, &d.current)}</td> })}
                        </tr>
                    }).collect_view()}
                </tbody>
            </table>
            {request.note.clone().map(|note| view! { <p class="journal-body">{tr!(note)} " : " {note}</p> })}
            <ErrorText error/>
            <div class="buttons">
                {move || match conflict.get() {
                    Some(current) => {
                        let approve = approve.clone();
                        view! {
                            <button type="button" class="primary" prop:disabled=busy aria-label=approve_anyway_label.clone()
                                on:click=move |_| approve(Some(current))>{tr!(approve_anyway)}</button>
                        }.into_any()
                    }
                    None => {
                        let approve = approve_first.clone();
                        view! {
                            <button type="button" class="primary" prop:disabled=busy aria-label=approve_label.clone()
                                on:click=move |_| approve(None)>{tr!(approve)}</button>
                        }.into_any()
                    }
                }}
                <button type="button" prop:disabled=busy aria-label=reject_label on:click=move |_| rejecting.set(true)>{tr!(reject)}</button>
            </div>
            {move || rejecting.get().then(|| {
                let reason_id = reason_id.clone();
                let confirm_reject_label = confirm_reject_label.clone();
                view! {
                    <form class="reject-form" on:submit=reject.clone()>
                        <label for=reason_id.clone()>{tr!(reason)}</label>
                        <textarea id=reason_id rows="2" required
                            prop:value=reason on:input=move |ev| reason.set(event_target_value(&ev))></textarea>
                        <button type="submit" prop:disabled=busy aria-label=confirm_reject_label>{tr!(confirm_reject)}</button>
                    </form>
                }
            })}
        </li>
    }
}
