//! The CPAS's sectoral plans on the administration page: everyone who works on plans reads
//! the list; the DG adds to it and deletes from it (after a confirmation: the tags go).

use api_types::Role;
use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::api;
use crate::components::confirm_dialog::{Confirm, ConfirmDialog, Confirmation};
use crate::components::failure::{ErrorText, Failure, explain};
use crate::loader::loader;
use crate::session::SessionContext;

/// The longest name the server takes (`SectoralPlanInput`).
const NAME_MAX: usize = 200;

#[component]
pub fn SectoralPlansSection() -> impl IntoView {
    let session = SessionContext::get();
    let is_dg = session
        .state
        .with_untracked(|s| s.as_ref().is_some_and(|s| s.user.role == Role::Dg));
    let reload = RwSignal::new(0_u32);
    let list = loader(move || {
        reload.track();
        let token = session.token().unwrap_or_default();
        Box::pin(async move { api::managers::sectoral_plans(&token).await })
    });
    let name = RwSignal::new(String::new());
    let error = RwSignal::new(None::<String>);
    let done = RwSignal::new(None::<String>);
    let confirm = Confirm::default();
    let add = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let chosen = name.get_untracked().trim().to_owned();
        if chosen.is_empty() {
            error.set(Some(tr!(error_required).to_owned()));
            return;
        }
        if chosen.chars().count() > NAME_MAX {
            error.set(Some(format!(
                "{} {NAME_MAX} {}",
                tr!(error_too_long),
                tr!(characters_at_most)
            )));
            return;
        }
        let token = session.token().unwrap_or_default();
        spawn_local(async move {
            match api::managers::create_sectoral_plan(&token, &chosen).await {
                Ok(plan) => {
                    error.set(None);
                    name.set(String::new());
                    done.set(Some(format!(
                        "{} « {} »",
                        tr!(sectoral_plan_added),
                        plan.name
                    )));
                    reload.update(|n| *n += 1);
                }
                Err(failure) => error.set(Some(explain(&failure))),
            }
        });
    };
    let remove = move |id: String, plan: String| {
        confirm.ask(Confirmation {
            title: format!("{} « {plan} » ?", tr!(sectoral_plan_delete_question)),
            text: tr!(sectoral_plan_delete_text).to_owned(),
            act: format!("{} « {plan} »", tr!(delete)),
            on_confirm: Callback::new(move |()| {
                let (id, plan, token) = (
                    id.clone(),
                    plan.clone(),
                    session.token().unwrap_or_default(),
                );
                spawn_local(async move {
                    match api::managers::delete_sectoral_plan(&token, &id).await {
                        Ok(()) => {
                            done.set(Some(format!("{} « {plan} »", tr!(sectoral_plan_deleted))));
                            reload.update(|n| *n += 1);
                        }
                        Err(failure) => error.set(Some(explain(&failure))),
                    }
                });
            }),
            on_cancel: None,
        });
    };
    view! {
        <section class="card" aria-labelledby="sectoral-title">
            <h2 id="sectoral-title">{tr!(sectoral_plans)}</h2>
            <p class="hint">{tr!(sectoral_plans_help)}</p>
            {move || list.get().map(|result| match result {
                Err(failure) => view! { <Failure failure/> }.into_any(),
                Ok(plans) if plans.is_empty() => view! { <p>{tr!(nothing_yet)}</p> }.into_any(),
                Ok(plans) => view! {
                    <ul class="sectoral-plans">
                        {plans.into_iter().map(|p| {
                            let (id, plan) = (p.id.to_string(), p.name.clone());
                            view! {
                                <li>
                                    <span>{p.name.clone()}</span>
                                    {is_dg.then(|| view! {
                                        <button type="button" class="link danger"
                                            aria-label=format!("{} « {} »", tr!(delete), p.name)
                                            on:click=move |_| remove(id.clone(), plan.clone())>
                                            {tr!(delete)}
                                        </button>
                                    })}
                                </li>
                            }
                        }).collect_view()}
                    </ul>
                }.into_any(),
            })}
            {is_dg.then(|| view! {
                <form class="inline-form" on:submit=add>
                    <p class="field wide">
                        <label for="sectoral-name">{tr!(sectoral_plan_name)}</label>
                        <input id="sectoral-name" type="text" maxlength=NAME_MAX bind:value=name/>
                    </p>
                    <button type="submit">{tr!(sectoral_plan_add)}</button>
                </form>
            })}
            <ErrorText error/>
            <p class=move || if done.get().is_some() { "notice success" } else { "sr-status" } role="status">{move || done.get()}</p>
            <ConfirmDialog confirm/>
        </section>
    }
}
