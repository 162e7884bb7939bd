use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::hooks::{use_navigate, use_query_map};

use crate::api;
use crate::components::failure::ErrorText;
use crate::components::require_session::ACCOUNT_PAGE;
use crate::session::{SessionContext, tab_storage};

/// Where a sign-in through a provider keeps, in the tab, the state it expects back and the
/// page to go to after.
const OIDC_STATE_KEY: &str = "pst.oidc.state";
const OIDC_NEXT_KEY: &str = "pst.oidc.next";

/// The provider's end-session address a logout answered, for the login page to offer: it
/// arrives after the login page is drawn. Provided once by the app (a signal owned by a
/// page would go with it).
#[derive(Clone, Copy)]
pub struct EndSessionOffer(RwSignal<Option<String>>);

impl EndSessionOffer {
    pub fn provide() {
        provide_context(Self(RwSignal::new(None)));
    }

    pub fn get() -> Self {
        expect_context::<Self>()
    }

    /// After a logout from a session opened through a provider.
    pub fn offer(self, url: String) {
        self.0.set(Some(url));
    }
}

/// Takes (reads and forgets) a value the tab kept.
fn take_kept(key: &str) -> Option<String> {
    let storage = tab_storage()?;
    let value = storage.get_item(key).ok()?;
    let _ = storage.remove_item(key);
    value
}

fn keep(key: &str, value: &str) {
    if let Some(storage) = tab_storage() {
        let _ = storage.set_item(key, value);
    }
}

/// The sign-in through a provider that this tab started: the state it expects back, and
/// where to go after. Taken once.
pub fn take_oidc_sign_in() -> Option<(String, String)> {
    let state = take_kept(OIDC_STATE_KEY)?;
    let next = take_kept(OIDC_NEXT_KEY).unwrap_or_else(|| "/".to_owned());
    Some((state, next))
}

/// Only our own pages, and never the login pages themselves.
fn safe_next(next: Option<String>) -> String {
    next.filter(|n| n.starts_with('/') && !n.starts_with("//") && !n.starts_with("/connexion"))
        .unwrap_or_else(|| "/".to_owned())
}

/// Sign in with e-mail and password, or through the CPAS's identity provider, then go back
/// where the user was headed.
#[component]
pub fn LoginPage() -> impl IntoView {
    let session = SessionContext::get();
    let query = use_query_map();
    let navigate = use_navigate();
    let email = RwSignal::new(String::new());
    let password = RwSignal::new(String::new());
    // Asked once the password was right for an account with a second step.
    let code = RwSignal::new(None::<String>);
    let error = RwSignal::new(None::<String>);
    let busy = RwSignal::new(false);

    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if busy.get_untracked() {
            return;
        }
        busy.set(true);
        error.set(None);
        let next = safe_next(query.with_untracked(|q| q.get("next")));
        let navigate = navigate.clone();
        spawn_local(async move {
            let result = async {
                let tokens = api::login(
                    email.get_untracked(),
                    password.get_untracked(),
                    code.get_untracked(),
                )
                .await?;
                let user = api::me(&tokens.access_token).await?;
                Ok::<_, api::ApiFailure>((tokens, user))
            }
            .await;
            busy.set(false);
            match result {
                Ok((tokens, user)) => {
                    // A password given by someone else is changed before anything else.
                    let next = if user.must_change_password {
                        ACCOUNT_PAGE.to_owned()
                    } else {
                        next
                    };
                    session.sign_in(tokens, user);
                    navigate(&next, Default::default());
                }
                Err(failure) => {
                    let problem = failure.problem.as_ref().map(|p| p.code);
                    if problem == Some(api_types::ProblemCode::SecondFactorRequired) {
                        // The password was right: now the code.
                        code.set(Some(String::new()));
                        crate::components::form_field::focus_later("second-factor-code");
                        return;
                    }
                    error.set(Some(match failure.status {
                        _ if problem == Some(api_types::ProblemCode::InvalidSecondFactorCode) => {
                            tr!(login_wrong_code).to_owned()
                        }
                        401 => tr!(login_wrong).to_owned(),
                        429 => tr!(login_throttled).to_owned(),
                        _ => format!("{} ({})", tr!(load_failed), failure.message),
                    }));
                }
            }
        });
    };

    view! {
        <section class="login">
            <h1>{tr!(login_title)}</h1>
            <form on:submit=on_submit class="login-form">
                <label for="email">{tr!(email)}</label>
                <input id="email" name="email" type="email" autocomplete="username" required
                    prop:value=email on:input=move |ev| email.set(event_target_value(&ev))/>
                <label for="password">{tr!(password)}</label>
                <input id="password" name="password" type="password" autocomplete="current-password"
                    required prop:value=password
                    on:input=move |ev| password.set(event_target_value(&ev))/>
                {move || code.get().is_some().then(|| view! {
                    <label for="second-factor-code">{tr!(second_factor_code)}</label>
                    <input id="second-factor-code" name="one-time-code" type="text"
                        autocomplete="one-time-code" inputmode="text" required
                        maxlength=api_types::SECOND_FACTOR_CODE_MAX_CHARS.to_string()
                        aria-describedby="second-factor-hint"
                        on:input=move |ev| code.set(Some(event_target_value(&ev)))/>
                    <p id="second-factor-hint" class="hint">{tr!(second_factor_code_hint)}</p>
                })}
                <ErrorText error/>
                <button type="submit" prop:disabled=busy>{tr!(login_submit)}</button>
            </form>
            <ProviderButtons next=move || safe_next(query.with_untracked(|q| q.get("next")))
                cpas=move || query.with_untracked(|q| q.get("cpas"))/>
            <EndSessionNotice/>
        </section>
    }
}

/// A button per identity provider (of the CPAS the address names with `?cpas=`, or of
/// all): each starts a sign-in there.
#[component]
fn ProviderButtons(
    next: impl Fn() -> String + Send + Sync + 'static,
    cpas: impl Fn() -> Option<String> + Send + Sync + 'static,
) -> impl IntoView {
    let providers = crate::loader::loader(move || {
        let cpas = cpas();
        Box::pin(async move { api::single_sign_on::sign_in_providers(cpas.as_deref()).await })
    });
    let error = RwSignal::new(None::<String>);
    let next = std::sync::Arc::new(next);
    move || {
        let list = providers.get().and_then(Result::ok).unwrap_or_default();
        if list.is_empty() {
            return None;
        }
        // The CPAS's name tells the buttons apart when several CPAS share the page.
        let several = list.iter().any(|p| p.cpas_slug != list[0].cpas_slug);
        let next = next.clone();
        Some(view! {
            <div class="sign-in-providers" role="group" aria-labelledby="providers-title">
                <p id="providers-title" class="separator">{tr!(login_with_provider_intro)}</p>
                {list.into_iter().map(|provider| {
                    let name = if several {
                        format!("{} ({})", provider.label, provider.cpas_name)
                    } else {
                        provider.label.clone()
                    };
                    let next = next.clone();
                    let id = provider.id.to_string();
                    let go = move |_| {
                        let (id, next) = (id.clone(), next());
                        error.set(None);
                        spawn_local(async move {
                            match api::single_sign_on::start(&id).await {
                                Ok(started) => {
                                    keep(OIDC_STATE_KEY, &started.state);
                                    keep(OIDC_NEXT_KEY, &next);
                                    if let Some(window) = web_sys::window() {
                                        let _ = window.location().set_href(&started.authorization_url);
                                    }
                                }
                                Err(failure) => error.set(Some(crate::components::failure::explain(&failure))),
                            }
                        });
                    };
                    view! {
                        <button type="button" class="secondary provider" on:click=go>
                            {tr!(login_with_provider, provider = name)}
                        </button>
                    }
                }).collect_view()}
                <ErrorText error/>
            </div>
        })
    }
}

/// After logging out of a session opened through a provider: the provider's own session
/// is still open, and a link ends it there too.
#[component]
fn EndSessionNotice() -> impl IntoView {
    let offer = EndSessionOffer::get().0;
    // Offered on this visit of the login page only.
    on_cleanup(move || offer.set(None));
    move || {
        offer.get().map(|url| {
            view! {
                <p class="notice" role="status">
                    {tr!(logged_out_provider_still_open)} " "
                    <a href=url>{tr!(logout_at_provider)}</a>
                </p>
            }
        })
    }
}
