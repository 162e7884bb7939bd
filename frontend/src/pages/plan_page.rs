use api_types::{
    ObjectiveDates, OperationalObjective, Opinion, PlanTree, StrategicObjective, UserRef, Volet,
};
use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::use_params_map;

use crate::api;
use crate::components::action_item::ActionItem;
use crate::components::failure::Failure;
use crate::components::plan_documents::PlanDocuments;
use crate::components::tree_filter::{FilterBar, TreeFilter, carriers, use_tree_filter};
use crate::format;
use crate::loader::loader;
use crate::pages::plans_page::{period, status_label};
use crate::session::SessionContext;

/// One plan's tree: OS → OO → actions, with the DG's opinions where they apply.
#[component]
pub fn PlanPage() -> impl IntoView {
    let params = use_params_map();
    let session = SessionContext::get();
    let plan = loader(move || {
        let id = params.read().get("id").unwrap_or_default();
        let token = session.token().unwrap_or_default();
        Box::pin(async move { api::get_plan(&token, &id).await })
    });
    view! {
        <p><A href="/">{tr!(back_to_plans)}</A></p>
        {move || match plan.get() {
            None => view! { <p class="notice" aria-busy="true">{tr!(loading)}</p> }.into_any(),
            Some(Err(failure)) => view! { <Failure failure/> }.into_any(),
            Some(Ok(tree)) => view! { <Tree tree/> }.into_any(),
        }}
    }
}

#[component]
fn Tree(tree: PlanTree) -> impl IntoView {
    let session = SessionContext::get();
    let my_organisation = session.state.with_untracked(|s| {
        s.as_ref()
            .and_then(|s| s.user.organisation.as_ref().map(|o| o.id))
    });
    let is_dg = session.state.with_untracked(|s| {
        s.as_ref()
            .is_some_and(|s| s.user.role == api_types::Role::Dg)
    });
    let is_manager = session.state.with_untracked(|s| {
        s.as_ref().is_some_and(|s| {
            matches!(
                s.user.role,
                api_types::Role::President | api_types::Role::Dg
            )
        })
    });
    let me = session
        .state
        .with_untracked(|s| s.as_ref().map(|s| s.user.id));
    let answered_for = me.map(|me| tree.responsible_for(me)).unwrap_or_default();
    let filter = use_tree_filter(my_organisation, answered_for);
    let sectoral_plans = tree.sectoral_plans.clone();
    let file_stem = format!("pst-{}", tree.tenant.slug);
    // The management sends the plan to the Region's eComptes for a budget year of its term
    // (this year chosen), or around this year when the plan states no term.
    // The server's day in Brussels; a tree without one (frozen before it existed) is never
    // shown here, the browser's year is the fallback all the same.
    let this_year = tree.as_of.map_or_else(
        || js_sys::Date::new_0().get_full_year() as i32,
        |d| chrono::Datelike::year(&d),
    );
    let ecomptes_years = is_manager.then(|| {
        let (start, end) = match (tree.start_year, tree.end_year) {
            (Some(start), Some(end)) if start <= end => (start, end),
            _ => (this_year - 1, this_year + 1),
        };
        let chosen = if (start..=end).contains(&this_year) {
            this_year
        } else {
            start
        };
        (chosen, start..=end)
    });
    let all_actions: Vec<api_types::Action> = tree
        .objectives
        .iter()
        .flat_map(|os| &os.operational_objectives)
        .flat_map(|oo| oo.actions.clone())
        .collect();
    let organisations = carriers(&all_actions);
    let everything = StoredValue::new(all_actions);
    let shown = Signal::derive(move || {
        filter.with(|f| everything.with_value(|all| all.iter().filter(|a| f.matches(a)).count()))
    });
    let opinions = StoredValue::new(tree.opinions.clone());
    let opinion_title = tree
        .opinion_title
        .clone()
        .unwrap_or_else(|| tr!(opinions_default_title).to_owned());
    view! {
        <h1>
            <span class="plan-tenant">{tree.tenant.name}</span>
            {tree.title}
        </h1>
        <p class="plan-meta">
            {period(tree.start_year, tree.end_year)} " · " {status_label(tree.status)}
            " · " <A href=format!("/plans/{}/tableau-de-bord", tree.id)>{tr!(dashboard)}</A>
            " · " <A href=format!("/plans/{}/periodes", tree.id)>{tr!(periods_title)}</A>
            " · " <A href=format!("/plans/{}/calendrier", tree.id)>{tr!(timeline_title)}</A>
            {is_dg.then(|| view! { " · " <A href=format!("/plans/{}/structure", tree.id)>{tr!(edit_structure)}</A> })}
            " · " <A href=format!("/plans/{}/taches", tree.id)>{tr!(tasks)}</A>
            {is_manager.then(|| view! {
                " · " <A href=format!("/plans/{}/evaluations", tree.id)>{tr!(evaluations_title)}</A>
                " · " <A href=format!("/plans/{}/versions", tree.id)>{tr!(versions_title)}</A>
            })}
        </p>
        <PlanDocuments plan_id=tree.id.to_string() file_stem=file_stem ecomptes_years/>
        <FilterBar filter organisations sectoral_plans has_organisation=my_organisation.is_some() shown/>
        <div class="tree">
            {tree
                .objectives
                .into_iter()
                .map(|os| view! { <Strategic os opinions filter/> })
                .collect_view()}
        </div>
        {(!tree.opinions.is_empty()).then(|| view! {
            <section class="opinions" aria-labelledby="avis">
                <h2 id="avis">{opinion_title}</h2>
                {tree.opinions.into_iter().map(|o| view! { <OpinionBlock opinion=o/> }).collect_view()}
            </section>
        })}
    }
}

#[component]
fn Strategic(
    os: StrategicObjective,
    opinions: StoredValue<Vec<Opinion>>,
    filter: Memo<TreeFilter>,
) -> impl IntoView {
    let actions: Vec<api_types::Action> = os
        .operational_objectives
        .iter()
        .flat_map(|oo| oo.actions.clone())
        .collect();
    let hidden = move || filter.with(|f| f.is_active() && !actions.iter().any(|a| f.matches(a)));
    let volet = match os.volet {
        Volet::Externe => tr!(volet_externe),
        Volet::Interne => tr!(volet_interne),
    };
    let anchor = format!("objectif-{}", os.code);
    view! {
        <details class="objective strategic" open id=anchor hidden=hidden>
            <summary>
                <span class="code">{os.code}</span>
                <span class="objective-title">{os.title}</span>
                <span class="badge volet">{volet}</span>
            </summary>
            <ObjectiveFacts
                political_lead=os.political_lead
                political_function=os.political_function
                responsible=os.responsible
                dates=os.dates
                derived_from=tr!(derived_from_objectives)
            />
            {os.operational_objectives
                .into_iter()
                .map(|oo| view! { <Operational oo opinions filter/> })
                .collect_view()}
        </details>
    }
}

#[component]
fn Operational(
    oo: OperationalObjective,
    opinions: StoredValue<Vec<Opinion>>,
    filter: Memo<TreeFilter>,
) -> impl IntoView {
    let actions = oo.actions.clone();
    let hidden = move || filter.with(|f| f.is_active() && !actions.iter().any(|a| f.matches(a)));
    // An opinion on several objectives is shown once, after the last one it discusses.
    let related: Vec<Opinion> = opinions.with_value(|all| {
        all.iter()
            .filter(|o| o.objective_ids.last() == Some(&oo.id))
            .cloned()
            .collect()
    });
    let anchor = format!("objectif-{}", oo.code);
    view! {
        <details class="objective operational" open id=anchor hidden=hidden>
            <summary>
                <span class="code">{oo.code}</span>
                <span class="objective-title">{oo.title}</span>
            </summary>
            <ObjectiveFacts
                political_lead=oo.political_lead
                political_function=oo.political_function
                responsible=oo.responsible
                dates=oo.dates
                derived_from=tr!(derived_from_actions)
            />
            <ul class="actions">
                {oo.actions.into_iter().map(|action| view! { <ActionItem action filter/> }).collect_view()}
            </ul>
            {related
                .into_iter()
                .map(|opinion| view! {
                    <aside class="opinion-ref">
                        <h4>{tr!(opinion_on)} " (" {opinion.objective_codes.join(", ")} ")"</h4>
                        <OpinionBody body=opinion.body/>
                    </aside>
                })
                .collect_view()}
        </details>
    }
}

/// Who answers for an objective and when it runs, under its heading; nothing when the plan
/// says none of it. A date derived from what the objective holds says so.
#[component]
fn ObjectiveFacts(
    political_lead: Option<String>,
    political_function: Option<String>,
    responsible: Option<UserRef>,
    dates: ObjectiveDates,
    derived_from: &'static str,
) -> impl IntoView {
    let mandataire = match (political_lead, political_function) {
        (None, None) => None,
        (Some(name), None) => Some(name),
        (None, Some(function)) => Some(function),
        (Some(name), Some(function)) => Some(format!("{name} ({function})")),
    };
    // Texts first, one view for all: the initial WASM carries one shape of fact.
    let mut facts: Vec<(String, Option<&'static str>)> = Vec::new();
    if let Some(mandataire) = mandataire {
        facts.push((format!("{} : {mandataire}", tr!(mandataire)), None));
    }
    if let Some(responsible) = responsible {
        let name = responsible.display_name;
        facts.push((format!("{} : {name}", tr!(field_responsible)), None));
    }
    for (label, date, derived) in [
        (tr!(objective_start), dates.start, dates.start_derived),
        (tr!(objective_end), dates.end, dates.end_derived),
    ] {
        if let Some(date) = date {
            let shown = format::date(&date.to_string());
            facts.push((
                format!("{label} : {shown}"),
                derived.then_some(derived_from),
            ));
        }
    }
    (!facts.is_empty()).then(|| {
        view! {
            <p class="objective-facts">
                {facts.into_iter().map(|(text, hint)| view! {
                    <span class="fact">
                        {text}
                        {hint.map(|h| view! { " " <span class="hint derived">"(" {h} ")"</span> })}
                    </span>
                }).collect_view()}
            </p>
        }
    })
}

#[component]
fn OpinionBlock(opinion: Opinion) -> impl IntoView {
    view! {
        <article class="opinion">
            {opinion.heading.map(|h| view! { <h3>{h}</h3> })}
            <OpinionBody body=opinion.body/>
        </article>
    }
}

#[component]
fn OpinionBody(body: String) -> impl IntoView {
    body.split("\n\n")
        .map(|paragraph| view! { <p>{paragraph.to_owned()}</p> })
        .collect_view()
}
