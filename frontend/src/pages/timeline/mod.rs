//! A plan's timeline (issue 16, point 6): a Gantt chart of its actions from the plan tree
//! (one request), the planned bar against the actual one, today's line, late actions in
//! red and hatched, filtered like the tree, the steps folded under their action; below it
//! the same data as a table. It prints on A4 landscape. A lazy route: all of it is in the
//! page's own WASM chunk, its style sheet included.

mod chart;
mod schedule;
mod table;

use api_types::{OrganisationRef, PlanTree};
use chrono::Datelike;
use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::use_params_map;
use uuid::Uuid;

use crate::api;
use crate::components::failure::Failure;
use crate::components::tree_filter::{FilterBar, carriers, use_tree_filter};
use crate::loader::loader;
use crate::pages::plans_page::period;
use crate::session::SessionContext;
use chart::{Chart, Drawn};
use schedule::Schedule;
use table::{TimelineTable, day};

/// The page's style, in its chunk rather than in the style sheet every first visit loads;
/// it applies while the page is shown, so only the timeline prints in landscape.
const STYLE: &str = include_str!("timeline.css");

#[component]
pub fn TimelinePage() -> impl IntoView {
    let params = use_params_map();
    let session = SessionContext::get();
    let id = move || params.read().get("id").unwrap_or_default();
    let plan = loader(move || {
        let (id, token) = (id(), session.token().unwrap_or_default());
        let me = session
            .state
            .with_untracked(|s| s.as_ref().map(|s| s.user.id));
        Box::pin(async move {
            api::get_plan(&token, &id)
                .await
                .map(|tree| Plan::of(tree, me))
        })
    });
    view! {
        <style>{STYLE}</style>
        <p class="gantt-no-print"><A href=move || format!("/plans/{}", id())>{tr!(back_to_plan)}</A></p>
        {move || match plan.get() {
            None => view! { <p class="notice" aria-busy="true">{tr!(loading)}</p> }.into_any(),
            Some(Err(failure)) => view! { <Failure failure/> }.into_any(),
            Some(Ok(plan)) => view! { <Timeline plan/> }.into_any(),
        }}
    }
}

/// The plan as this page uses it, made from the tree as it arrives. A type of the page's
/// own: the loading code made for it is in the page's chunk, where the plan tree's would be
/// shared with the plan page and so be moved to the initial set.
#[derive(Debug, Clone)]
struct Plan {
    tenant: String,
    title: String,
    start_year: Option<i32>,
    end_year: Option<i32>,
    /// The choices of the filter's organisation list.
    organisations: Vec<OrganisationRef>,
    /// The choices of the filter's sectoral plan list.
    sectoral_plans: Vec<api_types::SectoralPlan>,
    /// The actions the signed-in person answers for (the "responsible" filter).
    answered_for: Vec<Uuid>,
    schedule: Schedule,
}

impl Plan {
    fn of(tree: PlanTree, me: Option<Uuid>) -> Self {
        Self {
            organisations: carriers(&tree.actions().cloned().collect::<Vec<_>>()),
            answered_for: me.map(|me| tree.responsible_for(me)).unwrap_or_default(),
            schedule: Schedule::of(&tree),
            sectoral_plans: tree.sectoral_plans,
            tenant: tree.tenant.name,
            title: tree.title,
            start_year: tree.start_year,
            end_year: tree.end_year,
        }
    }
}

#[component]
fn Timeline(plan: Plan) -> impl IntoView {
    let my_organisation = SessionContext::get().state.with_untracked(|s| {
        s.as_ref()
            .and_then(|s| s.user.organisation.as_ref().map(|o| o.id))
    });
    let Plan {
        tenant,
        title,
        start_year,
        end_year,
        organisations,
        sectoral_plans,
        answered_for,
        schedule,
    } = plan;
    let filter = use_tree_filter(my_organisation, answered_for);
    let plan_period = period(start_year, end_year);
    let undated = schedule.actions.iter().any(|a| a.row.undated);
    let today = schedule.today;
    let years = match (schedule.shown.first.year(), schedule.shown.last.year()) {
        (first, last) if first == last => first.to_string(),
        (first, last) => format!("{first}–{last}"),
    };
    let schedule = StoredValue::new(schedule);
    // The actions whose steps are unfolded; all folded at first.
    let unfolded = RwSignal::new(Vec::<Uuid>::new());
    let toggle = Callback::new(move |id: Uuid| {
        unfolded.update(|open| match open.iter().position(|o| *o == id) {
            Some(at) => {
                open.remove(at);
            }
            None => open.push(id),
        });
    });
    let shown = Signal::derive(move || {
        filter.with(|f| {
            schedule.with_value(|s| {
                s.actions
                    .iter()
                    .filter(|a| f.matches(&a.row.action))
                    .count()
            })
        })
    });
    // The rows of the chart: the actions the filter keeps, each unfolded one's steps below it.
    let drawn = move || {
        filter.with(|f| {
            unfolded.with(|open| {
                schedule.with_value(|s| {
                    let mut rows = Vec::new();
                    for action in s.actions.iter().filter(|a| f.matches(&a.row.action)) {
                        let unfolded = open.contains(&action.row.action.id);
                        rows.push(Drawn {
                            row: action.row.clone(),
                            step: false,
                            fold: (!action.steps.is_empty()).then_some(unfolded),
                        });
                        if unfolded {
                            rows.extend(action.steps.iter().map(|step| Drawn {
                                row: step.clone(),
                                step: true,
                                fold: None,
                            }));
                        }
                    }
                    rows
                })
            })
        })
    };
    let today_text = today.map_or_else(|| "—".to_owned(), day);
    let chart = move || {
        let rows = drawn();
        let late = rows.iter().filter(|r| !r.step && r.row.action.late).count();
        let summary = tr!(
            timeline_summary,
            count = shown.get(),
            years = years.clone(),
            late = late,
            today = today_text.clone()
        );
        (!rows.is_empty()).then(|| {
            view! {
                // Scrolls sideways inside its box on a phone; focusable, so the keyboard
                // scrolls it too.
                <div class="gantt-scroll" tabindex="0" role="region" aria-label=tr!(timeline_chart)>
                    <Chart schedule rows summary toggle/>
                </div>
            }
        })
    };
    let print = |_| {
        if let Some(window) = web_sys::window() {
            let _ = window.print();
        }
    };
    view! {
        <h1>
            <span class="plan-tenant">{tenant} " · " {title}</span>
            {tr!(timeline_title)}
        </h1>
        <p class="plan-meta">
            {plan_period.clone()}
            {today.map(|t| view! { " · " {tr!(timeline_as_of, date = day(t))} })}
            <button type="button" class="link gantt-no-print gantt-print" on:click=print>{tr!(timeline_print)}</button>
        </p>
        <FilterBar filter organisations sectoral_plans has_organisation=my_organisation.is_some() shown/>
        // Late bars' stripes, for the chart and the legend alike.
        <svg class="gantt-defs" width="0" height="0" aria-hidden="true">
            <defs>
                <pattern id="gantt-late" width="6" height="6" patternUnits="userSpaceOnUse" patternTransform="rotate(45)">
                    <rect width="6" height="6" fill="#a4161a"/>
                    <rect width="2" height="6" fill="#ffffff"/>
                </pattern>
            </defs>
        </svg>
        <ul class="legend gantt-legend">
            <li><Swatch class="gantt-planned"/> {tr!(planned)}</li>
            {undated.then(|| view! { <li><Swatch class="gantt-planned undated"/> {tr!(timeline_undated)}</li> })}
            <li><Swatch class="gantt-actual"/> {tr!(timeline_actual)}</li>
            <li><Swatch class="gantt-planned late"/> "⚠ " {tr!(late)}</li>
            {today.map(|_| view! {
                <li>
                    <svg class="gantt-swatch" viewBox="0 0 24 12" aria-hidden="true">
                        <line class="gantt-today" x1="12" x2="12" y1="0" y2="12"/>
                    </svg>
                    {tr!(timeline_today)}
                </li>
            })}
        </ul>
        {chart}
        <TimelineTable schedule filter unfolded toggle plan_period/>
    }
}

/// A bar of the legend, drawn as in the chart.
#[component]
fn Swatch(class: &'static str) -> impl IntoView {
    view! {
        <svg class="gantt-swatch" viewBox="0 0 24 12" aria-hidden="true">
            <rect class=class x="1" y="2" width="22" height="8"/>
        </svg>
    }
}
