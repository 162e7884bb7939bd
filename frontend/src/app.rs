//! The router and the page frame.

use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::components::{A, Route, Router, Routes};
use leptos_router::path;

use crate::api;
use crate::components::require_session::RequireSession;
use crate::i18n::fr;
use crate::pages::{
    action_page::ActionPage, approvals_page::ApprovalsPage, login_page::LoginPage,
    plan_page::PlanPage, plans_page::PlansPage,
};
use crate::session::SessionContext;
use api_types::Role;

#[component]
pub fn App() -> impl IntoView {
    let session = SessionContext::provide();
    view! {
        <Router>
            <a class="skip-link" href="#contenu">{fr::SKIP_TO_CONTENT}</a>
            <header class="site-header">
                <A href="/" attr:class="brand">{fr::APP_NAME}</A>
                <span class="tagline">{fr::TAGLINE}</span>
                <UserMenu session/>
            </header>
            <main id="contenu" tabindex="-1">
                <Routes fallback=|| view! { <p class="notice">{fr::PAGE_NOT_FOUND}</p> }>
                    <Route path=path!("/connexion") view=LoginPage/>
                    <Route path=path!("/") view=|| view! { <RequireSession><PlansPage/></RequireSession> }/>
                    <Route path=path!("/plans/:id") view=|| view! { <RequireSession><PlanPage/></RequireSession> }/>
                    <Route path=path!("/actions/:id") view=|| view! { <RequireSession><ActionPage/></RequireSession> }/>
                    <Route path=path!("/approbations") view=|| view! { <RequireSession><ApprovalsPage/></RequireSession> }/>
                </Routes>
            </main>
        </Router>
    }
}

/// The signed-in user's name and the logout button.
#[component]
fn UserMenu(session: SessionContext) -> impl IntoView {
    let logout = move |_| {
        if let Some(token) = session.token() {
            spawn_local(async move {
                // The session ends on our side whatever the server answers.
                let _ = api::logout(&token).await;
            });
        }
        session.sign_out();
    };
    move || {
        session.state.with(|s| {
            s.as_ref().map(|s| {
                let name = s.user.display_name.clone();
                let manager = matches!(s.user.role, Role::President | Role::Dg);
                view! {
                    <nav class="user-menu" aria-label=fr::APP_NAME>
                        {manager.then(|| view! { <ApprovalsLink session/> })}
                        <span class="user-name">{name}</span>
                        <button type="button" class="link-button" on:click=logout>{fr::LOGOUT}</button>
                    </nav>
                }
            })
        })
    }
}

/// The approvals link, with the number of pending proposals.
#[component]
fn ApprovalsLink(session: SessionContext) -> impl IntoView {
    let location = leptos_router::hooks::use_location();
    let pending = LocalResource::new(move || {
        // Counted again on every navigation, so a decision shows at once.
        location.pathname.track();
        let token = session.token().unwrap_or_default();
        async move {
            api::pending_change_requests(&token)
                .await
                .map(|l| l.len())
                .unwrap_or(0)
        }
    });
    view! {
        <A href="/approbations" attr:class="nav-link">
            {fr::APPROVALS}
            {move || pending.get().filter(|n| *n > 0).map(|n| view! { " " <span class="badge count">{n}</span> })}
        </A>
    }
}
