//! The organisations of a CPAS: itself, the commune's PCS, partner associations.

use api_types::{NewOrganisation, OrganisationKind};
use leptos::prelude::*;
use leptos::task::spawn_local;

use super::{AdminFrame, AdminTenant, kind_label};
use crate::api;
use crate::components::failure::{ErrorText, Failure, explain};
use crate::loader::loader;
use crate::session::SessionContext;

#[component]
pub fn OrganisationsPage() -> impl IntoView {
    view! {
        <AdminFrame title=tr!(organisations)>
            <Organisations/>
        </AdminFrame>
    }
}

#[component]
fn Organisations() -> impl IntoView {
    let session = SessionContext::get();
    let tenant = AdminTenant::get().0;
    let reload = RwSignal::new(0_u32);
    let list = loader(move || {
        reload.track();
        let (token, tenant) = (session.token().unwrap_or_default(), tenant.get());
        Box::pin(async move { api::list_organisations(&token, tenant).await })
    });
    let name = RwSignal::new(String::new());
    let kind = RwSignal::new(OrganisationKind::Association);
    let error = RwSignal::new(None::<String>);
    let status = RwSignal::new(None::<String>);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let token = session.token().unwrap_or_default();
        let new = NewOrganisation {
            name: name.get_untracked().trim().to_owned(),
            kind: kind.get_untracked(),
            tenant_id: tenant.get_untracked(),
        };
        spawn_local(async move {
            match api::create_organisation(&token, &new).await {
                Ok(created) => {
                    error.set(None);
                    name.set(String::new());
                    status.set(Some(format!("{} : {}", created.name, tr!(added))));
                    reload.update(|n| *n += 1);
                }
                Err(failure) => error.set(Some(explain(&failure))),
            }
        });
    };
    view! {
        <p role="status" class="sr-status">{move || status.get()}</p>
        <form class="card inline-form" on:submit=submit>
            <h2>{tr!(add_organisation)}</h2>
            <p class="field">
                <label for="organisation-name">{tr!(name)}</label>
                <input id="organisation-name" type="text" required bind:value=name/>
            </p>
            <p class="field">
                <label for="organisation-kind">{tr!(kind)}</label>
                <select id="organisation-kind" on:change=move |ev| {
                    if let Ok(k) = event_target_value(&ev).parse() { kind.set(k) }
                }>
                    {OrganisationKind::ALL.iter().map(|k| view! {
                        <option value=k.as_str() selected=*k == OrganisationKind::Association>{kind_label(*k)}</option>
                    }).collect_view()}
                </select>
            </p>
            <button type="submit" class="primary">{tr!(add)}</button>
            <ErrorText error/>
        </form>
        {move || match list.get() {
            None => view! { <p class="notice" aria-busy="true">{tr!(loading)}</p> }.into_any(),
            Some(Err(failure)) => view! { <Failure failure/> }.into_any(),
            Some(Ok(list)) => view! {
                <table class="data">
                    <caption>{tr!(organisations_of_tenant)}</caption>
                    <thead><tr><th scope="col">{tr!(name)}</th><th scope="col">{tr!(kind)}</th></tr></thead>
                    <tbody>
                        {list.into_iter().map(|o| view! {
                            <tr><th scope="row">{o.name}</th><td>{kind_label(o.kind)}</td></tr>
                        }).collect_view()}
                    </tbody>
                </table>
            }.into_any(),
        }}
    }
}
