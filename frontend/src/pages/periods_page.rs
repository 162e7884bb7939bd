//! A plan's reporting periods: the Directeur général opens one ("T1 2027", its dates, a
//! deadline), follows who has reported, and closes it; the report and the workbook as at
//! its end are then a click away. Everyone who reads the plan sees the periods and their
//! completion. In the dashboard's chunk: the dashboard shows the current period too.

use api_types::{
    Completion, NewReportingPeriod, OrganisationCompletion, PeriodCompletion, PlanDate,
    ReportingPeriod, ReportingSettings,
};
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::components::A;
use leptos_router::hooks::use_params_map;

use crate::api;
use crate::components::confirm_dialog::{Confirm, ConfirmDialog, Confirmation};
use crate::components::failure::{Failure, explain};
use crate::components::form_field::{FieldErrors, FormStatus, InputField, focus_later, line};
use crate::format;
use crate::loader::loader;
use crate::session::SessionContext;

/// "12 / 30", with the share as a bar; its text says it all for a screen reader.
#[component]
fn CompletionBar(completion: Completion) -> impl IntoView {
    let share = if completion.due == 0 {
        0.0
    } else {
        completion.reported as f64 / completion.due as f64 * 100.0
    };
    view! {
        <span class="completion">
            <span class="completion-track" aria-hidden="true">
                <span class="completion-value" style=format!("width:{}%", format::fixed(share, 1))></span>
            </span>
            <span>{completion.reported} " / " {completion.due} " " {tr!(period_reported)}</span>
            {(completion.awaiting_approval > 0).then(|| view! {
                <span class="meta">" · " {completion.awaiting_approval} " " {tr!(period_awaiting)}</span>
            })}
        </span>
    }
}

fn dates(period: &ReportingPeriod) -> String {
    format!(
        "{} – {}",
        format::date(&period.starts_on.to_string()),
        format::date(&period.ends_on.to_string())
    )
}

fn state(period: &ReportingPeriod) -> String {
    match period.closed_at {
        None => tr!(period_open).to_owned(),
        Some(at) => format!(
            "{} {}",
            tr!(period_closed_on),
            format::date(&at.date_naive().to_string())
        ),
    }
}

/// The completion of a period by lead organisation.
#[component]
fn ByOrganisation(id: &'static str, shares: Vec<OrganisationCompletion>) -> impl IntoView {
    view! {
        <div class="table-scroll" tabindex="0" role="region" aria-labelledby=id>
            <table>
                <thead><tr>
                    <th scope="col">{tr!(lead)}</th>
                    <th scope="col">{tr!(period_completion)}</th>
                </tr></thead>
                <tbody>
                    {shares.into_iter().map(|share| view! {
                        <tr>
                            <th scope="row">{share.organisation.map_or_else(|| tr!(period_no_lead).to_owned(), |o| o.name)}</th>
                            <td><CompletionBar completion=share.completion/></td>
                        </tr>
                    }).collect_view()}
                </tbody>
            </table>
        </div>
    }
}

/// The dashboard's view of the plan's current period (the open one, else the latest):
/// its completion by organisation, and the way to all periods.
#[component]
pub fn CurrentPeriod(plan_id: String) -> impl IntoView {
    let session = SessionContext::get();
    let link = format!("/plans/{plan_id}/periodes");
    let current = loader(move || {
        let (plan, token) = (plan_id.clone(), session.token().unwrap_or_default());
        Box::pin(async move {
            let periods = api::periods::list_periods(&token, &plan).await?;
            let chosen = periods
                .iter()
                .find(|p| p.closed_at.is_none())
                .or(periods.first())
                .map(|p| p.id.to_string());
            match chosen {
                Some(id) => api::periods::period_completion(&token, &id).await.map(Some),
                None => Ok(None),
            }
        })
    });
    view! {
        <section class="card" aria-labelledby="current-period-title">
            <h2 id="current-period-title">{tr!(reporting_period)}</h2>
            {move || match current.get() {
                None => view! { <p class="notice" aria-busy="true">{tr!(loading)}</p> }.into_any(),
                Some(Err(failure)) => view! { <Failure failure/> }.into_any(),
                Some(Ok(None)) => view! { <p>{tr!(no_period)}</p> }.into_any(),
                Some(Ok(Some(completion))) => {
                    let period = completion.period.clone();
                    view! {
                        <p><strong>{period.label.clone()}</strong> " · " {dates(&period)} " · "
                            {tr!(period_deadline)} " " {format::date(&period.deadline.to_string())} " · " {state(&period)}</p>
                        <p class="big-figures"><CompletionBar completion=period.completion/></p>
                        <ByOrganisation id="current-period-title" shares=completion.organisations/>
                    }
                    .into_any()
                }
            }}
            <p><A href=link>{tr!(all_periods)}</A></p>
        </section>
    }
}

#[component]
pub fn PeriodsPage() -> impl IntoView {
    let params = use_params_map();
    let session = SessionContext::get();
    let id = move || params.read().get("id").unwrap_or_default();
    let reload = RwSignal::new(0_u32);
    let shown = RwSignal::new(None::<String>);
    let confirm = Confirm::default();
    // What became of an opening or a close: the list is drawn anew after either, so the
    // outcome is shown above it, where the focus goes.
    let notice = RwSignal::new(None::<(bool, String)>);
    // The DG opens periods and sets their reminders, before any period exists too.
    let directs = session.state.with_untracked(|s| {
        s.as_ref()
            .is_some_and(|s| s.user.role == api_types::Role::Dg)
    });
    let list = loader(move || {
        reload.track();
        let (plan, token) = (id(), session.token().unwrap_or_default());
        Box::pin(async move { api::periods::list_periods(&token, &plan).await })
    });
    view! {
        <p><A href=move || format!("/plans/{}", id())>{tr!(back_to_plan)}</A></p>
        <h1>{tr!(periods_title)}</h1>
        <p class="hint">{tr!(periods_help)}</p>
        <FormStatus id="period-message" message=notice/>
        {move || match list.get() {
            None => view! { <p class="notice" aria-busy="true">{tr!(loading)}</p> }.into_any(),
            Some(Err(failure)) => view! { <Failure failure/> }.into_any(),
            Some(Ok(periods)) => {
                let open = periods.iter().any(|p| p.closed_at.is_none());
                if shown.get_untracked().is_none() {
                    let first = periods.iter().find(|p| p.closed_at.is_none()).or(periods.first());
                    shown.set(first.map(|p| p.id.to_string()));
                }
                view! {
                    <PeriodList periods shown/>
                    {move || shown.get().map(|period| view! {
                        <PeriodDetail period plan_id=id() reload confirm notice/>
                    })}
                    {(directs && !open).then(|| view! { <OpenForm plan_id=id() reload shown notice/> })}
                    {directs.then(|| view! { <SettingsForm/> })}
                }
                .into_any()
            }
        }}
        <ConfirmDialog confirm/>
    }
}

#[component]
fn PeriodList(periods: Vec<ReportingPeriod>, shown: RwSignal<Option<String>>) -> impl IntoView {
    if periods.is_empty() {
        return view! { <p>{tr!(no_period)}</p> }.into_any();
    }
    view! {
        <div class="table-scroll" tabindex="0" role="region" aria-labelledby="periods-caption">
            <table class="data">
                <caption id="periods-caption">{tr!(periods_title)}</caption>
                <thead><tr>
                    <th scope="col">{tr!(period_label)}</th>
                    <th scope="col">{tr!(period_dates)}</th>
                    <th scope="col">{tr!(period_deadline)}</th>
                    <th scope="col">{tr!(period_state)}</th>
                    <th scope="col">{tr!(period_completion)}</th>
                </tr></thead>
                <tbody>
                    {periods.into_iter().map(|period| {
                        let id = period.id.to_string();
                        let current = {
                            let id = id.clone();
                            Signal::derive(move || shown.with(|s| s.as_deref() == Some(id.as_str())))
                        };
                        let show_label = format!("{} {}", tr!(period_show), period.label);
                        view! {
                            <tr class:selected=current>
                                <th scope="row">
                                    <button type="button" class="link" aria-label=show_label
                                        aria-pressed=move || current.get().to_string()
                                        on:click=move |_| { shown.set(Some(id.clone())); focus_later("period-detail-title"); }>
                                        {period.label.clone()}
                                    </button>
                                </th>
                                <td>{dates(&period)}</td>
                                <td>{format::date(&period.deadline.to_string())}</td>
                                <td>{state(&period)}</td>
                                <td><CompletionBar completion=period.completion/></td>
                            </tr>
                        }
                    }).collect_view()}
                </tbody>
            </table>
        </div>
    }
    .into_any()
}

/// One period: its completion by organisation and by action; to the DG, the close; once
/// closed, the documents as at its end.
#[component]
fn PeriodDetail(
    period: String,
    plan_id: String,
    reload: RwSignal<u32>,
    confirm: Confirm,
    notice: RwSignal<Option<(bool, String)>>,
) -> impl IntoView {
    let session = SessionContext::get();
    let completion = loader({
        let period = period.clone();
        move || {
            reload.track();
            let (id, token) = (period.clone(), session.token().unwrap_or_default());
            Box::pin(async move { api::periods::period_completion(&token, &id).await })
        }
    });
    let close = Callback::new(move |id: String| {
        let token = session.token().unwrap_or_default();
        spawn_local(async move {
            match api::periods::close_period(&token, &id).await {
                Ok(closed) => {
                    notice.set(Some((
                        true,
                        format!("{} — {}", tr!(period_closed_done), closed.label),
                    )));
                    reload.update(|n| *n += 1);
                }
                Err(failure) => notice.set(Some((false, explain(&failure)))),
            }
            focus_later("period-message");
        });
    });
    view! {
        <section class="card" aria-labelledby="period-detail-title">
            {move || match completion.get() {
                None => view! { <p class="notice" aria-busy="true">{tr!(loading)}</p> }.into_any(),
                Some(Err(failure)) => view! { <Failure failure/> }.into_any(),
                Some(Ok(completion)) => view! {
                    <PeriodFigures completion plan_id=plan_id.clone() close confirm message=notice/>
                }.into_any(),
            }}
        </section>
    }
}

#[component]
fn PeriodFigures(
    completion: PeriodCompletion,
    plan_id: String,
    close: Callback<String>,
    confirm: Confirm,
    message: RwSignal<Option<(bool, String)>>,
) -> impl IntoView {
    let session = SessionContext::get();
    let period = completion.period;
    let (id, label) = (period.id.to_string(), period.label.clone());
    let waiting: Vec<_> = completion
        .actions
        .iter()
        .filter(|a| a.reported_at.is_none())
        .cloned()
        .collect();
    let ask_close = {
        let (id, label) = (id.clone(), label.clone());
        move |_| {
            let id = id.clone();
            confirm.ask(Confirmation {
                title: tr!(close_period_question).to_owned(),
                text: tr!(close_period_warning).to_owned(),
                act: format!("{} {}", tr!(close_period), label),
                on_confirm: Callback::new(move |()| close.run(id.clone())),
                on_cancel: None,
            });
        }
    };
    let document = move |path: String, name: Option<String>| {
        move |_| {
            let (url, name, token) = (
                crate::locale::document_url(&path),
                name.clone(),
                session.token().unwrap_or_default(),
            );
            spawn_local(async move {
                if let Err(failure) = api::download(&token, &url, name.as_deref()).await {
                    message.set(Some((false, explain(&failure))));
                    focus_later("period-message");
                }
            });
        }
    };
    let stem = label
        .chars()
        .map(|c| if c.is_alphanumeric() { c } else { '-' })
        .collect::<String>();
    let documents = period.closed_at.is_some().then(|| {
        let report = format!("/api/v1/plans/{plan_id}/report?period={id}");
        let word = format!("/api/v1/plans/{plan_id}/report?format=docx&period={id}");
        let workbook = format!("/api/v1/plans/{plan_id}/export?format=xlsx&period={id}");
        view! {
            <div class="documents" role="group" aria-label=tr!(period_documents)>
                <span>{tr!(period_documents)} " :"</span>
                <button type="button" class="link" on:click=document(report, None)>{tr!(report_print)}</button>
                <button type="button" class="link" on:click=document(word, Some(format!("{}-{stem}.docx", tr!(report_file))))>{tr!(report_word)}</button>
                <button type="button" class="link" on:click=document(workbook, Some(format!("pst-{stem}.xlsx")))>{tr!(export_excel)}</button>
            </div>
        }
    });
    view! {
        <h2 id="period-detail-title" tabindex="-1">{label.clone()}</h2>
        <p>{dates(&period)} " · " {tr!(period_deadline)} " " {format::date(&period.deadline.to_string())} " · " {state(&period)}</p>
        <p class="big-figures"><CompletionBar completion=period.completion/></p>
        {documents}
        {(period.may_manage && period.closed_at.is_none()).then(|| view! {
            <p class="hint">{tr!(close_period_help)}</p>
            <button type="button" on:click=ask_close>{tr!(close_period)} " " {label.clone()}</button>
        })}
        <h3 id="period-organisations">{tr!(by_organisation)}</h3>
        <ByOrganisation id="period-organisations" shares=completion.organisations/>
        <h3>{tr!(period_not_reported)}</h3>
        {if waiting.is_empty() {
            view! { <p>{tr!(period_all_reported)}</p> }.into_any()
        } else {
            view! {
                <ul class="period-waiting">
                    {waiting.into_iter().map(|a| view! {
                        <li>
                            <A href=format!("/actions/{}", a.action_id)><span class="code">{a.code}</span> " " {a.title}</A>
                            {a.organisation.map(|o| view! { <span class="meta">" — " {o.name}</span> })}
                            {a.awaiting_approval.then(|| view! { <span class="chip">{tr!(period_awaiting)}</span> })}
                        </li>
                    }).collect_view()}
                </ul>
            }.into_any()
        }}
    }
}

/// Opening a period: its name, dates and deadline; the people of the lead organisations
/// are told at once.
#[component]
fn OpenForm(
    plan_id: String,
    reload: RwSignal<u32>,
    shown: RwSignal<Option<String>>,
    notice: RwSignal<Option<(bool, String)>>,
) -> impl IntoView {
    let session = SessionContext::get();
    let plan_id = StoredValue::new(plan_id);
    let (label, starts_on, ends_on, deadline) = (
        RwSignal::new(String::new()),
        RwSignal::new(String::new()),
        RwSignal::new(String::new()),
        RwSignal::new(String::new()),
    );
    let errors = FieldErrors::new();
    let message = RwSignal::new(None::<(bool, String)>);
    let busy = RwSignal::new(false);
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let mut found = Vec::new();
        let name = match line(&label.get_untracked(), api_types::PERIOD_LABEL_MAX_CHARS) {
            Ok(Some(name)) => Some(name),
            Ok(None) => {
                found.push(("label".to_owned(), tr!(error_required).to_owned()));
                None
            }
            Err(error) => {
                found.push(("label".to_owned(), error));
                None
            }
        };
        let mut date = |field: &str, value: RwSignal<String>| {
            let text = value.get_untracked();
            match PlanDate::parse(text.trim()) {
                Ok(date) => Some(date),
                Err(error) => {
                    let why = if text.trim().is_empty() {
                        tr!(error_required)
                    } else {
                        crate::locale::problem_message(error.code())
                    };
                    found.push((field.to_owned(), why.to_owned()));
                    None
                }
            }
        };
        let (start, end, due) = (
            date("starts_on", starts_on),
            date("ends_on", ends_on),
            date("deadline", deadline),
        );
        if let (Some(start), Some(end)) = (start, end)
            && end.get() < start.get()
        {
            found.push(("ends_on".to_owned(), tr!(error_period_order).to_owned()));
        }
        if let (Some(start), Some(due)) = (start, due)
            && due.get() < start.get()
        {
            found.push(("deadline".to_owned(), tr!(error_deadline_order).to_owned()));
        }
        let (Some(name), Some(start), Some(end), Some(due), true) =
            (name, start, end, due, found.is_empty())
        else {
            errors.set(found);
            message.set(Some((false, tr!(fix_fields).to_owned())));
            focus_later("open-period-message");
            return;
        };
        errors.set(Vec::new());
        let period = NewReportingPeriod {
            label: name,
            starts_on: start,
            ends_on: end,
            deadline: due,
        };
        let token = session.token().unwrap_or_default();
        busy.set(true);
        spawn_local(async move {
            let result = api::periods::open_period(&token, &plan_id.get_value(), &period).await;
            busy.set(false);
            match result {
                Ok(opened) => {
                    // The form goes with the list drawn anew: the outcome is the page's.
                    notice.set(Some((
                        true,
                        format!("{} — {}", tr!(period_opened), opened.label),
                    )));
                    shown.set(Some(opened.id.to_string()));
                    reload.update(|n| *n += 1);
                    focus_later("period-message");
                }
                Err(failure) => {
                    let text = errors.refusal(failure);
                    message.set(Some((false, text)));
                    focus_later("open-period-message");
                }
            }
        });
    };
    view! {
        <section class="card" aria-labelledby="open-period-title">
            <h2 id="open-period-title">{tr!(open_period)}</h2>
            <p class="hint">{tr!(open_period_help)}</p>
            <form novalidate class="inline-form" on:submit=on_submit>
                <InputField id="period-label".to_owned() label=tr!(period_label).to_owned() kind="text"
                    value=label error=errors.of("label")
                    hint=format!("{} · {} {}", tr!(required), api_types::PERIOD_LABEL_MAX_CHARS, tr!(characters_at_most))/>
                <InputField id="period-starts-on".to_owned() label=tr!(period_since).to_owned() kind="date"
                    value=starts_on error=errors.of("starts_on")/>
                <InputField id="period-ends-on".to_owned() label=tr!(period_until).to_owned() kind="date"
                    value=ends_on error=errors.of("ends_on")/>
                <InputField id="period-deadline".to_owned() label=tr!(period_deadline).to_owned() kind="date"
                    value=deadline error=errors.of("deadline")/>
                <button type="submit" class="primary" prop:disabled=busy>{tr!(open_period)}</button>
            </form>
            <FormStatus id="open-period-message" message/>
        </section>
    }
}

/// When the reminders of a period go, for the whole CPAS (the DG).
#[component]
fn SettingsForm() -> impl IntoView {
    let session = SessionContext::get();
    let before = RwSignal::new(String::new());
    let after = RwSignal::new(String::new());
    let errors = FieldErrors::new();
    let message = RwSignal::new(None::<(bool, String)>);
    let current = loader(move || {
        let token = session.token().unwrap_or_default();
        Box::pin(async move { api::periods::reporting_settings(&token).await })
    });
    Effect::new(move |_| {
        if let Some(Ok(settings)) = current.get() {
            before.set(settings.reminder_days_before.to_string());
            after.set(settings.reminder_days_after.to_string());
        }
    });
    let on_submit =
        move |ev: leptos::ev::SubmitEvent| {
            ev.prevent_default();
            let days = |field: &str, value: RwSignal<String>, found: &mut Vec<(String, String)>| {
                match value.get_untracked().trim().parse::<i16>() {
                    Ok(n) if (0..=api_types::PERIOD_REMINDER_DAYS_MAX).contains(&n) => Some(n),
                    _ => {
                        found.push((field.to_owned(), tr!(error_reminder_days).to_owned()));
                        None
                    }
                }
            };
            let mut found = Vec::new();
            let chosen = (
                days("reminder_days_before", before, &mut found),
                days("reminder_days_after", after, &mut found),
            );
            let (Some(reminder_days_before), Some(reminder_days_after)) = chosen else {
                errors.set(found);
                message.set(Some((false, tr!(fix_fields).to_owned())));
                focus_later("settings-message");
                return;
            };
            errors.set(Vec::new());
            let token = session.token().unwrap_or_default();
            let settings = ReportingSettings {
                reminder_days_before,
                reminder_days_after,
            };
            spawn_local(async move {
                match api::periods::set_reporting_settings(&token, &settings).await {
                    Ok(_) => message.set(Some((true, tr!(saved).to_owned()))),
                    Err(failure) => message.set(Some((false, errors.refusal(failure)))),
                }
                focus_later("settings-message");
            });
        };
    let hint = format!(
        "0–{} {}",
        api_types::PERIOD_REMINDER_DAYS_MAX,
        tr!(reminder_days_hint)
    );
    view! {
        <section class="card" aria-labelledby="settings-title">
            <h2 id="settings-title">{tr!(reminder_settings)}</h2>
            <form novalidate class="inline-form" on:submit=on_submit>
                <InputField id="reminder-before".to_owned() label=tr!(reminder_days_before).to_owned() kind="number"
                    value=before error=errors.of("reminder_days_before") hint=hint.clone()/>
                <InputField id="reminder-after".to_owned() label=tr!(reminder_days_after).to_owned() kind="number"
                    value=after error=errors.of("reminder_days_after") hint=hint/>
                <button type="submit">{tr!(save)}</button>
            </form>
            <FormStatus id="settings-message" message/>
        </section>
    }
}
