use leptos::prelude::*;
use leptos_router::components::Redirect;
use leptos_router::hooks::use_location;

use crate::session::SessionContext;

/// Where a person whose password was given to them chooses their own.
pub const ACCOUNT_PAGE: &str = "/mon-compte";

/// Shows its children to a signed-in user; sends anyone else to the login page, to come
/// back here afterwards. A person who must first change their password (the server would
/// refuse everything else) is sent to [`ACCOUNT_PAGE`].
#[component]
pub fn RequireSession(children: ChildrenFn) -> impl IntoView {
    let session = SessionContext::get();
    let location = use_location();
    move || {
        if session.restoring.get() {
            view! { <p class="notice" aria-busy="true">{tr!(loading)}</p> }.into_any()
        } else if session.must_change_password()
            && location.pathname.get_untracked() != ACCOUNT_PAGE
        {
            view! { <Redirect path=ACCOUNT_PAGE/> }.into_any()
        } else if session.state.with(Option::is_some) {
            children().into_any()
        } else if location.pathname.get_untracked() == "/connexion" {
            // A logout already went to the login page: nothing to come back to.
            ().into_any()
        } else {
            let here = format!(
                "{}{}",
                location.pathname.get_untracked(),
                location.search.get_untracked()
            );
            let next = String::from(js_sys::encode_uri_component(&here));
            view! { <Redirect path=format!("/connexion?next={next}")/> }.into_any()
        }
    }
}
