//! A plan and eComptes, for the management: the DG imports the file eComptes sent back
//! (a preview of what it changes first, then the confirmation), and the president and the
//! DG read the reconciliation — per element and year, what the CPAS planned, what eComptes'
//! articles say, and what was spent — with the differences marked, and take it as CSV.

use api_types::{EcomptesImportReport, ProblemCode, Reconciliation, Role};
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::components::A;
use leptos_router::hooks::use_params_map;

use crate::api::{self, ApiFailure};
use crate::components::failure::{ErrorText, Failure, explain};
use crate::format;
use crate::i18n::Locale;
use crate::loader::loader;
use crate::locale::{current, problem_message};
use crate::session::SessionContext;

#[component]
pub fn EcomptesPage() -> impl IntoView {
    let params = use_params_map();
    let session = SessionContext::get();
    let role = session
        .state
        .with_untracked(|s| s.as_ref().map(|s| s.user.role));
    let id = move || params.read().get("id").unwrap_or_default();
    let reload = RwSignal::new(0_u32);
    let reconciliation = loader(move || {
        reload.track();
        let (id, token) = (id(), session.token().unwrap_or_default());
        Box::pin(async move { api::managers::reconciliation(&token, &id).await })
    });
    let manager = matches!(role, Some(Role::President | Role::Dg));
    view! {
        <p><A href=move || format!("/plans/{}", id())>{tr!(back_to_plan)}</A></p>
        <h1>{tr!(ecomptes_page_title)}</h1>
        {(!manager).then(|| view! { <p class="notice error" role="alert">{tr!(managers_only)}</p> })}
        {(role == Some(Role::Dg)).then(|| view! { <ImportForm plan_id=id() reload/> })}
        {move || manager.then(|| match reconciliation.get() {
            None => view! { <p class="notice" aria-busy="true">{tr!(loading)}</p> }.into_any(),
            Some(Err(failure)) => view! { <Failure failure/> }.into_any(),
            Some(Ok(r)) => view! { <ReconciliationTable plan_id=id() reconciliation=r/> }.into_any(),
        })}
    }
}

/// The file's problems, one per line: the server's own French sentence for French readers
/// (it names the line and what is wrong), the line, the element and the translated code
/// otherwise.
fn file_problems(failure: &ApiFailure) -> Vec<String> {
    let errors: Vec<_> = failure.problem.iter().flat_map(|p| &p.errors).collect();
    if errors.is_empty() {
        return vec![explain(failure)];
    }
    errors
        .into_iter()
        .map(|e| {
            if current() == Locale::fr {
                return e.message.clone();
            }
            let mut parts = e.field.split('/').skip(1);
            let line = parts.next().unwrap_or_default();
            let element: Vec<&str> = parts.collect();
            format!(
                "{} {line} · {} : {}",
                tr!(ecomptes_line),
                element.join("/"),
                problem_message(e.code)
            )
        })
        .collect()
}

/// The DG's import: choose the file, see what it changes, confirm.
#[component]
fn ImportForm(plan_id: String, reload: RwSignal<u32>) -> impl IntoView {
    let session = SessionContext::get();
    let file = NodeRef::<leptos::html::Input>::new();
    let preview = RwSignal::new(None::<EcomptesImportReport>);
    let problems = RwSignal::new(Vec::<String>::new());
    let done = RwSignal::new(None::<String>);
    let busy = RwSignal::new(false);
    let chosen = move || {
        file.get_untracked()
            .and_then(|input| input.files())
            .and_then(|files| files.get(0))
    };
    let send = {
        let plan_id = plan_id.clone();
        move |dry_run: bool| {
            let Some(chosen) = chosen() else {
                problems.set(vec![problem_message(ProblemCode::Required).to_owned()]);
                return;
            };
            let (plan_id, token) = (plan_id.clone(), session.token().unwrap_or_default());
            busy.set(true);
            problems.set(Vec::new());
            done.set(None);
            spawn_local(async move {
                match api::managers::import_ecomptes(&token, &plan_id, dry_run, chosen).await {
                    Ok(report) if dry_run => preview.set(Some(report)),
                    Ok(report) => {
                        preview.set(None);
                        done.set(Some(format!(
                            "{} {} {} · {} {}",
                            tr!(ecomptes_imported),
                            report.matched.len(),
                            tr!(ecomptes_matched),
                            report.changes.len(),
                            tr!(ecomptes_changes).to_lowercase(),
                        )));
                        reload.update(|n| *n += 1);
                    }
                    Err(failure) => {
                        preview.set(None);
                        problems.set(file_problems(&failure));
                    }
                }
                busy.set(false);
            });
        }
    };
    let preview_send = send.clone();
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        preview_send(true);
    };
    let confirm = move |_| send(false);
    view! {
        <section class="card" aria-labelledby="ecomptes-import-title">
            <h2 id="ecomptes-import-title">{tr!(ecomptes_import_title)}</h2>
            <p class="hint">{tr!(ecomptes_import_help)}</p>
            <form class="inline-form" on:submit=on_submit>
                <p class="field wide">
                    <label for="ecomptes-file">{tr!(ecomptes_file)}</label>
                    <input id="ecomptes-file" type="file" required accept=".xml,application/xml,text/xml"
                        node_ref=file on:change=move |_| { preview.set(None); done.set(None); }/>
                </p>
                <button type="submit" disabled=move || busy.get()>{tr!(ecomptes_preview)}</button>
            </form>
            {move || {
                let listed = problems.get();
                (!listed.is_empty()).then(|| view! {
                    <div class="notice error" role="alert">
                        <ul class="file-problems">{listed.into_iter().map(|p| view! { <li>{p}</li> }).collect_view()}</ul>
                    </div>
                })
            }}
            <p class=move || if done.get().is_some() { "notice success" } else { "sr-status" } role="status">
                {move || done.get()}
            </p>
            {move || preview.get().map(|report| {
                let blocked = !report.unmatched.is_empty();
                let years = report.years.iter().map(i32::to_string).collect::<Vec<_>>().join(", ");
                view! {
                    <div class="ecomptes-preview" aria-labelledby="ecomptes-preview-title">
                        <h3 id="ecomptes-preview-title">{tr!(ecomptes_preview)}</h3>
                        <dl class="facts">
                            <div><dt>{tr!(ecomptes_file_year)}</dt><dd>{report.exercice}</dd></div>
                            <div><dt>{tr!(ecomptes_years_replaced)}</dt><dd>{years}</dd></div>
                            <div><dt>{tr!(ecomptes_matched)}</dt><dd>{report.matched.len()}</dd></div>
                        </dl>
                        {blocked.then(|| view! {
                            <div class="notice error" role="alert">
                                <p>{tr!(ecomptes_unmatched)}</p>
                                <ul class="unmatched">{report.unmatched.iter().map(|id| view! { <li class="code">{id.clone()}</li> }).collect_view()}</ul>
                            </div>
                        })}
                        <h4>{tr!(ecomptes_changes)}</h4>
                        {if report.changes.is_empty() {
                            view! { <p>{tr!(ecomptes_no_change)}</p> }.into_any()
                        } else {
                            view! {
                                <div class="table-scroll" tabindex="0" role="region" aria-label=tr!(ecomptes_changes)>
                                <table class="ecomptes-changes">
                                    <thead><tr>
                                        <th scope="col">{tr!(element_column)}</th><th scope="col">{tr!(year)}</th>
                                        <th scope="col">{tr!(before)}</th><th scope="col">{tr!(after)}</th>
                                    </tr></thead>
                                    <tbody>
                                        {report.changes.iter().map(|c| view! {
                                            <tr>
                                                <th scope="row" class="code">{c.code.clone()}</th>
                                                <td>{c.year}</td>
                                                <td class="amount">{format::euros(c.before_cents)}</td>
                                                <td class="amount">{format::euros(c.after_cents)}</td>
                                            </tr>
                                        }).collect_view()}
                                    </tbody>
                                </table>
                                </div>
                            }.into_any()
                        }}
                        <button type="button" class="primary" disabled=move || blocked || busy.get() on:click=confirm.clone()>
                            {tr!(ecomptes_confirm)}
                        </button>
                    </div>
                }
            })}
        </section>
    }
}

/// Planned, eComptes and spent per element and year; a difference is marked in words, not
/// by colour alone.
#[component]
fn ReconciliationTable(plan_id: String, reconciliation: Reconciliation) -> impl IntoView {
    let session = SessionContext::get();
    let error = RwSignal::new(None::<String>);
    let differences = reconciliation.rows.iter().filter(|r| r.differs()).count();
    let download = move |_| {
        let url = crate::locale::document_url(&format!(
            "/api/v1/plans/{plan_id}/reconciliation?format=csv"
        ));
        let token = session.token().unwrap_or_default();
        spawn_local(async move {
            if let Err(failure) =
                api::download(&token, &url, Some("reconciliation-ecomptes.csv")).await
            {
                error.set(Some(explain(&failure)));
            }
        });
    };
    view! {
        <section class="card" aria-labelledby="reconciliation-title">
            <h2 id="reconciliation-title">{tr!(reconciliation_title)}</h2>
            <p class="hint">{tr!(reconciliation_help)}</p>
            <p>
                <strong class="differences-count">{differences} " " {tr!(reconciliation_differences)}</strong>
                " · "
                <button type="button" class="link" on:click=download>{tr!(export_csv)}</button>
            </p>
            <ErrorText error/>
            {if reconciliation.rows.is_empty() {
                view! { <p>{tr!(nothing_yet)}</p> }.into_any()
            } else {
                view! {
                    <div class="table-scroll" tabindex="0" role="region" aria-labelledby="reconciliation-title">
                    <table class="reconciliation">
                        <thead><tr>
                            <th scope="col">{tr!(element_column)}</th><th scope="col">{tr!(year)}</th>
                            <th scope="col">{tr!(budget_direction)}</th><th scope="col">{tr!(planned)}</th><th scope="col">{tr!(ecomptes_column)}</th>
                            <th scope="col">{tr!(difference)}</th><th scope="col">{tr!(spent)}</th>
                        </tr></thead>
                        <tbody>
                            {reconciliation.rows.iter().map(|r| {
                                let differs = r.differs();
                                view! {
                                    <tr class:differs=differs>
                                        <th scope="row"><span class="code">{r.code.clone()}</span> " " {r.title.clone()}</th>
                                        <td>{r.year}</td>
                                        <td>{crate::components::budget_editor::direction_label(r.direction)}</td>
                                        <td class="amount">{format::euros(r.planned_cents)}</td>
                                        <td class="amount">{format::euros(r.ecomptes_cents)}</td>
                                        <td class="amount difference">
                                            {format::euros(r.difference_cents())}
                                            {differs.then(|| view! { <span class="differs-mark">" · " {tr!(differs_mark)}</span> })}
                                        </td>
                                        <td class="amount">{format::euros(r.spent_cents)}</td>
                                    </tr>
                                }
                            }).collect_view()}
                        </tbody>
                    </table>
                    </div>
                }.into_any()
            }}
        </section>
    }
}
