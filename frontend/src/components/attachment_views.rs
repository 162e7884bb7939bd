//! An action's evidence files, in their own WASM chunk (see `components::attachments`):
//! the files of the action and of its sub-actions, oldest first (an image shown as a
//! preview), each downloaded with the session's token; a new file (its type is read from
//! its content by the server); its removal, after a confirmation.

use api_types::{Attachment, AttachmentList, EvidenceKind};
use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::api::{self, ApiFailure};
use crate::components::confirm_dialog::{Confirm, ConfirmDialog, Confirmation};
use crate::components::discussion_views::{local_moment, person_label};
use crate::components::failure::Failure;
use crate::components::form_field::{FormMessage, FormStatus, focus_later};
use crate::loader::loader;
use crate::session::SessionContext;

/// The id of the files' status line.
const STATUS: &str = "attachments-message";
/// The id of the file input.
const INPUT: &str = "attachment-file";
/// What the input offers to choose (the server decides on the content).
const ACCEPT: &str =
    ".pdf,.png,.jpg,.jpeg,.gif,.webp,.doc,.docx,.xls,.xlsx,.ppt,.pptx,.odt,.ods,.odp,.csv,.txt";

pub fn area(action: String) -> AnyView {
    view! { <ActionAttachments action/> }.into_any()
}

fn token() -> String {
    SessionContext::get().token().unwrap_or_default()
}

/// `1 234 567` bytes as `1,2 Mo` (or `1.2 MB` in English).
pub fn size(bytes: u64) -> String {
    let (value, unit) = if bytes >= 1 << 20 {
        (bytes as f64 / f64::from(1 << 20), tr!(size_mb))
    } else {
        ((bytes as f64 / 1024.0).max(0.1), tr!(size_kb))
    };
    format!(
        "{} {unit}",
        crate::format::number((value * 10.0).round() / 10.0)
    )
}

/// What the files' parts share: the status line, the list's reload, the dialog.
#[derive(Clone, Copy)]
struct Shelf {
    message: FormMessage,
    reload: RwSignal<u32>,
    confirm: Confirm,
}

impl Shelf {
    fn tell(self, result: Result<(), ApiFailure>, done: &'static str) {
        match result {
            Ok(()) => {
                self.message.set(Some((true, done.to_owned())));
                self.reload.update(|n| *n += 1);
            }
            Err(failure) => self
                .message
                .set(Some((false, crate::components::failure::explain(&failure)))),
        }
        focus_later(STATUS);
    }
}

#[component]
fn ActionAttachments(action: String) -> impl IntoView {
    let shelf = Shelf {
        message: RwSignal::new(None),
        reload: RwSignal::new(0),
        confirm: Confirm::default(),
    };
    let target = action.clone();
    let list = loader(move || {
        shelf.reload.track();
        let (id, token) = (target.clone(), token());
        Box::pin(async move { api::attachments::of_action(&token, &id).await })
    });
    view! {
        <section class="card attachments" aria-labelledby="attachments-title">
            <h2 id="attachments-title">{tr!(attachments)}</h2>
            <FormStatus id=STATUS message=shelf.message/>
            {move || match list.get() {
                None => view! { <p aria-busy="true">{tr!(loading)}</p> }.into_any(),
                Some(Err(failure)) => view! { <Failure failure/> }.into_any(),
                Some(Ok(list)) => view! { <Shelved list=list action=action.clone() shelf/> }.into_any(),
            }}
            <ConfirmDialog confirm=shelf.confirm/>
        </section>
    }
}

#[component]
fn Shelved(list: AttachmentList, action: String, shelf: Shelf) -> impl IntoView {
    let files = if list.attachments.is_empty() {
        view! { <p>{tr!(no_attachments)}</p> }.into_any()
    } else {
        view! {
            <ul class="attachment-list">
                {list.attachments.into_iter().map(|file| view! { <FileItem file shelf/> }).collect_view()}
            </ul>
        }
        .into_any()
    };
    let limits = tr!(attachment_hint, max = size(list.max_file_bytes));
    let usage = tr!(
        attachment_quota,
        used = size(list.used_bytes),
        quota = size(list.quota_bytes)
    );
    view! {
        {files}
        {list.may_attach.then(|| view! { <NewFile action limits usage shelf/> })}
    }
}

/// Where a file came with, said after who brought it.
fn origin(file: &Attachment) -> Option<&'static str> {
    if file.change_request_id.is_some() {
        Some(tr!(attachment_with_proposal))
    } else if file.comment_id.is_some() {
        Some(tr!(attachment_with_comment))
    } else {
        None
    }
}

fn kind_label(kind: EvidenceKind) -> &'static str {
    match kind {
        EvidenceKind::Pdf => "PDF",
        EvidenceKind::Image => tr!(attachment_image),
        EvidenceKind::Office => tr!(attachment_office),
        EvidenceKind::Text => tr!(attachment_text),
    }
}

#[component]
fn FileItem(file: Attachment, shelf: Shelf) -> impl IntoView {
    let id = file.id.to_string();
    let name = file.name.clone();
    let meta = format!(
        "{} · {} · {}, {}",
        kind_label(file.kind),
        size(u64::try_from(file.size_bytes).unwrap_or(0)),
        person_label(&file.uploaded_by),
        local_moment(&file.uploaded_at)
    );
    let download = {
        let (id, name) = (file.id, name.clone());
        move |_| {
            let (token, name) = (token(), name.clone());
            spawn_local(async move {
                let result =
                    api::download(&token, &api::attachments::content_url(&id), Some(&name)).await;
                if let Err(failure) = result {
                    shelf.tell(Err(failure), "");
                }
            });
        }
    };
    let remove = {
        let (id, name) = (id.clone(), name.clone());
        move |_| {
            let id = id.clone();
            shelf.confirm.ask(Confirmation {
                title: tr!(attachment_remove_question).to_owned(),
                text: tr!(attachment_remove_text).to_owned(),
                act: format!("{} — {name}", tr!(attachment_remove)),
                on_confirm: Callback::new(move |()| {
                    let (id, token) = (id.clone(), token());
                    spawn_local(async move {
                        let result = api::attachments::remove(&token, &id).await;
                        shelf.tell(result, tr!(attachment_removed));
                    });
                }),
                on_cancel: None,
            });
        }
    };
    let preview = (file.kind == EvidenceKind::Image)
        .then(|| view! { <Preview id=file.id name=name.clone()/> });
    view! {
        <li class="attachment">
            {preview}
            <div>
                <button type="button" class="link-button attachment-name"
                    aria-label=format!("{} — {name}", tr!(attachment_download))
                    on:click=download>{name.clone()}</button>
                <p class="hint">{meta}{origin(&file).map(|o| view! { " · " {o} })}</p>
                {file.may_remove.then(|| view! {
                    <button type="button" class="link-button"
                        aria-label=format!("{} — {name}", tr!(attachment_remove))
                        on:click=remove>{tr!(attachment_remove)}</button>
                })}
            </div>
        </li>
    }
}

/// An image's preview: its bytes fetched with the session's token, shown from the
/// browser's memory, released when the list goes.
#[component]
fn Preview(id: uuid::Uuid, name: String) -> impl IntoView {
    let address = RwSignal::new(None::<String>);
    let token = token();
    spawn_local(async move {
        if let Ok(url) = api::object_url(&token, &api::attachments::content_url(&id)).await {
            address.set(Some(url));
        }
    });
    on_cleanup(move || {
        if let Some(url) = address.get_untracked() {
            let _ = web_sys::Url::revoke_object_url(&url);
        }
    });
    view! {
        {move || address.get().map(|src| view! {
            <img class="attachment-preview" src=src alt=format!("{} {}", tr!(attachment_preview), name)/>
        })}
    }
}

#[component]
fn NewFile(action: String, limits: String, usage: String, shelf: Shelf) -> impl IntoView {
    let input = NodeRef::<leptos::html::Input>::new();
    let busy = RwSignal::new(false);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if busy.get_untracked() {
            return;
        }
        let Some(file) = input
            .get_untracked()
            .and_then(|i| i.files())
            .and_then(|files| files.get(0))
        else {
            shelf
                .message
                .set(Some((false, tr!(attachment_choose_first).to_owned())));
            focus_later(STATUS);
            return;
        };
        let (action, token) = (action.clone(), token());
        busy.set(true);
        spawn_local(async move {
            let result = api::attachments::attach(&token, &action, file).await;
            busy.set(false);
            if result.is_ok()
                && let Some(input) = input.get_untracked()
            {
                input.set_value("");
            }
            shelf.tell(result, tr!(attachment_added));
        });
    };
    view! {
        <form class="attachment-form" novalidate on:submit=submit>
            <div class="field">
                <label for=INPUT>{tr!(attachment_choose)}</label>
                <input id=INPUT type="file" accept=ACCEPT node_ref=input aria-describedby="attachment-hint"/>
                <p class="hint" id="attachment-hint">{limits} " " {usage}</p>
            </div>
            <div class="buttons">
                <button type="submit" class="primary" prop:disabled=busy>{tr!(attachment_submit)}</button>
            </div>
        </form>
    }
}
