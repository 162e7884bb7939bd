//! The inbox in the header: the number of unread notifications on a button that opens
//! their list (a disclosure). Polled every minute, and on every navigation, with
//! `If-None-Match`: an unchanged inbox costs a 304 without body.

use std::time::Duration;

use leptos::prelude::*;
use leptos::task::spawn_local;
use serde_json::Value;

use crate::api;
use crate::session::SessionContext;

/// How often the inbox asks the server whether something arrived.
const POLL_EVERY: Duration = Duration::from_secs(60);

/// Proposals changed here (made, replaced, withdrawn, approved, rejected): what shows
/// them — the inbox, the pending badge — looks again at once, not at its next poll or
/// navigation.
#[derive(Debug, Clone, Copy)]
pub struct ProposalActivity(RwSignal<u32>);

impl ProposalActivity {
    pub fn provide() -> Self {
        let refresh = Self(RwSignal::new(0));
        provide_context(refresh);
        refresh
    }

    /// The app's signal (read when a component is made: contexts are out of reach in a task).
    pub fn get() -> Option<Self> {
        use_context::<Self>()
    }

    /// Something changed: look again now.
    pub fn record(self) {
        self.0.update(|n| *n += 1);
    }

    /// Makes the calling effect run again at every change.
    pub fn track(self) {
        self.0.track();
    }
}

#[component]
pub fn Inbox(session: SessionContext, refresh: ProposalActivity) -> impl IntoView {
    // `Notification` objects (see `api::notifications`).
    let list = RwSignal::new(Vec::<Value>::new());
    let etag = StoredValue::new(None::<String>);
    let open = RwSignal::new(false);
    let location = leptos_router::hooks::use_location();
    let fetch = move || {
        let Some(token) = session.token() else { return };
        let held = etag.get_value();
        spawn_local(async move {
            if let Ok(Some((fresh, tag))) = api::notifications(&token, held.as_deref()).await {
                etag.set_value(tag);
                list.set(fresh);
            }
        });
    };
    Effect::new(move |_| {
        location.pathname.track();
        refresh.0.track();
        fetch();
    });
    let poll = set_interval_with_handle(fetch, POLL_EVERY).ok();
    on_cleanup(move || {
        if let Some(poll) = poll {
            poll.clear();
        }
    });
    let mark = Callback::new(move |id: Option<String>| {
        let Some(token) = session.token() else { return };
        spawn_local(async move {
            if api::mark_read(&token, id.as_deref()).await.is_ok() {
                fetch();
            }
        });
    });
    let unread = move || list.with(|l| unread_count(l));
    // The list is drawn from the first opening on, once its chunk is loaded.
    let opened = RwSignal::new(false);
    Effect::new(move |_| {
        if open.get() {
            opened.set(true);
        }
    });
    view! {
        <div class="inbox">
            <button type="button" class="link-button inbox-button"
                aria-expanded=move || open.get().to_string()
                aria-controls="inbox-panel"
                // The visible text ("Notifications 3") starts the name, as WCAG 2.5.3 asks.
                aria-label=move || format!("{} {} {}", tr!(inbox), unread(), tr!(inbox_unread))
                on:click=move |_| open.update(|o| *o = !*o)>
                {tr!(inbox)}
                {move || (unread() > 0).then(|| view! { " " <span class="badge count">{unread()}</span> })}
            </button>
            <div id="inbox-panel" class="inbox-panel" hidden=move || !open.get()
                on:keydown=move |ev: leptos::ev::KeyboardEvent| {
                    if ev.key() == "Escape" {
                        open.set(false);
                    }
                }>
                {move || opened.get().then(|| Suspend::new(async move { inbox_list(list, mark, open).await }))}
            </div>
        </div>
    }
}

fn unread_count(list: &[Value]) -> usize {
    list.iter().filter(|n| n["read_at"].is_null()).count()
}

/// The panel's heading, "mark all read" and items: a lazy function, its code in a chunk of
/// its own, since most pages are seen without opening the inbox.
#[leptos::lazy]
fn inbox_list(
    list: RwSignal<Vec<Value>>,
    mark: Callback<Option<String>>,
    open: RwSignal<bool>,
) -> AnyView {
    view! {
        <h2 class="inbox-title">{tr!(inbox)}</h2>
        {move || list.with(|l| unread_count(l) > 0).then(|| view! {
            <button type="button" class="link-button" on:click=move |_| mark.run(None)>{tr!(inbox_mark_all_read)}</button>
        })}
        {move || {
            let items = list.get();
            if items.is_empty() {
                view! { <p>{tr!(inbox_empty)}</p> }.into_any()
            } else {
                view! {
                    <ul class="inbox-list">
                        {items.into_iter().map(|n| view! { <InboxItem n mark open/> }).collect_view()}
                    </ul>
                }.into_any()
            }
        }}
    }
    .into_any()
}

#[component]
fn InboxItem(n: Value, mark: Callback<Option<String>>, open: RwSignal<bool>) -> impl IntoView {
    let text = |key: &str| {
        n["payload"]
            .get(key)
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_owned()
    };
    // A period's notifications name the period; the others, their action.
    let code = match text("period_label") {
        label if !label.is_empty() => label,
        _ => text("action_code"),
    };
    let what = match n["kind"].as_str().unwrap_or_default() {
        "change_request_created" => tr!(inbox_created),
        "change_request_approved" => tr!(inbox_approved),
        "change_request_rejected" => tr!(inbox_rejected),
        "action_stale" => tr!(inbox_stale),
        "task_assigned" => tr!(inbox_task_assigned),
        "task_due_soon" => tr!(inbox_task_due_soon),
        "task_overdue" => tr!(inbox_task_overdue),
        "comment_mention" => tr!(inbox_comment_mention),
        "comment_added" => tr!(inbox_comment_added),
        "period_opened" => tr!(inbox_period_opened),
        "period_reminder" => tr!(inbox_period_reminder),
        _ => tr!(inbox_digest),
    };
    let href = match (text("action_id"), text("plan_id")) {
        (action, _) if !action.is_empty() => format!("/actions/{action}"),
        // A period's request or reminder: the period's page lists what is still due.
        (_, plan) if !plan.is_empty() && !text("period_id").is_empty() => {
            format!("/plans/{plan}/periodes")
        }
        (_, plan) if !plan.is_empty() => format!("/plans/{plan}"),
        _ => "/".to_owned(),
    };
    let reason = text("reason");
    let task = text("task_title");
    let id = n["id"].as_str().unwrap_or_default().to_owned();
    let unread = n["read_at"].is_null();
    let date = crate::format::date(n["created_at"].as_str().unwrap_or_default());
    let follow = {
        let id = id.clone();
        move |_| {
            open.set(false);
            if unread {
                mark.run(Some(id.clone()));
            }
        }
    };
    view! {
        <li class=if unread { "inbox-item unread" } else { "inbox-item" }>
            <a href=href on:click=follow>{what} " " <span class="code">{code.clone()}</span>
                {(!task.is_empty()).then(|| view! { " — " {task.clone()} })}</a>
            {(!reason.is_empty()).then(|| view! { <p class="inbox-reason">{tr!(rejection_reason)} " : " {reason}</p> })}
            <span class="meta">{date}</span>
            {unread.then(|| view! {
                <button type="button" class="link-button" on:click=move |_| mark.run(Some(id.clone()))>
                    {tr!(inbox_mark_read)} <span class="visually-hidden">" " {code}</span>
                </button>
            })}
        </li>
    }
}
