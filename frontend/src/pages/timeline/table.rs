//! The timeline's table twin: the same rows as the chart, in words, for screen readers, the
//! keyboard and whoever wants the dates. Every row is there from the start and hidden by
//! the filter or the folding, so the button just pressed keeps the focus.

use api_types::Action;
use chrono::{Datelike, NaiveDate};
use leptos::prelude::*;
use leptos_router::components::A;
use uuid::Uuid;

use super::schedule::{ActionRows, Row, Schedule};
use crate::components::status_chip::status_label;
use crate::components::tree_filter::TreeFilter;

/// `30/06/2026`.
pub fn day(date: NaiveDate) -> String {
    format!("{:02}/{:02}/{}", date.day(), date.month(), date.year())
}

fn day_or_dash(date: Option<NaiveDate>) -> String {
    date.map_or_else(|| "—".to_owned(), day)
}

#[component]
pub fn TimelineTable(
    schedule: StoredValue<Schedule>,
    filter: Memo<TreeFilter>,
    unfolded: RwSignal<Vec<Uuid>>,
    toggle: Callback<Uuid>,
    /// The plan's period in words, for the actions without dates.
    plan_period: String,
) -> impl IntoView {
    let rows = schedule.with_value(|s| {
        s.actions
            .iter()
            .map(|rows| action_rows(rows.clone(), filter, unfolded, toggle, &plan_period))
            .collect_view()
    });
    view! {
        <div class="table-scroll" tabindex="0" role="region" aria-labelledby="gantt-table-caption">
            <table class="data gantt-table">
                <caption id="gantt-table-caption">{tr!(timeline_table)}</caption>
                <thead><tr>
                    <th scope="col">{tr!(timeline_code)}</th>
                    <th scope="col">{tr!(timeline_action)}</th>
                    <th scope="col">{tr!(lead)}</th>
                    <th scope="col">{tr!(field_planned_start)}</th>
                    <th scope="col">{tr!(field_planned_end)}</th>
                    <th scope="col">{tr!(field_actual_end)}</th>
                    <th scope="col">{tr!(field_status)}</th>
                    <th scope="col">{tr!(late)}</th>
                </tr></thead>
                <tbody>{rows}</tbody>
            </table>
        </div>
    }
}

/// An action's row, with the button that folds its steps, and its steps' rows.
fn action_rows(
    ActionRows { row, steps }: ActionRows,
    filter: Memo<TreeFilter>,
    unfolded: RwSignal<Vec<Uuid>>,
    toggle: Callback<Uuid>,
    plan_period: &str,
) -> impl IntoView + use<> {
    let action = row.action.clone();
    let id = action.id;
    let shown = move || filter.with(|f| f.matches(&action));
    let open = move || unfolded.with(|u| u.contains(&id));
    let fold = (!steps.is_empty()).then(|| {
        let (count, code) = (steps.len(), row.action.code.clone());
        view! {
            <button type="button" class="link gantt-fold" aria-expanded=move || open().to_string()
                on:click=move |_| toggle.run(id)>
                <span aria-hidden="true">{move || if open() { "▾ " } else { "▸ " }}</span>
                {tr!(sub_actions)} " (" {count} ")"
                <span class="visually-hidden">" " {code}</span>
            </button>
        }
    });
    let shown_step = shown.clone();
    let steps = steps
        .into_iter()
        .map(|step| {
            let shown = shown_step.clone();
            let hidden = move || !(shown() && open());
            view! {
                <tr class="sub-action-row" hidden=hidden>{cells(step, None::<()>, plan_period.to_owned())}</tr>
            }
        })
        .collect_view();
    view! {
        <tr class="action-row" hidden=move || !shown()>{cells(row, fold, plan_period.to_owned())}</tr>
        {steps}
    }
}

/// The cells of a row: code, title (a link to its page) and fold button, lead, dates,
/// status, late.
fn cells(row: Row, fold: Option<impl IntoView>, plan_period: String) -> impl IntoView {
    let Action {
        id,
        code,
        title,
        lead,
        status,
        late,
        planned_start,
        planned_end,
        actual_end,
        ..
    } = row.action;
    let planned = if row.undated {
        view! { <td colspan="2" class="gantt-undated">{tr!(timeline_plan_duration)} " (" {plan_period} ")"</td> }
            .into_any()
    } else {
        view! { <td>{day_or_dash(planned_start)}</td><td>{day_or_dash(planned_end)}</td> }
            .into_any()
    };
    view! {
        <th scope="row"><span class="code">{code}</span></th>
        <td><A href=format!("/actions/{id}")>{title}</A> " " {fold}</td>
        <td>{lead.map_or_else(|| "—".to_owned(), |o| o.name)}</td>
        {planned}
        <td>{day_or_dash(actual_end)}</td>
        <td>{status_label(status)}</td>
        <td class:gantt-late-cell=late>{if late { format!("⚠ {}", tr!(yes)) } else { tr!(no).to_owned() }}</td>
    }
}
