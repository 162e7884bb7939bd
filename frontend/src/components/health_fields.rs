//! An action's health in the proposal form and the direct edit: a choice among the API's
//! values (or "not assessed") and a few words of why.

use api_types::{Action, ActionChanges, ActionHealth, FollowUpField};
use leptos::prelude::*;

use crate::components::form_field::line;
use crate::components::status_chip::health_label;
use crate::format;

/// The limit of the API, stated on the form.
const COMMENT_MAX: usize = api_types::HEALTH_COMMENT_MAX_CHARS;

/// What the form holds, as chosen and typed.
#[derive(Clone, Copy)]
pub struct HealthForm {
    /// The wire name, or empty for "not assessed".
    pub health: RwSignal<String>,
    pub comment: RwSignal<String>,
}

impl HealthForm {
    /// The form as `action` is now.
    pub fn of(action: &Action) -> Self {
        Self {
            health: RwSignal::new(
                action
                    .health
                    .map(|h| h.as_str().to_owned())
                    .unwrap_or_default(),
            ),
            comment: RwSignal::new(action.health_comment.clone().unwrap_or_default()),
        }
    }

    /// Puts in `changes` what differs from `action`; or the field that is wrong, with
    /// the message to show under it.
    pub fn read_into(
        self,
        action: &Action,
        changes: &mut ActionChanges,
    ) -> Result<(), (FollowUpField, String)> {
        let chosen = self.health.get_untracked();
        let health = if chosen.is_empty() {
            None
        } else {
            Some(
                chosen
                    .parse::<ActionHealth>()
                    .map_err(|_| (FollowUpField::Health, tr!(error_invalid_value).to_owned()))?,
            )
        };
        if health != action.health {
            changes.health = Some(health);
        }
        let comment = line(&self.comment.get_untracked(), COMMENT_MAX)
            .map_err(|message| (FollowUpField::HealthComment, message))?;
        if comment != action.health_comment {
            changes.health_comment = Some(comment);
        }
        Ok(())
    }
}

/// The two fields, their ids made of `prefix` (`propose`, `edit`).
#[component]
pub fn HealthFields(
    prefix: &'static str,
    form: HealthForm,
    health_error: Signal<Option<String>>,
    comment_error: Signal<Option<String>>,
) -> impl IntoView {
    let health_id = format!("{prefix}-health");
    let comment_id = format!("{prefix}-health_comment");
    let choices = std::iter::once(None)
        .chain(ActionHealth::ALL.iter().copied().map(Some))
        .map(|h| {
            view! {
                <option value=h.map(ActionHealth::as_str).unwrap_or_default()>{health_label(h)}</option>
            }
        })
        .collect_view();
    view! {
        <div class="field">
            <label for=health_id.clone()>{format::follow_up_label(FollowUpField::Health)}</label>
            <select id=health_id.clone() prop:value=form.health
                aria-invalid=move || health_error.with(Option::is_some).to_string()
                aria-describedby=format!("{health_id}-error")
                on:change=move |ev| form.health.set(event_target_value(&ev))>
                {choices}
            </select>
            <p class="field-error" id=format!("{health_id}-error") aria-live="polite">{move || health_error.get()}</p>
        </div>
        <div class="field">
            <label for=comment_id.clone()>{format::follow_up_label(FollowUpField::HealthComment)}</label>
            <input type="text" id=comment_id.clone() prop:value=form.comment
                aria-invalid=move || comment_error.with(Option::is_some).to_string()
                aria-describedby=format!("{comment_id}-hint {comment_id}-error")
                on:input=move |ev| form.comment.set(event_target_value(&ev))/>
            <p class="hint" id=format!("{comment_id}-hint")>{tr!(health_comment_hint)}</p>
            <p class="field-error" id=format!("{comment_id}-error") aria-live="polite">{move || comment_error.get()}</p>
        </div>
    }
}
