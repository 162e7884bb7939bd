//! The DG names who answers for an action or a sub-action: the mandataire's function (their
//! name is the follow-up's) and account (for the eComptes file), and the responsible, a
//! person of the CPAS. Part of the
//! managers' tools (their own WASM chunk); the structure editor has the same fields for
//! actions, this one reaches the steps too.

use api_types::ActionDetail;
use leptos::prelude::*;
use leptos::task::spawn_local;
use uuid::Uuid;

use crate::api;
use crate::components::form_field::{
    FieldErrors, FormStatus, InputField, SaveOutcome, focus_later, line, take_notice,
};
use crate::loader::loader;
use crate::session::SessionContext;

const FUNCTION_MAX: usize = api_types::LEAD_MAX_CHARS;

/// The people of the CPAS, as the management's list gives them: this chunk's own type.
#[derive(Clone, serde::Deserialize)]
struct People {
    users: Vec<Person>,
}

#[derive(Clone, serde::Deserialize)]
struct Person {
    id: Uuid,
    display_name: String,
}

#[component]
pub fn ResponsiblesEditor(detail: ActionDetail, on_changed: Callback<()>) -> impl IntoView {
    let session = SessionContext::get();
    let action = detail.action;
    let (id, version) = (action.id.to_string(), action.version);
    let function = RwSignal::new(action.political_function.clone().unwrap_or_default());
    let responsible = RwSignal::new(action.responsible.as_ref().map(|r| r.id));
    let political_lead_account =
        RwSignal::new(action.political_lead_account.as_ref().map(|r| r.id));
    let errors = FieldErrors::new();
    let message = RwSignal::new(take_notice("responsibles").map(|t| (true, t)));
    if message.get_untracked().is_some() {
        focus_later("responsibles-message");
    }
    let busy = RwSignal::new(false);
    let outcome = SaveOutcome {
        area: "responsibles",
        status_id: "responsibles-message",
        errors,
        message,
        on_changed,
    };
    let people = loader(move || {
        let token = session.token().unwrap_or_default();
        Box::pin(async move { api::people_of_cpas::<People>(&token).await })
    });
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if busy.get_untracked() {
            return;
        }
        let chosen = match line(&function.get_untracked(), FUNCTION_MAX) {
            Ok(f) => f,
            Err(m) => {
                errors.set(vec![("political_function".to_owned(), m)]);
                message.set(Some((false, tr!(fix_fields).to_owned())));
                focus_later("responsibles-message");
                return;
            }
        };
        errors.set(Vec::new());
        let (token, id) = (session.token().unwrap_or_default(), id.clone());
        let body = api::managers::Responsibles {
            version,
            political_function: chosen,
            political_lead_user_id: political_lead_account.get_untracked(),
            responsible_user_id: responsible.get_untracked(),
        };
        busy.set(true);
        spawn_local(async move {
            let result = api::managers::set_responsibles(&token, &id, &body).await;
            busy.set(false);
            outcome.show(result.map(drop), tr!(saved));
        });
    };
    view! {
        <section class="card measures-editor" aria-labelledby="responsibles-editor-title">
            <h2 id="responsibles-editor-title">{tr!(responsibles_title)}</h2>
            <FormStatus id="responsibles-message" message/>
            <form novalidate class="inline-form" on:submit=on_submit>
                <InputField id="responsibles-function".to_owned() label=tr!(field_political_function).to_owned()
                    kind="text" value=function error=errors.of("political_function")
                    hint=format!("{FUNCTION_MAX} {}", tr!(characters_at_most))/>
                <PersonChoice id="responsibles-user" label=tr!(field_responsible) value=responsible people hint=None/>
                <PersonChoice id="responsibles-political-lead-account" label=tr!(field_political_lead_account)
                    value=political_lead_account people hint=Some(tr!(political_lead_account_hint))/>
                <div class="buttons">
                    <button type="submit" class="primary" prop:disabled=busy>{tr!(save)}</button>
                </div>
            </form>
        </section>
    }
}

/// Nobody, or a person of the CPAS, once the list has come.
#[component]
fn PersonChoice(
    id: &'static str,
    label: &'static str,
    value: RwSignal<Option<Uuid>>,
    people: ReadSignal<Option<Result<People, api::ApiFailure>>>,
    hint: Option<&'static str>,
) -> impl IntoView {
    let hint_id = format!("{id}-hint");
    view! {
        <p class="field">
            <label for=id>{label}</label>
            <select id=id aria-describedby=hint.map(|_| hint_id.clone())
                on:change=move |ev| value.set(event_target_value(&ev).parse().ok())>
                <option value="" selected=value.get_untracked().is_none()>{tr!(responsible_none)}</option>
                {move || people.get().and_then(Result::ok).map(|people| {
                    people.users.into_iter().map(|p| view! {
                        <option value=p.id.to_string() selected=Some(p.id) == value.get_untracked()>{p.display_name}</option>
                    }).collect_view()
                })}
            </select>
            {hint.map(|h| view! { <span id=hint_id class="hint">{h}</span> })}
        </p>
    }
}
