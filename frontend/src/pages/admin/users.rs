//! Accounts: invite, change role and organisation, deactivate, reset a password.

use api_types::{NewUser, OrganisationSummary, Role, User, UserPatch};
use leptos::prelude::*;
use leptos::task::spawn_local;

use super::{AdminFrame, AdminTenant, role_label};
use crate::api;
use crate::components::confirm_dialog::{Confirm, ConfirmDialog, Confirmation, fill};
use crate::components::failure::{ErrorText, Failure, explain};
use crate::format;
use crate::loader::loader;
use crate::session::SessionContext;

/// Roles a DG may give; platform administrators are made on the command line.
const ROLES: [Role; 4] = [Role::President, Role::Dg, Role::SocialWorker, Role::Partner];

#[component]
pub fn UsersPage() -> impl IntoView {
    view! {
        <AdminFrame title=tr!(users)>
            <Users/>
        </AdminFrame>
    }
}

#[component]
fn Users() -> impl IntoView {
    let session = SessionContext::get();
    let tenant = AdminTenant::get().0;
    let reload = RwSignal::new(0_u32);
    let data = loader(move || {
        reload.track();
        let (token, tenant) = (session.token().unwrap_or_default(), tenant.get());
        Box::pin(async move {
            let users = api::list_users(&token, tenant).await?;
            let organisations = api::list_organisations(&token, tenant).await?;
            Ok((users, organisations))
        })
    });
    // Said aloud by screen readers, shown to everyone.
    let status = RwSignal::new(None::<String>);
    let changed = Callback::new(move |message: String| {
        status.set(Some(message));
        reload.update(|n| *n += 1);
    });
    // Outside the reloaded part, so the password stays on screen after the list refreshes.
    let created = RwSignal::new(None::<(String, String)>);
    let confirm = Confirm::default();
    view! {
        <ConfirmDialog confirm/>
        <p role="status" class="sr-status">{move || status.get()}</p>
        {move || created.get().map(|(email, password)| view! {
            <p class="notice success" role="alert">
                {tr!(account_created_for)} " " {email} ". " {tr!(temporary_password)} " : " <code>{password}</code>
                " — " {tr!(shown_once)}
            </p>
        })}
        {move || match data.get() {
            None => view! { <p class="notice" aria-busy="true">{tr!(loading)}</p> }.into_any(),
            Some(Err(failure)) => view! { <Failure failure/> }.into_any(),
            Some(Ok((users, organisations))) => {
                let organisations = StoredValue::new(organisations);
                view! {
                    <InviteForm organisations changed created/>
                    <div class="table-scroll">
                        <table class="data users">
                            <caption>{tr!(users_of_tenant)}</caption>
                            <thead><tr>
                                <th scope="col">{tr!(name)}</th>
                                <th scope="col">{tr!(email)}</th>
                                <th scope="col">{tr!(role)}</th>
                                <th scope="col">{tr!(organisation)}</th>
                                <th scope="col">{tr!(last_login)}</th>
                                <th scope="col">{tr!(account)}</th>
                            </tr></thead>
                            <tbody>
                                {users.into_iter().map(|user| view! { <UserRow user organisations changed confirm/> }).collect_view()}
                            </tbody>
                        </table>
                    </div>
                }
                .into_any()
            }
        }}
    }
}

/// Role and organisation pickers that save on change, and the account's buttons. A role
/// change, a deactivation and a new password are confirmed first.
#[component]
fn UserRow(
    user: User,
    organisations: StoredValue<Vec<OrganisationSummary>>,
    changed: Callback<String>,
    confirm: Confirm,
) -> impl IntoView {
    let session = SessionContext::get();
    let error = RwSignal::new(None::<String>);
    let password = RwSignal::new(None::<String>);
    let id = user.id.to_string();
    // A new password changes the account's version without redrawing the row (its
    // temporary password stays on screen): the next save must send the new one.
    let version = RwSignal::new(user.version);
    let name = user.display_name.clone();
    let save = {
        let id = id.clone();
        move |patch: UserPatch| {
            let (id, token) = (id.clone(), session.token().unwrap_or_default());
            let patch = UserPatch {
                version: Some(version.get_untracked()),
                ..patch
            };
            spawn_local(async move {
                match api::update_user(&token, &id, &patch).await {
                    Ok(user) => changed.run(format!("{} : {}", user.display_name, tr!(saved))),
                    Err(failure) => error.set(Some(explain(&failure))),
                }
            });
        }
    };
    let role_id = format!("role-{id}");
    let organisation_id = format!("organisation-{id}");
    let current_organisation = user.organisation.as_ref().map(|o| o.id);
    let active = user.active;
    let (save_role, save_org, save_active) = (save.clone(), save.clone(), save);
    let named = |template: &str| fill(template, &[("name", name.as_str())]);
    let current_role = user.role;
    let role_select = NodeRef::<leptos::html::Select>::new();
    let change_role = {
        let (title, act, name) = (
            tr!(confirm_role_title),
            named(tr!(confirm_role_act)),
            name.clone(),
        );
        move |role: Role| {
            let text = fill(
                tr!(confirm_role_text),
                &[
                    ("name", name.as_str()),
                    ("from", role_label(current_role)),
                    ("to", role_label(role)),
                ],
            );
            let save_role = save_role.clone();
            confirm.ask(Confirmation {
                title: title.to_owned(),
                text,
                act: act.clone(),
                on_confirm: Callback::new(move |()| {
                    save_role(UserPatch {
                        role: Some(role),
                        ..UserPatch::default()
                    })
                }),
                // The picker shows the role the account still has.
                on_cancel: Some(Callback::new(move |()| {
                    if let Some(select) = role_select.get_untracked() {
                        select.set_value(current_role.as_str());
                    }
                })),
            });
        }
    };
    let deactivate = {
        let (text, act) = (
            named(tr!(confirm_deactivate_text)),
            named(tr!(confirm_deactivate_act)),
        );
        move || {
            let save_active = save_active.clone();
            let on_confirm = Callback::new(move |()| {
                save_active(UserPatch {
                    active: Some(!active),
                    ..UserPatch::default()
                })
            });
            if active {
                confirm.ask(Confirmation {
                    title: tr!(confirm_deactivate_title).to_owned(),
                    text: text.clone(),
                    act: act.clone(),
                    on_confirm,
                    on_cancel: None,
                });
            } else {
                // Giving access back needs no second thought.
                on_confirm.run(());
            }
        }
    };
    let reset = {
        let id = id.clone();
        let (text, act) = (
            named(tr!(confirm_reset_text)),
            named(tr!(confirm_reset_act)),
        );
        move |_| {
            let id = id.clone();
            let on_confirm = Callback::new(move |()| {
                let (id, token) = (id.clone(), session.token().unwrap_or_default());
                spawn_local(async move {
                    match api::reset_password(&token, &id).await {
                        Ok(created) => {
                            version.set(created.user.version);
                            password.set(created.temporary_password);
                        }
                        Err(failure) => error.set(Some(explain(&failure))),
                    }
                });
            });
            confirm.ask(Confirmation {
                title: tr!(confirm_reset_title).to_owned(),
                text: text.clone(),
                act: act.clone(),
                on_confirm,
                on_cancel: None,
            });
        }
    };
    // A lost phone: the person's authenticator and recovery codes go.
    let reset_second_step = {
        let id = id.clone();
        let (text, act) = (
            named(tr!(confirm_reset_second_factor_text)),
            named(tr!(confirm_reset_second_factor_act)),
        );
        let name = name.clone();
        move |_| {
            let (id, name) = (id.clone(), name.clone());
            let on_confirm = Callback::new(move |()| {
                let (id, name, token) = (
                    id.clone(),
                    name.clone(),
                    session.token().unwrap_or_default(),
                );
                spawn_local(async move {
                    match api::second_factor::reset_for(&token, &id).await {
                        Ok(()) => changed.run(fill(
                            tr!(second_factor_reset_done),
                            &[("name", name.as_str())],
                        )),
                        Err(failure) if failure.status == 404 => {
                            error.set(Some(fill(
                                tr!(second_factor_none),
                                &[("name", name.as_str())],
                            )));
                        }
                        Err(failure) => error.set(Some(explain(&failure))),
                    }
                });
            });
            confirm.ask(Confirmation {
                title: tr!(confirm_reset_second_factor_title).to_owned(),
                text: text.clone(),
                act: act.clone(),
                on_confirm,
                on_cancel: None,
            });
        }
    };
    view! {
        <tr class:inactive=!active>
            <th scope="row">{user.display_name.clone()}</th>
            <td>{user.email.clone()}</td>
            <td>
                <label class="visually-hidden" for=role_id.clone()>{tr!(role)} " — " {name.clone()}</label>
                <select
                    id=role_id
                    node_ref=role_select
                    on:change=move |ev| {
                        if let Ok(role) = event_target_value(&ev).parse::<Role>() {
                            change_role(role);
                        }
                    }
                >
                    {ROLES.iter().chain(std::iter::once(&Role::Admin).filter(|_| user.role == Role::Admin)).map(|r| view! {
                        <option value=r.as_str() selected=*r == user.role>{role_label(*r)}</option>
                    }).collect_view()}
                </select>
            </td>
            <td>
                <label class="visually-hidden" for=organisation_id.clone()>{tr!(organisation)} " — " {name.clone()}</label>
                <select
                    id=organisation_id
                    on:change=move |ev| {
                        let chosen = event_target_value(&ev).parse().ok();
                        save_org(UserPatch { organisation_id: Some(chosen), ..UserPatch::default() });
                    }
                >
                    <option value="" selected=current_organisation.is_none()>"—"</option>
                    {organisations.get_value().into_iter().map(|o| view! {
                        <option value=o.id.to_string() selected=Some(o.id) == current_organisation>{o.name}</option>
                    }).collect_view()}
                </select>
            </td>
            <td>{user.last_login_at.map(|t| format::date(&t.date_naive().to_string())).unwrap_or_else(|| tr!(never).to_owned())}</td>
            <td class="buttons">
                <button
                    type="button"
                    class=if active { "secondary danger" } else { "secondary" }
                    aria-label=format!("{} — {name}", if active { tr!(deactivate) } else { tr!(reactivate) })
                    on:click=move |_| deactivate()
                >
                    {if active { tr!(deactivate) } else { tr!(reactivate) }}
                </button>
                <button type="button" class="secondary" on:click=reset aria-label=format!("{} — {}", tr!(reset_password), user.display_name)>
                    {tr!(reset_password)}
                </button>
                <button type="button" class="secondary" on:click=reset_second_step
                    aria-label=format!("{} — {}", tr!(reset_second_factor), user.display_name)>
                    {tr!(reset_second_factor)}
                </button>
                <ErrorText error/>
                {move || password.get().map(|p| view! {
                    <p class="notice" role="alert">{tr!(temporary_password)} " : " <code>{p}</code></p>
                })}
            </td>
        </tr>
    }
}

/// Invites a person: the account gets a temporary password, shown once here, to be changed
/// at first login.
#[component]
fn InviteForm(
    organisations: StoredValue<Vec<OrganisationSummary>>,
    changed: Callback<String>,
    created: RwSignal<Option<(String, String)>>,
) -> impl IntoView {
    let session = SessionContext::get();
    let tenant = AdminTenant::get().0;
    let (email, name) = (RwSignal::new(String::new()), RwSignal::new(String::new()));
    let role = RwSignal::new(Role::SocialWorker);
    let organisation = RwSignal::new(None::<uuid::Uuid>);
    let error = RwSignal::new(None::<String>);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let token = session.token().unwrap_or_default();
        let new = NewUser {
            email: email.get_untracked().trim().to_owned(),
            display_name: name.get_untracked().trim().to_owned(),
            role: role.get_untracked(),
            organisation_id: organisation.get_untracked(),
            tenant_id: tenant.get_untracked(),
            password: None,
        };
        spawn_local(async move {
            match api::create_user(&token, &new).await {
                Ok(answer) => {
                    error.set(None);
                    created.set(Some((
                        answer.user.email.clone(),
                        answer.temporary_password.unwrap_or_default(),
                    )));
                    changed.run(format!("{} : {}", answer.user.display_name, tr!(invited)));
                }
                Err(failure) => error.set(Some(explain(&failure))),
            }
        });
    };
    view! {
        <details class="card">
            <summary>{tr!(invite_user)}</summary>
            <form class="inline-form" on:submit=submit>
                <p class="field">
                    <label for="invite-email">{tr!(email)}</label>
                    <input id="invite-email" type="email" required autocomplete="off" bind:value=email/>
                </p>
                <p class="field">
                    <label for="invite-name">{tr!(name)}</label>
                    <input id="invite-name" type="text" required bind:value=name/>
                </p>
                <p class="field">
                    <label for="invite-role">{tr!(role)}</label>
                    <select id="invite-role" on:change=move |ev| {
                        if let Ok(r) = event_target_value(&ev).parse() { role.set(r) }
                    }>
                        {ROLES.iter().map(|r| view! {
                            <option value=r.as_str() selected=*r == Role::SocialWorker>{role_label(*r)}</option>
                        }).collect_view()}
                    </select>
                </p>
                <p class="field">
                    <label for="invite-organisation">{tr!(organisation)}</label>
                    <select id="invite-organisation" on:change=move |ev| organisation.set(event_target_value(&ev).parse().ok())>
                        <option value="">"—"</option>
                        {organisations.get_value().into_iter().map(|o| view! {
                            <option value=o.id.to_string()>{o.name}</option>
                        }).collect_view()}
                    </select>
                </p>
                <button type="submit" class="primary">{tr!(invite)}</button>
            </form>
            <ErrorText error/>
        </details>
    }
}
