//! The router and the page frame.

use leptos::prelude::*;
use leptos_router::components::{A, Route, Router, Routes};
use leptos_router::path;

use crate::i18n::fr;
use crate::pages::{plan_page::PlanPage, plans_page::PlansPage};

#[component]
pub fn App() -> impl IntoView {
    view! {
        <Router>
            <a class="skip-link" href="#contenu">{fr::SKIP_TO_CONTENT}</a>
            <header class="site-header">
                <A href="/" attr:class="brand">{fr::APP_NAME}</A>
                <span class="tagline">{fr::TAGLINE}</span>
            </header>
            <main id="contenu" tabindex="-1">
                <Routes fallback=|| view! { <p class="notice">{fr::PAGE_NOT_FOUND}</p> }>
                    <Route path=path!("/") view=PlansPage/>
                    <Route path=path!("/plans/:id") view=PlanPage/>
                </Routes>
            </main>
        </Router>
    }
}
