//! The discussion of an action and of its sub-actions, in its own WASM chunk (see
//! `components::discussion`): the comments, oldest first; a new comment with the people it
//! mentions; its author changes a comment (within 15 minutes) or deletes it (a trace
//! stays); the DG hides one with a reason.

use api_types::{Comment, CommentHide, CommentInput, CommentPatch, PersonRef};
use leptos::prelude::*;
use leptos::task::spawn_local;
use uuid::Uuid;

use crate::api::{self, ApiFailure};
use crate::components::confirm_dialog::{Confirm, ConfirmDialog, Confirmation};
use crate::components::failure::Failure;
use crate::components::form_field::{
    FieldErrors, FormMessage, FormStatus, TextAreaField, focus_later,
};
use crate::loader::loader;
use crate::session::SessionContext;

/// The id of the discussion's status line.
const STATUS: &str = "discussion-message";
const BODY_MAX: usize = api_types::COMMENT_MAX_CHARS;
const REASON_MAX: usize = api_types::COMMENT_HIDE_REASON_MAX_CHARS;

pub fn area(action: String) -> AnyView {
    view! { <ActionDiscussion action/> }.into_any()
}

fn token() -> String {
    SessionContext::get().token().unwrap_or_default()
}

/// What the discussion's parts share: its status line, the reload of the list, and the
/// page's confirmation dialog.
#[derive(Clone, Copy)]
struct Thread {
    message: FormMessage,
    reload: RwSignal<u32>,
    confirm: Confirm,
}

impl Thread {
    /// The outcome of an act, in the status line (which takes the focus); done, the list
    /// is read again.
    fn tell(self, result: Result<(), ApiFailure>, done: &'static str, errors: Option<FieldErrors>) {
        match result {
            Ok(()) => {
                self.message.set(Some((true, done.to_owned())));
                self.reload.update(|n| *n += 1);
            }
            Err(failure) => {
                let text = match errors {
                    Some(errors) => errors.refusal(failure),
                    None => crate::components::failure::explain(&failure),
                };
                self.message.set(Some((false, text)));
            }
        }
        focus_later(STATUS);
    }
}

#[component]
fn ActionDiscussion(action: String) -> impl IntoView {
    let thread = Thread {
        message: RwSignal::new(None),
        reload: RwSignal::new(0),
        confirm: Confirm::default(),
    };
    let target = action.clone();
    let list = loader(move || {
        thread.reload.track();
        let (id, token) = (target.clone(), token());
        Box::pin(async move { api::comments::of_action(&token, &id).await })
    });
    let people = Signal::derive(move || {
        list.with(|l| match l {
            Some(Ok(list)) => list.mentionable.clone(),
            _ => Vec::new(),
        })
    });
    view! {
        <section class="card discussion" aria-labelledby="discussion-title">
            <h2 id="discussion-title">{tr!(discussion)}</h2>
            <FormStatus id=STATUS message=thread.message/>
            {move || match list.get() {
                None => view! { <p aria-busy="true">{tr!(loading)}</p> }.into_any(),
                Some(Err(failure)) => view! { <Failure failure/> }.into_any(),
                Some(Ok(list)) if list.comments.is_empty() => view! { <p>{tr!(no_comments)}</p> }.into_any(),
                Some(Ok(list)) => view! {
                    <ol class="comment-list">
                        {list.comments.into_iter().map(|comment| view! { <CommentItem comment thread people/> }).collect_view()}
                    </ol>
                }.into_any(),
            }}
            <NewComment action thread people/>
            <ConfirmDialog confirm=thread.confirm/>
        </section>
    }
}

/// `2026-12-04T16:30:00Z` as the person's local date and time: `04/12/2026 17:30`.
pub(crate) fn local_moment(at: &chrono::DateTime<chrono::Utc>) -> String {
    let moment = js_sys::Date::new(&wasm_bindgen::JsValue::from_f64(
        at.timestamp_millis() as f64
    ));
    format!(
        "{:02}/{:02}/{:04} {:02}:{:02}",
        moment.get_date(),
        moment.get_month() + 1,
        moment.get_full_year(),
        moment.get_hours(),
        moment.get_minutes()
    )
}

/// A comment's words, its web addresses as links (plain text otherwise: nothing of it is
/// read as markup).
fn linked(text: &str) -> Vec<AnyView> {
    let mut parts = Vec::new();
    let mut rest = text;
    while let Some(start) = ["https://", "http://"]
        .iter()
        .filter_map(|scheme| rest.find(scheme))
        .min()
    {
        if start > 0 {
            parts.push(rest[..start].to_owned().into_any());
        }
        let link = &rest[start..];
        let end = link
            .find(|c: char| c.is_whitespace() || matches!(c, '<' | '>' | '"'))
            .unwrap_or(link.len());
        // A full stop or a closing bracket after an address ends the sentence.
        let address = link[..end].trim_end_matches(['.', ',', ';', ':', ')', '!', '?']);
        parts.push(
            view! { <a href=address.to_owned() rel="noopener noreferrer nofollow" target="_blank">{address.to_owned()}</a> }
                .into_any(),
        );
        rest = &link[address.len()..];
    }
    if !rest.is_empty() {
        parts.push(rest.to_owned().into_any());
    }
    parts
}

/// A person as the discussion names them: "Marie Dupont (Commune (PCS))".
pub(crate) fn person_label(person: &PersonRef) -> String {
    match &person.organisation {
        Some(organisation) => format!("{} ({organisation})", person.display_name),
        None => person.display_name.clone(),
    }
}

fn names(people: &[PersonRef]) -> String {
    people
        .iter()
        .map(|p| p.display_name.as_str())
        .collect::<Vec<_>>()
        .join(", ")
}

/// What a comment says: its words (and whom it mentions), or the trace of its deletion or
/// of its hiding.
fn content(comment: &Comment) -> AnyView {
    match (&comment.body, &comment.hidden, comment.deleted_at) {
        (_, _, Some(_)) => view! { <p class="comment-trace">{tr!(comment_deleted)}</p> }.into_any(),
        (_, Some(hidden), _) => view! {
            <p class="comment-trace">{tr!(comment_hidden_by)} " " {hidden.by.display_name.clone()} " : " {hidden.reason.clone()}</p>
        }.into_any(),
        (Some(body), None, None) => {
            let mentions = (!comment.mentions.is_empty()).then(|| view! {
                <p class="hint">{tr!(comment_mentions)} " : " {names(&comment.mentions)}</p>
            });
            view! { <p class="comment-body">{linked(body)}</p> {mentions} }.into_any()
        }
        (None, None, None) => ().into_any(),
    }
}

#[component]
fn CommentItem(comment: Comment, thread: Thread, people: Signal<Vec<PersonRef>>) -> impl IntoView {
    let editing = RwSignal::new(false);
    let hiding = RwSignal::new(false);
    let id = comment.id.to_string();
    let by = person_label(&comment.author);
    let when = local_moment(&comment.created_at);
    let edited = comment.edited_at.is_some();
    // Each button names the comment it acts on, for screen readers.
    let label = format!("{by}, {when}");
    let delete = {
        let (id, label) = (id.clone(), label.clone());
        move |_| {
            let id = id.clone();
            thread.confirm.ask(Confirmation {
                title: tr!(comment_delete_question).to_owned(),
                text: tr!(comment_delete_text).to_owned(),
                act: format!("{} — {label}", tr!(comment_delete)),
                on_confirm: Callback::new(move |()| {
                    let (id, token) = (id.clone(), token());
                    spawn_local(async move {
                        let result = api::comments::delete(&token, &id).await;
                        thread.tell(result, tr!(comment_deleted_done), None);
                    });
                }),
                on_cancel: None,
            });
        }
    };
    let (may_edit, may_delete, may_hide) = (comment.may_edit, comment.may_delete, comment.may_hide);
    let shown = comment.clone();
    let anchor = format!("comment-{id}");
    view! {
        <li class="comment" id=anchor>
            <p class="meta"><strong>{by.clone()}</strong> " · " {when.clone()}
                {edited.then(|| view! { " · " {tr!(comment_edited)} })}</p>
            {move || if editing.get() {
                view! { <EditComment comment=shown.clone() thread people editing/> }.into_any()
            } else {
                content(&shown)
            }}
            <div class="buttons">
                {may_edit.then(|| view! {
                    <button type="button" class="link-button" aria-label=format!("{} — {label}", tr!(edit))
                        aria-expanded=move || editing.get().to_string()
                        on:click=move |_| editing.update(|e| *e = !*e)>{tr!(edit)}</button>
                })}
                {may_delete.then(|| view! {
                    <button type="button" class="link-button" aria-label=format!("{} — {label}", tr!(comment_delete))
                        on:click=delete>{tr!(comment_delete)}</button>
                })}
                {may_hide.then(|| view! {
                    <button type="button" class="link-button" aria-label=format!("{} — {label}", tr!(comment_hide))
                        aria-expanded=move || hiding.get().to_string()
                        on:click=move |_| hiding.update(|h| *h = !*h)>{tr!(comment_hide)}</button>
                })}
            </div>
            {move || hiding.get().then(|| view! { <HideComment id=id.clone() thread/> })}
        </li>
    }
}

/// Whom a comment mentions: chosen one by one among the CPAS's people, each removable.
#[component]
fn MentionPicker(
    prefix: &'static str,
    chosen: RwSignal<Vec<PersonRef>>,
    people: Signal<Vec<PersonRef>>,
) -> impl IntoView {
    let select_id = format!("{prefix}-mention");
    let select = NodeRef::<leptos::html::Select>::new();
    let add = move |ev: leptos::ev::Event| {
        let Ok(id) = event_target_value(&ev).parse::<Uuid>() else {
            return;
        };
        if let Some(person) = people.with_untracked(|p| p.iter().find(|p| p.id == id).cloned()) {
            chosen.update(|c| {
                if !c.iter().any(|p| p.id == id) && c.len() < api_types::COMMENT_MENTIONS_MAX {
                    c.push(person);
                }
            });
        }
        // Back to "choose": the same person can be chosen again after a removal.
        if let Some(select) = select.get_untracked() {
            select.set_value("");
        }
    };
    view! {
        <div class="field">
            <label for=select_id.clone()>{tr!(comment_mention)}</label>
            <select id=select_id node_ref=select on:change=add>
                <option value="">{tr!(comment_mention_choose)}</option>
                {move || people.get().into_iter().map(|p| view! {
                    <option value=p.id.to_string()>{person_label(&p)}</option>
                }).collect_view()}
            </select>
            <ul class="mentions" aria-label=tr!(comment_mentions)>
                {move || chosen.get().into_iter().map(|p| {
                    let id = p.id;
                    view! {
                        <li>{p.display_name.clone()} " "
                            <button type="button" class="link-button"
                                aria-label=format!("{} {}", tr!(comment_mention_remove), p.display_name)
                                on:click=move |_| chosen.update(|c| c.retain(|q| q.id != id))>"✕"</button>
                        </li>
                    }
                }).collect_view()}
            </ul>
        </div>
    }
}

#[component]
fn NewComment(action: String, thread: Thread, people: Signal<Vec<PersonRef>>) -> impl IntoView {
    let body = RwSignal::new(String::new());
    let chosen = RwSignal::new(Vec::<PersonRef>::new());
    let errors = FieldErrors::new();
    let busy = RwSignal::new(false);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if busy.get_untracked() {
            return;
        }
        let text = body.get_untracked();
        if text.trim().is_empty() {
            errors.set(vec![("body".to_owned(), tr!(error_required).to_owned())]);
            thread
                .message
                .set(Some((false, tr!(fix_fields).to_owned())));
            focus_later(STATUS);
            return;
        }
        errors.set(Vec::new());
        let input = CommentInput {
            body: text,
            mentions: chosen.get_untracked().iter().map(|p| p.id).collect(),
        };
        let (action, token) = (action.clone(), token());
        busy.set(true);
        spawn_local(async move {
            let result = api::comments::create(&token, &action, &input).await;
            busy.set(false);
            if result.is_ok() {
                body.set(String::new());
                chosen.set(Vec::new());
            }
            thread.tell(result.map(drop), tr!(comment_published), Some(errors));
        });
    };
    view! {
        <form class="comment-form" novalidate on:submit=submit>
            <h3>{tr!(comment_new)}</h3>
            <TextAreaField id="comment-body".to_owned() label=tr!(comment_label).to_owned()
                value=body max=BODY_MAX error=errors.of("body")/>
            <p class="hint">{tr!(comment_hint)}</p>
            <MentionPicker prefix="comment" chosen people/>
            <div class="buttons">
                <button type="submit" class="primary" prop:disabled=busy>{tr!(comment_publish)}</button>
            </div>
        </form>
    }
}

#[component]
fn EditComment(
    comment: Comment,
    thread: Thread,
    people: Signal<Vec<PersonRef>>,
    editing: RwSignal<bool>,
) -> impl IntoView {
    let body = RwSignal::new(comment.body.clone().unwrap_or_default());
    let chosen = RwSignal::new(comment.mentions.clone());
    let errors = FieldErrors::new();
    let id = comment.id.to_string();
    let field = format!("comment-edit-{}", comment.id);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let patch = CommentPatch {
            version: comment.version,
            body: body.get_untracked(),
            mentions: chosen.get_untracked().iter().map(|p| p.id).collect(),
        };
        let (id, token) = (id.clone(), token());
        spawn_local(async move {
            let result = api::comments::update(&token, &id, &patch).await;
            if result.is_ok() {
                editing.set(false);
            }
            thread.tell(result.map(drop), tr!(comment_updated), Some(errors));
        });
    };
    view! {
        <form class="comment-form" novalidate on:submit=submit>
            <TextAreaField id=field label=tr!(comment_label).to_owned()
                value=body max=BODY_MAX error=errors.of("body")/>
            <MentionPicker prefix="comment-edit" chosen people/>
            <div class="buttons">
                <button type="submit" class="primary">{tr!(save)}</button>
                <button type="button" on:click=move |_| editing.set(false)>{tr!(cancel)}</button>
            </div>
        </form>
    }
}

/// The DG's reason for hiding a comment.
#[component]
fn HideComment(id: String, thread: Thread) -> impl IntoView {
    let reason = RwSignal::new(String::new());
    let errors = FieldErrors::new();
    let field = format!("comment-hide-{id}");
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let input = CommentHide {
            reason: reason.get_untracked(),
        };
        let (id, token) = (id.clone(), token());
        spawn_local(async move {
            let result = api::comments::hide(&token, &id, &input).await;
            thread.tell(result.map(drop), tr!(comment_hidden_done), Some(errors));
        });
    };
    view! {
        <form class="comment-form" novalidate on:submit=submit>
            <TextAreaField id=field label=tr!(comment_hide_reason).to_owned()
                value=reason max=REASON_MAX error=errors.of("reason")/>
            <div class="buttons">
                <button type="submit" class="primary">{tr!(comment_hide)}</button>
            </div>
        </form>
    }
}
