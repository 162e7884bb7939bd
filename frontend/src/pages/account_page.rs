//! "Mon compte": change my password, give my civility and names for official documents,
//! choose how I am notified, see my sessions and end the others. A person whose
//! password was given to them (a new account, a reset) lands here first, and can do
//! nothing else until they have chosen their own.

use api_types::{PASSWORD_MAX_CHARS, PASSWORD_MIN_CHARS, PasswordChange, SessionInfo};
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::hooks::use_navigate;

use crate::api;
use crate::components::confirm_dialog::{Confirm, ConfirmDialog, Confirmation, fill};
use crate::components::failure::{ErrorText, Failure, explain};
use crate::loader::loader;
use crate::session::SessionContext;

#[component]
pub fn AccountPage() -> impl IntoView {
    let session = SessionContext::get();
    // Read once: after the change the page leaves for the home page.
    let forced = session
        .state
        .with_untracked(|s| s.as_ref().is_some_and(|s| s.user.must_change_password));
    view! {
        <h1>{tr!(my_account)}</h1>
        {forced.then(|| view! { <p class="notice" role="alert">{tr!(password_change_forced)}</p> })}
        <PasswordForm forced/>
        {(!forced).then(|| view! {
            <crate::pages::second_factor_section::SecondFactorSection/>
            <IdentityForm/>
            <crate::pages::notification_choices::NotificationChoices/>
            <Sessions/>
        })}
    }
}

/// The limits the server enforces, with the app's own messages (not the browser's).
fn new_password_problem(password: &str) -> Option<String> {
    let length = password.chars().count();
    let (template, limit) = if length < PASSWORD_MIN_CHARS {
        (tr!(password_too_short), PASSWORD_MIN_CHARS)
    } else if length > PASSWORD_MAX_CHARS {
        (tr!(password_too_long), PASSWORD_MAX_CHARS)
    } else {
        return None;
    };
    Some(fill(template, &[("limit", limit.to_string().as_str())]))
}

/// The errors of the form, by field.
#[derive(Clone, Default, PartialEq)]
struct Problems {
    current: Option<String>,
    new: Option<String>,
    confirmation: Option<String>,
}

#[component]
fn PasswordForm(forced: bool) -> impl IntoView {
    let session = SessionContext::get();
    let navigate = use_navigate();
    let current = RwSignal::new(String::new());
    let new = RwSignal::new(String::new());
    let confirmation = RwSignal::new(String::new());
    let problems = RwSignal::new(Problems::default());
    let error = RwSignal::new(None::<String>);
    let done = RwSignal::new(None::<String>);
    let busy = RwSignal::new(false);
    let rules = fill(
        tr!(password_rules),
        &[
            ("min", PASSWORD_MIN_CHARS.to_string().as_str()),
            ("max", PASSWORD_MAX_CHARS.to_string().as_str()),
        ],
    );
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if busy.get_untracked() {
            return;
        }
        let (current_text, new_text) = (current.get_untracked(), new.get_untracked());
        let found = Problems {
            current: current_text
                .is_empty()
                .then(|| tr!(error_required).to_owned()),
            new: new_password_problem(&new_text),
            confirmation: (confirmation.get_untracked() != new_text)
                .then(|| tr!(passwords_differ).to_owned()),
        };
        let invalid = found != Problems::default();
        problems.set(found);
        error.set(None);
        done.set(None);
        if invalid {
            focus_first_invalid();
            return;
        }
        busy.set(true);
        let token = session.token().unwrap_or_default();
        let navigate = navigate.clone();
        spawn_local(async move {
            let change = PasswordChange {
                current_password: current_text,
                new_password: new_text,
            };
            let result = api::change_password(&token, &change).await;
            busy.set(false);
            match result {
                Ok(()) => {
                    current.set(String::new());
                    new.set(String::new());
                    confirmation.set(String::new());
                    if forced {
                        session.set_must_change_password(false);
                        navigate("/", Default::default());
                    } else {
                        done.set(Some(tr!(password_changed).to_owned()));
                    }
                }
                Err(failure) => {
                    // The server's field errors go next to their fields.
                    let mut found = Problems::default();
                    for field_error in failure.problem.iter().flat_map(|p| &p.errors) {
                        let message = Some(crate::locale::field_error_message(field_error));
                        match field_error.field.as_str() {
                            "current_password" => found.current = message,
                            "new_password" => found.new = message,
                            _ => {}
                        }
                    }
                    if found == Problems::default() {
                        error.set(Some(explain(&failure)));
                    } else {
                        problems.set(found);
                        focus_first_invalid();
                    }
                }
            }
        });
    };
    let field = move |id: &'static str,
                      label: &'static str,
                      autocomplete: &'static str,
                      value: RwSignal<String>,
                      problem: fn(&Problems) -> &Option<String>,
                      hint: Option<String>| {
        let error_id = format!("{id}-error");
        let hint_id = format!("{id}-hint");
        let described = if hint.is_some() {
            format!("{hint_id} {error_id}")
        } else {
            error_id.clone()
        };
        view! {
            <p class="field">
                <label for=id>{label}</label>
                <input id=id type="password" autocomplete=autocomplete bind:value=value
                    aria-invalid=move || problems.with(|p| problem(p).is_some()).to_string()
                    aria-describedby=described/>
                {hint.map(|hint| view! { <span id=hint_id class="hint">{hint}</span> })}
                <span id=error_id class="field-error">{move || problems.with(|p| problem(p).clone())}</span>
            </p>
        }
    };
    view! {
        <section aria-labelledby="password-title">
            <h2 id="password-title">{tr!(password_change_title)}</h2>
            // `novalidate`: the app's messages, in the reader's language, not the browser's.
            <form class="card account-form" novalidate on:submit=submit>
                {field("current-password", tr!(current_password), "current-password", current, |p| &p.current, None)}
                {field("new-password", tr!(new_password), "new-password", new, |p| &p.new, Some(rules))}
                {field("new-password-again", tr!(new_password_again), "new-password", confirmation, |p| &p.confirmation, None)}
                <button type="submit" class="primary" prop:disabled=busy>{tr!(password_change_submit)}</button>
                <ErrorText error/>
                <p role="status" class="sr-status">{move || done.get()}</p>
                {move || done.get().map(|message| view! { <p class="notice success">{message}</p> })}
            </form>
        </section>
    }
}

/// Moves the focus to the first field marked invalid, so its message is read.
fn focus_first_invalid() {
    request_animation_frame(|| {
        use wasm_bindgen::JsCast;
        let field = web_sys::window()
            .and_then(|w| w.document())
            .and_then(|d| d.query_selector("[aria-invalid=\"true\"]").ok().flatten())
            .and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok());
        if let Some(field) = field {
            let _ = field.focus();
        }
    });
}

/// A short name for a browser: its kind and system, read from its `User-Agent`.
fn device_label(user_agent: Option<&str>) -> String {
    let Some(agent) = user_agent else {
        return tr!(unknown_device).to_owned();
    };
    let first = |candidates: &[(&str, &'static str)]| {
        candidates
            .iter()
            .find(|(needle, _)| agent.contains(needle))
            .map(|(_, name)| *name)
    };
    let browser = first(&[
        ("Edg/", "Edge"),
        ("Firefox/", "Firefox"),
        ("Chrome/", "Chrome"),
        ("Safari/", "Safari"),
    ]);
    let system = first(&[
        ("Android", "Android"),
        ("iPhone", "iOS"),
        ("iPad", "iOS"),
        ("Windows", "Windows"),
        ("Mac OS", "macOS"),
        ("Linux", "Linux"),
    ]);
    match (browser, system) {
        (Some(browser), Some(system)) => format!("{browser} · {system}"),
        (Some(name), None) | (None, Some(name)) => name.to_owned(),
        (None, None) => agent.chars().take(60).collect(),
    }
}

/// `2026-12-02T08:15:00Z` → `02/12/2026 09:15`, in the browser's time zone.
fn moment(at: &chrono::DateTime<chrono::Utc>) -> String {
    // `chrono::Local` knows no time zone in WASM; the browser does.
    let millis = at.timestamp_millis() as f64;
    let behind = js_sys::Date::new(&millis.into()).get_timezone_offset();
    let local = at.naive_utc() - chrono::Duration::minutes(behind as i64);
    format!(
        "{} {}",
        crate::format::date(&local.date().to_string()),
        local.format("%H:%M")
    )
}

/// How a session was opened, as its owner reads it.
fn signed_in_with(method: api_types::SignInMethod) -> &'static str {
    match method {
        api_types::SignInMethod::Password => tr!(signed_in_password),
        api_types::SignInMethod::SecondFactor => tr!(signed_in_second_factor),
        api_types::SignInMethod::RecoveryCode => tr!(signed_in_recovery_code),
        api_types::SignInMethod::Oidc => tr!(signed_in_oidc),
    }
}

#[component]
fn Sessions() -> impl IntoView {
    let session = SessionContext::get();
    let reload = RwSignal::new(0_u32);
    let status = RwSignal::new(None::<String>);
    let error = RwSignal::new(None::<String>);
    let confirm = Confirm::default();
    let list = loader(move || {
        reload.track();
        let token = session.token().unwrap_or_default();
        Box::pin(async move { api::my_sessions(&token).await })
    });
    let ended = move |message: &'static str| {
        error.set(None);
        status.set(Some(message.to_owned()));
        reload.update(|n| *n += 1);
    };
    let end_one = move |id: String, device: String| {
        let on_confirm = Callback::new(move |()| {
            let (id, token) = (id.clone(), session.token().unwrap_or_default());
            spawn_local(async move {
                match api::end_my_session(&token, &id).await {
                    Ok(()) => ended(tr!(session_ended)),
                    Err(failure) => error.set(Some(explain(&failure))),
                }
            });
        });
        confirm.ask(Confirmation {
            title: tr!(session_end_title).to_owned(),
            text: fill(tr!(session_end_text), &[("device", device.as_str())]),
            act: fill(tr!(session_end_act), &[("device", device.as_str())]),
            on_confirm,
            on_cancel: None,
        });
    };
    let end_others = move |_| {
        let on_confirm = Callback::new(move |()| {
            let token = session.token().unwrap_or_default();
            spawn_local(async move {
                match api::end_my_other_sessions(&token).await {
                    Ok(()) => ended(tr!(sessions_others_ended)),
                    Err(failure) => error.set(Some(explain(&failure))),
                }
            });
        });
        confirm.ask(Confirmation {
            title: tr!(sessions_end_others_title).to_owned(),
            text: tr!(sessions_end_others_text).to_owned(),
            act: tr!(sessions_end_others).to_owned(),
            on_confirm,
            on_cancel: None,
        });
    };
    let row = move |s: SessionInfo| {
        let device = device_label(s.user_agent.as_deref());
        let started = moment(&s.started_at);
        let label = format!(
            "{} {device} ({} {started})",
            tr!(session_end),
            tr!(session_started)
        );
        let id = s.id.to_string();
        view! {
            <li class="card session">
                <p>
                    <strong>{device.clone()}</strong>
                    {s.current.then(|| view! { " " <span class="badge">{tr!(session_current)}</span> })}
                </p>
                <p>{tr!(session_started)} " " {started} " · " {tr!(session_last_used)} " " {moment(&s.last_used_at)}
                    " · " {signed_in_with(s.signed_in_with)}</p>
                {(!s.current).then(|| view! {
                    <button type="button" class="secondary danger" aria-label=label
                        on:click=move |_| end_one(id.clone(), device.clone())>
                        {tr!(session_end)}
                    </button>
                })}
            </li>
        }
    };
    view! {
        <ConfirmDialog confirm/>
        <section aria-labelledby="sessions-title">
            <h2 id="sessions-title">{tr!(my_sessions)}</h2>
            <p>{tr!(my_sessions_help)}</p>
            <p role="status" class="sr-status">{move || status.get()}</p>
            <ErrorText error/>
            {move || match list.get() {
                None => view! { <p class="notice" aria-busy="true">{tr!(loading)}</p> }.into_any(),
                Some(Err(failure)) => view! { <Failure failure/> }.into_any(),
                Some(Ok(sessions)) => {
                    let others = sessions.iter().any(|s| !s.current);
                    view! {
                        <ul class="sessions">{sessions.into_iter().map(row).collect_view()}</ul>
                        {others.then(|| view! {
                            <button type="button" class="secondary danger" on:click=end_others>
                                {tr!(sessions_end_others)}
                            </button>
                        })}
                    }
                    .into_any()
                }
            }}
        </section>
    }
}

/// The person as official documents name them: the eComptes file names a responsible with
/// their civility, family and given names, telephone and e-mail.
#[component]
fn IdentityForm() -> impl IntoView {
    use crate::components::form_field::{FieldErrors, FormStatus, InputField, line};
    use api_types::{Civility, PersonIdentity};
    let session = SessionContext::get();
    let civility = RwSignal::new(String::new());
    let given = RwSignal::new(String::new());
    let family = RwSignal::new(String::new());
    let phone = RwSignal::new(String::new());
    let errors = FieldErrors::new();
    let message = RwSignal::new(None::<(bool, String)>);
    let busy = RwSignal::new(false);
    let fill_in = move |identity: PersonIdentity| {
        civility.set(
            identity
                .civility
                .map(|c| c.as_str().to_owned())
                .unwrap_or_default(),
        );
        given.set(identity.given_name.unwrap_or_default());
        family.set(identity.family_name.unwrap_or_default());
        phone.set(identity.phone.unwrap_or_default());
    };
    let current = loader(move || {
        let token = session.token().unwrap_or_default();
        Box::pin(async move { api::my_identity(&token).await })
    });
    // The fields open once the stored identity is in them: an answer arriving after the
    // person began typing would otherwise overwrite what they typed.
    let loaded = RwSignal::new(false);
    Effect::new(move |_| match current.get() {
        Some(Ok(identity)) => {
            fill_in(identity);
            loaded.set(true);
        }
        Some(Err(failure)) => {
            message.set(Some((false, explain(&failure))));
            loaded.set(true);
        }
        None => {}
    });
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if busy.get_untracked() {
            return;
        }
        let mut found = Vec::new();
        let mut read = |field: &str, value: RwSignal<String>, max: usize| {
            line(&value.get_untracked(), max).unwrap_or_else(|m| {
                found.push((field.to_owned(), m));
                None
            })
        };
        let identity = PersonIdentity {
            civility: civility.get_untracked().parse::<Civility>().ok(),
            given_name: read("given_name", given, api_types::GIVEN_NAME_MAX_CHARS),
            family_name: read("family_name", family, api_types::FAMILY_NAME_MAX_CHARS),
            phone: read("phone", phone, api_types::PHONE_MAX_CHARS),
        };
        if !found.is_empty() {
            errors.set(found);
            message.set(Some((false, tr!(fix_fields).to_owned())));
            return;
        }
        errors.set(Vec::new());
        busy.set(true);
        let token = session.token().unwrap_or_default();
        spawn_local(async move {
            let result = api::set_my_identity(&token, &identity).await;
            busy.set(false);
            match result {
                Ok(stored) => {
                    fill_in(stored);
                    message.set(Some((true, tr!(identity_saved).to_owned())));
                }
                Err(failure) => message.set(Some((false, errors.refusal(failure)))),
            }
        });
    };
    view! {
        <section aria-labelledby="identity-title">
            <h2 id="identity-title">{tr!(identity_title)}</h2>
            <form class="card account-form" novalidate on:submit=submit>
                <p class="hint">{tr!(identity_help)}</p>
                <fieldset class="bare" prop:disabled=move || !loaded.get()>
                <div class="field">
                    <label for="identity-civility">{tr!(civility)}</label>
                    <select id="identity-civility" prop:value=civility
                        on:change=move |ev| civility.set(event_target_value(&ev))>
                        <option value="">{tr!(none)}</option>
                        <option value=Civility::Madame.as_str()>{tr!(civility_madame)}</option>
                        <option value=Civility::Monsieur.as_str()>{tr!(civility_monsieur)}</option>
                    </select>
                </div>
                <InputField id="identity-given".to_owned() label=tr!(given_name).to_owned() kind="text"
                    value=given error=errors.of("given_name")
                    hint=format!("{} {}", api_types::GIVEN_NAME_MAX_CHARS, tr!(characters_at_most))/>
                <InputField id="identity-family".to_owned() label=tr!(family_name).to_owned() kind="text"
                    value=family error=errors.of("family_name")
                    hint=format!("{} {}", api_types::FAMILY_NAME_MAX_CHARS, tr!(characters_at_most))/>
                <InputField id="identity-phone".to_owned() label=tr!(phone).to_owned() kind="tel"
                    value=phone error=errors.of("phone")
                    hint=format!("{} · {} {}", tr!(phone_rules), api_types::PHONE_MAX_CHARS, tr!(characters_at_most))/>
                <button type="submit" class="primary" prop:disabled=busy>{tr!(identity_submit)}</button>
                </fieldset>
                <FormStatus id="identity-message" message/>
            </form>
        </section>
    }
}
