//! The timeline as a picture: one SVG, a row per action shown (and per step of an unfolded
//! action), the planned bar above the actual one, the years along the top, today's line.
//! It is an image with a summary for screen readers: the table below it carries the same
//! data, and the buttons that fold the steps.

use chrono::{Datelike, NaiveDate};
use leptos::prelude::*;
use uuid::Uuid;

use super::schedule::{Days, Row, Schedule};

/// The drawing's width in SVG units; it is scaled to the page's width (and scrolls
/// sideways on a phone, whose screen is narrower than the chart's minimum).
const WIDTH: f64 = 1000.0;
/// The column of codes and titles.
const LABELS: f64 = 300.0;
const PLOT: f64 = WIDTH - LABELS - 12.0;
/// The years, and today's label below them, above the rows.
const AXIS: f64 = 44.0;
const ROW: f64 = 24.0;
/// Characters of a title that fit in the labels' column (the table has them whole).
const TITLE_CHARS: usize = 36;

/// A row as drawn: an action's or a step's, folded or not.
pub struct Drawn {
    pub row: Row,
    pub step: bool,
    /// `Some(unfolded)` for an action with steps.
    pub fold: Option<bool>,
}

/// Where a day starts along the plot.
fn x_of(shown: Days, day: NaiveDate) -> f64 {
    LABELS + (day - shown.first).num_days() as f64 / shown.len() as f64 * PLOT
}

/// Where a run of days starts and ends along the plot (its last day included).
fn ends_of(shown: Days, days: Days) -> (f64, f64) {
    let day = PLOT / shown.len() as f64;
    (x_of(shown, days.first), x_of(shown, days.last) + day)
}

/// A number for an SVG attribute: one decimal is finer than a pixel.
fn n(value: f64) -> String {
    format!("{value:.1}")
}

/// The chart of the rows shown; a click on an action with steps folds or unfolds them (the
/// table's buttons do the same from the keyboard).
#[component]
pub fn Chart(
    schedule: StoredValue<Schedule>,
    rows: Vec<Drawn>,
    summary: String,
    toggle: Callback<Uuid>,
) -> impl IntoView {
    let (shown, today) = schedule.with_value(|s| (s.shown, s.today));
    let height = AXIS + rows.len() as f64 * ROW + 4.0;
    let years = (shown.first.year()..=shown.last.year())
        .map(|year| {
            let start = NaiveDate::from_ymd_opt(year, 1, 1).unwrap_or(shown.first);
            let next = NaiveDate::from_ymd_opt(year + 1, 1, 1).unwrap_or(shown.last);
            let (left, right) = (x_of(shown, start), x_of(shown, next));
            view! {
                <line class="gantt-year" x1=n(left) x2=n(left) y1="4" y2=n(height)/>
                <text x=n((left + right) / 2.0) y="16" text-anchor="middle">{year}</text>
            }
        })
        .collect_view();
    let today_line = today.filter(|t| *t >= shown.first && *t <= shown.last).map(|t| {
        // In the middle of the day.
        let x = n(x_of(shown, t) + PLOT / shown.len() as f64 / 2.0);
        // The label stays inside the plot near the first and last days.
        let anchor = match (t - shown.first).num_days() * 6 / shown.len() {
            0 => "start",
            5 => "end",
            _ => "middle",
        };
        view! {
            <line class="gantt-today" x1=x.clone() x2=x.clone() y1=n(AXIS - 4.0) y2=n(height)/>
            <text class="gantt-today-label" x=x y=n(AXIS - 8.0) text-anchor=anchor>{tr!(timeline_today)}</text>
        }
    });
    let rows = rows
        .into_iter()
        .enumerate()
        .map(|(i, drawn)| chart_row(shown, i, drawn, toggle))
        .collect_view();
    view! {
        <svg class="gantt-chart" viewBox=format!("0 0 {WIDTH} {}", n(height)) role="img" aria-label=summary
            font-size="12">
            {years}
            {rows}
            {today_line}
        </svg>
    }
}

fn chart_row(shown: Days, index: usize, drawn: Drawn, toggle: Callback<Uuid>) -> impl IntoView {
    let Drawn { row, step, fold } = drawn;
    let y = AXIS + index as f64 * ROW;
    let action = &row.action;
    let mut title: String = action.title.chars().take(TITLE_CHARS).collect();
    if action.title.chars().count() > TITLE_CHARS {
        title.push('…');
    }
    let marker = match fold {
        Some(true) => "▾ ",
        Some(false) => "▸ ",
        None => "",
    };
    let late = if action.late { "⚠ " } else { "" };
    let (left, right) = ends_of(shown, row.planned);
    let planned_class = if action.late {
        "gantt-planned late"
    } else if row.undated {
        "gantt-planned undated"
    } else {
        "gantt-planned"
    };
    let actual = row.actual.map(|days| {
        let (from, to) = ends_of(shown, days);
        view! { <rect class="gantt-actual" x=n(from) y=n(y + 15.0) width=n((to - from).max(1.0)) height="5"/> }
    });
    let id = action.id;
    let row_class = match (step, fold.is_some()) {
        (true, _) => "gantt-row sub-action",
        (false, true) => "gantt-row action foldable",
        (false, false) => "gantt-row action",
    };
    view! {
        <g class=row_class data-code=action.code.clone()
            on:click=move |_| if fold.is_some() { toggle.run(id) }>
            {index.is_multiple_of(2).then(|| view! { <rect class="gantt-stripe" x="0" y=n(y) width=n(WIDTH) height=n(ROW)/> })}
            <text x=if step { "22" } else { "4" } y=n(y + 16.0)>
                {marker} {late}
                <tspan font-weight="700">{action.code.clone()}</tspan>
                " " {title}
            </text>
            <rect class=planned_class x=n(left) y=n(y + 4.0) width=n((right - left).max(1.0)) height="9"/>
            {actual}
        </g>
    }
}
