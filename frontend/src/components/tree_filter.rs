//! Filters of a plan's tree, kept in the URL
//! (`?q=…&status=…&org=…&plan=…&late=1&stale=1&mine=1&responsible=1`) so that a filtered view can be
//! bookmarked and shared.

use api_types::{Action, ActionStatus, OrganisationRef, SectoralPlan, fold};
use leptos::prelude::*;
use leptos_router::NavigateOptions;
use leptos_router::hooks::{use_location, use_navigate, use_query_map};
use uuid::Uuid;

use crate::components::status_chip::status_label;

/// What the tree shows.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct TreeFilter {
    pub text: String,
    pub status: Option<ActionStatus>,
    pub organisation: Option<Uuid>,
    /// Only the actions that belong to this sectoral plan (the server's
    /// `in_sectoral_plans`, which says how), with all their steps.
    pub sectoral_plan: Option<Uuid>,
    pub late: bool,
    /// Only the actions nobody has reported on for too long (the server's `stale` flag).
    pub stale: bool,
    /// Only the actions of the signed-in user's organisation.
    pub mine: Option<Uuid>,
    /// Only what the signed-in user answers for ("Ce dont je suis responsable"): the
    /// actions `PlanTree::responsible_for` gives, the rule's one definition. A list, not a
    /// set: a set's sorting and tree code would weigh on the initial WASM for a few ids.
    pub responsible: Option<Vec<Uuid>>,
}

impl TreeFilter {
    pub fn is_active(&self) -> bool {
        *self != Self::default()
    }

    /// Whether the tree keeps `action`: it matches, or one of its steps does (the tree then
    /// shows that step, see [`Self::shows_step`]).
    pub fn matches(&self, action: &Action) -> bool {
        self.matches_itself(action) || action.sub_actions.iter().any(|s| self.matches_itself(s))
    }

    /// Whether a step of `action` is shown in the filtered tree: every step of an action
    /// that matches, else the steps that match.
    pub fn shows_step(&self, action: &Action, step: &Action) -> bool {
        !self.is_active() || self.matches_itself(action) || self.matches_itself(step)
    }

    /// Whether the tree opens `action`'s steps: one of them matches an active filter.
    pub fn opens_steps(&self, action: &Action) -> bool {
        self.is_active() && action.sub_actions.iter().any(|s| self.matches_itself(s))
    }

    /// An action or a step on its own fields.
    fn matches_itself(&self, action: &Action) -> bool {
        let carriers = || action.lead.iter().chain(&action.collaborators);
        let text_ok = self.text.trim().is_empty() || {
            let needle = fold(self.text.trim());
            let haystack = fold(&format!(
                "{} {} {}",
                action.code,
                action.title,
                carriers()
                    .map(|o| o.name.as_str())
                    .collect::<Vec<_>>()
                    .join(" ")
            ));
            haystack.contains(&needle)
        };
        text_ok
            && self.status.is_none_or(|s| s == action.status)
            && self
                .organisation
                .is_none_or(|o| carriers().any(|c| c.id == o))
            && self
                .sectoral_plan
                .is_none_or(|p| action.in_sectoral_plans.contains(&p))
            && (!self.late || action.late)
            && (!self.stale || action.stale)
            && self.mine.is_none_or(|o| carriers().any(|c| c.id == o))
            && self
                .responsible
                .as_ref()
                .is_none_or(|ids| ids.contains(&action.id))
    }
}

/// The organisations that carry these actions, as lead or collaborator, each once and by
/// name: the choices of the filter's organisation list.
pub fn carriers(actions: &[Action]) -> Vec<OrganisationRef> {
    let mut organisations: Vec<OrganisationRef> = actions
        .iter()
        .flat_map(|a| a.lead.iter().chain(&a.collaborators).cloned())
        .collect();
    organisations.sort_by(|a, b| a.name.cmp(&b.name));
    organisations.dedup_by(|a, b| a.id == b.id);
    organisations
}

/// The filter of the current URL; `my_organisation` backs "mine", `answered_for` (the
/// tree's actions the signed-in user answers for) "responsible".
pub fn use_tree_filter(my_organisation: Option<Uuid>, answered_for: Vec<Uuid>) -> Memo<TreeFilter> {
    let query = use_query_map();
    Memo::new(move |_| {
        query.with(|q| TreeFilter {
            text: q.get("q").unwrap_or_default(),
            status: q.get("status").and_then(|s| s.parse().ok()),
            organisation: q.get("org").and_then(|o| o.parse().ok()),
            sectoral_plan: q.get("plan").and_then(|p| p.parse().ok()),
            late: q.get("late").as_deref() == Some("1"),
            stale: q.get("stale").as_deref() == Some("1"),
            mine: (q.get("mine").as_deref() == Some("1"))
                .then_some(my_organisation)
                .flatten(),
            responsible: (q.get("responsible").as_deref() == Some("1"))
                .then(|| answered_for.clone()),
        })
    })
}

/// The filter bar; every change rewrites the URL (replacing the history entry).
#[component]
pub fn FilterBar(
    filter: Memo<TreeFilter>,
    organisations: Vec<OrganisationRef>,
    /// The CPAS's sectoral plans: a list to choose from when there are some.
    sectoral_plans: Vec<SectoralPlan>,
    has_organisation: bool,
    shown: Signal<usize>,
) -> impl IntoView {
    let navigate = use_navigate();
    let clear_navigate = navigate.clone();
    let location = use_location();
    let query = use_query_map();
    let set = move |key: &'static str, value: String| {
        let mut params: Vec<(String, String)> = query.with_untracked(|q| {
            [
                "q",
                "status",
                "org",
                "plan",
                "late",
                "stale",
                "mine",
                "responsible",
            ]
            .iter()
            .filter(|k| **k != key)
            .filter_map(|k| q.get(k).map(|v| ((*k).to_owned(), v)))
            .collect()
        });
        if !value.is_empty() {
            params.push((key.to_owned(), value));
        }
        let search = params
            .iter()
            .map(|(k, v)| format!("{k}={}", js_sys::encode_uri_component(v)))
            .collect::<Vec<_>>()
            .join("&");
        let path = location.pathname.get_untracked();
        let target = if search.is_empty() {
            path
        } else {
            format!("{path}?{search}")
        };
        navigate(
            &target,
            NavigateOptions {
                replace: true,
                scroll: false,
                ..Default::default()
            },
        );
    };
    let statuses = ActionStatus::ALL
        .iter()
        .map(|s| view! { <option value=s.as_str() prop:selected=move || filter.with(|f| f.status == Some(*s))>{status_label(*s)}</option> })
        .collect_view();
    let organisation_options = organisations
        .into_iter()
        .map(|o| {
            let id = o.id;
            view! { <option value=id.to_string() prop:selected=move || filter.with(|f| f.organisation == Some(id))>{o.name}</option> }
        })
        .collect_view();
    let set_plan = set.clone();
    let sectoral_list = (!sectoral_plans.is_empty()).then(|| {
        let options = sectoral_plans
            .into_iter()
            .map(|p| {
                let id = p.id;
                view! { <option value=id.to_string() prop:selected=move || filter.with(|f| f.sectoral_plan == Some(id))>{p.name}</option> }
            })
            .collect_view();
        view! {
            <div class="field">
                <label for="filter-plan">{tr!(sectoral_plan_column)}</label>
                <select id="filter-plan" on:change=move |ev| set_plan("plan", event_target_value(&ev))>
                    <option value="">{tr!(filter_all)}</option>
                    {options}
                </select>
            </div>
        }
    });
    let set_text = set.clone();
    let set_status = set.clone();
    let set_org = set.clone();
    let set_late = set.clone();
    let set_stale = set.clone();
    let set_responsible = set.clone();
    let clear = move |_| {
        clear_navigate(
            &location.pathname.get_untracked(),
            NavigateOptions {
                replace: true,
                scroll: false,
                ..Default::default()
            },
        );
        // Back to the search box: the person goes on from where they filter.
        if let Some(input) = web_sys::window()
            .and_then(|w| w.document())
            .and_then(|d| d.get_element_by_id("filter-q"))
            .and_then(|e| wasm_bindgen::JsCast::dyn_into::<web_sys::HtmlElement>(e).ok())
        {
            let _ = input.focus();
        }
    };
    view! {
        <form class="filter-bar" role="search" on:submit=|ev| ev.prevent_default()>
            <div class="field">
                <label for="filter-q">{tr!(filter_text)}</label>
                <input id="filter-q" type="search" prop:value=move || filter.with(|f| f.text.clone())
                    on:input=move |ev| set_text("q", event_target_value(&ev))/>
            </div>
            <div class="field">
                <label for="filter-status">{tr!(field_status)}</label>
                <select id="filter-status" on:change=move |ev| set_status("status", event_target_value(&ev))>
                    <option value="">{tr!(filter_all)}</option>
                    {statuses}
                </select>
            </div>
            <div class="field">
                <label for="filter-org">{tr!(filter_organisation)}</label>
                <select id="filter-org" on:change=move |ev| set_org("org", event_target_value(&ev))>
                    <option value="">{tr!(filter_all)}</option>
                    {organisation_options}
                </select>
            </div>
            {sectoral_list}
            <label class="check">
                <input type="checkbox" prop:checked=move || filter.with(|f| f.late)
                    on:change=move |ev| set_late("late", if event_target_checked(&ev) { "1".to_owned() } else { String::new() })/>
                {tr!(filter_late)}
            </label>
            <label class="check">
                <input type="checkbox" prop:checked=move || filter.with(|f| f.stale)
                    on:change=move |ev| set_stale("stale", if event_target_checked(&ev) { "1".to_owned() } else { String::new() })/>
                {tr!(filter_stale)}
            </label>
            <label class="check">
                <input type="checkbox" prop:checked=move || filter.with(|f| f.responsible.is_some())
                    on:change=move |ev| set_responsible("responsible", if event_target_checked(&ev) { "1".to_owned() } else { String::new() })/>
                {tr!(filter_responsible)}
            </label>
            {has_organisation.then(|| view! {
                <label class="check">
                    <input type="checkbox" prop:checked=move || filter.with(|f| f.mine.is_some())
                        on:change=move |ev| set("mine", if event_target_checked(&ev) { "1".to_owned() } else { String::new() })/>
                    {tr!(filter_mine)}
                </label>
            })}
            <p class="filter-count" aria-live="polite">{move || tr!(count_actions, count = shown.get())}</p>
        </form>
        {move || (shown.get() == 0 && filter.with(TreeFilter::is_active)).then(|| view! {
            <p class="notice empty-result">
                {tr!(no_matching_action)} " "
                <button type="button" on:click=clear.clone()>{tr!(clear_filters)}</button>
            </p>
        })}
    }
}
