//! The DG adds the steps of an action (a title, and a weight in the action's progress when
//! the steps are unequal), and chooses whether the action's progress is computed from them
//! or set by hand. Part of the managers' tools (their own WASM chunk).

use api_types::{ActionDetail, NewSubAction};
use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::api::{self, ApiFailure};
use crate::components::form_field::{
    FieldErrors, FormStatus, InputField, SaveOutcome, focus_later, line, take_notice,
};
use crate::session::SessionContext;

/// The limits of `NewSubAction`, stated on the form.
const TITLE_MAX: usize = 1000;
const WEIGHTS: std::ops::RangeInclusive<i16> = 1..=100;

#[component]
pub fn SubActionsEditor(detail: ActionDetail, on_changed: Callback<()>) -> impl IntoView {
    let session = SessionContext::get();
    let action = detail.action;
    let action_id = action.id.to_string();
    let title = RwSignal::new(String::new());
    let weight = RwSignal::new(String::new());
    let errors = FieldErrors::new();
    let message = RwSignal::new(take_notice("sub-actions").map(|t| (true, t)));
    if message.get_untracked().is_some() {
        focus_later("sub-actions-message");
    }
    let busy = RwSignal::new(false);
    let by_hand = RwSignal::new(action.progress_by_hand);

    let outcome = SaveOutcome {
        area: "sub-actions",
        status_id: "sub-actions-message",
        errors,
        message,
        on_changed,
    };
    let done =
        move |result: Result<(), ApiFailure>, saved: &'static str| outcome.show(result, saved);
    let parent = action_id.clone();
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if busy.get_untracked() {
            return;
        }
        let mut found = Vec::new();
        let chosen_title = match line(&title.get_untracked(), TITLE_MAX) {
            Ok(Some(t)) => t,
            Ok(None) => {
                found.push(("title".to_owned(), tr!(error_required).to_owned()));
                String::new()
            }
            Err(m) => {
                found.push(("title".to_owned(), m));
                String::new()
            }
        };
        let text = weight.get_untracked();
        let chosen_weight = match text.trim() {
            "" => None,
            t => match t.parse::<i16>() {
                Ok(w) if WEIGHTS.contains(&w) => Some(w),
                _ => {
                    found.push(("weight".to_owned(), tr!(weight_limits).to_owned()));
                    None
                }
            },
        };
        if !found.is_empty() {
            errors.set(found);
            message.set(Some((false, tr!(fix_fields).to_owned())));
            focus_later("sub-actions-message");
            return;
        }
        errors.set(Vec::new());
        let input = NewSubAction {
            code: None,
            title: chosen_title,
            description: None,
            weight: chosen_weight,
            position: None,
        };
        let (token, parent) = (session.token().unwrap_or_default(), parent.clone());
        busy.set(true);
        spawn_local(async move {
            let result = api::managers::create_sub_action(&token, &parent, &input).await;
            busy.set(false);
            done(result.map(drop), tr!(sub_action_added));
        });
    };
    let version = action.version;
    let toggle = move |ev: leptos::ev::Event| {
        let chosen = event_target_checked(&ev);
        by_hand.set(chosen);
        let (token, id) = (session.token().unwrap_or_default(), action_id.clone());
        busy.set(true);
        spawn_local(async move {
            let result = api::managers::set_progress_by_hand(&token, &id, version, chosen).await;
            busy.set(false);
            done(result.map(drop), tr!(progress_rule_saved));
        });
    };
    let has_steps = !action.sub_actions.is_empty();
    view! {
        <section class="card measures-editor" aria-labelledby="sub-actions-editor-title">
            <h2 id="sub-actions-editor-title">{tr!(define_sub_actions)}</h2>
            {has_steps.then(|| view! {
                <div class="field checkbox">
                    <input type="checkbox" id="progress-by-hand" prop:checked=by_hand
                        prop:disabled=busy on:change=toggle/>
                    <label for="progress-by-hand">{tr!(progress_by_hand_choice)}</label>
                </div>
            })}
            <FormStatus id="sub-actions-message" message/>
            <form novalidate class="inline-form" on:submit=on_submit>
                <h3>{tr!(add_sub_action)}</h3>
                <InputField id="sub-action-title".to_owned() label=tr!(sub_action_title).to_owned() kind="text"
                    value=title error=errors.of("title")
                    hint=format!("{} · {TITLE_MAX} {}", tr!(required), tr!(characters_at_most))/>
                <InputField id="sub-action-weight".to_owned() label=tr!(sub_action_weight).to_owned() kind="number"
                    value=weight error=errors.of("weight") hint=tr!(weight_limits).to_owned()/>
                <div class="buttons">
                    <button type="submit" class="primary" prop:disabled=busy>{tr!(add_sub_action)}</button>
                </div>
            </form>
        </section>
    }
}
