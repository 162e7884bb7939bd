use api_types::{
    ActionChanges, ActionDetail, ActionStatus, ChangeRequest, FieldError, FollowUpField,
    NewChangeRequest,
};
use chrono::NaiveDate;
use leptos::prelude::*;
use leptos::task::spawn_local;
use serde_json::Value;

use crate::api;
use crate::components::form_field::decimal;
use crate::components::health_fields::{HealthFields, HealthForm};
use crate::components::status_chip::status_label;
use crate::format;
use crate::session::SessionContext;

/// The form a partner or a social worker fills to propose an update of an action. Only the
/// fields they changed are sent; a note alone is a report too. The API's per-field errors
/// are shown under the fields. When it `replaces` the author's pending proposal, it starts
/// from that proposal's values and names it in the request.
#[component]
pub fn ProposeForm(
    detail: ActionDetail,
    #[prop(optional_no_strip)] replaces: Option<ChangeRequest>,
    /// Called with the confirmation to show once the proposal is recorded.
    on_sent: Callback<String>,
    /// Going back to the pending proposal without replacing it.
    #[prop(optional_no_strip)]
    on_cancel: Option<Callback<()>>,
) -> impl IntoView {
    let session = SessionContext::get();
    let action = detail.action.clone();
    // The values the form starts from: the action's, or those of the proposal it replaces.
    let proposed = |field: &str| -> Option<Value> {
        replaces
            .as_ref()?
            .diff
            .iter()
            .find(|d| d.field == field)
            .map(|d| d.proposed.clone())
    };
    let date_text = |d: Option<NaiveDate>| d.map(|d| d.to_string()).unwrap_or_default();
    let start_date = |field: &str, current: Option<NaiveDate>| match proposed(field) {
        Some(Value::String(date)) => date,
        Some(_) => String::new(),
        None => date_text(current),
    };
    let status = RwSignal::new(
        proposed(FollowUpField::Status.as_str())
            .and_then(|v| v.as_str().map(str::to_owned))
            .unwrap_or_else(|| action.status.as_str().to_owned()),
    );
    let progress = RwSignal::new(
        proposed(FollowUpField::Progress.as_str())
            .and_then(|v| v.as_i64())
            .map_or_else(|| action.progress.to_string(), |p| p.to_string()),
    );
    let planned_start = RwSignal::new(start_date(
        FollowUpField::PlannedStart.as_str(),
        action.planned_start,
    ));
    let planned_end = RwSignal::new(start_date(
        FollowUpField::PlannedEnd.as_str(),
        action.planned_end,
    ));
    let actual_end = RwSignal::new(start_date(
        FollowUpField::ActualEnd.as_str(),
        action.actual_end,
    ));
    let health = HealthForm::of(&action);
    let proposed_text = |field: FollowUpField| {
        proposed(field.as_str()).map(|v| v.as_str().unwrap_or_default().to_owned())
    };
    if let Some(chosen) = proposed_text(FollowUpField::Health) {
        health.health.set(chosen);
    }
    if let Some(comment) = proposed_text(FollowUpField::HealthComment) {
        health.comment.set(comment);
    }
    let note = RwSignal::new(
        replaces
            .as_ref()
            .and_then(|r| r.note.clone())
            .unwrap_or_default(),
    );
    let replaced_id = replaces.as_ref().map(|r| r.id);
    // One value and date per indicator, one amount (in euros) per budget line.
    let measures: Vec<(api_types::Indicator, RwSignal<String>, RwSignal<String>)> = detail
        .indicators
        .iter()
        .map(|i| {
            let (value, at) = match proposed(&format!("{}{}", api_types::INDICATOR_FIELD, i.id)) {
                Some(m) => (
                    m.get("current_value").and_then(Value::as_f64),
                    m.get("measured_at")
                        .and_then(Value::as_str)
                        .and_then(format::iso_date),
                ),
                None => (i.current_value, i.measured_at),
            };
            (
                i.clone(),
                RwSignal::new(value.map(format::shortest).unwrap_or_default()),
                RwSignal::new(date_text(at)),
            )
        })
        .collect();
    // Per budget line, the amounts spent and engaged (in euros, as typed).
    let spending: Vec<(api_types::BudgetLine, RwSignal<String>, RwSignal<String>)> = detail
        .budget_lines
        .iter()
        .map(|b| {
            let amount = |key: &str, now: i64| {
                let cents = proposed(&format!("{key}{}", b.id))
                    .and_then(|v| v.as_i64())
                    .unwrap_or(now);
                RwSignal::new(format!("{}.{:02}", cents / 100, cents % 100))
            };
            (
                b.clone(),
                amount(api_types::BUDGET_SPENT_FIELD, b.spent_cents),
                amount(api_types::BUDGET_ENGAGED_FIELD, b.engaged_cents),
            )
        })
        .collect();
    let measures = StoredValue::new(measures);
    let spending = StoredValue::new(spending);
    let errors = RwSignal::new(Vec::<FieldError>::new());
    let message = RwSignal::new(None::<(bool, String)>);
    let busy = RwSignal::new(false);
    // Evidence files to attach to the proposal once it is sent.
    let evidence = NodeRef::<leptos::html::Input>::new();
    let original = StoredValue::new(action.clone());
    // The progress of an action with steps is theirs: it is reported on them.
    let derived = action.progress_from_sub_actions;
    let steps = action.sub_actions.len();

    // The form's own errors carry their message in the user's language (with the limit);
    // the server's are shown by their code (its `message` is for API users).
    let errors_are_local = RwSignal::new(false);
    let error_of = move |field: &'static str| {
        move || {
            errors.with(|all| {
                all.iter()
                    .find(|e| e.field == format!("changes/{field}") || e.field == field)
                    .map(|e| {
                        if errors_are_local.get() {
                            e.message.clone()
                        } else {
                            crate::locale::field_error_message(e)
                        }
                    })
            })
        }
    };

    let form = NodeRef::<leptos::html::Form>::new();
    let done_below_100_asked = RwSignal::new(false);
    let done_below_100_confirmed = RwSignal::new(false);

    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if busy.get_untracked() {
            return;
        }
        let before = original.get_value();
        let mut changes = ActionChanges::default();
        let mut local = Vec::new();
        if let Ok(chosen) = status.get_untracked().parse::<ActionStatus>()
            && chosen != before.status
        {
            changes.status = Some(chosen);
        }
        // The app's own messages, with the limits (the form is `novalidate`: the browser's
        // bubble is in the browser's language and names no limit).
        let chosen_progress = progress.get_untracked().trim().parse::<i16>();
        match chosen_progress {
            _ if derived => {}
            Ok(p) if !(0..=100).contains(&p) => local.push(FieldError {
                field: format!("changes/{}", FollowUpField::Progress),
                code: api_types::ProblemCode::OutOfRange,
                message: tr!(progress_range).to_owned(),
            }),
            Ok(p) if p != before.progress => changes.progress = Some(p),
            Ok(_) => {}
            Err(_) => local.push(FieldError {
                field: format!("changes/{}", FollowUpField::Progress),
                code: api_types::ProblemCode::InvalidType,
                message: tr!(progress_range).to_owned(),
            }),
        }
        let note_length = note.with_untracked(|n| n.chars().count());
        if note_length > api_types::NOTE_MAX_CHARS {
            local.push(FieldError {
                field: "note".to_owned(),
                code: api_types::ProblemCode::TooLong,
                message: tr!(
                    note_too_long,
                    max = format::thousands(api_types::NOTE_MAX_CHARS as u64),
                    typed = format::thousands(note_length as u64)
                ),
            });
        }
        // "Terminé" below 100 % is most often a slip: asked once, either way is fine.
        let done = status.get_untracked() == ActionStatus::Termine.as_str();
        if done
            && !derived
            && matches!(chosen_progress, Ok(p) if p < 100)
            && !done_below_100_confirmed.get_untracked()
        {
            done_below_100_asked.set(true);
            return;
        }
        done_below_100_asked.set(false);
        for (signal, current, slot, name) in [
            (
                planned_start,
                before.planned_start,
                &mut changes.planned_start,
                FollowUpField::PlannedStart.as_str(),
            ),
            (
                planned_end,
                before.planned_end,
                &mut changes.planned_end,
                FollowUpField::PlannedEnd.as_str(),
            ),
            (
                actual_end,
                before.actual_end,
                &mut changes.actual_end,
                FollowUpField::ActualEnd.as_str(),
            ),
        ] {
            let text = signal.get_untracked();
            let parsed = if text.trim().is_empty() {
                Ok(None)
            } else {
                // The API's own date rule, so the form says what the server would.
                api_types::PlanDate::parse(text.trim()).map(Some)
            };
            match parsed {
                Ok(date) if date.map(api_types::PlanDate::get) != current => *slot = Some(date),
                Ok(_) => {}
                Err(error) => local.push(FieldError {
                    field: format!("changes/{name}"),
                    code: error.code(),
                    message: crate::locale::problem_message(error.code()).to_owned(),
                }),
            }
        }
        if let Err((field, message)) = health.read_into(&before, &mut changes) {
            local.push(FieldError {
                field: format!("changes/{field}"),
                code: api_types::ProblemCode::InvalidValue,
                message,
            });
        }
        if !local.is_empty() {
            errors_are_local.set(true);
            errors.set(local);
            message.set(Some((false, tr!(fix_fields).to_owned())));
            return;
        }
        for (indicator, value, date) in measures.get_value() {
            let parsed_value = decimal(&value.get_untracked());
            let text = date.get_untracked();
            let parsed_date = if text.trim().is_empty() {
                Ok(None)
            } else {
                format::iso_date(&text).map(Some).ok_or(())
            };
            match (parsed_value, parsed_date) {
                (Ok(v), Ok(d)) if v != indicator.current_value || d != indicator.measured_at => {
                    changes.indicators.push(api_types::IndicatorMeasure {
                        id: indicator.id,
                        current_value: v,
                        measured_at: d,
                    });
                }
                (Ok(_), Ok(_)) => {}
                _ => local.push(FieldError {
                    field: "changes/indicators".to_owned(),
                    code: api_types::ProblemCode::InvalidValue,
                    message: tr!(error_invalid_value).to_owned(),
                }),
            }
        }
        let cents = |amount: RwSignal<String>| {
            let text = amount
                .get_untracked()
                .replace(['€', ' ', '\u{a0}', '\u{202f}'], "");
            match decimal(&text) {
                Ok(Some(euros)) if euros >= 0.0 => Some((euros * 100.0).round() as i64),
                _ => None,
            }
        };
        for (line, spent, engaged) in spending.get_value() {
            match (cents(spent), cents(engaged)) {
                (Some(spent), Some(engaged)) => {
                    // Each amount when it changes: the proposal shows only what moves.
                    let spent = (spent != line.spent_cents).then_some(spent);
                    let engaged = (engaged != line.engaged_cents).then_some(engaged);
                    if spent.is_some() || engaged.is_some() {
                        changes.budget_lines.push(api_types::BudgetSpent {
                            id: line.id,
                            spent_cents: spent,
                            engaged_cents: engaged,
                        });
                    }
                }
                _ => local.push(FieldError {
                    field: "changes/budget_lines".to_owned(),
                    code: api_types::ProblemCode::InvalidValue,
                    message: tr!(error_invalid_value).to_owned(),
                }),
            }
        }
        if !local.is_empty() {
            errors_are_local.set(true);
            errors.set(local);
            message.set(Some((false, tr!(fix_fields).to_owned())));
            return;
        }
        let note_text = note.get_untracked();
        // A note alone is a report; nothing at all is not.
        if changes == ActionChanges::default() && note_text.trim().is_empty() {
            errors.set(Vec::new());
            message.set(Some((false, tr!(nothing_changed).to_owned())));
            return;
        }
        let proposal = NewChangeRequest {
            base_version: before.version,
            changes,
            note: (!note_text.trim().is_empty()).then_some(note_text),
            replaces: replaced_id,
        };
        let token = session.token().unwrap_or_default();
        let id = before.id.to_string();
        busy.set(true);
        let chosen = evidence.get_untracked().and_then(|input| input.files());
        spawn_local(async move {
            let result = api::propose(&token, &id, &proposal).await;
            match result {
                Ok(created) => {
                    // The evidence goes with the proposal once it exists; a file refused
                    // is named in the confirmation, the proposal stays sent.
                    let mut refused = Vec::new();
                    let proposal_id = created.id.to_string();
                    for index in 0..chosen.as_ref().map_or(0, web_sys::FileList::length) {
                        let Some(file) = chosen.as_ref().and_then(|files| files.get(index)) else {
                            continue;
                        };
                        let name = file.name();
                        if let Err(failure) =
                            api::attach(&token, &id, Some(&proposal_id), file).await
                        {
                            refused.push(format!(
                                "{name} : {}",
                                crate::components::failure::explain(&failure)
                            ));
                        }
                    }
                    busy.set(false);
                    errors.set(Vec::new());
                    message.set(None);
                    let sent = if replaced_id.is_some() {
                        tr!(proposal_replaced)
                    } else {
                        tr!(proposal_sent)
                    };
                    on_sent.run(if refused.is_empty() {
                        sent.to_owned()
                    } else {
                        format!(
                            "{sent} {} {}",
                            tr!(proposal_files_refused),
                            refused.join(" ; ")
                        )
                    });
                }
                Err(failure) => {
                    busy.set(false);
                    let fields = failure
                        .problem
                        .as_ref()
                        .map(|p| p.errors.clone())
                        .unwrap_or_default();
                    let text = if fields.is_empty() {
                        failure.message.clone()
                    } else {
                        tr!(fix_fields).to_owned()
                    };
                    errors_are_local.set(false);
                    errors.set(fields);
                    message.set(Some((false, text)));
                }
            }
        });
    };

    let statuses = ActionStatus::ALL
        .iter()
        .map(|s| view! { <option value=s.as_str()>{status_label(*s)}</option> })
        .collect_view();
    let date_field = move |field: FollowUpField, signal: RwSignal<String>| {
        let id = field.as_str();
        let label = format::follow_up_label(field);
        let error = error_of(id);
        view! {
            <div class="field">
                <label for=format!("propose-{id}")>{label}</label>
                <input type="date" id=format!("propose-{id}") prop:value=signal
                    aria-invalid=move || error().is_some().to_string()
                    aria-describedby=format!("propose-{id}-error")
                    on:input=move |ev| signal.set(event_target_value(&ev))/>
                <p class="field-error" id=format!("propose-{id}-error") aria-live="polite">{error}</p>
            </div>
        }
    };
    let progress_error = error_of(FollowUpField::Progress.as_str());
    let status_error = error_of(FollowUpField::Status.as_str());
    let note_error = error_of("note");
    let note_count = move || {
        tr!(
            characters_count,
            typed = format::thousands(note.with(|n| n.chars().count()) as u64),
            max = format::thousands(api_types::NOTE_MAX_CHARS as u64)
        )
    };
    let set_full = move |_| {
        progress.set("100".to_owned());
        done_below_100_asked.set(false);
        submit_again(form);
    };
    let keep_partial = move |_| {
        done_below_100_confirmed.set(true);
        submit_again(form);
    };

    view! {
        <form class="propose-form" novalidate node_ref=form on:submit=on_submit aria-labelledby="propose-title">
            <h2 id="propose-title">
                {if replaced_id.is_some() { tr!(replace_title) } else { tr!(propose_title) }}
            </h2>
            <div class="field">
                <label for="propose-status">{format::follow_up_label(FollowUpField::Status)}</label>
                <select id="propose-status" prop:value=status
                    aria-describedby="propose-status-error"
                    on:change=move |ev| status.set(event_target_value(&ev))>
                    {statuses}
                </select>
                <p class="field-error" id="propose-status-error" aria-live="polite">{status_error}</p>
            </div>
            <div class="field">
                <label for="propose-progress">{format::follow_up_label(FollowUpField::Progress)}</label>
                <div class="progress-inputs">
                    <input type="range" min="0" max="100" step="5" aria-hidden="true" tabindex="-1"
                        prop:disabled=derived
                        prop:value=progress on:input=move |ev| progress.set(event_target_value(&ev))/>
                    <input type="number" id="propose-progress" min="0" max="100" step="1"
                        prop:value=progress prop:disabled=derived
                        aria-invalid=move || progress_error().is_some().to_string()
                        aria-describedby="propose-progress-hint propose-progress-error"
                        on:input=move |ev| progress.set(event_target_value(&ev))/>
                </div>
                {derived.then(|| view! {
                    <p class="hint" id="propose-progress-hint">
                        {tr!(progress_from_sub_actions)} " (" {steps} ")"
                    </p>
                })}
                <p class="field-error" id="propose-progress-error" aria-live="polite">{progress_error}</p>
            </div>
            {date_field(FollowUpField::PlannedStart, planned_start)}
            {date_field(FollowUpField::PlannedEnd, planned_end)}
            {date_field(FollowUpField::ActualEnd, actual_end)}
            <HealthFields prefix="propose" form=health
                health_error=Signal::derive(error_of(FollowUpField::Health.as_str()))
                comment_error=Signal::derive(error_of(FollowUpField::HealthComment.as_str()))/>
            {move || {
                let list = measures.get_value();
                (!list.is_empty()).then(|| {
                    let error = error_of("indicators");
                    view! {
                        <fieldset class="measures">
                            <legend>{tr!(indicators)}</legend>
                            {list.into_iter().enumerate().map(|(n, (indicator, value, date))| {
                                let unit = indicator.unit.clone().map(|u| format!(" ({u})")).unwrap_or_default();
                                view! {
                                    <div class="measure">
                                        <label for=format!("measure-{n}")>{indicator.name.clone()} {unit}</label>
                                        <input type="text" inputmode="decimal" id=format!("measure-{n}") prop:value=value
                                            on:input=move |ev| value.set(event_target_value(&ev))/>
                                        <label for=format!("measured-{n}")>{tr!(measured_at)}</label>
                                        <input type="date" id=format!("measured-{n}") prop:value=date
                                            on:input=move |ev| date.set(event_target_value(&ev))/>
                                    </div>
                                }
                            }).collect_view()}
                            <p class="field-error" aria-live="polite">{error}</p>
                        </fieldset>
                    }
                })
            }}
            {move || {
                let list = spending.get_value();
                (!list.is_empty()).then(|| {
                    let error = error_of("budget_lines");
                    view! {
                        <fieldset class="measures">
                            <legend>{tr!(budget)}</legend>
                            // Per line, the amount engaged then the amount spent: one shape of view.
                            {list.into_iter().enumerate().flat_map(|(n, (line, spent, engaged))| {
                                let caption = format::budget_line_caption(&line);
                                [(tr!(engaged), "engaged", engaged), (tr!(spent), "spent", spent)].map(
                                    |(what, prefix, amount)| {
                                        let id = format!("{prefix}-{n}");
                                        view! {
                                            <div class="measure">
                                                <label for=id.clone()>{what} " (€) — " {caption.clone()}</label>
                                                <input type="text" inputmode="decimal" id=id prop:value=amount
                                                    on:input=move |ev| amount.set(event_target_value(&ev))/>
                                            </div>
                                        }
                                    },
                                )
                            }).collect_view()}
                            <p class="field-error" aria-live="polite">{error}</p>
                        </fieldset>
                    }
                })
            }}
            <div class="field">
                <label for="propose-note">{tr!(note)}</label>
                <textarea id="propose-note" rows="3" prop:value=note
                    aria-invalid=move || note_error().is_some().to_string()
                    aria-describedby="propose-note-count propose-note-error"
                    on:input=move |ev| note.set(event_target_value(&ev))></textarea>
                <p class="hint" id="propose-note-count">{note_count}</p>
                <p class="field-error" id="propose-note-error" aria-live="polite">{note_error}</p>
            </div>
            <div class="field">
                <label for="propose-files">{tr!(proposal_files)}</label>
                <input id="propose-files" type="file" multiple node_ref=evidence
                    accept=".pdf,.png,.jpg,.jpeg,.gif,.webp,.doc,.docx,.xls,.xlsx,.ppt,.pptx,.odt,.ods,.odp,.csv,.txt"
                    aria-describedby="propose-files-hint"/>
                <p class="hint" id="propose-files-hint">{tr!(proposal_files_hint)}</p>
            </div>
            <div role="status" class="sr-status">
                {move || done_below_100_asked.get().then(|| {
                    let figure = progress.get_untracked();
                    view! {
                        <div class="notice">
                            <p>{tr!(done_below_100, progress = figure.clone())}</p>
                            <div class="buttons">
                                <button type="button" class="primary" on:click=set_full>{tr!(set_100)}</button>
                                <button type="button" on:click=keep_partial>{tr!(keep_progress, progress = figure)}</button>
                            </div>
                        </div>
                    }
                })}
            </div>
            {move || message.get().map(|(ok, text)| {
                let class = if ok { "notice success" } else { "notice error" };
                view! { <p class=class role="status">{text}</p> }
            })}
            <div class="buttons">
                <button type="submit" class="primary" prop:disabled=busy>
                    {if replaced_id.is_some() { tr!(submit_replacement) } else { tr!(submit_proposal) }}
                </button>
                {on_cancel.map(|cancel| view! {
                    <button type="button" on:click=move |_| cancel.run(())>{tr!(cancel)}</button>
                })}
            </div>
        </form>
    }
}

/// Sends the form again, as its submit button would (after the "Terminé" question).
fn submit_again(form: NodeRef<leptos::html::Form>) {
    if let Some(form) = form.get_untracked() {
        let _ = form.request_submit();
    }
}
