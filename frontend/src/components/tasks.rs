//! Where tasks show: an action's page, "Mes tâches", a plan's tasks. Only this glue is in
//! the initial WASM set; the lists and forms are one lazy function, their code in a chunk
//! of their own (`task_views`), fetched the first time a page shows tasks.

use leptos::prelude::*;

use crate::components::require_session::RequireSession;

/// Which tasks an area shows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TaskArea {
    /// An action's and its sub-actions'; a manager adds tasks there.
    Action { id: String, manager: bool },
    /// The caller's and their organisation's.
    Mine,
    /// A plan's, where the management assigns them in batches.
    Plan { id: String },
}

#[component]
pub fn Tasks(area: TaskArea) -> impl IntoView {
    Suspend::new(async move { task_area(area).await })
}

/// "Mes tâches" (`/mes-taches`).
#[component]
pub fn MyTasksPage() -> impl IntoView {
    view! { <RequireSession><Tasks area=TaskArea::Mine/></RequireSession> }
}

/// A plan's tasks (`/plans/:id/taches`).
#[component]
pub fn PlanTasksPage() -> impl IntoView {
    let params = leptos_router::hooks::use_params_map();
    let id = params.read_untracked().get("id").unwrap_or_default();
    view! { <RequireSession><Tasks area=TaskArea::Plan { id: id.clone() }/></RequireSession> }
}

/// Fetches the tasks' chunk ahead of need.
pub async fn preload() {
    __preload_task_area().await;
}

#[leptos::lazy]
fn task_area(area: TaskArea) -> AnyView {
    crate::components::task_views::area(area)
}
