//! The pages a partner does not need on a first load: each is a lazy route, its code in a
//! WASM chunk of its own (`cargo xtask build-web` splits them out), fetched on the first
//! visit and, for the roles that use them, prefetched when the browser is idle.
//!
//! One `impl` per page, written out: `#[lazy_route]` names a chunk after the type, and a
//! macro generating them would give every chunk the same call site.

use api_types::Role;
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::{LazyRoute, lazy_route};
use wasm_bindgen::JsCast;
use wasm_bindgen::closure::Closure;

use crate::components::require_session::RequireSession;
use crate::pages::admin::{
    AdminHome, is_administrator, organisations::OrganisationsPage, structure::StructurePage,
    users::UsersPage,
};
use crate::pages::{
    account_page::AccountPage, approvals_page::ApprovalsPage, dashboard_page::DashboardPage,
    ecomptes_page::EcomptesPage, evaluations_page::EvaluationsPage,
    my_proposals_page::MyProposalsPage, notification_choices::UnsubscribePage,
    oidc_callback_page::OidcCallbackPage, periods_page::PeriodsPage, timeline::TimelinePage,
    versions_page::VersionsPage,
};

pub struct Dashboard;

#[lazy_route]
impl LazyRoute for Dashboard {
    fn data() -> Self {
        Self
    }

    fn view(_this: Self) -> AnyView {
        // The plan's reporting periods share the dashboard's chunk: the dashboard shows the
        // current one.
        let path = leptos_router::hooks::use_location()
            .pathname
            .get_untracked();
        if path.ends_with("/periodes") {
            view! { <RequireSession><PeriodsPage/></RequireSession> }.into_any()
        } else {
            view! { <RequireSession><DashboardPage/></RequireSession> }.into_any()
        }
    }
}

pub struct Timeline;

#[lazy_route]
impl LazyRoute for Timeline {
    fn data() -> Self {
        Self
    }

    fn view(_this: Self) -> AnyView {
        view! { <RequireSession><TimelinePage/></RequireSession> }.into_any()
    }
}

pub struct Approvals;

#[lazy_route]
impl LazyRoute for Approvals {
    fn data() -> Self {
        Self
    }

    fn view(_this: Self) -> AnyView {
        view! { <RequireSession><ApprovalsPage/></RequireSession> }.into_any()
    }
}

pub struct MyProposals;

#[lazy_route]
impl LazyRoute for MyProposals {
    fn data() -> Self {
        Self
    }

    fn view(_this: Self) -> AnyView {
        view! { <RequireSession><MyProposalsPage/></RequireSession> }.into_any()
    }
}

pub struct Administration;

#[lazy_route]
impl LazyRoute for Administration {
    fn data() -> Self {
        Self
    }

    fn view(_this: Self) -> AnyView {
        view! { <RequireSession><AdminHome/></RequireSession> }.into_any()
    }
}

pub struct Users;

#[lazy_route]
impl LazyRoute for Users {
    fn data() -> Self {
        Self
    }

    fn view(_this: Self) -> AnyView {
        view! { <RequireSession><UsersPage/></RequireSession> }.into_any()
    }
}

pub struct Organisations;

#[lazy_route]
impl LazyRoute for Organisations {
    fn data() -> Self {
        Self
    }

    fn view(_this: Self) -> AnyView {
        view! { <RequireSession><OrganisationsPage/></RequireSession> }.into_any()
    }
}

pub struct Structure;

#[lazy_route]
impl LazyRoute for Structure {
    fn data() -> Self {
        Self
    }

    fn view(_this: Self) -> AnyView {
        view! { <RequireSession><StructurePage/></RequireSession> }.into_any()
    }
}

/// A plan's evaluations, its versions and its eComptes page: one chunk for the three
/// pages of the management's council work (each lazy route adds its share of router code
/// to the initial set).
pub struct Council;

#[lazy_route]
impl LazyRoute for Council {
    fn data() -> Self {
        Self
    }

    fn view(_this: Self) -> AnyView {
        let path = leptos_router::hooks::use_location()
            .pathname
            .get_untracked();
        if path.ends_with("/versions") {
            view! { <RequireSession><VersionsPage/></RequireSession> }.into_any()
        } else if path.ends_with("/ecomptes") {
            view! { <RequireSession><EcomptesPage/></RequireSession> }.into_any()
        } else {
            view! { <RequireSession><EvaluationsPage/></RequireSession> }.into_any()
        }
    }
}

pub struct Account;

#[lazy_route]
impl LazyRoute for Account {
    fn data() -> Self {
        Self
    }

    fn view(_this: Self) -> AnyView {
        // The page of an e-mail's unsubscribe link shares the account's chunk, and needs no
        // session: the link is its own proof.
        let path = leptos_router::hooks::use_location()
            .pathname
            .get_untracked();
        if path.starts_with("/desabonnement/") {
            view! { <UnsubscribePage/> }.into_any()
        } else if path.starts_with("/connexion/oidc") {
            // The way back from an identity provider: no session yet, it opens one.
            view! { <OidcCallbackPage/> }.into_any()
        } else {
            view! { <RequireSession><AccountPage/></RequireSession> }.into_any()
        }
    }
}

/// Once the browser is idle, fetches the chunks of the pages this role uses (a partner's
/// browser fetches none: on a phone's data, what they open comes when they open it).
pub fn prefetch_when_idle(role: Role) {
    let manager = matches!(role, Role::President | Role::Dg);
    let administrator = is_administrator(role);
    if !manager && !administrator {
        return;
    }
    let prefetch = Closure::once_into_js(move || {
        spawn_local(async move {
            if manager {
                Dashboard::preload().await;
                Approvals::preload().await;
                crate::components::manager_tools::preload().await;
                crate::components::plan_documents::preload().await;
                crate::components::tasks::preload().await;
                Council::preload().await;
            }
            if administrator {
                Administration::preload().await;
                Users::preload().await;
                Organisations::preload().await;
                Structure::preload().await;
            }
        });
    });
    if let Some(window) = web_sys::window() {
        let _ = window.request_idle_callback(prefetch.unchecked_ref());
    }
}
