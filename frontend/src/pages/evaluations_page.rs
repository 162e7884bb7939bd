//! A plan's evaluations: the mid-term and the final one, each frozen once by the DG (every
//! action's status, progress and dates as they stand), then compared with later states.

use api_types::{EvaluationKind, NewEvaluation, PlanDate, PlanEvaluation, Role};
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::components::A;
use leptos_router::hooks::use_params_map;

use crate::api;
use crate::components::failure::Failure;
use crate::format;
use crate::loader::loader;
use crate::pages::council_form::{FieldErrors, InputField, focus_later, message_class, today};
use crate::session::SessionContext;

pub fn kind_label(kind: EvaluationKind) -> &'static str {
    match kind {
        EvaluationKind::MidTerm => tr!(evaluation_mid_term),
        EvaluationKind::Final => tr!(evaluation_final),
    }
}

#[component]
pub fn EvaluationsPage() -> impl IntoView {
    let params = use_params_map();
    let session = SessionContext::get();
    let role = session
        .state
        .with_untracked(|s| s.as_ref().map(|s| s.user.role));
    let reload = RwSignal::new(0_u32);
    let id = move || params.read().get("id").unwrap_or_default();
    let list = loader(move || {
        reload.track();
        let (id, token) = (id(), session.token().unwrap_or_default());
        Box::pin(async move { api::managers::list_evaluations(&token, &id).await })
    });
    let manager = matches!(role, Some(Role::President | Role::Dg));
    view! {
        <p><A href=move || format!("/plans/{}", id())>{tr!(back_to_plan)}</A></p>
        <h1>{tr!(evaluations_title)}</h1>
        {(!manager).then(|| view! { <p class="notice error" role="alert">{tr!(managers_only)}</p> })}
        {move || manager.then(|| match list.get() {
            None => view! { <p class="notice" aria-busy="true">{tr!(loading)}</p> }.into_any(),
            Some(Err(failure)) => view! { <Failure failure/> }.into_any(),
            Some(Ok(evaluations)) => view! { <EvaluationList evaluations/> }.into_any(),
        })}
        {manager.then(|| view! { <ReportPeriod plan_id=id()/> })}
        {match role {
            Some(Role::Dg) => view! { <FreezeForm plan_id=id() reload/> }.into_any(),
            Some(Role::President) => view! { <p class="hint">{tr!(evaluation_dg_only)}</p> }.into_any(),
            _ => ().into_any(),
        }}
    }
}

#[component]
fn EvaluationList(evaluations: Vec<PlanEvaluation>) -> impl IntoView {
    if evaluations.is_empty() {
        return view! { <p>{tr!(no_evaluation)}</p> }.into_any();
    }
    view! {
        <div class="table-scroll">
            <table class="data">
                <caption>{tr!(frozen_evaluations)}</caption>
                <thead><tr>
                    <th scope="col">{tr!(evaluation)}</th>
                    <th scope="col">{tr!(figures_as_of)}</th>
                    <th scope="col">{tr!(frozen_on)}</th>
                </tr></thead>
                <tbody>
                    {evaluations.into_iter().map(|e| view! {
                        <tr>
                            <th scope="row">{kind_label(e.kind)}</th>
                            <td>{format::date(&e.as_of.to_string())}</td>
                            <td>{format::date(&e.created_at.date_naive().to_string())}</td>
                        </tr>
                    }).collect_view()}
                </tbody>
            </table>
        </div>
    }
    .into_any()
}

/// Freezing is done once per kind and cannot be undone: a second, explicit step confirms
/// what is about to be frozen.
#[component]
fn FreezeForm(plan_id: String, reload: RwSignal<u32>) -> impl IntoView {
    let session = SessionContext::get();
    let plan_id = StoredValue::new(plan_id);
    let kind = RwSignal::new(EvaluationKind::MidTerm.as_str().to_owned());
    let as_of = RwSignal::new(today());
    let errors = FieldErrors::new();
    let confirming = RwSignal::new(None::<NewEvaluation>);
    let message = RwSignal::new(None::<(bool, String)>);
    let busy = RwSignal::new(false);

    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let chosen = kind
            .get_untracked()
            .parse::<EvaluationKind>()
            .unwrap_or(EvaluationKind::MidTerm);
        match PlanDate::parse(as_of.get_untracked().trim()) {
            Ok(date) => {
                errors.set(Vec::new());
                message.set(None);
                confirming.set(Some(NewEvaluation {
                    kind: chosen,
                    as_of: date,
                }));
                focus_later("freeze-confirm");
            }
            Err(error) => {
                let text = if as_of.get_untracked().trim().is_empty() {
                    tr!(error_required)
                } else {
                    crate::locale::problem_message(error.code())
                };
                errors.set(vec![("as_of".to_owned(), text.to_owned())]);
                message.set(Some((false, tr!(fix_fields).to_owned())));
            }
        }
    };
    let freeze = move |evaluation: NewEvaluation| {
        let token = session.token().unwrap_or_default();
        busy.set(true);
        spawn_local(async move {
            let result =
                api::managers::create_evaluation(&token, &plan_id.get_value(), &evaluation).await;
            busy.set(false);
            confirming.set(None);
            match result {
                Ok(_) => {
                    message.set(Some((true, tr!(evaluation_frozen).to_owned())));
                    reload.update(|n| *n += 1);
                }
                Err(failure) => message.set(Some((false, failure.message))),
            }
            focus_later("freeze-message");
        });
    };
    let option = |k: EvaluationKind| view! { <option value=k.as_str()>{kind_label(k)}</option> };
    view! {
        <section class="card" aria-labelledby="freeze-title">
            <h2 id="freeze-title">{tr!(freeze_evaluation)}</h2>
            <form novalidate class="inline-form" on:submit=on_submit>
                <div class="field">
                    <label for="freeze-kind">{tr!(evaluation)}</label>
                    <select id="freeze-kind" prop:value=kind on:change=move |ev| {
                        kind.set(event_target_value(&ev));
                        confirming.set(None);
                    }>
                        {option(EvaluationKind::MidTerm)}
                        {option(EvaluationKind::Final)}
                    </select>
                </div>
                <InputField id="freeze-as-of".to_owned() label=tr!(figures_as_of).to_owned() kind="date"
                    value=as_of error=errors.of("as_of") hint=tr!(required).to_owned()/>
                <button type="submit">{tr!(freeze_evaluation_step)}</button>
            </form>
            {move || confirming.get().map(|evaluation| {
                let question = format!(
                    "{} {} — {}",
                    tr!(freeze_question),
                    kind_label(evaluation.kind),
                    format::date(&evaluation.as_of.get().to_string()),
                );
                let confirm_label = format!("{} — {}", tr!(confirm_freeze), kind_label(evaluation.kind));
                view! {
                    <div class="confirm" role="group" aria-labelledby="freeze-question">
                        <p id="freeze-question"><strong>{question}</strong></p>
                        <p>{tr!(freeze_warning)}</p>
                        <div class="buttons">
                            <button type="button" class="primary" id="freeze-confirm" prop:disabled=busy
                                on:click=move |_| freeze(evaluation.clone())>{confirm_label}</button>
                            <button type="button" on:click=move |_| confirming.set(None)>{tr!(cancel)}</button>
                        </div>
                    </div>
                }
            })}
            <p id="freeze-message" tabindex="-1" role="status" class=move || message.with(|m| message_class(m.as_ref()))>
                {move || message.get().map(|(_, text)| text)}
            </p>
        </section>
    }
}

/// The council's evaluation report for the period the user picks; empty dates are the
/// API's defaults (since the adoption, or a year, until today).
#[component]
fn ReportPeriod(plan_id: String) -> impl IntoView {
    let session = SessionContext::get();
    let plan_id = StoredValue::new(plan_id);
    let since = RwSignal::new(String::new());
    let until = RwSignal::new(String::new());
    let errors = FieldErrors::new();
    let message = RwSignal::new(None::<(bool, String)>);
    // `&since=…&until=…`, or the errors by field.
    let period = move || -> Result<(String, String), Vec<(String, String)>> {
        let mut query = String::new();
        let mut found = Vec::new();
        let mut dates = Vec::new();
        for (name, text) in [
            ("since", since.get_untracked()),
            ("until", until.get_untracked()),
        ] {
            if text.trim().is_empty() {
                continue;
            }
            match PlanDate::parse(text.trim()) {
                Ok(date) => {
                    query.push_str(&format!("&{name}={}", date.get()));
                    dates.push(date.get());
                }
                Err(error) => found.push((
                    name.to_owned(),
                    crate::locale::problem_message(error.code()).to_owned(),
                )),
            }
        }
        if let [from, to] = dates.as_slice()
            && to < from
        {
            found.push(("until".to_owned(), tr!(error_period_order).to_owned()));
        }
        if found.is_empty() {
            let stem = dates
                .iter()
                .map(|d| d.to_string())
                .collect::<Vec<_>>()
                .join("-");
            Ok((query, stem))
        } else {
            Err(found)
        }
    };
    let download = move |format: &'static str| {
        move |_| match period() {
            Err(found) => {
                errors.set(found);
                message.set(Some((false, tr!(fix_fields).to_owned())));
                focus_later("report-message");
            }
            Ok((query, stem)) => {
                errors.set(Vec::new());
                message.set(None);
                let url = crate::locale::document_url(&format!(
                    "/api/v1/plans/{}/report?format={format}{query}",
                    plan_id.get_value()
                ));
                let name =
                    (format == "docx").then(|| format!("{}-pst-{stem}.docx", tr!(report_file)));
                let token = session.token().unwrap_or_default();
                spawn_local(async move {
                    if let Err(failure) = api::download(&token, &url, name.as_deref()).await {
                        message.set(Some((false, crate::components::failure::explain(&failure))));
                        focus_later("report-message");
                    }
                });
            }
        }
    };
    view! {
        <section class="card" aria-labelledby="report-title">
            <h2 id="report-title">{tr!(report_period)}</h2>
            <div class="inline-form">
                <InputField id="report-since".to_owned() label=tr!(period_since).to_owned() kind="date"
                    value=since error=errors.of("since")/>
                <InputField id="report-until".to_owned() label=tr!(period_until).to_owned() kind="date"
                    value=until error=errors.of("until")/>
                <button type="button" on:click=download("html")>{tr!(report_print)}</button>
                <button type="button" on:click=download("docx")>{tr!(report_word)}</button>
            </div>
            <p id="report-message" tabindex="-1" role="status" class=move || message.with(|m| message_class(m.as_ref()))>
                {move || message.get().map(|(_, text)| text)}
            </p>
        </section>
    }
}
