//! The CPAS's single sign-on, as its DG sets it up: the identity providers its people sign
//! in through (OpenID Connect), the address to register at each, and whether people unknown
//! here get an account at their first sign-in.

use api_types::{IdentityProvider, IdentityProviderPatch, NewIdentityProvider, Role};
use leptos::prelude::*;
use leptos::task::spawn_local;

use super::role_label;
use crate::api;
use crate::components::confirm_dialog::{Confirm, ConfirmDialog, Confirmation, fill};
use crate::components::form_field::{FieldErrors, FormStatus, InputField, focus_later};
use crate::loader::loader;
use crate::session::SessionContext;

#[component]
pub fn IdentityProvidersSection() -> impl IntoView {
    let session = SessionContext::get();
    let reload = RwSignal::new(0_u32);
    let providers = loader(move || {
        reload.track();
        let token = session.token().unwrap_or_default();
        Box::pin(async move { api::single_sign_on::list(&token).await })
    });
    let message = RwSignal::new(None::<(bool, String)>);
    let confirm = Confirm::default();
    let changed = Callback::new(move |text: String| {
        message.set(Some((true, text)));
        reload.update(|n| *n += 1);
        focus_later("providers-message");
    });
    let failed = Callback::new(move |failure: api::ApiFailure| {
        message.set(Some((false, crate::components::failure::explain(&failure))));
        focus_later("providers-message");
    });
    view! {
        <section aria-labelledby="providers-title-admin">
            <ConfirmDialog confirm/>
            <h2 id="providers-title-admin">{tr!(providers_title)}</h2>
            <p>{tr!(providers_help)}</p>
            <FormStatus id="providers-message" message/>
            {move || providers.get().map(|result| match result {
                Err(failure) => view! { <crate::components::failure::Failure failure/> }.into_any(),
                Ok(list) if list.is_empty() => view! { <p>{tr!(providers_none)}</p> }.into_any(),
                Ok(list) => view! {
                    <ul class="providers">
                        {list.into_iter().map(|provider| view! {
                            <ProviderCard provider confirm changed failed/>
                        }).collect_view()}
                    </ul>
                }.into_any(),
            })}
            <NewProviderForm changed/>
        </section>
    }
}

#[component]
fn ProviderCard(
    provider: IdentityProvider,
    confirm: Confirm,
    changed: Callback<String>,
    failed: Callback<api::ApiFailure>,
) -> impl IntoView {
    let session = SessionContext::get();
    let id = provider.id.to_string();
    let enabled = provider.enabled;
    let toggle = {
        let id = id.clone();
        move |_| {
            let (id, token) = (id.clone(), session.token().unwrap_or_default());
            let patch = IdentityProviderPatch {
                version: provider.version,
                enabled: Some(!enabled),
                ..IdentityProviderPatch::default()
            };
            spawn_local(async move {
                match api::single_sign_on::update(&token, &id, &patch).await {
                    Ok(_) => changed.run(tr!(provider_saved).to_owned()),
                    Err(failure) => failed.run(failure),
                }
            });
        }
    };
    let remove = {
        let label = provider.label.clone();
        move |_| {
            let id = id.clone();
            let on_confirm = Callback::new(move |()| {
                let (id, token) = (id.clone(), session.token().unwrap_or_default());
                spawn_local(async move {
                    match api::single_sign_on::remove(&token, &id).await {
                        Ok(()) => changed.run(tr!(provider_removed).to_owned()),
                        Err(failure) => failed.run(failure),
                    }
                });
            });
            confirm.ask(Confirmation {
                title: tr!(confirm_provider_remove_title).to_owned(),
                text: fill(
                    tr!(confirm_provider_remove_text),
                    &[("label", label.as_str())],
                ),
                act: fill(
                    tr!(confirm_provider_remove_act),
                    &[("label", label.as_str())],
                ),
                on_confirm,
                on_cancel: None,
            });
        }
    };
    let new_accounts = provider.new_accounts.then(|| {
        fill(
            tr!(provider_new_accounts_summary),
            &[
                ("role", role_label(provider.new_account_role)),
                (
                    "domain",
                    provider.new_account_domain.as_deref().unwrap_or(""),
                ),
            ],
        )
    });
    let toggle_label = if enabled {
        tr!(provider_disable)
    } else {
        tr!(provider_enable)
    };
    view! {
        <li class="card">
            <h3>{provider.label.clone()} {(!enabled).then(|| view! { " " <span class="chip">{tr!(provider_disabled)}</span> })}</h3>
            <dl class="provider-facts">
                <dt>{tr!(provider_issuer)}</dt><dd>{provider.issuer}</dd>
                <dt>{tr!(provider_client_id)}</dt><dd>{provider.client_id}</dd>
                <dt>{tr!(provider_redirect_uri)}</dt><dd><code>{provider.redirect_uri}</code></dd>
                <dt>{tr!(provider_linked_accounts)}</dt><dd>{provider.linked_accounts}</dd>
                <dt>{tr!(provider_new_accounts)}</dt>
                <dd>{new_accounts.unwrap_or_else(|| tr!(provider_new_accounts_off).to_owned())}</dd>
            </dl>
            <div class="buttons">
                <button type="button" class="secondary" on:click=toggle
                    aria-label=format!("{toggle_label} — {}", provider.label)>{toggle_label}</button>
                <button type="button" class="danger" on:click=remove
                    aria-label=format!("{} — {}", tr!(provider_remove), provider.label)>{tr!(provider_remove)}</button>
            </div>
        </li>
    }
}

#[component]
fn NewProviderForm(changed: Callback<String>) -> impl IntoView {
    let session = SessionContext::get();
    let errors = FieldErrors::new();
    let message = RwSignal::new(None::<(bool, String)>);
    let label = RwSignal::new(String::new());
    let issuer = RwSignal::new(String::new());
    let client_id = RwSignal::new(String::new());
    let client_secret = RwSignal::new(String::new());
    let scopes = RwSignal::new("openid email profile".to_owned());
    let new_accounts = RwSignal::new(false);
    let role = RwSignal::new(Role::SocialWorker);
    let organisation = RwSignal::new(String::new());
    let domain = RwSignal::new(String::new());
    let busy = RwSignal::new(false);
    let organisations = loader(move || {
        let token = session.token().unwrap_or_default();
        Box::pin(async move { api::list_organisations(&token, None).await })
    });
    let optional = |value: RwSignal<String>| {
        let text = value.get_untracked().trim().to_owned();
        (!text.is_empty()).then_some(text)
    };
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if busy.get_untracked() {
            return;
        }
        busy.set(true);
        let new = NewIdentityProvider {
            label: label.get_untracked(),
            issuer: issuer.get_untracked().trim().to_owned(),
            client_id: client_id.get_untracked(),
            client_secret: optional(client_secret),
            scopes: optional(scopes),
            new_accounts: new_accounts.get_untracked(),
            new_account_role: Some(role.get_untracked()),
            new_account_organisation_id: optional(organisation).and_then(|o| o.parse().ok()),
            new_account_domain: optional(domain),
        };
        let token = session.token().unwrap_or_default();
        spawn_local(async move {
            let result = api::single_sign_on::create(&token, &new).await;
            busy.set(false);
            match result {
                Ok(created) => {
                    errors.set(Vec::new());
                    message.set(None);
                    for field in [label, issuer, client_id, client_secret, domain] {
                        field.set(String::new());
                    }
                    changed.run(fill(
                        tr!(provider_added),
                        &[("label", created.label.as_str())],
                    ));
                }
                Err(failure) => {
                    message.set(Some((false, errors.refusal(failure))));
                    focus_later("new-provider-message");
                }
            }
        });
    };
    view! {
        <form class="card" novalidate on:submit=submit aria-labelledby="new-provider-title">
            <h3 id="new-provider-title">{tr!(provider_new)}</h3>
            <InputField id="provider-label".into() label=tr!(provider_label).into() kind="text"
                value=label error=errors.of("label")/>
            <InputField id="provider-issuer".into() label=tr!(provider_issuer).into() kind="url"
                value=issuer error=errors.of("issuer") hint=tr!(provider_issuer_hint).into()/>
            <InputField id="provider-client-id".into() label=tr!(provider_client_id).into() kind="text"
                value=client_id error=errors.of("client_id")/>
            <InputField id="provider-client-secret".into() label=tr!(provider_client_secret).into() kind="password"
                value=client_secret error=errors.of("client_secret") hint=tr!(provider_client_secret_hint).into()/>
            <InputField id="provider-scopes".into() label=tr!(provider_scopes).into() kind="text"
                value=scopes error=errors.of("scopes")/>
            <label class="checkbox">
                <input type="checkbox" id="provider-new-accounts" prop:checked=new_accounts
                    on:change=move |ev| new_accounts.set(event_target_checked(&ev))/>
                {tr!(provider_new_accounts_label)}
            </label>
            {move || new_accounts.get().then(|| view! {
                <div class="field">
                    <label for="provider-role">{tr!(provider_new_account_role)}</label>
                    <select id="provider-role" on:change=move |ev| {
                        if let Ok(chosen) = event_target_value(&ev).parse::<Role>() {
                            role.set(chosen);
                        }
                    }>
                        {[Role::SocialWorker, Role::Partner, Role::President, Role::Dg].into_iter().map(|r| view! {
                            <option value=r.as_str() selected=move || role.get() == r>{role_label(r)}</option>
                        }).collect_view()}
                    </select>
                </div>
                {move || (role.get() == Role::Partner).then(|| view! {
                    <div class="field">
                        <label for="provider-organisation">{tr!(organisation)}</label>
                        <select id="provider-organisation"
                            aria-describedby="provider-organisation-error"
                            on:change=move |ev| organisation.set(event_target_value(&ev))>
                            <option value="">"—"</option>
                            {organisations.get().and_then(Result::ok).unwrap_or_default().into_iter().map(|o| view! {
                                <option value=o.id.to_string()>{o.name}</option>
                            }).collect_view()}
                        </select>
                        <p class="field-error" id="provider-organisation-error" aria-live="polite">
                            {move || errors.of("new_account_organisation_id").get()}
                        </p>
                    </div>
                })}
                <InputField id="provider-domain".into() label=tr!(provider_new_account_domain).into() kind="text"
                    value=domain error=errors.of("new_account_domain") hint=tr!(provider_domain_hint).into()/>
            })}
            <FormStatus id="new-provider-message" message/>
            <button type="submit" prop:disabled=busy>{tr!(provider_add)}</button>
        </form>
    }
}
