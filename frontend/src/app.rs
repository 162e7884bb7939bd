//! The router and the page frame.

use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::components::{A, Route, Router, Routes};
use leptos_router::{Lazy, path};

use crate::api;
use crate::components::inbox::{Inbox, ProposalActivity};
use crate::components::require_session::RequireSession;
use crate::components::tasks::{MyTasksPage, PlanTasksPage};
use crate::i18n::Locale;
use crate::locale::LocaleContext;
use crate::pages::admin::{AdminTenant, is_administrator};
use crate::pages::lazy_pages::{
    Account, Administration, Approvals, Council, Dashboard, MyProposals, Organisations, Structure,
    Timeline, Users, prefetch_when_idle,
};
use crate::pages::{
    action_page::ActionPage, login_page::LoginPage, plan_page::PlanPage, plans_page::PlansPage,
};
use crate::session::SessionContext;
use api_types::Role;

#[component]
pub fn App() -> impl IntoView {
    let session = SessionContext::provide();
    let locale = LocaleContext::provide();
    AdminTenant::provide();
    crate::pages::login_page::EndSessionOffer::provide();
    let inbox = ProposalActivity::provide();
    // The chunks of the pages this user's role uses, fetched once the browser is idle.
    Effect::new(move |_| {
        if let Some(role) = session.state.with(|s| s.as_ref().map(|s| s.user.role)) {
            prefetch_when_idle(role);
        }
    });
    view! {
        <Router>
            // Everything is drawn again in the chosen language; the session and the URL stay.
            {move || {
                locale.0.track();
                view! {
                    <a class="skip-link" href="#contenu">{tr!(skip_to_content)}</a>
                    <header class="site-header">
                        <A href="/" attr:class="brand">{tr!(app_name)}</A>
                        <span class="tagline">{tr!(tagline)}</span>
                        <UserMenu session inbox/>
                        <LanguagePicker locale/>
                    </header>
                    <main id="contenu" tabindex="-1">
                        <Routes fallback=|| view! { <p class="notice">{tr!(page_not_found)}</p> }>
                            <Route path=path!("/connexion") view=LoginPage/>
                            <Route path=path!("/connexion/oidc") view={Lazy::<Account>::new()}/>
                            <Route path=path!("/") view=|| view! { <RequireSession><PlansPage/></RequireSession> }/>
                            <Route path=path!("/plans/:id") view=|| view! { <RequireSession><PlanPage/></RequireSession> }/>
                            <Route path=path!("/plans/:id/tableau-de-bord") view={Lazy::<Dashboard>::new()}/>
                            <Route path=path!("/plans/:id/periodes") view={Lazy::<Dashboard>::new()}/>
                            <Route path=path!("/plans/:id/calendrier") view={Lazy::<Timeline>::new()}/>
                            <Route path=path!("/actions/:id") view=|| view! { <RequireSession><ActionPage/></RequireSession> }/>
                            <Route path=path!("/approbations") view={Lazy::<Approvals>::new()}/>
                            <Route path=path!("/mes-propositions") view={Lazy::<MyProposals>::new()}/>
                            <Route path=path!("/administration") view={Lazy::<Administration>::new()}/>
                            <Route path=path!("/administration/utilisateurs") view={Lazy::<Users>::new()}/>
                            <Route path=path!("/administration/organisations") view={Lazy::<Organisations>::new()}/>
                            <Route path=path!("/plans/:id/structure") view={Lazy::<Structure>::new()}/>
                            <Route path=path!("/plans/:id/evaluations") view={Lazy::<Council>::new()}/>
                            <Route path=path!("/plans/:id/versions") view={Lazy::<Council>::new()}/>
                            <Route path=path!("/plans/:id/ecomptes") view={Lazy::<Council>::new()}/>
                            <Route path=path!("/mon-compte") view={Lazy::<Account>::new()}/>
                            <Route path=path!("/desabonnement/:jeton") view={Lazy::<Account>::new()}/>
                            <Route path=path!("/mes-taches") view=MyTasksPage/>
                            <Route path=path!("/plans/:id/taches") view=PlanTasksPage/>
                        </Routes>
                    </main>
                }
            }}
        </Router>
    }
}

/// The language switch: French, Dutch, English; remembered in the browser.
#[component]
fn LanguagePicker(locale: LocaleContext) -> impl IntoView {
    let options = [
        (Locale::fr, "Français"),
        (Locale::nl, "Nederlands"),
        (Locale::en, "English"),
    ];
    view! {
        <label class="language">
            <span class="visually-hidden">{tr!(language)}</span>
            <select
                on:change=move |ev| {
                    if let Ok(chosen) = event_target_value(&ev).parse::<Locale>() {
                        locale.set(chosen);
                    }
                }
            >
                {options
                    .into_iter()
                    .map(|(value, name)| {
                        view! {
                            <option value=value.to_string() selected=move || locale.0.get() == value>
                                {name}
                            </option>
                        }
                    })
                    .collect_view()}
            </select>
        </label>
    }
}

/// The signed-in user's links, name and logout button. On a phone they fold behind one
/// "Menu" button (the header stays one row high), closed again by any click in it.
#[component]
fn UserMenu(session: SessionContext, inbox: ProposalActivity) -> impl IntoView {
    let open = RwSignal::new(false);
    let navigate = leptos_router::hooks::use_navigate();
    let end_session = crate::pages::login_page::EndSessionOffer::get();
    let logout = move |_| {
        if let Some(token) = session.token() {
            spawn_local(async move {
                // The session ends on our side whatever the server answers; one opened
                // through a provider may still be open there: the login page offers to
                // end it too.
                if let Ok(api_types::LoggedOut {
                    end_session_url: Some(url),
                }) = api::logout(&token).await
                {
                    end_session.offer(url);
                }
            });
        }
        session.sign_out();
        // To the login page itself, not back here: whoever signs in next starts at home,
        // not on the page the previous person left open.
        navigate("/connexion", Default::default());
    };
    move || {
        session.state.with(|s| {
            s.as_ref().map(|s| {
                let name = s.user.display_name.clone();
                // Until a given password is changed, the server refuses the rest.
                let working = !s.user.must_change_password;
                let manager = working && matches!(s.user.role, Role::President | Role::Dg);
                let administrator = working && is_administrator(s.user.role);
                let proposer = working && matches!(s.user.role, Role::Partner | Role::SocialWorker);
                let works_on_plans = working && s.user.tenant.is_some();
                let logout = logout.clone();
                view! {
                    <button type="button" class="link-button menu-toggle" aria-controls="site-menu"
                        aria-expanded=move || open.get().to_string()
                        on:click=move |_| open.update(|o| *o = !*o)>
                        {tr!(menu)}
                    </button>
                    <nav id="site-menu" class="user-menu" class:open=open aria-label=tr!(app_name)
                        on:click=move |_| open.set(false)>
                        {manager.then(|| view! { <ApprovalsLink session/> })}
                        {proposer.then(|| view! { <A href="/mes-propositions" attr:class="nav-link">{tr!(my_proposals)}</A> })}
                        {works_on_plans.then(|| view! { <A href="/mes-taches" attr:class="nav-link">{tr!(my_tasks)}</A> })}
                        {works_on_plans.then(|| view! { <Inbox session refresh=inbox/> })}
                        {administrator.then(|| view! { <A href="/administration" attr:class="nav-link">{tr!(administration)}</A> })}
                        <span class="user-name">{name}</span>
                        <A href="/mon-compte" attr:class="nav-link">{tr!(my_account)}</A>
                        <button type="button" class="link-button" on:click=logout>{tr!(logout)}</button>
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
    let activity = ProposalActivity::get();
    let pending = crate::loader::loader(move || {
        // Counted again on every navigation and after every decision (which also refreshes
        // the inbox).
        location.pathname.track();
        if let Some(activity) = activity {
            activity.track();
        }
        let token = session.token().unwrap_or_default();
        Box::pin(async move { api::pending_change_requests(&token).await.map(|l| l.len()) })
    });
    view! {
        <A href="/approbations" attr:class="nav-link">
            {tr!(approvals)}
            {move || pending.get().and_then(Result::ok).filter(|n| *n > 0).map(|n| view! { " " <span class="badge count">{n}</span> })}
        </A>
    }
}
