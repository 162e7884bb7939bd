//! An action's discussion on its page. Only this glue is in the initial WASM set; the list
//! and the forms are one lazy function, their code in a chunk of their own
//! (`discussion_views`), fetched the first time an action's page shows it.

use leptos::prelude::*;

#[component]
pub fn Discussion(action: String) -> impl IntoView {
    Suspend::new(async move { discussion_area(action).await })
}

#[leptos::lazy]
fn discussion_area(action: String) -> AnyView {
    crate::components::discussion_views::area(action)
}
