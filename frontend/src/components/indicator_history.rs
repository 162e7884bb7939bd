//! The history of an action's indicators across the closed reporting periods, under its
//! indicators. Only this glue is in the initial WASM set; the chart and its table are a lazy
//! function, their code in a chunk of their own (`indicator_chart`).

use leptos::prelude::*;

#[component]
pub fn IndicatorHistory(action: String) -> impl IntoView {
    Suspend::new(async move { indicator_history_area(action).await })
}

#[leptos::lazy]
fn indicator_history_area(action: String) -> AnyView {
    crate::components::indicator_chart::area(action)
}
