//! The managers' tools on the action page: the direct edit (president, DG), and the
//! definition of sub-actions, indicators, budget lines and projections (the DG, who edits the plan's
//! structure).
//!
//! Partners and social workers open the action page first, so its code is in the initial
//! WASM set: the tools are a lazy function, their code in a chunk of their own, fetched when
//! a manager opens an action (and prefetched when the browser is idle).

use api_types::{ActionDetail, Role};
use leptos::prelude::*;

use crate::components::action_editor::ActionEditor;
use crate::components::budget_editor::BudgetLinesEditor;
use crate::components::indicator_editor::IndicatorsEditor;
use crate::components::projections_editor::ProjectionsEditor;
use crate::components::responsibles_editor::ResponsiblesEditor;
use crate::components::sub_actions_editor::SubActionsEditor;
use crate::session::SessionContext;

/// Nothing for those who do not manage; the tools, once their chunk is loaded, for those who
/// do. `on_changed` reloads the action after a save.
#[component]
pub fn ManagerTools(detail: ActionDetail, on_changed: Callback<()>) -> impl IntoView {
    let role = SessionContext::get()
        .state
        .with_untracked(|s| s.as_ref().map(|s| s.user.role));
    let structure = role == Some(Role::Dg);
    matches!(role, Some(Role::President | Role::Dg))
        .then(|| Suspend::new(async move { manager_tools(detail, structure, on_changed).await }))
}

/// Fetches the tools' chunk, so that a manager's first action page shows them at once.
pub async fn preload() {
    __preload_manager_tools().await;
}

#[leptos::lazy]
fn manager_tools(detail: ActionDetail, structure: bool, on_changed: Callback<()>) -> AnyView {
    // Steps sit one level under an action: a sub-action has none.
    let steps = (structure && detail.parent.is_none())
        .then(|| view! { <SubActionsEditor detail=detail.clone() on_changed/> });
    let measures = structure.then(|| {
        view! {
            <ResponsiblesEditor detail=detail.clone() on_changed/>
            <IndicatorsEditor detail=detail.clone() on_changed/>
            <BudgetLinesEditor detail=detail.clone() on_changed/>
            <ProjectionsEditor action_id=detail.action.id on_changed/>
        }
    });
    view! {
        <ActionEditor detail on_changed/>
        {steps}
        {measures}
    }
    .into_any()
}
