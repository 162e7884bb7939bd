//! "Mon compte" → the second sign-in step: enrol an authenticator app with its QR code
//! (drawn by the server), confirm with a first code, keep the ten recovery codes; turn it
//! off with the password, unless the CPAS requires it.

use api_types::{RecoveryCodes, SecondFactorEnrolment, SecondFactorStatus};
use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::api::second_factor as api;
use crate::components::confirm_dialog::fill;
use crate::components::failure::{Failure, explain};
use crate::components::form_field::{FormStatus, focus_later};
use crate::loader::loader;
use crate::session::SessionContext;

/// Where the enrolment stands on this page.
#[derive(Clone)]
enum Step {
    /// The status as read.
    Idle,
    /// A QR code to scan, waiting for the first code.
    Scanning(SecondFactorEnrolment),
    /// Enrolled: the recovery codes, shown once.
    Codes(RecoveryCodes),
}

#[component]
pub fn SecondFactorSection() -> impl IntoView {
    let session = SessionContext::get();
    let reload = RwSignal::new(0_u32);
    let step = RwSignal::new(Step::Idle);
    let message = RwSignal::new(None::<(bool, String)>);
    let busy = RwSignal::new(false);
    let code = RwSignal::new(String::new());
    let password = RwSignal::new(String::new());
    let status = loader(move || {
        reload.track();
        let token = session.token().unwrap_or_default();
        Box::pin(async move { api::status(&token).await })
    });
    let begin = move |_| {
        busy.set(true);
        message.set(None);
        let token = session.token().unwrap_or_default();
        spawn_local(async move {
            let result = api::start(&token).await;
            busy.set(false);
            match result {
                Ok(enrolment) => {
                    step.set(Step::Scanning(enrolment));
                    focus_later("second-factor-scan");
                }
                Err(failure) => message.set(Some((false, explain(&failure)))),
            }
        });
    };
    let confirm = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if busy.get_untracked() {
            return;
        }
        busy.set(true);
        let (token, typed) = (session.token().unwrap_or_default(), code.get_untracked());
        spawn_local(async move {
            let result = api::confirm(&token, typed).await;
            busy.set(false);
            match result {
                Ok(codes) => {
                    code.set(String::new());
                    step.set(Step::Codes(codes));
                    message.set(Some((true, tr!(second_factor_enabled).to_owned())));
                    reload.update(|n| *n += 1);
                }
                Err(failure) => message.set(Some((false, explain(&failure)))),
            }
            focus_later("second-factor-message");
        });
    };
    let disable = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if busy.get_untracked() {
            return;
        }
        busy.set(true);
        let (token, typed) = (
            session.token().unwrap_or_default(),
            password.get_untracked(),
        );
        spawn_local(async move {
            let result = api::disable(&token, typed).await;
            busy.set(false);
            match result {
                Ok(()) => {
                    password.set(String::new());
                    step.set(Step::Idle);
                    message.set(Some((true, tr!(second_factor_disabled).to_owned())));
                    reload.update(|n| *n += 1);
                }
                Err(failure) => message.set(Some((false, explain(&failure)))),
            }
            focus_later("second-factor-message");
        });
    };
    let standing = move |status: SecondFactorStatus| {
        let left = status.recovery_codes_left.to_string();
        match (status.enabled, step.get()) {
            (_, Step::Codes(codes)) => view! {
                <p>{tr!(second_factor_codes_intro)}</p>
                <ol class="recovery-codes">
                    {codes.codes.into_iter().map(|c| view! { <li><code>{c}</code></li> }).collect_view()}
                </ol>
            }
            .into_any(),
            (true, _) => view! {
                <p>{fill(tr!(second_factor_on), &[("left", left.as_str())])}</p>
                {if status.required {
                    view! { <p class="hint">{tr!(second_factor_required_kept)}</p> }.into_any()
                } else {
                    view! {
                        <form class="inline-form" novalidate on:submit=disable>
                            <label for="second-factor-password">{tr!(second_factor_disable_password)}</label>
                            <input id="second-factor-password" type="password" autocomplete="current-password"
                                prop:value=password on:input=move |ev| password.set(event_target_value(&ev))/>
                            <button type="submit" class="secondary danger" prop:disabled=busy>
                                {tr!(second_factor_disable)}
                            </button>
                        </form>
                    }
                    .into_any()
                }}
            }
            .into_any(),
            (false, Step::Scanning(enrolment)) => view! {
                <p id="second-factor-scan" tabindex="-1">{tr!(second_factor_scan)}</p>
                <figure class="qr-code" role="img" aria-label=tr!(second_factor_qr_label)
                    inner_html=enrolment.qr_svg></figure>
                <p>{tr!(second_factor_manual)} " " <code class="secret">{enrolment.secret}</code></p>
                <form class="inline-form" novalidate on:submit=confirm>
                    <label for="second-factor-confirm">{tr!(second_factor_first_code)}</label>
                    <input id="second-factor-confirm" type="text" inputmode="numeric"
                        autocomplete="one-time-code"
                        maxlength=api_types::SECOND_FACTOR_CODE_MAX_CHARS.to_string()
                        prop:value=code on:input=move |ev| code.set(event_target_value(&ev))/>
                    <button type="submit" class="primary" prop:disabled=busy>{tr!(second_factor_confirm)}</button>
                </form>
            }
            .into_any(),
            (false, _) => view! {
                {status.required.then(|| view! {
                    <p class="notice" role="alert">{tr!(second_factor_required_notice)}</p>
                })}
                <p>{tr!(second_factor_off)}</p>
                <button type="button" class="primary" prop:disabled=busy on:click=begin>
                    {tr!(second_factor_start)}
                </button>
            }
            .into_any(),
        }
    };
    view! {
        <section id="deux-etapes" aria-labelledby="second-factor-title">
            <h2 id="second-factor-title">{tr!(second_factor_title)}</h2>
            <div class="card account-form">
                {move || match status.get() {
                    None => view! { <p class="notice" aria-busy="true">{tr!(loading)}</p> }.into_any(),
                    Some(Err(failure)) => view! { <Failure failure/> }.into_any(),
                    Some(Ok(status)) => standing(status),
                }}
                <FormStatus id="second-factor-message" message/>
            </div>
        </section>
    }
}
