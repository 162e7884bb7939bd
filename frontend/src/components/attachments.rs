//! An action's evidence files on its page. Only this glue is in the initial WASM set; the
//! list and the upload form are one lazy function, their code in a chunk of their own
//! (`attachment_views`), fetched the first time an action's page shows it.

use leptos::prelude::*;

#[component]
pub fn Attachments(action: String) -> impl IntoView {
    Suspend::new(async move { attachments_area(action).await })
}

#[leptos::lazy]
fn attachments_area(action: String) -> AnyView {
    crate::components::attachment_views::area(action)
}
