//! The direct edit of an action by the president or the DG: sent with `If-Match` and the
//! version the form was drawn from. When someone changed the action meanwhile, the API
//! refuses (412); the editor then shows, per field the user changed, their value beside the
//! current one, and lets them keep theirs (sent again over the current version) or take the
//! current one (the page reloads).

use api_types::{
    Action, ActionChanges, ActionDetail, ActionEdit, ActionStatus, FollowUpField, PlanDate,
};
use leptos::prelude::*;
use leptos::task::spawn_local;
use serde_json::Value;

use crate::api::{self, ApiFailure};
use crate::components::form_field::{
    FieldErrors, FormStatus, InputField, TextAreaField, decimal, focus_later, line,
    notice_after_reload, take_notice,
};
use crate::components::health_fields::{HealthFields, HealthForm};
use crate::components::status_chip::status_label;
use crate::format;
use crate::session::SessionContext;

/// The limits of the API (`ActionChanges`, `ActionEdit`), stated on the form.
const LEAD_MAX: usize = api_types::LEAD_MAX_CHARS;
const NOTE_MAX: usize = api_types::NOTE_MAX_CHARS;
const STAFFING_MAX: f64 = api_types::STAFFING_FTE_MAX;

/// What the form holds, as typed.
#[derive(Clone, Copy)]
struct Form {
    status: RwSignal<String>,
    progress: RwSignal<String>,
    planned_start: RwSignal<String>,
    planned_end: RwSignal<String>,
    actual_end: RwSignal<String>,
    political_lead: RwSignal<String>,
    administrative_lead: RwSignal<String>,
    staffing: RwSignal<String>,
    health: HealthForm,
    note: RwSignal<String>,
}

impl Form {
    fn of(action: &Action) -> Self {
        let date = |d: Option<chrono::NaiveDate>| {
            RwSignal::new(d.map(|d| d.to_string()).unwrap_or_default())
        };
        Self {
            status: RwSignal::new(action.status.as_str().to_owned()),
            progress: RwSignal::new(action.progress.to_string()),
            planned_start: date(action.planned_start),
            planned_end: date(action.planned_end),
            actual_end: date(action.actual_end),
            political_lead: RwSignal::new(action.political_lead.clone().unwrap_or_default()),
            administrative_lead: RwSignal::new(
                action.administrative_lead.clone().unwrap_or_default(),
            ),
            staffing: RwSignal::new(
                action
                    .staffing_fte
                    .map(|v| format::fixed(v, 2))
                    .unwrap_or_default(),
            ),
            health: HealthForm::of(action),
            note: RwSignal::new(String::new()),
        }
    }

    /// The edit: only the fields that differ from `base`; or every problem, by field.
    fn edit(self, base: &Action) -> Result<ActionEdit, Vec<(String, String)>> {
        let mut changes = ActionChanges::default();
        let mut errors = Vec::new();
        let mut bad = |field: &str, message: String| errors.push((field.to_owned(), message));
        if let Ok(status) = self.status.get_untracked().parse::<ActionStatus>()
            && status != base.status
        {
            changes.status = Some(status);
        }
        match self.progress.get_untracked().trim().parse::<i16>() {
            // Its steps drive it: not the action's own to change.
            _ if base.progress_from_sub_actions => {}
            Ok(p) if (0..=100).contains(&p) => {
                if p != base.progress {
                    changes.progress = Some(p);
                }
            }
            _ => bad(
                FollowUpField::Progress.as_str(),
                tr!(not_a_number).to_owned(),
            ),
        }
        for (name, signal, before, slot) in [
            (
                FollowUpField::PlannedStart.as_str(),
                self.planned_start,
                base.planned_start,
                &mut changes.planned_start,
            ),
            (
                FollowUpField::PlannedEnd.as_str(),
                self.planned_end,
                base.planned_end,
                &mut changes.planned_end,
            ),
            (
                FollowUpField::ActualEnd.as_str(),
                self.actual_end,
                base.actual_end,
                &mut changes.actual_end,
            ),
        ] {
            let text = signal.get_untracked();
            let parsed = if text.trim().is_empty() {
                Ok(None)
            } else {
                PlanDate::parse(text.trim()).map(Some)
            };
            match parsed {
                Ok(date) if date.map(PlanDate::get) != before => *slot = Some(date),
                Ok(_) => {}
                Err(error) => bad(
                    name,
                    crate::locale::problem_message(error.code()).to_owned(),
                ),
            }
        }
        for (name, signal, before, slot) in [
            (
                FollowUpField::PoliticalLead.as_str(),
                self.political_lead,
                &base.political_lead,
                &mut changes.political_lead,
            ),
            (
                FollowUpField::AdministrativeLead.as_str(),
                self.administrative_lead,
                &base.administrative_lead,
                &mut changes.administrative_lead,
            ),
        ] {
            match line(&signal.get_untracked(), LEAD_MAX) {
                Ok(text) if text != *before => *slot = Some(text),
                Ok(_) => {}
                Err(message) => bad(name, message),
            }
        }
        match decimal(&self.staffing.get_untracked()) {
            Ok(v) if v.is_none_or(|v| (0.0..=STAFFING_MAX).contains(&v)) => {
                if v != base.staffing_fte {
                    changes.staffing_fte = Some(v);
                }
            }
            _ => bad(
                FollowUpField::StaffingFte.as_str(),
                tr!(staffing_limits).to_owned(),
            ),
        }
        if let Err((field, message)) = self.health.read_into(base, &mut changes) {
            bad(field.as_str(), message);
        }
        let note = self.note.get_untracked();
        if note.chars().count() > NOTE_MAX {
            bad(
                "note",
                format!(
                    "{} {NOTE_MAX} {}",
                    tr!(error_too_long),
                    tr!(characters_at_most)
                ),
            );
        }
        if !errors.is_empty() {
            return Err(errors);
        }
        Ok(ActionEdit {
            version: None,
            changes,
            note: (!note.trim().is_empty()).then_some(note),
        })
    }
}

/// Someone changed the action between the load and the save.
#[derive(Clone)]
struct Conflict {
    edit: ActionEdit,
    current: Action,
}

/// The editor's card on the action page.
#[component]
pub fn ActionEditor(detail: ActionDetail, on_changed: Callback<()>) -> impl IntoView {
    let session = SessionContext::get();
    let base = StoredValue::new(detail.action.clone());
    let form = Form::of(&detail.action);
    let errors = FieldErrors::new();
    let message = RwSignal::new(None::<(bool, String)>);
    let conflict = RwSignal::new(None::<Conflict>);
    let busy = RwSignal::new(false);
    if let Some(text) = take_notice("action") {
        message.set(Some((true, text)));
        focus_later("direct-edit-message");
    }

    // One sending path for the first save and for "keep mine".
    let save = move |edit: ActionEdit, version: i32| {
        let token = session.token().unwrap_or_default();
        let id = base.with_value(|a| a.id);
        busy.set(true);
        spawn_local(async move {
            let result = api::managers::edit_action(&token, &id.to_string(), version, &edit).await;
            busy.set(false);
            match result {
                Ok(_) => {
                    notice_after_reload("action", tr!(action_saved));
                    on_changed.run(());
                }
                Err(failure) if is_conflict(&failure) => {
                    match api::get_action(&token, &id.to_string()).await {
                        Ok(now) => {
                            conflict.set(Some(Conflict {
                                edit,
                                current: now.action,
                            }));
                            message.set(None);
                            focus_later("edit-conflict-title");
                        }
                        Err(failure) => message.set(Some((false, failure.message))),
                    }
                }
                Err(failure) => {
                    message.set(Some((false, errors.refusal(failure))));
                    focus_later("direct-edit-message");
                }
            }
        });
    };

    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if busy.get_untracked() {
            return;
        }
        match base.with_value(|b| form.edit(b)) {
            Err(found) => {
                errors.set(found);
                message.set(Some((false, tr!(fix_fields).to_owned())));
                focus_later("direct-edit-message");
            }
            Ok(edit) if edit.changes == ActionChanges::default() => {
                errors.set(Vec::new());
                message.set(Some((false, tr!(nothing_changed).to_owned())));
                focus_later("direct-edit-message");
            }
            Ok(edit) => {
                errors.set(Vec::new());
                save(edit, base.with_value(|b| b.version));
            }
        }
    };
    let keep_mine = Callback::new(move |()| {
        if let Some(Conflict { edit, current }) = conflict.get_untracked() {
            conflict.set(None);
            save(edit, current.version);
        }
    });
    let take_current = Callback::new(move |()| on_changed.run(()));

    let statuses = ActionStatus::ALL
        .iter()
        .map(|s| view! { <option value=s.as_str()>{status_label(*s)}</option> })
        .collect_view();
    let id = |name: &str| format!("edit-{name}");
    // The progress of an action with steps is theirs (the DG may set it by hand instead).
    let (derived, steps) = base.with_value(|b| (b.progress_from_sub_actions, b.sub_actions.len()));
    view! {
        <section class="card direct-edit" aria-labelledby="direct-edit-title">
            <h2 id="direct-edit-title">{tr!(edit_action_title)}</h2>
            <form novalidate on:submit=on_submit>
                <div class="field">
                    <label for="edit-status">{format::follow_up_label(FollowUpField::Status)}</label>
                    <select id="edit-status" prop:value=form.status
                        on:change=move |ev| form.status.set(event_target_value(&ev))>
                        {statuses}
                    </select>
                </div>
                {if derived {
                    view! {
                        <p class="hint">
                            {format::follow_up_label(FollowUpField::Progress)} " : "
                            {tr!(progress_from_sub_actions)} " (" {steps} ")"
                        </p>
                    }.into_any()
                } else {
                    view! {
                        <InputField id=id("progress") label=format::follow_up_label(FollowUpField::Progress).to_owned() kind="number"
                            value=form.progress error=errors.of(FollowUpField::Progress.as_str()) hint=tr!(progress_limits).to_owned()/>
                    }.into_any()
                }}
                <InputField id=id("planned_start") label=format::follow_up_label(FollowUpField::PlannedStart).to_owned() kind="date"
                    value=form.planned_start error=errors.of(FollowUpField::PlannedStart.as_str())/>
                <InputField id=id("planned_end") label=format::follow_up_label(FollowUpField::PlannedEnd).to_owned() kind="date"
                    value=form.planned_end error=errors.of(FollowUpField::PlannedEnd.as_str())/>
                <InputField id=id("actual_end") label=format::follow_up_label(FollowUpField::ActualEnd).to_owned() kind="date"
                    value=form.actual_end error=errors.of(FollowUpField::ActualEnd.as_str())/>
                <InputField id=id("political_lead") label=format::follow_up_label(FollowUpField::PoliticalLead).to_owned() kind="text"
                    value=form.political_lead error=errors.of(FollowUpField::PoliticalLead.as_str())
                    hint=format!("{LEAD_MAX} {}", tr!(characters_at_most))/>
                <InputField id=id("administrative_lead") label=format::follow_up_label(FollowUpField::AdministrativeLead).to_owned() kind="text"
                    value=form.administrative_lead error=errors.of(FollowUpField::AdministrativeLead.as_str())
                    hint=format!("{LEAD_MAX} {}", tr!(characters_at_most))/>
                <InputField id=id("staffing_fte") label=format::follow_up_label(FollowUpField::StaffingFte).to_owned() kind="text" decimal=true
                    value=form.staffing error=errors.of(FollowUpField::StaffingFte.as_str()) hint=tr!(staffing_limits).to_owned()/>
                <HealthFields prefix="edit" form=form.health
                    health_error=errors.of(FollowUpField::Health.as_str())
                    comment_error=errors.of(FollowUpField::HealthComment.as_str())/>
                <TextAreaField id=id("note") label=tr!(note).to_owned() value=form.note max=NOTE_MAX
                    error=errors.of("note")/>
                <FormStatus id="direct-edit-message" message/>
                <button type="submit" class="primary" prop:disabled=busy>{tr!(save_action)}</button>
            </form>
            {move || conflict.get().map(|c| view! { <ConflictView conflict=c keep_mine take_current/> })}
        </section>
    }
}

/// The API's answer to a stale version: 412 for `If-Match`, 409 for a body version.
fn is_conflict(failure: &ApiFailure) -> bool {
    failure.status == 412
        || (failure.status == 409
            && failure.problem.as_ref().is_some_and(|p| {
                matches!(
                    p.code,
                    api_types::ProblemCode::VersionConflict | api_types::ProblemCode::StaleVersion
                )
            }))
}

/// Mine beside the current one, per field I changed.
#[component]
fn ConflictView(
    conflict: Conflict,
    keep_mine: Callback<()>,
    take_current: Callback<()>,
) -> impl IntoView {
    let mine = serde_json::to_value(&conflict.edit.changes).unwrap_or(Value::Null);
    let current = serde_json::to_value(&conflict.current).unwrap_or(Value::Null);
    let rows = mine
        .as_object()
        .map(|fields| {
            fields
                .iter()
                .map(|(field, value)| {
                    let now = current.get(field).cloned().unwrap_or(Value::Null);
                    let differs = now != *value;
                    view! {
                        <tr class:differs=differs>
                            <th scope="row">{format::field_label(field)}</th>
                            <td>{format::value(field, value)}</td>
                            <td>{format::value(field, &now)}</td>
                        </tr>
                    }
                })
                .collect_view()
        })
        .unwrap_or_default();
    view! {
        <div class="edit-conflict" role="group" aria-labelledby="edit-conflict-title">
            <h3 id="edit-conflict-title" tabindex="-1">{tr!(edit_conflict_title)}</h3>
            <p>{tr!(edit_conflict_help)}</p>
            <div class="table-scroll">
                <table class="data">
                    <thead><tr>
                        <th scope="col">{tr!(field_other)}</th>
                        <th scope="col">{tr!(my_version)}</th>
                        <th scope="col">{tr!(current_version)}</th>
                    </tr></thead>
                    <tbody>{rows}</tbody>
                </table>
            </div>
            <div class="buttons">
                <button type="button" class="primary" on:click=move |_| keep_mine.run(())>{tr!(keep_mine)}</button>
                <button type="button" on:click=move |_| take_current.run(())>{tr!(take_current)}</button>
            </div>
        </div>
    }
}
