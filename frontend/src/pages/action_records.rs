//! An action's records, below its form: indicators against their targets, budget lines and
//! projections, journal and history. A partner opens the action to report, so these come
//! in a WASM chunk of their own (a lazy function), which the action page starts fetching as
//! it asks for the action: on a slow line the form is usable before the tables are drawn,
//! and the initial set stays within its budget.

use crate::components::indicator_history::IndicatorHistory;
use api_types::{ActionDetail, JournalKind};
use leptos::prelude::*;

use crate::api;
use crate::components::budget_editor::{direction_label, service_label};
use crate::format;
use crate::loader::loader;
use crate::session::SessionContext;

/// The records of `detail`, once their chunk is loaded.
#[component]
pub fn Records(detail: ActionDetail) -> impl IntoView {
    Suspend::new(async move { action_records(detail).await })
}

/// Fetches the records' chunk ahead of need.
pub async fn preload() {
    __preload_action_records().await;
}

#[leptos::lazy]
fn action_records(detail: ActionDetail) -> AnyView {
    let session = SessionContext::get();
    let id = detail.action.id.to_string();
    // Asked for here, so that its decoder is in this chunk too. The page draws a new
    // `Records` with each reloaded action, which asks again.
    let history = loader({
        let id = id.clone();
        move || {
            let (id, token) = (id.clone(), session.token().unwrap_or_default());
            Box::pin(async move { api::action_history(&token, &id).await })
        }
    });
    // The sectoral plans it belongs to, by name: its own tags and, for an action, those it
    // has through a sub-action or its objectives (the server's `in_sectoral_plans`).
    let mut plan_ids = detail.action.sectoral_plans.clone();
    plan_ids.extend(
        detail
            .action
            .in_sectoral_plans
            .iter()
            .filter(|id| !detail.action.sectoral_plans.contains(id)),
    );
    let sectoral = (!plan_ids.is_empty()).then(|| {
        loader(move || {
            let token = session.token().unwrap_or_default();
            Box::pin(async move { api::managers::sectoral_plans(&token).await })
        })
    });
    // eComptes' figures likewise: few actions have some, and a partner seldom looks.
    let ecomptes = loader(move || {
        let (id, token) = (id.clone(), session.token().unwrap_or_default());
        Box::pin(async move { api::action_ecomptes(&token, &id).await })
    });
    // The CPAS's own projections: few actions have some.
    let projections = loader({
        let id = detail.action.id.to_string();
        move || {
            let (id, token) = (id.clone(), session.token().unwrap_or_default());
            Box::pin(async move { api::managers::budget_projections(&token, &id).await })
        }
    });
    let indicators = detail.indicators;
    // Their values at each closed reporting period: fetched only when there are some.
    let kept_values = (!indicators.is_empty()).then(|| {
        view! { <IndicatorHistory action=detail.action.id.to_string()/> }
    });
    let budget = detail.budget_lines;
    let journal = detail.journal;
    view! {
        {sectoral.map(|list| view! {
            <section class="card" aria-labelledby="sectoral-title">
                <h2 id="sectoral-title">{tr!(sectoral_plans)}</h2>
                {move || list.get().and_then(Result::ok).map(|all| view! {
                    <ul class="sectoral-tags">
                        {all.into_iter().filter(|p| plan_ids.contains(&p.id)).map(|p| view! { <li>{p.name}</li> }).collect_view()}
                    </ul>
                })}
            </section>
        })}
        <section class="card" aria-labelledby="indicators-title">
            <h2 id="indicators-title">{tr!(indicators)}</h2>
            {if indicators.is_empty() {
                view! { <p>{tr!(nothing_yet)}</p> }.into_any()
            } else {
                view! {
                    <table>
                        <thead><tr>
                            <th scope="col">{tr!(indicator_name)}</th><th scope="col">{tr!(year)}</th>
                            <th scope="col">{tr!(baseline)}</th><th scope="col">{tr!(target)}</th>
                            <th scope="col">{tr!(current)}</th><th scope="col">{tr!(measured_at)}</th>
                        </tr></thead>
                        <tbody>
                            {indicators.into_iter().map(|i| {
                                let show = |v: Option<f64>| v.map_or_else(|| tr!(none).to_owned(), format::number);
                                let unit = i.unit.clone().map(|u| format!(" {u}")).unwrap_or_default();
                                view! {
                                    <tr>
                                        <th scope="row">{i.name.clone()}</th>
                                        <td>{i.year.map_or_else(|| tr!(none).to_owned(), |y| y.to_string())}</td>
                                        <td>{show(i.baseline)}{unit.clone()}</td>
                                        <td>{show(i.target)}{unit.clone()}</td>
                                        <td>{show(i.current_value)}{unit}</td>
                                        <td>{i.measured_at.map_or_else(|| tr!(none).to_owned(), |d| format::date(&d.to_string()))}</td>
                                    </tr>
                                }
                            }).collect_view()}
                        </tbody>
                    </table>
                }.into_any()
            }}
        </section>
        {kept_values}
        <section class="card" aria-labelledby="budget-title">
            <h2 id="budget-title">{tr!(budget)}</h2>
            {if budget.is_empty() {
                view! { <p>{tr!(nothing_yet)}</p> }.into_any()
            } else {
                view! {
                    <div class="table-scroll" tabindex="0" role="region" aria-labelledby="budget-title">
                    <table>
                        <thead><tr>
                            <th scope="col">{tr!(year)}</th><th scope="col">{tr!(article)}</th>
                            <th scope="col">{tr!(planned)}</th><th scope="col">{tr!(engaged)}</th>
                            <th scope="col">{tr!(spent)}</th>
                        </tr></thead>
                        <tbody>
                            {budget.into_iter().map(|b| view! {
                                <tr>
                                    <th scope="row">
                                        {b.label.clone().map(|l| view! { {l} <br/> })}
                                        {b.year} " · " {service_label(b.service)} " · " {direction_label(b.direction)}
                                    </th>
                                    <td>{b.article.clone().unwrap_or_else(|| tr!(none).to_owned())}</td>
                                    <td class="amount">{format::euros(b.planned_cents)}</td>
                                    <td class="amount">{format::euros(b.engaged_cents)}</td>
                                    <td class="amount">{format::euros(b.spent_cents)}</td>
                                </tr>
                            }).collect_view()}
                        </tbody>
                    </table>
                    </div>
                }.into_any()
            }}
        </section>
        {move || projections.get().and_then(Result::ok).filter(|list| !list.is_empty()).map(|list| view! {
            <section class="card" aria-labelledby="projections-title">
                <h2 id="projections-title">{tr!(projections_title)}</h2>
                {list.into_iter().map(|p| view! {
                    <h3 class="projection-title">
                        {p.economic_group.clone()} {p.label.clone().map(|l| format!(" · {l}"))}
                        <span class="meta">" · " {service_label(p.service)} " · " {direction_label(p.direction)}</span>
                    </h3>
                    {projection_years(p.years.iter().map(|y| (y.year, y.amount_cents)))}
                }).collect_view()}
            </section>
        })}
        {move || ecomptes.get().and_then(Result::ok).filter(|e| !e.articles.is_empty() || !e.projections.is_empty()).map(|ecomptes| view! {
            <section class="card" aria-labelledby="ecomptes-title">
                <h2 id="ecomptes-title">{tr!(ecomptes_records)}</h2>
                {(!ecomptes.articles.is_empty()).then(|| view! {
                    <div class="table-scroll" tabindex="0" role="region" aria-labelledby="ecomptes-title">
                    <table class="ecomptes-articles">
                        <thead><tr>
                            <th scope="col">{tr!(year)}</th><th scope="col">{tr!(article)}</th>
                            <th scope="col">{tr!(article_label)}</th><th scope="col">{tr!(amount)}</th>
                        </tr></thead>
                        <tbody>
                            {ecomptes.articles.iter().map(|a| view! {
                                <tr>
                                    <th scope="row">{a.year} " · " {service_label(a.service)} " · " {direction_label(a.direction)}</th>
                                    <td class="code">{a.code.clone()}</td>
                                    <td>{a.label.clone()}</td>
                                    <td class="amount">{format::euros(a.amount_cents)}</td>
                                </tr>
                            }).collect_view()}
                        </tbody>
                    </table>
                    </div>
                })}
                {ecomptes.projections.iter().map(|p| view! {
                    <h3 class="projection-title">
                        {tr!(projection_of)} " " {p.exercice} " · " {p.label.clone()}
                        <span class="meta">" · " {tr!(economic_group)} " " {p.economic_group.clone()} " · " {service_label(p.service)} " · " {direction_label(p.direction)}</span>
                    </h3>
                    {projection_years(p.years.iter().map(|y| (y.year, y.amount_cents)))}
                }).collect_view()}
            </section>
        })}
        <section class="card" aria-labelledby="journal-title">
            <h2 id="journal-title">{tr!(journal)}</h2>
            {if journal.is_empty() {
                view! { <p>{tr!(nothing_yet)}</p> }.into_any()
            } else {
                view! {
                    <ul class="journal">
                        {journal.into_iter().map(|entry| view! {
                            <li>
                                <p class="meta">{format::date(&entry.entry_date.to_string())} " · " {entry.author.display_name.clone()}</p>
                                {match entry.kind {
                                    JournalKind::TaskDone => view! {
                                        <p class="journal-body task-done">"✓ " {tr!(journal_task_done)} " : " {entry.body.clone()}</p>
                                    }.into_any(),
                                    JournalKind::Note => view! { <p class="journal-body">{entry.body.clone()}</p> }.into_any(),
                                }}
                            </li>
                        }).collect_view()}
                    </ul>
                }.into_any()
            }}
        </section>
        <section class="card" aria-labelledby="history-title">
            <h2 id="history-title">{tr!(history)}</h2>
            {move || {
                let history = history.get().and_then(Result::ok).unwrap_or_default();
                if history.is_empty() {
                view! { <p>{tr!(nothing_yet)}</p> }.into_any()
            } else {
                view! {
                    <ol class="timeline">
                        {history.into_iter().rev().map(|entry| view! {
                            <li class="history-entry">
                                <p class="meta">
                                    {entry.sub_action.clone().map(|s| view! { <strong class="code">{s.code}</strong> " · " })}
                                    {format::date(&entry.at.date_naive().to_string())} " · "
                                    {tr!(applied_by)} " " {entry.applied_by.display_name.clone()}
                                    {entry.proposed_by.clone().map(|p| view! { " · " {tr!(proposed_by)} " " {p.display_name} })}
                                </p>
                                <ul>
                                    {entry.changes.into_iter().map(|change| view! {
                                        <li>
                                            <span class="field-name">{format::field_label(&change.field)}</span> " : "
                                            <span class="before">{format::value(&change.field, &change.before)}</span>
                                            " → "
                                            <span class="after">{format::value(&change.field, &change.after)}</span>
                                        </li>
                                    }).collect_view()}
                                </ul>
                            </li>
                        }).collect_view()}
                    </ol>
                }.into_any()
            }
            }}
        </section>
    }
    .into_any()
}

/// A projection's amounts, year by year.
fn projection_years(years: impl Iterator<Item = (i32, i64)>) -> impl IntoView {
    view! {
        <dl class="projection-years">
            {years.map(|(year, cents)| view! {
                <div><dt>{year}</dt><dd class="amount">{format::euros(cents)}</dd></div>
            }).collect_view()}
        </dl>
    }
}
