use api_types::{ChangeRequest, ChangeRequestStatus};
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::components::A;

use crate::api;
use crate::components::failure::{ErrorText, Failure};
use crate::components::inbox::ProposalActivity;
use crate::components::proposal_diff::ProposalDiff;
use crate::format;
use crate::loader::loader;
use crate::session::SessionContext;

/// "Mes propositions": what became of each of my proposals — pending (which I may
/// withdraw), approved, rejected with the reason, withdrawn or replaced. Newest first.
#[component]
pub fn MyProposalsPage() -> impl IntoView {
    let session = SessionContext::get();
    let activity = ProposalActivity::get();
    let reload = RwSignal::new(0_u32);
    let mine = loader(move || {
        reload.track();
        let token = session.token().unwrap_or_default();
        Box::pin(async move { api::my_change_requests(&token, None).await })
    });
    let outcome = RwSignal::new(None::<String>);
    let withdrawn = Callback::new(move |()| {
        outcome.set(Some(tr!(proposal_withdrawn).to_owned()));
        reload.update(|n| *n += 1);
        if let Some(activity) = activity {
            activity.record();
        }
    });
    view! {
        <h1>{tr!(my_proposals)}</h1>
        <p role="status" class="sr-status">{move || outcome.get()}</p>
        {move || match mine.get() {
            None => view! { <p class="notice" aria-busy="true">{tr!(loading)}</p> }.into_any(),
            Some(Err(failure)) => view! { <Failure failure/> }.into_any(),
            Some(Ok(list)) if list.is_empty() => view! { <p class="notice">{tr!(no_proposals)}</p> }.into_any(),
            Some(Ok(mut list)) => {
                list.reverse();
                let groups = [
                    ("pending", tr!(proposals_pending), &[ChangeRequestStatus::Pending][..]),
                    ("approved", tr!(proposals_approved), &[ChangeRequestStatus::Approved][..]),
                    ("rejected", tr!(proposals_rejected), &[ChangeRequestStatus::Rejected][..]),
                    ("withdrawn", tr!(proposals_withdrawn), &[ChangeRequestStatus::Withdrawn, ChangeRequestStatus::Replaced][..]),
                ];
                groups.into_iter().map(|(id, title, statuses)| {
                    let items: Vec<ChangeRequest> =
                        list.iter().filter(|r| statuses.contains(&r.status)).cloned().collect();
                    let heading = format!("proposals-{id}");
                    view! {
                        <section class="card" aria-labelledby=heading.clone()>
                            <h2 id=heading.clone()>{title} " (" {items.len()} ")"</h2>
                            {if items.is_empty() {
                                view! { <p>{tr!(nothing_yet)}</p> }.into_any()
                            } else {
                                view! {
                                    <ul class="my-proposals">
                                        {items.into_iter().map(|request| view! { <MyProposal request withdrawn/> }).collect_view()}
                                    </ul>
                                }.into_any()
                            }}
                        </section>
                    }
                }).collect_view().into_any()
            }
        }}
    }
}

#[component]
fn MyProposal(request: ChangeRequest, withdrawn: Callback<()>) -> impl IntoView {
    let session = SessionContext::get();
    let error = RwSignal::new(None::<String>);
    let busy = RwSignal::new(false);
    let id = request.id.to_string();
    let code = request.action_code.clone();
    let withdraw = move |_| {
        let (id, token) = (id.clone(), session.token().unwrap_or_default());
        busy.set(true);
        spawn_local(async move {
            let result = api::withdraw(&token, &id).await;
            busy.set(false);
            match result {
                Ok(_) => withdrawn.run(()),
                Err(failure) => error.set(Some(failure.message)),
            }
        });
    };
    let decided = request
        .decided_at
        .map(|at| format::date(&at.date_naive().to_string()));
    let status = match request.status {
        ChangeRequestStatus::Pending => tr!(proposal_status_pending),
        ChangeRequestStatus::Approved => tr!(proposal_status_approved),
        ChangeRequestStatus::Rejected => tr!(proposal_status_rejected),
        ChangeRequestStatus::Withdrawn => tr!(proposal_status_withdrawn),
        ChangeRequestStatus::Replaced => tr!(proposal_status_replaced),
    };
    let pending = request.status == ChangeRequestStatus::Pending;
    let (action_code, action_title) = (request.action_code.clone(), request.action_title.clone());
    view! {
        <li class=format!("proposal-item status-{}", request.status.as_str())>
            <h3>
                <A href=format!("/actions/{}", request.action_id)>
                    <span class="code">{action_code}</span> {action_title}
                </A>
            </h3>
            <p class="meta">
                {tr!(proposed_on)} " " {format::date(&request.created_at.date_naive().to_string())}
                " · " <strong>{status}</strong>
                {decided.map(|d| view! { " " {d} })}
                {request.decided_by.clone().map(|p| view! { " · " {p.display_name} })}
            </p>
            {request.reason.clone().map(|reason| view! {
                <p class="rejection-reason"><strong>{tr!(rejection_reason)}</strong> " : " {reason}</p>
            })}
            <ProposalDiff request=request.clone()/>
            <ErrorText error/>
            {pending.then(|| view! {
                <button type="button" prop:disabled=busy on:click=withdraw>
                    {tr!(withdraw)} <span class="visually-hidden">" " {tr!(proposal_on)} " " {code}</span>
                </button>
            })}
        </li>
    }
}
