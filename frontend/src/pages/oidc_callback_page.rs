//! `/connexion/oidc`: where an identity provider sends the person back, with a code and the
//! state this tab gave it. The state is compared with the one the tab kept (a way back this
//! tab did not start is ignored), then the server trades the code and opens the session.

use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::components::A;
use leptos_router::hooks::{use_navigate, use_query_map};

use crate::api;
use crate::pages::login_page::take_oidc_sign_in;
use crate::session::SessionContext;

#[component]
pub fn OidcCallbackPage() -> impl IntoView {
    let session = SessionContext::get();
    let navigate = use_navigate();
    let query = use_query_map();
    let error = RwSignal::new(None::<String>);
    let (code, state, refused) =
        query.with_untracked(|q| (q.get("code"), q.get("state"), q.get("error")));
    let expected = take_oidc_sign_in();
    match (code, state, expected) {
        // The provider said no (the person cancelled, or may not use this application).
        _ if refused.is_some() => error.set(Some(tr!(oidc_cancelled).to_owned())),
        (Some(code), Some(state), Some((expected, next))) if state == expected => {
            spawn_local(async move {
                let result = async {
                    let tokens = api::single_sign_on::complete(code, state).await?;
                    let user = api::me(&tokens.access_token).await?;
                    Ok::<_, api::ApiFailure>((tokens, user))
                }
                .await;
                match result {
                    Ok((tokens, user)) => {
                        session.sign_in(tokens, user);
                        navigate(&next, Default::default());
                    }
                    Err(failure) => error.set(Some(failure.message)),
                }
            });
        }
        _ => error.set(Some(tr!(oidc_not_started_here).to_owned())),
    }
    view! {
        <section class="login">
            <h1>{tr!(login_title)}</h1>
            {move || match error.get() {
                None => view! { <p class="notice" role="status">{tr!(oidc_signing_in)}</p> }.into_any(),
                Some(message) => view! {
                    <p class="notice error" role="alert">{message}</p>
                    <p><A href="/connexion">{tr!(back_to_login)}</A></p>
                }.into_any(),
            }}
        </section>
    }
}
