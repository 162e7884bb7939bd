//! A CPAS's identity for the Region (eComptes' `Identifiants`): the platform's
//! administrators set its name, the NIS code of its municipality and its kind of
//! administration; its DG reads them here.

use api_types::{AdministrationType, Role, TenantIdentity, TenantIdentityChange};
use leptos::prelude::*;
use leptos::task::spawn_local;

use super::AdminTenant;
use crate::api;
use crate::components::failure::Failure;
use crate::components::form_field::{FieldErrors, FormMessage, FormStatus, InputField, line};
use crate::loader::loader;
use crate::session::SessionContext;

fn administration_label(kind: AdministrationType) -> &'static str {
    match kind {
        AdministrationType::Cpas => tr!(administration_cpas),
        AdministrationType::Commune => tr!(administration_commune),
    }
}

/// The identity of the CPAS being administered: a form for the platform's administrators,
/// the facts for a DG.
#[component]
pub fn TenantIdentitySection() -> impl IntoView {
    let session = SessionContext::get();
    let (role, own) = session
        .state
        .with_untracked(|s| {
            s.as_ref()
                .map(|s| (s.user.role, s.user.tenant.as_ref().map(|t| t.id)))
        })
        .unwrap_or((Role::Partner, None));
    let picked = AdminTenant::get();
    let reload = RwSignal::new(0_u32);
    let identity = loader(move || {
        reload.track();
        let tenant = if role == Role::Admin {
            picked.0.get()
        } else {
            own
        };
        let token = session.token().unwrap_or_default();
        let tenant = tenant.unwrap_or_default().to_string();
        Box::pin(async move { api::tenant_identity(&token, &tenant).await })
    });
    view! {
        <section class="card" aria-labelledby="identity-title">
            <h2 id="identity-title">{tr!(region_identity)}</h2>
            <p>{tr!(region_identity_help)}</p>
            {move || match identity.get() {
                None => view! { <p class="notice" aria-busy="true">{tr!(loading)}</p> }.into_any(),
                Some(Err(failure)) => view! { <Failure failure/> }.into_any(),
                Some(Ok(current)) if role == Role::Admin => view! { <IdentityForm current reload/> }.into_any(),
                Some(Ok(current)) => view! { <IdentityFacts current/> }.into_any(),
            }}
        </section>
    }
}

#[component]
fn IdentityFacts(current: TenantIdentity) -> impl IntoView {
    view! {
        <dl class="fields">
            <dt>{tr!(name)}</dt><dd>{current.name}</dd>
            <dt>{tr!(nis_code)}</dt>
            <dd>{current.nis_code.map_or_else(|| tr!(none).to_owned(), |c| c.to_string())}</dd>
            <dt>{tr!(administration_type)}</dt><dd>{administration_label(current.administration_type)}</dd>
        </dl>
    }
}

/// Five digits ([`api_types::NIS_CODES`]), or nothing: the API's rule, said here in the
/// reader's language first.
fn nis_code(text: &str) -> Result<Option<i32>, ()> {
    let text = text.trim();
    if text.is_empty() {
        return Ok(None);
    }
    match text.parse::<i32>() {
        Ok(code) if text.len() == 5 && api_types::NIS_CODES.contains(&code) => Ok(Some(code)),
        _ => Err(()),
    }
}

#[component]
fn IdentityForm(current: TenantIdentity, reload: RwSignal<u32>) -> impl IntoView {
    let session = SessionContext::get();
    let name = RwSignal::new(current.name.clone());
    let code = RwSignal::new(current.nis_code.map(|c| c.to_string()).unwrap_or_default());
    let kind = RwSignal::new(current.administration_type);
    let errors = FieldErrors::new();
    let message: FormMessage = RwSignal::new(None);
    let (tenant, version) = (current.id.to_string(), current.version);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let mut refused = Vec::new();
        let name = match line(&name.get_untracked(), 200) {
            Ok(Some(name)) => name,
            Ok(None) => {
                refused.push(("name".to_owned(), tr!(error_required).to_owned()));
                String::new()
            }
            Err(text) => {
                refused.push(("name".to_owned(), text));
                String::new()
            }
        };
        let nis_code = nis_code(&code.get_untracked()).unwrap_or_else(|()| {
            refused.push(("nis_code".to_owned(), tr!(nis_code_hint).to_owned()));
            None
        });
        if !refused.is_empty() {
            errors.set(refused);
            message.set(Some((false, tr!(fix_fields).to_owned())));
            crate::components::form_field::focus_later("identity-status");
            return;
        }
        errors.set(Vec::new());
        let change = TenantIdentityChange {
            name,
            nis_code,
            administration_type: kind.get_untracked(),
            version,
        };
        let (token, tenant) = (session.token().unwrap_or_default(), tenant.clone());
        spawn_local(async move {
            match api::set_tenant_identity(&token, &tenant, &change).await {
                Ok(_) => {
                    crate::components::form_field::notice_after_reload(
                        "identity",
                        tr!(identity_saved),
                    );
                    reload.update(|n| *n += 1);
                }
                Err(failure) => {
                    message.set(Some((false, errors.refusal(failure))));
                    crate::components::form_field::focus_later("identity-status");
                }
            }
        });
    };
    // The confirmation of the save that drew this form anew.
    if let Some(text) = crate::components::form_field::take_notice("identity") {
        message.set(Some((true, text)));
    }
    view! {
        <form class="inline-form" on:submit=submit novalidate>
            <InputField id="identity-name".to_owned() label=tr!(name).to_owned() kind="text"
                value=name error=errors.of("name")/>
            <InputField id="identity-nis".to_owned() label=tr!(nis_code).to_owned() kind="text"
                value=code error=errors.of("nis_code") hint=tr!(nis_code_hint).to_owned()/>
            <p class="field">
                <label for="identity-kind">{tr!(administration_type)}</label>
                <select id="identity-kind" on:change=move |ev| {
                    kind.set(if event_target_value(&ev) == "commune" {
                        AdministrationType::Commune
                    } else {
                        AdministrationType::Cpas
                    });
                }>
                    {[AdministrationType::Cpas, AdministrationType::Commune].into_iter().map(|k| view! {
                        <option value=k.as_str() selected=move || kind.get() == k>{administration_label(k)}</option>
                    }).collect_view()}
                </select>
            </p>
            <button type="submit" class="primary">{tr!(save)}</button>
            <FormStatus id="identity-status" message/>
        </form>
    }
}
