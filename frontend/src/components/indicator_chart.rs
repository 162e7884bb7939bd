//! An indicator's values at the close of each reporting period: a small line chart (inline
//! SVG, its target as a dashed line) and, beside it, the same figures as a table, which is
//! what a screen reader reads and what prints.

use api_types::{IndicatorHistory, IndicatorSeries, PeriodRef};
use leptos::prelude::*;

use crate::api;
use crate::components::failure::Failure;
use crate::format;
use crate::loader::loader;
use crate::session::SessionContext;

const WIDTH: f64 = 320.0;
const HEIGHT: f64 = 120.0;
const PAD: f64 = 24.0;

pub fn area(action: String) -> AnyView {
    let session = SessionContext::get();
    let history = loader(move || {
        let (id, token) = (action.clone(), session.token().unwrap_or_default());
        Box::pin(async move { api::periods::indicator_history(&token, &id).await })
    });
    (move || match history.get() {
        None => ().into_any(),
        Some(Err(failure)) => view! { <Failure failure/> }.into_any(),
        Some(Ok(history)) if history.periods.is_empty() || history.indicators.is_empty() => {
            ().into_any()
        }
        Some(Ok(history)) => view! { <History history/> }.into_any(),
    })
    .into_any()
}

#[component]
fn History(history: IndicatorHistory) -> impl IntoView {
    let periods = history.periods;
    view! {
        <section class="card" aria-labelledby="indicator-history-title">
            <h2 id="indicator-history-title">{tr!(indicator_history)}</h2>
            <p class="hint">{tr!(indicator_history_help)}</p>
            {history.indicators.into_iter().enumerate().map(|(n, series)| view! {
                <Series series periods=periods.clone() n/>
            }).collect_view()}
        </section>
    }
}

fn value_text(value: Option<f64>, unit: Option<&str>) -> String {
    match (value, unit) {
        (None, _) => "—".to_owned(),
        (Some(v), Some(unit)) => format!("{} {unit}", format::shortest(v)),
        (Some(v), None) => format::shortest(v),
    }
}

#[component]
fn Series(series: IndicatorSeries, periods: Vec<PeriodRef>, n: usize) -> impl IntoView {
    let top = series
        .values
        .iter()
        .flatten()
        .copied()
        .chain(series.target)
        .fold(0.0_f64, f64::max)
        .max(1.0)
        * 1.1;
    let count = periods.len();
    let x = |i: usize| {
        if count <= 1 {
            WIDTH / 2.0
        } else {
            PAD + (WIDTH - 2.0 * PAD) * i as f64 / (count - 1) as f64
        }
    };
    let y = |v: f64| HEIGHT - PAD - (HEIGHT - 2.0 * PAD) * v / top;
    let points: Vec<(f64, f64, f64)> = series
        .values
        .iter()
        .enumerate()
        .filter_map(|(i, v)| v.map(|v| (x(i), y(v), v)))
        .collect();
    let line = points
        .iter()
        .map(|(px, py, _)| format!("{},{}", format::fixed(*px, 1), format::fixed(*py, 1)))
        .collect::<Vec<_>>()
        .join(" ");
    let unit = series.unit.clone();
    let summary = format!(
        "{} : {}",
        series.name,
        periods
            .iter()
            .zip(&series.values)
            .map(|(p, v)| format!("{} {}", p.label, value_text(*v, unit.as_deref())))
            .collect::<Vec<_>>()
            .join(", ")
    );
    let caption_id = format!("indicator-history-{n}");
    let target = series.target.map(|t| {
        let ty = format::fixed(y(t), 1);
        view! {
            <line class="target" x1=format::fixed(PAD, 1) x2=format::fixed(WIDTH - PAD, 1) y1=ty.clone() y2=ty/>
        }
    });
    view! {
        <figure class="indicator-history">
            <figcaption id=caption_id.clone()><strong>{series.name.clone()}</strong>
                {series.target.map(|t| view! { " · " {tr!(target)} " " {value_text(Some(t), unit.as_deref())} })}
            </figcaption>
            <svg class="history-chart" viewBox=format!("0 0 {WIDTH} {HEIGHT}") role="img" aria-label=summary>
                <line class="axis" x1=format::fixed(PAD, 1) x2=format::fixed(WIDTH - PAD, 1)
                    y1=format::fixed(HEIGHT - PAD, 1) y2=format::fixed(HEIGHT - PAD, 1)/>
                {target}
                <polyline class="values" points=line/>
                {points.iter().map(|(px, py, v)| view! {
                    <circle cx=format::fixed(*px, 1) cy=format::fixed(*py, 1) r="3.5"/>
                    <text x=format::fixed(*px, 1) y=format::fixed(py - 7.0, 1) text-anchor="middle">{format::shortest(*v)}</text>
                }).collect_view()}
                {periods.iter().enumerate().map(|(i, p)| view! {
                    <text class="period" x=format::fixed(x(i), 1) y=format::fixed(HEIGHT - 6.0, 1) text-anchor="middle">{p.label.clone()}</text>
                }).collect_view()}
            </svg>
            <div class="table-scroll" tabindex="0" role="region" aria-labelledby=caption_id>
                <table>
                    <thead><tr>
                        <th scope="col">{tr!(reporting_period)}</th>
                        <th scope="col">{tr!(indicator_value_at_close)}</th>
                    </tr></thead>
                    <tbody>
                        {periods.iter().zip(series.values.iter()).map(|(p, v)| view! {
                            <tr>
                                <th scope="row">{p.label.clone()} <span class="meta">" · " {format::date(&p.ends_on.to_string())}</span></th>
                                <td>{value_text(*v, unit.as_deref())}</td>
                            </tr>
                        }).collect_view()}
                    </tbody>
                </table>
            </div>
        </figure>
    }
}
