//! Administration (DG, platform administrators): accounts, organisations, and the plans'
//! structure. Each page works on one CPAS: the DG's own, or the one an administrator picks.

pub mod identity;
pub mod identity_providers;
pub mod organisations;
pub mod sectoral;
pub mod structure;
pub mod users;

use api_types::{OrganisationKind, Role, TenantRef};
use leptos::prelude::*;
use leptos_router::components::A;
use uuid::Uuid;

use crate::api;
use crate::components::failure::ErrorText;
use crate::loader::loader;
use crate::session::SessionContext;

/// The roles that may open the administration.
pub fn is_administrator(role: Role) -> bool {
    matches!(role, Role::Dg | Role::Admin)
}

pub fn role_label(role: Role) -> &'static str {
    match role {
        Role::Admin => tr!(role_admin),
        Role::President => tr!(role_president),
        Role::Dg => tr!(role_dg),
        Role::SocialWorker => tr!(role_social_worker),
        Role::Partner => tr!(role_partner),
    }
}

pub fn kind_label(kind: OrganisationKind) -> &'static str {
    match kind {
        OrganisationKind::Cpas => tr!(kind_cpas),
        OrganisationKind::Commune => tr!(kind_commune),
        OrganisationKind::Association => tr!(kind_association),
        OrganisationKind::Other => tr!(kind_other),
    }
}

/// The CPAS the administration pages work on. `None` for a DG (the server knows theirs);
/// the chosen one for a platform administrator.
#[derive(Clone, Copy)]
pub struct AdminTenant(pub RwSignal<Option<Uuid>>);

impl AdminTenant {
    /// Provided once by the app, so the choice survives moving between pages.
    pub fn provide() {
        provide_context(AdminTenant(RwSignal::new(None)));
    }

    pub fn get() -> AdminTenant {
        expect_context::<AdminTenant>()
    }
}

/// The administration's frame: its sub-navigation, the CPAS picker of platform
/// administrators, and a refusal for anyone else.
#[component]
pub fn AdminFrame(title: &'static str, children: ChildrenFn) -> impl IntoView {
    let session = SessionContext::get();
    let role = session
        .state
        .with_untracked(|s| s.as_ref().map(|s| s.user.role));
    let Some(role) = role.filter(|r| is_administrator(*r)) else {
        return view! {
            <h1>{title}</h1>
            <p class="notice error" role="alert">{tr!(administrators_only)}</p>
        }
        .into_any();
    };
    let tenant = AdminTenant::get();
    view! {
        <nav class="sub-nav" aria-label=tr!(administration)>
            <A href="/administration/utilisateurs">{tr!(users)}</A>
            <A href="/administration/organisations">{tr!(organisations)}</A>
            <A href="/administration" exact=true>{tr!(plans_structure)}</A>
        </nav>
        <h1>{title}</h1>
        {(role == Role::Admin).then(|| view! { <TenantPicker tenant/> })}
        {move || {
            // An administrator first chooses a CPAS; a DG works in theirs.
            if role == Role::Admin && tenant.0.get().is_none() {
                view! { <p class="notice">{tr!(choose_tenant)}</p> }.into_any()
            } else {
                children().into_any()
            }
        }}
    }
    .into_any()
}

#[component]
fn TenantPicker(tenant: AdminTenant) -> impl IntoView {
    let session = SessionContext::get();
    let tenants = loader(move || {
        let token = session.token().unwrap_or_default();
        Box::pin(async move { api::list_tenants(&token).await })
    });
    view! {
        <p class="field">
            <label for="admin-tenant">{tr!(tenant)}</label>
            <select
                id="admin-tenant"
                on:change=move |ev| tenant.0.set(event_target_value(&ev).parse().ok())
            >
                <option value="">"—"</option>
                {move || {
                    tenants
                        .get()
                        .and_then(Result::ok)
                        .unwrap_or_default()
                        .into_iter()
                        .map(|t: TenantRef| {
                            let selected = tenant.0.get_untracked() == Some(t.id);
                            view! { <option value=t.id.to_string() selected=selected>{t.name}</option> }
                        })
                        .collect_view()
                }}
            </select>
        </p>
    }
}

/// The administration's landing page: where to go, the CPAS's identity, and for its DG
/// the plans to edit and a new plan (the platform's administrators do not work on plans).
#[component]
pub fn AdminHome() -> impl IntoView {
    let works_on_plans = SessionContext::get()
        .state
        .with_untracked(|s| s.as_ref().is_some_and(|s| s.user.role != Role::Admin));
    let is_dg = SessionContext::get()
        .state
        .with_untracked(|s| s.as_ref().is_some_and(|s| s.user.role == Role::Dg));
    view! {
        <AdminFrame title=tr!(administration)>
            <ul class="admin-links">
                <li><A href="/administration/utilisateurs">{tr!(users)}</A> " — " {tr!(users_help)}</li>
                <li><A href="/administration/organisations">{tr!(organisations)}</A> " — " {tr!(organisations_help)}</li>
            </ul>
            <identity::TenantIdentitySection/>
            {works_on_plans.then(|| view! {
                <SecurityPolicySection/>
                {is_dg.then(|| view! { <identity_providers::IdentityProvidersSection/> })}
                <PlanStructures/>
                <sectoral::SectoralPlansSection/>
            })}
        </AdminFrame>
    }
}

/// What the CPAS requires of sign-ins: its DG may require the second step of the
/// president and the DG.
#[component]
fn SecurityPolicySection() -> impl IntoView {
    use crate::components::form_field::FormStatus;
    let session = SessionContext::get();
    let is_dg = session
        .state
        .with_untracked(|s| s.as_ref().is_some_and(|s| s.user.role == Role::Dg));
    let required = RwSignal::new(false);
    let loaded = RwSignal::new(false);
    let message = RwSignal::new(None::<(bool, String)>);
    let policy = loader(move || {
        let token = session.token().unwrap_or_default();
        Box::pin(async move { api::second_factor::policy(&token).await })
    });
    Effect::new(move |_| {
        if let Some(Ok(policy)) = policy.get() {
            required.set(policy.second_factor_required);
            loaded.set(true);
        }
    });
    let save = move |_| {
        let chosen = api_types::SecurityPolicy {
            second_factor_required: !required.get_untracked(),
        };
        let token = session.token().unwrap_or_default();
        leptos::task::spawn_local(async move {
            match api::second_factor::set_policy(&token, &chosen).await {
                Ok(stored) => {
                    required.set(stored.second_factor_required);
                    message.set(Some((true, tr!(security_policy_saved).to_owned())));
                }
                Err(failure) => {
                    message.set(Some((false, crate::components::failure::explain(&failure))))
                }
            }
        });
    };
    view! {
        <section aria-labelledby="security-policy-title">
            <h2 id="security-policy-title">{tr!(security_policy_title)}</h2>
            <div class="card">
                <label class="checkbox">
                    <input type="checkbox" id="second-factor-required"
                        prop:checked=required prop:disabled=move || !is_dg || !loaded.get()
                        on:change=save/>
                    {tr!(security_policy_label)}
                </label>
                <p class="hint">{tr!(security_policy_help)}</p>
                <FormStatus id="security-policy-message" message/>
            </div>
        </section>
    }
}

/// The CPAS's plans, each with a link to its structure; a DG can start a new one.
#[component]
fn PlanStructures() -> impl IntoView {
    let session = SessionContext::get();
    let navigate = leptos_router::hooks::use_navigate();
    let plans = loader(move || {
        let token = session.token().unwrap_or_default();
        Box::pin(async move { api::list_plans(&token).await })
    });
    let is_dg = session
        .state
        .with_untracked(|s| s.as_ref().is_some_and(|s| s.user.role == Role::Dg));
    let title = RwSignal::new(String::new());
    let (start, end) = (RwSignal::new(String::new()), RwSignal::new(String::new()));
    let error = RwSignal::new(None::<String>);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let token = session.token().unwrap_or_default();
        let new = api_types::NewPlan {
            title: title.get_untracked().trim().to_owned(),
            start_year: start.get_untracked().trim().parse().ok(),
            end_year: end.get_untracked().trim().parse().ok(),
        };
        let navigate = navigate.clone();
        leptos::task::spawn_local(async move {
            match api::create_plan(&token, &new).await {
                Ok(plan) => navigate(&format!("/plans/{}/structure", plan.id), Default::default()),
                Err(failure) => error.set(Some(crate::components::failure::explain(&failure))),
            }
        });
    };
    view! {
        <section aria-labelledby="structures">
            <h2 id="structures">{tr!(plans_structure)}</h2>
            <p>{tr!(structure_help)}</p>
            {move || plans.get().map(|result| match result {
                Err(failure) => view! { <crate::components::failure::Failure failure/> }.into_any(),
                Ok(list) => view! {
                    <ul class="admin-links">
                        {list.into_iter().map(|p| view! {
                            <li>
                                <A href=format!("/plans/{}/structure", p.id)>{p.title}</A>
                                " (" {p.tenant.name} ", " {crate::pages::plans_page::status_label(p.status)} ")"
                            </li>
                        }).collect_view()}
                    </ul>
                }.into_any(),
            })}
            {is_dg.then(|| view! {
                <form class="card inline-form" on:submit=submit>
                    <h3>{tr!(new_plan)}</h3>
                    <p class="field wide">
                        <label for="new-plan-title">{tr!(title)}</label>
                        <input id="new-plan-title" type="text" required bind:value=title/>
                    </p>
                    <p class="field">
                        <label for="new-plan-start">{tr!(start_year)}</label>
                        <input id="new-plan-start" type="number" min="2000" max="2100" bind:value=start/>
                    </p>
                    <p class="field">
                        <label for="new-plan-end">{tr!(end_year)}</label>
                        <input id="new-plan-end" type="number" min="2000" max="2100" bind:value=end/>
                    </p>
                    <button type="submit" class="primary">{tr!(create)}</button>
                    <ErrorText error/>
                </form>
            })}
            {is_dg.then(|| view! { <ImportForm/> })}
        </section>
    }
}

/// A plan brought in from a spreadsheet. The server checks the whole file first and lists
/// every problem by row; nothing is created unless the file is valid.
#[component]
fn ImportForm() -> impl IntoView {
    let session = SessionContext::get();
    let navigate = leptos_router::hooks::use_navigate();
    let file = NodeRef::<leptos::html::Input>::new();
    let title = RwSignal::new(String::new());
    let error = RwSignal::new(None::<String>);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let chosen = file
            .get_untracked()
            .and_then(|input| input.files())
            .and_then(|files| files.get(0));
        let Some(chosen) = chosen else {
            error.set(Some(tr!(choose_file).to_owned()));
            return;
        };
        let (token, name, navigate) = (
            session.token().unwrap_or_default(),
            title.get_untracked(),
            navigate.clone(),
        );
        leptos::task::spawn_local(async move {
            match api::import_plan(&token, name.trim(), false, chosen).await {
                Ok(plan) => navigate(&format!("/plans/{}/structure", plan.id), Default::default()),
                Err(failure) => {
                    let mut listed: Vec<String> = failure
                        .problem
                        .iter()
                        .flat_map(|p| &p.errors)
                        .map(|e| e.message.clone())
                        .collect();
                    // The server lists the first 200 problems of a file, and says how many.
                    if let Some(total) = failure.problem.as_ref().and_then(|p| p.total_errors) {
                        listed.push(format!("… {total} {}", tr!(import_more_problems)));
                    }
                    error.set(Some(if listed.is_empty() {
                        crate::components::failure::explain(&failure)
                    } else {
                        listed.join("\n")
                    }));
                }
            }
        });
    };
    view! {
        <form class="card inline-form" on:submit=submit>
            <h3>{tr!(import_plan)}</h3>
            <p>{tr!(import_help)}</p>
            <p class="field wide">
                <label for="import-title">{tr!(title)}</label>
                <input id="import-title" type="text" required bind:value=title/>
            </p>
            <p class="field">
                <label for="import-file">{tr!(import_file)}</label>
                <input id="import-file" type="file" required accept=".csv,.xlsx,text/csv" node_ref=file/>
            </p>
            <button type="submit" class="primary">{tr!(import)}</button>
            <ErrorText error/>
        </form>
    }
}
