//! Editing a plan's structure (the DG): objectives and actions, their order, the lead
//! entity and collaborators, reservations, the DG's opinions, and the adoption.
//!
//! Every save goes to the API with the version the page was drawn from; a stale one comes
//! back as a conflict, explained, and the page reloads the current plan.

use std::future::Future;
use std::pin::Pin;

use api_types::{
    Action, ActionDefinitionPatch, ActionKind, ActionOrganisations, Adoption, NewAction,
    NewObjective, ObjectiveDates, ObjectiveLevel, ObjectivePatch, Opinion, OpinionInput,
    OrganisationSummary, PlanDate, PlanStatus, PlanTree, UserRef, Volet,
};
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::components::A;
use leptos_router::hooks::use_params_map;
use uuid::Uuid;

use super::AdminFrame;
use crate::api::{self, ApiFailure};
use crate::components::confirm_dialog::{Confirm, ConfirmDialog, Confirmation, fill};
use crate::components::failure::{ErrorText, Failure, explain};
use crate::loader::loader;
use crate::pages::plans_page::status_label;
use crate::session::SessionContext;

type Saving = Pin<Box<dyn Future<Output = Result<(), ApiFailure>>>>;

/// What every form of the page shares: the token, the announcement of the outcome, and the
/// reload of the plan after a save.
#[derive(Clone, Copy)]
struct Editor {
    session: SessionContext,
    status: RwSignal<Option<String>>,
    reload: RwSignal<u32>,
    /// The item whose move button was pressed, to focus it again once redrawn.
    focus: StoredValue<Option<String>>,
    organisations: StoredValue<Vec<OrganisationSummary>>,
    objective_codes: StoredValue<Vec<(Uuid, String)>>,
    /// Whom an objective or an action may have as its responsible.
    people: StoredValue<Vec<Person>>,
    /// The CPAS's sectoral plans, which objectives and actions are tagged with.
    sectoral_plans: StoredValue<Vec<(Uuid, String)>>,
}

/// The people of the CPAS, as the management's list gives them: the editor's own type, so
/// that decoding it stays in this chunk (the tasks' type would be code shared between two
/// chunks, which moves into the initial WASM).
#[derive(serde::Deserialize)]
struct People {
    users: Vec<Person>,
}

#[derive(Clone, serde::Deserialize)]
struct Person {
    id: Uuid,
    display_name: String,
}

/// Who answers for an objective and its own dates, as the editor's form starts from.
#[derive(Clone)]
struct ObjectiveFields {
    political_lead: Option<String>,
    political_function: Option<String>,
    responsible: Option<UserRef>,
    political_lead_account: Option<UserRef>,
    dates: ObjectiveDates,
    sectoral_plans: Vec<Uuid>,
}

/// A trimmed text, `None` when blank: what a patch sends to clear a field.
fn optional_line(text: String) -> Option<String> {
    let text = text.trim().to_owned();
    (!text.is_empty()).then_some(text)
}

/// A date input's value (`YYYY-MM-DD`, or empty for none).
fn date_value(date: Option<chrono::NaiveDate>) -> RwSignal<String> {
    RwSignal::new(date.map(|d| d.to_string()).unwrap_or_default())
}

/// The date typed, or `None` when the input is empty (or not a date the API takes).
fn typed_date(text: &str) -> Option<PlanDate> {
    PlanDate::parse(text.trim()).ok()
}

impl Editor {
    fn token(self) -> String {
        self.session.token().unwrap_or_default()
    }

    /// Sends one change; on success announces it and draws the plan again, on failure shows
    /// why next to the form.
    /// One boxed future type, so the spawning code is compiled once for every form.
    fn save(self, error: RwSignal<Option<String>>, call: Saving) {
        spawn_local(async move {
            match call.await {
                Ok(_) => {
                    error.set(None);
                    self.status.set(Some(tr!(saved).to_owned()));
                    self.reload.update(|n| *n += 1);
                }
                Err(failure)
                    if failure.status == 409
                        && failure
                            .problem
                            .as_ref()
                            .is_some_and(|p| p.conflict.is_some()) =>
                {
                    self.status.set(Some(tr!(changed_meanwhile).to_owned()));
                    self.reload.update(|n| *n += 1);
                }
                Err(failure) => error.set(Some(explain(&failure))),
            }
        });
    }
}

#[component]
pub fn StructurePage() -> impl IntoView {
    view! {
        <AdminFrame title=tr!(plan_structure)>
            <Structure/>
        </AdminFrame>
    }
}

#[component]
fn Structure() -> impl IntoView {
    let params = use_params_map();
    let session = SessionContext::get();
    let reload = RwSignal::new(0_u32);
    let status = RwSignal::new(None::<String>);
    let data = loader(move || {
        reload.track();
        let id = params.read().get("id").unwrap_or_default();
        let token = session.token().unwrap_or_default();
        Box::pin(async move {
            let tree = api::get_plan(&token, &id).await?;
            let organisations = api::list_organisations(&token, None).await?;
            let people: People = api::people_of_cpas(&token).await?;
            Ok((tree, organisations, people.users))
        })
    });
    let focus = StoredValue::new(None::<String>);
    view! {
        <p role="status" class="notice sr-status">{move || status.get()}</p>
        {move || match data.get() {
            None => view! { <p class="notice" aria-busy="true">{tr!(loading)}</p> }.into_any(),
            Some(Err(failure)) => view! { <Failure failure/> }.into_any(),
            Some(Ok((tree, organisations, people))) => {
                let codes = tree
                    .objectives
                    .iter()
                    .flat_map(|os| {
                        std::iter::once((os.id, os.code.clone()))
                            .chain(os.operational_objectives.iter().map(|oo| (oo.id, oo.code.clone())))
                    })
                    .collect();
                let editor = Editor {
                    session,
                    status,
                    reload,
                    focus,
                    organisations: StoredValue::new(organisations),
                    objective_codes: StoredValue::new(codes),
                    people: StoredValue::new(people),
                    sectoral_plans: StoredValue::new(
                        tree.sectoral_plans.iter().map(|p| (p.id, p.name.clone())).collect(),
                    ),
                };
                // Keyboard users keep their place: the button they pressed gets the focus back.
                request_animation_frame(move || {
                    if let Some(id) = focus.try_update_value(Option::take).flatten() {
                        focus_first_enabled(&[format!("{id}-up"), format!("{id}-down")]);
                    }
                });
                let view = view! { <PlanStructure tree editor/> }.into_any();
                // Each answer is drawn afresh, not patched over the last one: the two arms
                // alternate, so no editor stays open over another item's values after a
                // save or a move. (Cheaper in WASM than a keyed list of one.)
                if reload.get_untracked().is_multiple_of(2) {
                    leptos::either::Either::<AnyView, AnyView>::Left(view).into_any()
                } else {
                    leptos::either::Either::<AnyView, AnyView>::Right(view).into_any()
                }
            }
        }}
    }
}

/// Focuses the first of these elements that exists and is not disabled.
fn focus_first_enabled(ids: &[String]) {
    use wasm_bindgen::JsCast;
    let Some(document) = web_sys::window().and_then(|w| w.document()) else {
        return;
    };
    let target = ids
        .iter()
        .filter_map(|id| document.get_element_by_id(id))
        .find(|e| !e.has_attribute("disabled"));
    if let Some(element) = target.and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok()) {
        let _ = element.focus();
    }
}

#[component]
fn PlanStructure(tree: PlanTree, editor: Editor) -> impl IntoView {
    let plan_id = tree.id.to_string();
    let os_count = tree.objectives.len();
    view! {
        <p><A href=format!("/plans/{}", tree.id)>{tr!(back_to_plan)}</A></p>
        <h2 class="plan-title">{tree.title.clone()}</h2>
        <p class="plan-meta">{status_label(tree.status)} " · " {tr!(version)} " " {tree.version}</p>
        {(tree.status == PlanStatus::Draft).then(|| view! { <AdoptForm plan_id=plan_id.clone() title=tree.title.clone() version=tree.version editor/> })}
        {(tree.status != PlanStatus::Draft).then(|| view! {
            <Publication plan_id=plan_id.clone() slug=tree.tenant.slug.clone() published=tree.published_at.is_some() editor/>
        })}
        <ol class="structure">
            {tree.objectives.into_iter().enumerate().map(|(index, os)| {
                let oo_count = os.operational_objectives.len();
                let os_id = os.id;
                view! {
                    <li class="card structure-os">
                        <ObjectiveRow id=os.id code=os.code.clone() title=os.title.clone() volet=os.volet
                            version=os.version index count=os_count editor
                            fields=ObjectiveFields {
                                political_lead: os.political_lead.clone(),
                                political_function: os.political_function.clone(),
                                responsible: os.responsible.clone(),
                                political_lead_account: os.political_lead_account.clone(),
                                dates: os.dates,
                                sectoral_plans: os.sectoral_plans.clone(),
                            }
                            derived_from=tr!(derived_from_objectives)/>
                        <ol>
                            {os.operational_objectives.into_iter().enumerate().map(|(index, oo)| {
                                let action_count = oo.actions.len();
                                let oo_id = oo.id;
                                view! {
                                    <li class="structure-oo">
                                        <ObjectiveRow id=oo.id code=oo.code.clone() title=oo.title.clone() volet=oo.volet
                                            version=oo.version index count=oo_count editor
                                            fields=ObjectiveFields {
                                                political_lead: oo.political_lead.clone(),
                                                political_function: oo.political_function.clone(),
                                                responsible: oo.responsible.clone(),
                                                political_lead_account: oo.political_lead_account.clone(),
                                                dates: oo.dates,
                                                sectoral_plans: oo.sectoral_plans.clone(),
                                            }
                                            derived_from=tr!(derived_from_actions)/>
                                        <ol class="structure-actions">
                                            {oo.actions.into_iter().enumerate().map(|(index, action)| view! {
                                                <ActionRow action index count=action_count editor/>
                                            }).collect_view()}
                                        </ol>
                                        <NewActionForm objective=oo_id editor/>
                                    </li>
                                }
                            }).collect_view()}
                        </ol>
                        <NewObjectiveForm plan_id=plan_id.clone() parent=Some(os_id) editor/>
                    </li>
                }
            }).collect_view()}
        </ol>
        <NewObjectiveForm plan_id=plan_id.clone() parent=None editor/>
        <Opinions plan_id opinions=tree.opinions editor/>
    }
}

/// The council adopted the plan: its date. Confirmed first: there is no way back to a
/// draft.
#[component]
fn AdoptForm(plan_id: String, title: String, version: i32, editor: Editor) -> impl IntoView {
    let date = RwSignal::new(String::new());
    let deliberation = RwSignal::new(String::new());
    let error = RwSignal::new(None::<String>);
    let confirm = Confirm::default();
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let Some(adopted_on) = crate::format::iso_date(&date.get_untracked())
            .and_then(|date| PlanDate::new(date).ok())
        else {
            error.set(Some(tr!(error_invalid_date).to_owned()));
            return;
        };
        let plan = plan_id.clone();
        let deliberation =
            Some(deliberation.get_untracked().trim().to_owned()).filter(|d| !d.is_empty());
        let on_confirm = Callback::new(move |()| {
            let (plan, token, deliberation) = (plan.clone(), editor.token(), deliberation.clone());
            editor.save(
                error,
                Box::pin(async move {
                    api::adopt_plan(
                        &token,
                        &plan,
                        &Adoption {
                            version,
                            adopted_on,
                            deliberation,
                        },
                    )
                    .await
                    .map(drop)
                }),
            );
        });
        let day = crate::format::date(&adopted_on.to_string());
        let holes = [("plan", title.as_str()), ("date", day.as_str())];
        confirm.ask(Confirmation {
            title: tr!(confirm_adopt_title).to_owned(),
            text: fill(tr!(confirm_adopt_text), &holes),
            act: fill(tr!(confirm_adopt_act), &holes),
            on_confirm,
            on_cancel: None,
        });
    };
    view! {
        <ConfirmDialog confirm/>
        <form class="card inline-form" on:submit=submit>
            <h2>{tr!(adopt_plan)}</h2>
            <p class="field">
                <label for="adopted-on">{tr!(council_date)}</label>
                <input id="adopted-on" type="date" required bind:value=date/>
            </p>
            <p class="field">
                <label for="deliberation">{tr!(deliberation)}</label>
                <input id="deliberation" type="text" maxlength="200" bind:value=deliberation/>
            </p>
            <button type="submit" class="primary">{tr!(adopt)}</button>
            <ErrorText error/>
        </form>
    }
}

/// The plan on the public transparency page: publish, see, withdraw.
#[component]
fn Publication(plan_id: String, slug: String, published: bool, editor: Editor) -> impl IntoView {
    let error = RwSignal::new(None::<String>);
    let public = crate::locale::document_url(&format!("/public/{slug}/{plan_id}"));
    let toggle = move |_| {
        let (plan, token) = (plan_id.clone(), editor.token());
        editor.save(
            error,
            Box::pin(async move { api::set_published(&token, &plan, !published).await }),
        );
    };
    view! {
        <div class="card inline-form">
            <h2>{tr!(public_page)}</h2>
            {published.then(|| view! { <p><a href=public.clone() target="_blank">{tr!(published_see)}</a></p> })}
            <button type="button" class=if published { "secondary danger" } else { "primary" } on:click=toggle>
                {if published { tr!(unpublish) } else { tr!(publish) }}
            </button>
            <ErrorText error/>
        </div>
    }
}

/// Buttons that move an item one place up or down among its siblings.
#[component]
fn MoveButtons(
    item: Uuid,
    label: String,
    index: usize,
    count: usize,
    on_move: Callback<i32>,
    editor: Editor,
) -> impl IntoView {
    let position = i32::try_from(index).unwrap_or(i32::MAX);
    let moved = move |to: i32| {
        editor.focus.set_value(Some(format!("move-{item}")));
        on_move.run(to);
    };
    view! {
        <span class="move-buttons">
            <button type="button" class="icon" id=format!("move-{item}-up") disabled=index == 0
                aria-label=format!("{} — {label}", tr!(move_up))
                on:click=move |_| moved(position - 1)>"↑"</button>
            <button type="button" class="icon" id=format!("move-{item}-down") disabled={index + 1 >= count}
                aria-label=format!("{} — {label}", tr!(move_down))
                on:click=move |_| moved(position + 1)>"↓"</button>
        </span>
    }
}

/// An objective's code, title and volet, edited in place; its order among its siblings.
#[component]
fn ObjectiveRow(
    id: Uuid,
    code: String,
    title: String,
    volet: Volet,
    version: i32,
    index: usize,
    count: usize,
    editor: Editor,
    fields: ObjectiveFields,
    /// What its dates are derived from, when they are.
    derived_from: &'static str,
) -> impl IntoView {
    let error = RwSignal::new(None::<String>);
    let (code_value, title_value) = (RwSignal::new(code.clone()), RwSignal::new(title.clone()));
    let volet_value = RwSignal::new(volet);
    let political_lead = RwSignal::new(fields.political_lead.clone().unwrap_or_default());
    let political_function = RwSignal::new(fields.political_function.clone().unwrap_or_default());
    let responsible = RwSignal::new(fields.responsible.as_ref().map(|r| r.id));
    let political_lead_account =
        RwSignal::new(fields.political_lead_account.as_ref().map(|r| r.id));
    let planned_start = date_value(fields.dates.planned_start);
    let planned_end = date_value(fields.dates.planned_end);
    let tags = RwSignal::new(fields.sectoral_plans.clone());
    let original_tags = fields.sectoral_plans.clone();
    let target = id.to_string();
    let patch = move |patch: ObjectivePatch| {
        let (target, token) = (target.clone(), editor.token());
        // The tags go with the form's save, when they changed.
        let tags =
            Some(tags.get_untracked()).filter(|t| *t != original_tags && patch.code.is_some());
        editor.save(
            error,
            Box::pin(async move {
                api::update_objective(&token, &target, &patch).await?;
                if let Some(sectoral_plan_ids) = tags {
                    let body = api_types::SectoralPlanTags { sectoral_plan_ids };
                    api::managers::set_sectoral_tags(
                        &token,
                        &format!("objectives/{target}"),
                        &body,
                    )
                    .await?;
                }
                Ok(())
            }),
        );
    };
    let on_move = {
        let patch = patch.clone();
        Callback::new(move |position: i32| {
            patch(ObjectivePatch {
                version,
                position: Some(position),
                ..ObjectivePatch::default()
            });
        })
    };
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        patch(ObjectivePatch {
            version,
            code: Some(code_value.get_untracked().trim().to_owned()),
            title: Some(title_value.get_untracked().trim().to_owned()),
            volet: Some(volet_value.get_untracked()),
            political_lead: Some(optional_line(political_lead.get_untracked())),
            political_function: Some(optional_line(political_function.get_untracked())),
            responsible_user_id: Some(responsible.get_untracked()),
            political_lead_user_id: Some(political_lead_account.get_untracked()),
            planned_start: Some(typed_date(&planned_start.get_untracked())),
            planned_end: Some(typed_date(&planned_end.get_untracked())),
            ..ObjectivePatch::default()
        });
    };
    let field = |name: &str| format!("{name}-{id}");
    let dates = fields.dates;
    let day = move |label: &'static str, date: Option<chrono::NaiveDate>, derived: bool| {
        date.map(|d| {
            view! {
                <span class="fact">
                    {label} " : " {crate::format::date(&d.to_string())}
                    {derived.then(|| view! { " " <span class="hint derived">"(" {derived_from} ")"</span> })}
                </span>
            }
        })
    };
    view! {
        <div class="structure-row">
            <h3><span class="code">{code.clone()}</span> " " {title.clone()}</h3>
            <MoveButtons item=id label=code.clone() index count on_move editor/>
        </div>
        <p class="objective-facts">
            {day(tr!(objective_start), dates.start, dates.start_derived)}
            {day(tr!(objective_end), dates.end, dates.end_derived)}
            {fields.responsible.map(|r| view! { <span class="fact">{tr!(field_responsible)} " : " {r.display_name}</span> })}
        </p>
        <details>
            <summary>{tr!(edit)} " " {code.clone()}</summary>
            <form class="inline-form" on:submit=submit>
                <p class="field">
                    <label for=field("code")>{tr!(field_code)}</label>
                    <input id=field("code") type="text" required size="8" bind:value=code_value/>
                </p>
                <p class="field wide">
                    <label for=field("title")>{tr!(title)}</label>
                    <input id=field("title") type="text" required bind:value=title_value/>
                </p>
                <VoletSelect id=field("volet") value=volet_value/>
                <p class="field">
                    <label for=field("political-lead")>{tr!(mandataire)}</label>
                    <input id=field("political-lead") type="text" maxlength=LEAD_MAX bind:value=political_lead/>
                </p>
                <p class="field">
                    <label for=field("political-function")>{tr!(field_political_function)}</label>
                    <input id=field("political-function") type="text" maxlength=LEAD_MAX bind:value=political_function/>
                </p>
                <PersonSelect id=field("responsible") label=tr!(field_responsible) value=responsible editor/>
                <PersonSelect id=field("political-lead-account") label=tr!(field_political_lead_account) value=political_lead_account editor/>
                <p class="field">
                    <label for=field("planned-start")>{tr!(objective_start)}</label>
                    <input id=field("planned-start") type="date" bind:value=planned_start/>
                </p>
                <p class="field">
                    <label for=field("planned-end")>{tr!(objective_end)}</label>
                    <input id=field("planned-end") type="date" bind:value=planned_end/>
                </p>
                <p class="hint">{tr!(objective_dates_hint)}</p>
                <SectoralTags id chosen=tags editor/>
                <button type="submit" class="primary">{tr!(save)}</button>
                <ErrorText error/>
            </form>
        </details>
    }
}

/// The longest mandataire's name or function the API takes.
const LEAD_MAX: usize = api_types::LEAD_MAX_CHARS;

/// A person who answers for an item (its responsible, its mandataire's account): nobody,
/// or a person of the CPAS.
#[component]
fn PersonSelect(
    id: String,
    label: &'static str,
    value: RwSignal<Option<Uuid>>,
    editor: Editor,
) -> impl IntoView {
    let people = editor.people.get_value();
    view! {
        <p class="field">
            <label for=id.clone()>{label}</label>
            <select id=id on:change=move |ev| value.set(event_target_value(&ev).parse().ok())>
                <option value="" selected=value.get_untracked().is_none()>{tr!(responsible_none)}</option>
                {people.into_iter().map(|p| view! {
                    <option value=p.id.to_string() selected=Some(p.id) == value.get_untracked()>{p.display_name}</option>
                }).collect_view()}
            </select>
        </p>
    }
}

#[component]
fn VoletSelect(id: String, value: RwSignal<Volet>) -> impl IntoView {
    view! {
        <p class="field">
            <label for=id.clone()>{tr!(volet)}</label>
            <select id=id on:change=move |ev| {
                if let Ok(v) = event_target_value(&ev).parse() { value.set(v) }
            }>
                {Volet::ALL.iter().map(|v| view! {
                    <option value=v.as_str() selected=*v == value.get_untracked()>{volet_label(*v)}</option>
                }).collect_view()}
            </select>
        </p>
    }
}

fn volet_label(volet: Volet) -> &'static str {
    match volet {
        Volet::Externe => tr!(volet_externe),
        Volet::Interne => tr!(volet_interne),
    }
}

fn kind_label(kind: Option<ActionKind>) -> &'static str {
    match kind {
        Some(ActionKind::Mission) => tr!(kind_mission),
        Some(ActionKind::Projet) => tr!(kind_projet),
        None => "—",
    }
}

#[component]
fn KindSelect(id: String, value: RwSignal<Option<ActionKind>>) -> impl IntoView {
    view! {
        <p class="field">
            <label for=id.clone()>{tr!(action_type)}</label>
            <select id=id on:change=move |ev| value.set(event_target_value(&ev).parse().ok())>
                {[None, Some(ActionKind::Mission), Some(ActionKind::Projet)].into_iter().map(|k| view! {
                    <option value=k.map(ActionKind::as_str).unwrap_or_default() selected=k == value.get_untracked()>
                        {kind_label(k)}
                    </option>
                }).collect_view()}
            </select>
        </p>
    }
}

/// Adds a strategic objective (no parent) or an operational one under `parent`.
#[component]
fn NewObjectiveForm(plan_id: String, parent: Option<Uuid>, editor: Editor) -> impl IntoView {
    let (code, title) = (RwSignal::new(String::new()), RwSignal::new(String::new()));
    let volet = RwSignal::new(Volet::Externe);
    let error = RwSignal::new(None::<String>);
    let level = if parent.is_some() {
        ObjectiveLevel::Operational
    } else {
        ObjectiveLevel::Strategic
    };
    let prefix = parent.map_or_else(|| "new-os".to_owned(), |p| format!("new-oo-{p}"));
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let new = NewObjective {
            level,
            parent_id: parent,
            volet: volet.get_untracked(),
            code: code.get_untracked().trim().to_owned(),
            title: title.get_untracked().trim().to_owned(),
            position: None,
        };
        let (plan, token) = (plan_id.clone(), editor.token());
        editor.save(
            error,
            Box::pin(async move { api::create_objective(&token, &plan, &new).await.map(drop) }),
        );
    };
    let legend = if parent.is_some() {
        tr!(add_operational_objective)
    } else {
        tr!(add_strategic_objective)
    };
    view! {
        <details class="add">
            <summary>{legend}</summary>
            <form class="inline-form" on:submit=submit>
                <p class="field">
                    <label for=format!("{prefix}-code")>{tr!(field_code)}</label>
                    <input id=format!("{prefix}-code") type="text" required size="8" bind:value=code/>
                </p>
                <p class="field wide">
                    <label for=format!("{prefix}-title")>{tr!(title)}</label>
                    <input id=format!("{prefix}-title") type="text" required bind:value=title/>
                </p>
                <VoletSelect id=format!("{prefix}-volet") value=volet/>
                <button type="submit" class="primary">{tr!(add)}</button>
                <ErrorText error/>
            </form>
        </details>
    }
}

#[component]
fn NewActionForm(objective: Uuid, editor: Editor) -> impl IntoView {
    let (code, title) = (RwSignal::new(String::new()), RwSignal::new(String::new()));
    let kind = RwSignal::new(Some(ActionKind::Projet));
    let error = RwSignal::new(None::<String>);
    let prefix = format!("new-action-{objective}");
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let new = NewAction {
            code: code.get_untracked().trim().to_owned(),
            kind: kind.get_untracked(),
            title: title.get_untracked().trim().to_owned(),
            description: None,
            reservation: None,
            transversal: false,
            position: None,
        };
        let (target, token) = (objective.to_string(), editor.token());
        editor.save(
            error,
            Box::pin(async move { api::create_action(&token, &target, &new).await.map(drop) }),
        );
    };
    view! {
        <details class="add">
            <summary>{tr!(add_action)}</summary>
            <form class="inline-form" on:submit=submit>
                <p class="field">
                    <label for=format!("{prefix}-code")>{tr!(field_code)}</label>
                    <input id=format!("{prefix}-code") type="text" required size="8" bind:value=code/>
                </p>
                <KindSelect id=format!("{prefix}-kind") value=kind/>
                <p class="field wide">
                    <label for=format!("{prefix}-title")>{tr!(title)}</label>
                    <input id=format!("{prefix}-title") type="text" required bind:value=title/>
                </p>
                <button type="submit" class="primary">{tr!(add)}</button>
                <ErrorText error/>
            </form>
        </details>
    }
}

/// An action: what the plan says of it, its lead entity and collaborators.
#[component]
fn ActionRow(action: Action, index: usize, count: usize, editor: Editor) -> impl IntoView {
    let id = action.id;
    let version = action.version;
    let error = RwSignal::new(None::<String>);
    let code = RwSignal::new(action.code.clone());
    let kind = RwSignal::new(action.kind);
    let title = RwSignal::new(action.title.clone());
    let description = RwSignal::new(action.description.clone().unwrap_or_default());
    let reservation = RwSignal::new(action.reservation.clone().unwrap_or_default());
    let transversal = RwSignal::new(action.transversal);
    let political_function = RwSignal::new(action.political_function.clone().unwrap_or_default());
    let responsible = RwSignal::new(action.responsible.as_ref().map(|r| r.id));
    let political_lead_account =
        RwSignal::new(action.political_lead_account.as_ref().map(|r| r.id));
    let lead = RwSignal::new(action.lead.as_ref().map(|o| o.id));
    let collaborators = RwSignal::new(
        action
            .collaborators
            .iter()
            .map(|o| o.id)
            .collect::<Vec<_>>(),
    );
    let original_organisations = (lead.get_untracked(), collaborators.get_untracked());
    let tags = RwSignal::new(action.sectoral_plans.clone());
    let original_tags = action.sectoral_plans.clone();

    let on_move = Callback::new(move |position: i32| {
        let token = editor.token();
        let patch = ActionDefinitionPatch {
            version,
            position: Some(position),
            ..ActionDefinitionPatch::default()
        };
        editor.save(
            error,
            Box::pin(async move {
                api::update_action_definition(&token, &id.to_string(), &patch)
                    .await
                    .map(drop)
            }),
        );
    });
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let optional = |text: String| {
            let text = text.trim().to_owned();
            Some((!text.is_empty()).then_some(text))
        };
        let patch = ActionDefinitionPatch {
            version,
            code: Some(code.get_untracked().trim().to_owned()),
            kind: Some(kind.get_untracked()),
            title: Some(title.get_untracked().trim().to_owned()),
            description: optional(description.get_untracked()),
            reservation: optional(reservation.get_untracked()),
            transversal: Some(transversal.get_untracked()),
            political_function: Some(optional_line(political_function.get_untracked())),
            responsible_user_id: Some(responsible.get_untracked()),
            political_lead_user_id: Some(political_lead_account.get_untracked()),
            ..ActionDefinitionPatch::default()
        };
        let organisations = (lead.get_untracked(), collaborators.get_untracked());
        let organisations_changed = organisations != original_organisations;
        let chosen_tags = Some(tags.get_untracked()).filter(|t| *t != original_tags);
        let token = editor.token();
        editor.save(
            error,
            Box::pin(async move {
                let target = id.to_string();
                let detail = api::update_action_definition(&token, &target, &patch).await?;
                if organisations_changed {
                    let body = ActionOrganisations {
                        version: detail.action.version,
                        lead: organisations.0,
                        collaborators: organisations.1,
                    };
                    api::set_action_organisations(&token, &target, &body).await?;
                }
                if let Some(sectoral_plan_ids) = chosen_tags {
                    let body = api_types::SectoralPlanTags { sectoral_plan_ids };
                    api::managers::set_sectoral_tags(&token, &format!("actions/{target}"), &body)
                        .await?;
                }
                Ok(())
            }),
        );
    };
    let field = move |name: &str| format!("{name}-{id}");
    let organisations = editor.organisations.get_value();
    view! {
        <li class="structure-action">
            <div class="structure-row">
                <span>
                    <span class="code">{action.code.clone()}</span> " " {action.title.clone()}
                    {action.lead.as_ref().map(|o| view! { " " <span class="badge lead">{o.name.clone()}</span> })}
                    {action.reservation.is_some().then(|| view! { " " <span class="badge reservation">{tr!(reservation)}</span> })}
                </span>
                <MoveButtons item=id label=action.code.clone() index count on_move editor/>
            </div>
            <details>
                <summary>{tr!(edit)} " " {action.code.clone()}</summary>
                <form class="action-editor" on:submit=submit>
                    <div class="inline-form">
                        <p class="field">
                            <label for=field("code")>{tr!(field_code)}</label>
                            <input id=field("code") type="text" required size="8" bind:value=code/>
                        </p>
                        <KindSelect id=field("kind") value=kind/>
                        <p class="field wide">
                            <label for=field("title")>{tr!(title)}</label>
                            <input id=field("title") type="text" required bind:value=title/>
                        </p>
                    </div>
                    <p class="field">
                        <label for=field("description")>{tr!(description)}</label>
                        <textarea id=field("description") rows="3" bind:value=description></textarea>
                    </p>
                    <p class="field">
                        <label for=field("reservation")>{tr!(reservation)}</label>
                        <textarea id=field("reservation") rows="2" bind:value=reservation
                            placeholder=tr!(reservation_example)></textarea>
                    </p>
                    <p class="field checkbox">
                        <input id=field("transversal") type="checkbox" bind:checked=transversal/>
                        <label for=field("transversal")>{tr!(transversal)}</label>
                    </p>
                    <div class="inline-form">
                        <p class="field">
                            <label for=field("political-function")>{tr!(field_political_function)}</label>
                            <input id=field("political-function") type="text" maxlength=LEAD_MAX bind:value=political_function/>
                        </p>
                        <PersonSelect id=field("responsible") label=tr!(field_responsible) value=responsible editor/>
                        <PersonSelect id=field("political-lead-account") label=tr!(field_political_lead_account) value=political_lead_account editor/>
                    </div>
                    <p class="field">
                        <label for=field("lead")>{tr!(lead_entity)}</label>
                        <select id=field("lead") on:change=move |ev| lead.set(event_target_value(&ev).parse().ok())>
                            <option value="" selected=lead.get_untracked().is_none()>"—"</option>
                            {organisations.iter().map(|o| view! {
                                <option value=o.id.to_string() selected=Some(o.id) == lead.get_untracked()>{o.name.clone()}</option>
                            }).collect_view()}
                        </select>
                    </p>
                    <CheckboxSet
                        legend=tr!(collaborators)
                        prefix=format!("collaborator-{id}")
                        choices=organisations.iter().map(|o| (o.id, o.name.clone())).collect()
                        chosen=collaborators
                    />
                    <SectoralTags id chosen=tags editor/>
                    <button type="submit" class="primary">{tr!(save)}</button>
                    <ErrorText error/>
                </form>
            </details>
        </li>
    }
}

/// The sectoral plans an objective or an action is tagged with, to tick, when the CPAS has
/// some.
#[component]
fn SectoralTags(id: Uuid, chosen: RwSignal<Vec<Uuid>>, editor: Editor) -> impl IntoView {
    (!editor.sectoral_plans.with_value(Vec::is_empty)).then(|| {
        view! {
            <CheckboxSet
                legend=tr!(sectoral_plans)
                prefix=format!("sectoral-{id}")
                choices=editor.sectoral_plans.get_value()
                chosen
            />
        }
    })
}

/// A set of things to tick (organisations, objectives): `chosen` holds the ticked ids, in
/// the order they were ticked.
#[component]
fn CheckboxSet(
    legend: &'static str,
    prefix: String,
    choices: Vec<(Uuid, String)>,
    chosen: RwSignal<Vec<Uuid>>,
) -> impl IntoView {
    view! {
        <fieldset class="checkboxes">
            <legend>{legend}</legend>
            {choices.into_iter().map(|(choice, label)| {
                let box_id = format!("{prefix}-{choice}");
                view! {
                    <span class="checkbox">
                        <input id=box_id.clone() type="checkbox"
                            checked=chosen.get_untracked().contains(&choice)
                            on:change=move |ev| {
                                let on = event_target_checked(&ev);
                                chosen.update(|list| {
                                    list.retain(|c| *c != choice);
                                    if on { list.push(choice) }
                                });
                            }/>
                        <label for=box_id>{label}</label>
                    </span>
                }
            }).collect_view()}
        </fieldset>
    }
}

/// The Directeur général's opinions: written, edited, attached to objectives, removed.
#[component]
fn Opinions(plan_id: String, opinions: Vec<Opinion>, editor: Editor) -> impl IntoView {
    view! {
        <section class="opinions" aria-labelledby="opinions-heading">
            <h2 id="opinions-heading">{tr!(dg_opinions)}</h2>
            {opinions.into_iter().map(|opinion| {
                let heading = opinion.heading.clone().unwrap_or_else(|| tr!(opinion_on_plan).to_owned());
                view! {
                    <article class="card opinion">
                        <h3>{heading}</h3>
                        {opinion.body.split("\n\n").map(|p| view! { <p>{p.to_owned()}</p> }).collect_view()}
                        <OpinionForm plan_id=plan_id.clone() opinion=Some(opinion) editor/>
                    </article>
                }
            }).collect_view()}
            <OpinionForm plan_id opinion=None editor/>
        </section>
    }
}

#[component]
fn OpinionForm(plan_id: String, opinion: Option<Opinion>, editor: Editor) -> impl IntoView {
    let existing = opinion.as_ref().map(|o| o.id);
    let prefix = existing.map_or_else(|| "new-opinion".to_owned(), |id| format!("opinion-{id}"));
    let heading = RwSignal::new(
        opinion
            .as_ref()
            .and_then(|o| o.heading.clone())
            .unwrap_or_default(),
    );
    let body = RwSignal::new(opinion.as_ref().map(|o| o.body.clone()).unwrap_or_default());
    let objectives = RwSignal::new(
        opinion
            .as_ref()
            .map(|o| o.objective_ids.clone())
            .unwrap_or_default(),
    );
    let error = RwSignal::new(None::<String>);
    let submit = {
        let plan_id = plan_id.clone();
        move |ev: leptos::ev::SubmitEvent| {
            ev.prevent_default();
            let heading = heading.get_untracked().trim().to_owned();
            let input = OpinionInput {
                heading: (!heading.is_empty()).then_some(heading),
                body: body.get_untracked().trim().to_owned(),
                objective_ids: objectives.get_untracked(),
                position: None,
            };
            let (plan, token) = (plan_id.clone(), editor.token());
            editor.save(
                error,
                Box::pin(async move {
                    match existing {
                        Some(id) => api::update_opinion(&token, &id.to_string(), &input).await,
                        None => api::create_opinion(&token, &plan, &input).await,
                    }
                    .map(drop)
                }),
            );
        }
    };
    let remove = move |_| {
        if let Some(id) = existing {
            let token = editor.token();
            editor.save(
                error,
                Box::pin(
                    async move { api::delete_opinion(&token, &id.to_string()).await.map(drop) },
                ),
            );
        }
    };
    let summary = if existing.is_some() {
        tr!(edit_opinion)
    } else {
        tr!(add_opinion)
    };
    view! {
        <details class="add">
            <summary>{summary}</summary>
            <form on:submit=submit>
                <p class="field">
                    <label for=format!("{prefix}-heading")>{tr!(heading)}</label>
                    <input id=format!("{prefix}-heading") type="text" bind:value=heading/>
                </p>
                <p class="field">
                    <label for=format!("{prefix}-body")>{tr!(opinion_text)}</label>
                    <textarea id=format!("{prefix}-body") rows="6" required bind:value=body></textarea>
                </p>
                <CheckboxSet
                    legend=tr!(opinion_objectives)
                    prefix=prefix.clone()
                    choices=editor.objective_codes.get_value()
                    chosen=objectives
                />
                <div class="buttons">
                    <button type="submit" class="primary">{tr!(save)}</button>
                    {existing.is_some().then(|| view! {
                        <button type="button" class="secondary danger" on:click=remove>{tr!(delete)}</button>
                    })}
                </div>
                <ErrorText error/>
            </form>
        </details>
    }
}
