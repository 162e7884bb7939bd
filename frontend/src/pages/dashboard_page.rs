use api_types::{
    ActionHealth, ActionStatus, BudgetRollup, ObjectiveLevel, ObjectiveRollup, PlanStats, Rollup,
};
use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::use_params_map;

use crate::api;
use crate::components::failure::Failure;
use crate::components::status_chip::{health_label, status_label};
use crate::format;
use crate::loader::loader;
use crate::pages::periods_page::CurrentPeriod;
use crate::session::SessionContext;

/// A plan's dashboard: progress per objective, actions by status, late ones, the same per
/// organisation, and the budget by year. Charts are inline SVG (nothing loaded from
/// elsewhere), each with its figures in a table beside it; both print.
#[component]
pub fn DashboardPage() -> impl IntoView {
    let params = use_params_map();
    let session = SessionContext::get();
    let id = move || params.read().get("id").unwrap_or_default();
    let stats = loader(move || {
        let (id, token) = (id(), session.token().unwrap_or_default());
        Box::pin(async move { api::plan_summary(&token, &id).await })
    });
    view! {
        <p><A href=move || format!("/plans/{}", id())>{tr!(back_to_plan)}</A></p>
        <h1>{tr!(dashboard)}</h1>
        {move || match stats.get() {
            None => view! { <p class="notice" aria-busy="true">{tr!(loading)}</p> }.into_any(),
            Some(Err(failure)) => view! { <Failure failure/> }.into_any(),
            Some(Ok(stats)) => view! { <Dashboard stats/> }.into_any(),
        }}
        {move || view! { <CurrentPeriod plan_id=id()/> }}
    }
}

/// The colour of a status in the charts (the labels carry the meaning too).
fn colour(status: ActionStatus) -> &'static str {
    match status {
        ActionStatus::NonCommence => "#8a94a3",
        ActionStatus::EnCours => "#0b4f8a",
        ActionStatus::EnAttente => "#b7791f",
        ActionStatus::Probleme => "#a4161a",
        ActionStatus::Termine => "#0d5c3a",
        ActionStatus::AnnuleAbandonne => "#4a5361",
    }
}

/// One stacked bar of the actions by status.
#[component]
fn StatusBar(rollup: Rollup, label: String) -> impl IntoView {
    let total = rollup.actions.max(1) as f64;
    let mut x = 0.0;
    let segments = ActionStatus::ALL
        .iter()
        .filter(|s| rollup.by_status.get(**s) > 0)
        .map(|s| {
            let width = rollup.by_status.get(*s) as f64 / total * 100.0;
            let segment = view! { <rect x=format::fixed(x, 2) y="0" width=format::fixed(width, 2) height="10" fill=colour(*s)/> };
            x += width;
            segment
        })
        .collect_view();
    view! {
        <svg class="status-bar" viewBox="0 0 100 10" preserveAspectRatio="none" role="img" aria-label=label>
            {segments}
        </svg>
    }
}

#[component]
fn Dashboard(stats: PlanStats) -> impl IntoView {
    let total = stats.total.clone();
    let budget =
        view! { <BudgetByYear plan=stats.budget.clone() objectives=stats.objectives.clone()/> };
    let summary = ActionStatus::ALL
        .iter()
        .map(|s| format!("{} {}", total.by_status.get(*s), status_label(*s)))
        .collect::<Vec<_>>()
        .join(", ");
    let row_height = 28;
    let height = stats.objectives.len() * row_height;
    let bars = stats
        .objectives
        .iter()
        .enumerate()
        .map(|(i, o)| {
            let y = i * row_height;
            let strategic = o.level == ObjectiveLevel::Strategic;
            let width = o.rollup.mean_progress * 3.0;
            view! {
                <g class=if strategic { "strategic" } else { "operational" }>
                    <text x=if strategic { "0" } else { "12" } y=y + 18>{o.code.clone()}</text>
                    <rect x="80" y=y + 6 width="300" height="16" class="track"/>
                    <rect x="80" y=y + 6 width=format::fixed(width, 1) height="16" class="value"/>
                    <text x="390" y=y + 18>{format::number(o.rollup.mean_progress)} " %"</text>
                </g>
            }
        })
        .collect_view();
    let progress_label = format!(
        "{} : {}",
        tr!(progress_by_objective),
        stats
            .objectives
            .iter()
            .map(|o| format!("{} {} %", o.code, format::number(o.rollup.mean_progress)))
            .collect::<Vec<_>>()
            .join(", ")
    );
    view! {
        <section class="card" aria-labelledby="total-title">
            <h2 id="total-title">{tr!(whole_plan)}</h2>
            <p class="big-figures">
                <span>{tr!(actions_label)} " " <strong>{total.actions}</strong></span>
                <span><strong>{format::number(total.mean_progress)} " %"</strong> " " {tr!(mean_progress)}</span>
                <span><strong>{total.late}</strong> " " {tr!(late_actions)}</span>
                // Beside the actions, never among them: a step counts through its action.
                {(total.sub_actions > 0).then(|| view! {
                    <span class="steps-figure"><strong>{total.sub_actions}</strong> " " {tr!(steps_count)} ", "
                        <strong>{total.sub_actions_done}</strong> " " {tr!(steps_done_count)}</span>
                })}
            </p>
            <StatusBar rollup=total.clone() label=summary/>
            <ul class="legend">
                {ActionStatus::ALL.iter().map(|s| view! {
                    <li><span class="swatch" style=format!("background:{}", colour(*s))></span>
                        {status_label(*s)} " : " {total.by_status.get(*s)}</li>
                }).collect_view()}
            </ul>
            <h3>{tr!(by_health)}</h3>
            <ul class="legend health-legend">
                {ActionHealth::ALL.iter().copied().map(Some).chain(std::iter::once(None)).map(|h| view! {
                    <li class=format!("health-{}", h.map_or("unassessed", ActionHealth::as_str))>
                        {health_label(h)} " : " <strong>{total.by_health.get(h)}</strong></li>
                }).collect_view()}
            </ul>
        </section>
        <section class="card" aria-labelledby="objectives-title">
            <h2 id="objectives-title">{tr!(progress_by_objective)}</h2>
            <svg class="progress-chart" viewBox=format!("0 0 440 {height}") role="img" aria-label=progress_label>
                {bars}
            </svg>
            <div class="table-scroll" tabindex="0" role="region" aria-labelledby="objectives-title">
            <table>
                <thead><tr>
                    <th scope="col">{tr!(objective_column)}</th><th scope="col">{tr!(actions)}</th>
                    <th scope="col">{tr!(mean_progress)}</th><th scope="col">{tr!(late_actions)}</th>
                    <th scope="col">{tr!(status_termine)}</th>
                    <th scope="col">{tr!(health_struggling)}</th>
                </tr></thead>
                <tbody>
                    {stats.objectives.iter().map(|o| view! {
                        <tr class=if o.level == ObjectiveLevel::Strategic { "strategic-row" } else { "" }>
                            <th scope="row"><span class="code">{o.code.clone()}</span> {o.title.clone()}</th>
                            <td>{o.rollup.actions}</td>
                            <td>{format::number(o.rollup.mean_progress)} " %"</td>
                            <td>{o.rollup.late}</td>
                            <td>{o.rollup.by_status.termine}</td>
                            <td>{o.rollup.by_health.struggling}</td>
                        </tr>
                    }).collect_view()}
                </tbody>
            </table>
            </div>
        </section>
        <section class="card" aria-labelledby="organisations-title">
            <h2 id="organisations-title">{tr!(by_organisation)}</h2>
            // Wide tables scroll in their own box on a phone, never the page; focusable so
            // the keyboard can scroll it too.
            <div class="table-scroll" tabindex="0" role="region" aria-labelledby="organisations-title">
            <table>
                <thead><tr>
                    <th scope="col">{tr!(filter_organisation)}</th><th scope="col">{tr!(leads_column)}</th>
                    <th scope="col">{tr!(actions)}</th><th scope="col">{tr!(mean_progress)}</th>
                    <th scope="col">{tr!(late_actions)}</th><th scope="col">{tr!(by_status)}</th>
                </tr></thead>
                <tbody>
                    {stats.organisations.into_iter().map(|o| {
                        let label = format!("{} · {}", o.organisation.name, tr!(count_actions, count = o.rollup.actions));
                        view! {
                            <tr>
                                <th scope="row">{o.organisation.name.clone()}</th>
                                <td>{o.leads}</td>
                                <td>{o.rollup.actions}</td>
                                <td>{format::number(o.rollup.mean_progress)} " %"</td>
                                <td>{o.rollup.late}</td>
                                <td class="bar-cell"><StatusBar rollup=o.rollup label/></td>
                            </tr>
                        }
                    }).collect_view()}
                </tbody>
            </table>
            </div>
        </section>
        {(!stats.sectoral_plans.is_empty()).then(|| view! {
            <section class="card" aria-labelledby="sectoral-title">
                <h2 id="sectoral-title">{tr!(by_sectoral_plan)}</h2>
                <p class="hint">{tr!(by_sectoral_plan_help)}</p>
                <div class="table-scroll" tabindex="0" role="region" aria-labelledby="sectoral-title">
                <table class="sectoral-rollup">
                    <thead><tr>
                        <th scope="col">{tr!(sectoral_plan_column)}</th>
                        <th scope="col">{tr!(actions)}</th><th scope="col">{tr!(mean_progress)}</th>
                        <th scope="col">{tr!(late_actions)}</th><th scope="col">{tr!(by_status)}</th>
                    </tr></thead>
                    <tbody>
                        {stats.sectoral_plans.into_iter().map(|s| {
                            let label = format!("{} · {}", s.sectoral_plan.name, tr!(count_actions, count = s.rollup.actions));
                            view! {
                                <tr>
                                    <th scope="row">{s.sectoral_plan.name.clone()}</th>
                                    <td>{s.rollup.actions}</td>
                                    <td>{format::number(s.rollup.mean_progress)} " %"</td>
                                    <td>{s.rollup.late}</td>
                                    <td class="bar-cell"><StatusBar rollup=s.rollup label/></td>
                                </tr>
                            }
                        }).collect_view()}
                    </tbody>
                </table>
                </div>
            </section>
        })}
        {budget}
    }
}

/// One cell of the budget table: planned, engaged and spent beneath, and eComptes'
/// articles when the plan has some.
fn amounts(planned: i64, engaged: i64, spent: i64, ecomptes: Option<i64>) -> impl IntoView {
    view! {
        <td class="amount">
            {format::euros(planned)}
            <span class="meta">" " {tr!(engaged)} " " {format::euros(engaged)}</span>
            <span class="meta">" " {tr!(spent)} " " {format::euros(spent)}</span>
            {ecomptes.map(|cents| view! {
                <span class="meta ecomptes-amount">" " {tr!(ecomptes_column)} " " {format::euros(cents)}</span>
            })}
        </td>
    }
}

/// The budget lines by budget year: the whole plan, then each objective, with the total of
/// the years.
#[component]
fn BudgetByYear(plan: BudgetRollup, objectives: Vec<ObjectiveRollup>) -> impl IntoView {
    let years: Vec<i32> = plan.by_year.iter().map(|y| y.year).collect();
    // eComptes' figures are shown once a file of theirs has brought some.
    let has_ecomptes = plan.by_year.iter().any(|y| y.ecomptes_cents != 0);
    let row = move |budget: &BudgetRollup| {
        let cells = years
            .iter()
            .map(|year| {
                let total = budget.by_year.iter().find(|t| t.year == *year);
                amounts(
                    total.map_or(0, |t| t.planned_cents),
                    total.map_or(0, |t| t.engaged_cents),
                    total.map_or(0, |t| t.spent_cents),
                    has_ecomptes.then(|| total.map_or(0, |t| t.ecomptes_cents)),
                )
            })
            .collect_view();
        let all = amounts(
            budget.planned_cents,
            budget.engaged_cents,
            budget.spent_cents,
            has_ecomptes.then_some(budget.ecomptes_cents),
        );
        view! { {cells} {all} }
    };
    let body = if plan.by_year.is_empty() {
        view! { <p>{tr!(nothing_yet)}</p> }.into_any()
    } else {
        view! {
            <div class="table-scroll" tabindex="0" role="region" aria-labelledby="budget-title">
            <table>
                <thead><tr>
                    <th scope="col">{tr!(objective_column)}</th>
                    {plan.by_year.iter().map(|y| view! { <th scope="col">{y.year}</th> }).collect_view()}
                    <th scope="col">{tr!(all_years)}</th>
                </tr></thead>
                <tbody>
                    <tr class="strategic-row"><th scope="row">{tr!(whole_plan)}</th>{row(&plan)}</tr>
                    {objectives.iter().map(|o| view! {
                        <tr class=if o.level == ObjectiveLevel::Strategic { "strategic-row" } else { "" }>
                            <th scope="row"><span class="code">{o.code.clone()}</span> {o.title.clone()}</th>
                            {row(&o.budget)}
                        </tr>
                    }).collect_view()}
                </tbody>
            </table>
            </div>
        }
        .into_any()
    };
    view! {
        <section class="card" aria-labelledby="budget-title">
            <h2 id="budget-title">{tr!(budget_by_year)}</h2>
            <p class="hint">{tr!(budget_by_year_help)}</p>
            {body}
        </section>
    }
}
