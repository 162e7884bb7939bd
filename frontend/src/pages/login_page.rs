use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::hooks::{use_navigate, use_query_map};

use crate::api;
use crate::components::failure::ErrorText;
use crate::components::require_session::ACCOUNT_PAGE;
use crate::session::SessionContext;

/// Sign in with e-mail and password, then go back where the user was headed.
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
        let next = query
            .with_untracked(|q| q.get("next"))
            // Only our own pages, and never the login page itself.
            .filter(|n| n.starts_with('/') && !n.starts_with("//") && !n.starts_with("/connexion"))
            .unwrap_or_else(|| "/".to_owned());
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
        </section>
    }
}
