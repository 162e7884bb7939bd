//! A plan's adopted versions (version 1 at the adoption, one more per actualisation the
//! council re-adopts), freezing a new one (the DG), and what changed between two states —
//! versions, evaluations or now — per objective and action, each field before → after.

use api_types::{
    ComparedAction, EvaluationKind, NewPlanVersion, PlanComparison, PlanDate, PlanEvaluation,
    PlanVersion, Role,
};
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::components::A;
use leptos_router::hooks::use_params_map;

use crate::api;
use crate::components::failure::Failure;
use crate::format;
use crate::loader::loader;
use crate::pages::council_form::{
    FieldErrors, InputField, focus_later, line, message_class, today,
};
use crate::pages::evaluations_page::kind_label;
use crate::session::SessionContext;

const DELIBERATION_MAX: usize = 200;

#[component]
pub fn VersionsPage() -> impl IntoView {
    let params = use_params_map();
    let session = SessionContext::get();
    let role = session
        .state
        .with_untracked(|s| s.as_ref().map(|s| s.user.role));
    let reload = RwSignal::new(0_u32);
    let id = move || params.read().get("id").unwrap_or_default();
    let states = loader(move || {
        reload.track();
        let (id, token) = (id(), session.token().unwrap_or_default());
        Box::pin(async move {
            let versions = api::managers::list_versions(&token, &id).await?;
            let evaluations = api::managers::list_evaluations(&token, &id).await?;
            Ok((versions, evaluations))
        })
    });
    let manager = matches!(role, Some(Role::President | Role::Dg));
    view! {
        <p><A href=move || format!("/plans/{}", id())>{tr!(back_to_plan)}</A></p>
        <h1>{tr!(versions_title)}</h1>
        {(!manager).then(|| view! { <p class="notice error" role="alert">{tr!(managers_only)}</p> })}
        {move || manager.then(|| match states.get() {
            None => view! { <p class="notice" aria-busy="true">{tr!(loading)}</p> }.into_any(),
            Some(Err(failure)) => view! { <Failure failure/> }.into_any(),
            Some(Ok((versions, evaluations))) => view! {
                <VersionList versions=versions.clone()/>
                <CompareForm plan_id=id() versions evaluations/>
            }.into_any(),
        })}
        {(role == Some(Role::Dg)).then(|| view! { <NewVersionForm plan_id=id() reload/> })}
    }
}

#[component]
fn VersionList(versions: Vec<PlanVersion>) -> impl IntoView {
    if versions.is_empty() {
        return view! { <p>{tr!(no_version)}</p> }.into_any();
    }
    view! {
        <div class="table-scroll">
            <table class="data">
                <caption>{tr!(adopted_versions)}</caption>
                <thead><tr>
                    <th scope="col">{tr!(version_number)}</th>
                    <th scope="col">{tr!(council_date)}</th>
                    <th scope="col">{tr!(deliberation)}</th>
                </tr></thead>
                <tbody>
                    {versions.into_iter().map(|v| view! {
                        <tr>
                            <th scope="row">{v.number}</th>
                            <td>{format::date(&v.adopted_on.to_string())}</td>
                            <td>{v.deliberation.unwrap_or_else(|| tr!(none).to_owned())}</td>
                        </tr>
                    }).collect_view()}
                </tbody>
            </table>
        </div>
    }
    .into_any()
}

/// The DG freezes the plan as the council re-adopted it.
#[component]
fn NewVersionForm(plan_id: String, reload: RwSignal<u32>) -> impl IntoView {
    let session = SessionContext::get();
    let plan_id = StoredValue::new(plan_id);
    let adopted_on = RwSignal::new(today());
    let deliberation = RwSignal::new(String::new());
    let errors = FieldErrors::new();
    let message = RwSignal::new(None::<(bool, String)>);
    let busy = RwSignal::new(false);
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if busy.get_untracked() {
            return;
        }
        let mut found = Vec::new();
        let date = PlanDate::parse(adopted_on.get_untracked().trim()).map_err(|error| {
            let text = if adopted_on.get_untracked().trim().is_empty() {
                tr!(error_required)
            } else {
                crate::locale::problem_message(error.code())
            };
            found.push(("adopted_on".to_owned(), text.to_owned()));
        });
        let reference = line(&deliberation.get_untracked(), DELIBERATION_MAX)
            .map_err(|text| found.push(("deliberation".to_owned(), text)));
        let (Ok(adopted_on), Ok(deliberation)) = (date, reference) else {
            errors.set(found);
            message.set(Some((false, tr!(fix_fields).to_owned())));
            focus_later("version-message");
            return;
        };
        errors.set(Vec::new());
        let version = NewPlanVersion {
            adopted_on,
            deliberation,
        };
        let token = session.token().unwrap_or_default();
        busy.set(true);
        spawn_local(async move {
            let result =
                api::managers::create_version(&token, &plan_id.get_value(), &version).await;
            busy.set(false);
            match result {
                Ok(made) => {
                    message.set(Some((
                        true,
                        format!("{} {}", tr!(version_frozen), made.number),
                    )));
                    reload.update(|n| *n += 1);
                }
                Err(failure) => {
                    let text = if errors.set_from_problem(&failure) {
                        tr!(fix_fields).to_owned()
                    } else {
                        failure.message
                    };
                    message.set(Some((false, text)));
                }
            }
            focus_later("version-message");
        });
    };
    view! {
        <section class="card" aria-labelledby="new-version-title">
            <h2 id="new-version-title">{tr!(new_version)}</h2>
            <form novalidate class="inline-form" on:submit=on_submit>
                <InputField id="version-adopted-on".to_owned() label=tr!(council_date).to_owned() kind="date"
                    value=adopted_on error=errors.of("adopted_on") hint=tr!(required).to_owned()/>
                <InputField id="version-deliberation".to_owned() label=tr!(deliberation).to_owned() kind="text"
                    value=deliberation error=errors.of("deliberation")
                    hint=format!("{DELIBERATION_MAX} {}", tr!(characters_at_most))/>
                <button type="submit" class="primary" prop:disabled=busy>{tr!(freeze_version)}</button>
            </form>
            <p id="version-message" tabindex="-1" role="status" class=move || message.with(|m| message_class(m.as_ref()))>
                {move || message.get().map(|(_, text)| text)}
            </p>
        </section>
    }
}

/// The states a comparison can start or end at, as the API names them, with their labels.
fn states(versions: &[PlanVersion], evaluations: &[PlanEvaluation]) -> Vec<(String, String)> {
    let mut states: Vec<(String, String)> = versions
        .iter()
        .map(|v| {
            (
                format!("version:{}", v.number),
                format!(
                    "{} {} ({})",
                    tr!(version_label),
                    v.number,
                    format::date(&v.adopted_on.to_string())
                ),
            )
        })
        .collect();
    for kind in [EvaluationKind::MidTerm, EvaluationKind::Final] {
        if evaluations.iter().any(|e| e.kind == kind) {
            states.push((
                format!("evaluation:{}", kind.as_str()),
                kind_label(kind).to_owned(),
            ));
        }
    }
    states.push(("current".to_owned(), tr!(current_state).to_owned()));
    states
}

#[component]
fn CompareForm(
    plan_id: String,
    versions: Vec<PlanVersion>,
    evaluations: Vec<PlanEvaluation>,
) -> impl IntoView {
    let session = SessionContext::get();
    let plan_id = StoredValue::new(plan_id);
    let choices = states(&versions, &evaluations);
    // By default: the latest adopted version against now.
    let from = RwSignal::new(
        versions
            .last()
            .map_or_else(|| choices[0].0.clone(), |v| format!("version:{}", v.number)),
    );
    let to = RwSignal::new("current".to_owned());
    let result = RwSignal::new(None::<Result<PlanComparison, String>>);
    let busy = RwSignal::new(false);
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let token = session.token().unwrap_or_default();
        let (from, to) = (from.get_untracked(), to.get_untracked());
        busy.set(true);
        spawn_local(async move {
            let answer = api::managers::compare(&token, &plan_id.get_value(), &from, &to).await;
            busy.set(false);
            result.set(Some(answer.map_err(|f| f.message)));
            focus_later("comparison-title");
        });
    };
    let labels = StoredValue::new(choices.clone());
    let options = move |chosen: RwSignal<String>| {
        labels
            .get_value()
            .into_iter()
            .map(|(value, label)| {
                let selected = chosen.get_untracked() == value;
                view! { <option value=value selected=selected>{label}</option> }
            })
            .collect_view()
    };
    let label_of = move |state: &str| {
        labels.with_value(|all| {
            all.iter()
                .find(|(value, _)| value == state)
                .map_or_else(|| state.to_owned(), |(_, label)| label.clone())
        })
    };
    view! {
        <section class="card" aria-labelledby="compare-title">
            <h2 id="compare-title">{tr!(compare_states)}</h2>
            <form novalidate class="inline-form" on:submit=on_submit>
                <div class="field">
                    <label for="compare-from">{tr!(compare_from)}</label>
                    <select id="compare-from" on:change=move |ev| from.set(event_target_value(&ev))>
                        {options(from)}
                    </select>
                </div>
                <div class="field">
                    <label for="compare-to">{tr!(compare_to)}</label>
                    <select id="compare-to" on:change=move |ev| to.set(event_target_value(&ev))>
                        {options(to)}
                    </select>
                </div>
                <button type="submit" class="primary" prop:disabled=busy>{tr!(compare)}</button>
            </form>
            {move || result.get().map(|answer| match answer {
                Err(text) => view! { <p class="notice error" role="alert">{text}</p> }.into_any(),
                Ok(comparison) => {
                    let title = format!("{} → {}", label_of(&comparison.from), label_of(&comparison.to));
                    view! { <ComparisonView comparison title/> }.into_any()
                }
            })}
        </section>
    }
}

/// What happened to one action.
#[derive(Clone, Copy)]
enum Change {
    Added,
    Removed,
    Changed,
}

/// An operational objective's code and title, with what happened to its actions.
type ObjectiveGroup = (String, String, Vec<(Change, ComparedAction)>);

/// The labels of the fields a comparison names beyond the follow-up ones.
fn compared_field_label(field: &str) -> String {
    match field {
        "kind" => tr!(action_type).to_owned(),
        "objective" => tr!(objective_column).to_owned(),
        "lead" => tr!(lead).to_owned(),
        "collaborators" => tr!(collaborators).to_owned(),
        "reservation" => tr!(reservation).to_owned(),
        "parent" => tr!(sub_action_of).to_owned(),
        other => format::field_label(other),
    }
}

#[component]
fn ComparisonView(comparison: PlanComparison, title: String) -> impl IntoView {
    // Per operational objective, in the order the actions come (the later state first).
    let mut groups: Vec<ObjectiveGroup> = Vec::new();
    let tagged = comparison
        .changed
        .into_iter()
        .map(|a| (Change::Changed, a))
        .chain(comparison.added.into_iter().map(|a| (Change::Added, a)))
        .chain(comparison.removed.into_iter().map(|a| (Change::Removed, a)));
    for (change, action) in tagged {
        match groups
            .iter_mut()
            .find(|(code, _, _)| *code == action.objective_code)
        {
            Some((_, _, list)) => list.push((change, action)),
            None => groups.push((
                action.objective_code.clone(),
                action.objective_title.clone(),
                vec![(change, action)],
            )),
        }
    }
    groups.sort_by(|a, b| a.0.cmp(&b.0));
    let progress = format!(
        "{} : {} % → {} %",
        tr!(mean_progress_label),
        format::number(comparison.progress_before),
        format::number(comparison.progress_after)
    );
    let empty = groups.is_empty();
    view! {
        <div class="comparison">
            <h3 id="comparison-title" tabindex="-1">{title}</h3>
            <p>{progress}</p>
            {empty.then(|| view! { <p>{tr!(no_difference)}</p> })}
            {groups.into_iter().map(|(code, objective_title, actions)| view! {
                <section class="compared-objective" aria-label=format!("{code} — {objective_title}")>
                    <h4><span class="code">{code.clone()}</span> " " {objective_title.clone()}</h4>
                    <ul class="compared-actions">
                        {actions.into_iter().map(|(change, action)| {
                            let badge = match change {
                                Change::Added => tr!(action_added),
                                Change::Removed => tr!(action_removed),
                                Change::Changed => tr!(action_changed),
                            };
                            view! {
                                <li class="compared-action" id=format!("compared-{}", action.code)>
                                    <p>
                                        <span class="code">{action.code.clone()}</span> " " {action.title.clone()}
                                        {action.parent_code.clone().map(|parent| view! {
                                            " " <span class="step-of">"(" {tr!(sub_action_of)} " " {parent} ")"</span>
                                        })}
                                        " " <span class="badge">{badge}</span>
                                    </p>
                                    {(!action.changes.is_empty()).then(|| view! {
                                        <ul>
                                            {action.changes.into_iter().map(|c| view! {
                                                <li>
                                                    <span class="field-name">{compared_field_label(&c.field)}</span> " : "
                                                    <span class="before">{format::value(&c.field, &c.before)}</span>
                                                    " → "
                                                    <span class="after">{format::value(&c.field, &c.after)}</span>
                                                </li>
                                            }).collect_view()}
                                        </ul>
                                    })}
                                </li>
                            }
                        }).collect_view()}
                    </ul>
                </section>
            }).collect_view()}
        </div>
    }
}
