//! The DG defines an action's multi-year projections: service, direction, economic group,
//! label, and an amount for each of the coming budget years (from a first year, six by
//! default); edits them, deletes one after a second, explicit step. The eComptes file
//! carries them.

use api_types::{
    BudgetDirection, BudgetProjection, BudgetProjectionInput, BudgetService, ProjectionAmount,
};
use leptos::prelude::*;
use leptos::task::spawn_local;
use uuid::Uuid;

use crate::api::{self, ApiFailure};
use crate::components::budget_editor::{direction_label, service_label};
use crate::components::form_field::{
    FieldErrors, FormStatus, InputField, SaveOutcome, decimal, focus_later, line, take_notice,
};
use crate::format;
use crate::loader::loader;
use crate::session::SessionContext;

/// The limits of `BudgetProjectionInput`, stated on the form.
const GROUP_MAX: usize = api_types::ECONOMIC_GROUP_MAX_CHARS;
const LABEL_MAX: usize = api_types::BUDGET_LABEL_MAX_CHARS;
/// The years a projection shows at first: the budget year and the five after.
const SHOWN_YEARS: usize = 6;

#[derive(Clone, Copy)]
struct Form {
    service: RwSignal<String>,
    direction: RwSignal<String>,
    group: RwSignal<String>,
    label: RwSignal<String>,
    first_year: RwSignal<String>,
    /// The amounts of the first year and the next ones, as typed (blank: no amount).
    amounts: StoredValue<Vec<RwSignal<String>>>,
    shown: RwSignal<usize>,
}

impl Form {
    fn new() -> Self {
        Self {
            service: RwSignal::new(String::new()),
            direction: RwSignal::new(String::new()),
            group: RwSignal::new(String::new()),
            label: RwSignal::new(String::new()),
            first_year: RwSignal::new(String::new()),
            amounts: StoredValue::new(
                (0..api_types::PROJECTION_YEARS_MAX)
                    .map(|_| RwSignal::new(String::new()))
                    .collect(),
            ),
            shown: RwSignal::new(SHOWN_YEARS),
        }
    }

    fn fill(self, projection: Option<&BudgetProjection>) {
        let service = projection.map_or(BudgetService::Ordinaire, |p| p.service);
        let direction = projection.map_or(BudgetDirection::Depense, |p| p.direction);
        self.service.set(service.as_str().to_owned());
        self.direction.set(direction.as_str().to_owned());
        self.group.set(
            projection
                .map(|p| p.economic_group.clone())
                .unwrap_or_default(),
        );
        self.label
            .set(projection.and_then(|p| p.label.clone()).unwrap_or_default());
        let years = projection.map(|p| p.years.as_slice()).unwrap_or_default();
        let first = years.first().map(|y| y.year);
        self.first_year
            .set(first.map(|y| y.to_string()).unwrap_or_default());
        let span = match (first, years.last()) {
            (Some(first), Some(last)) => usize::try_from(last.year - first + 1).unwrap_or(1),
            _ => 0,
        };
        self.shown
            .set(span.clamp(SHOWN_YEARS, api_types::PROJECTION_YEARS_MAX));
        self.amounts.with_value(|amounts| {
            for (offset, amount) in amounts.iter().enumerate() {
                let year = first.map(|f| f + offset as i32);
                let cents = years.iter().find(|y| Some(y.year) == year);
                amount.set(
                    cents
                        .map(|y| format::fixed(y.amount_cents as f64 / 100.0, 2))
                        .unwrap_or_default(),
                );
            }
        });
    }

    /// The year of the amount at `offset`, when the first year is one.
    fn year_at(self, offset: usize) -> Option<i32> {
        let first = self.first_year.get().trim().parse::<i32>().ok()?;
        api_types::PLAN_YEARS
            .contains(&first)
            .then_some(first + offset as i32)
    }

    fn input(self) -> Result<BudgetProjectionInput, Vec<(String, String)>> {
        let mut errors = Vec::new();
        let mut bad = |field: &str, message: String| errors.push((field.to_owned(), message));
        let group = match line(&self.group.get_untracked(), GROUP_MAX) {
            Ok(Some(group)) => group,
            Ok(None) => {
                bad("economic_group", tr!(required).to_owned());
                String::new()
            }
            Err(message) => {
                bad("economic_group", message);
                String::new()
            }
        };
        let label = line(&self.label.get_untracked(), LABEL_MAX).unwrap_or_else(|m| {
            bad("label", m);
            None
        });
        let first = self
            .first_year
            .get_untracked()
            .trim()
            .parse::<i32>()
            .ok()
            .filter(|y| api_types::PLAN_YEARS.contains(y));
        let mut years = Vec::new();
        match first {
            None => bad("first_year", tr!(year_limits).to_owned()),
            Some(first) => {
                let shown = self.shown.get_untracked();
                let mut unreadable = false;
                for (offset, amount) in self.amounts.get_value().iter().take(shown).enumerate() {
                    let text = amount
                        .get_untracked()
                        .replace(['€', ' ', '\u{a0}', '\u{202f}'], "");
                    match decimal(&text) {
                        Ok(None) => {}
                        Ok(Some(euros)) if (0.0..1e13).contains(&euros) => {
                            years.push(ProjectionAmount {
                                year: first + offset as i32,
                                amount_cents: (euros * 100.0).round() as i64,
                            });
                        }
                        _ => unreadable = true,
                    }
                }
                if unreadable {
                    bad("years", tr!(amount_limits).to_owned());
                } else if years.is_empty() {
                    bad("years", tr!(projection_needs_an_amount).to_owned());
                }
            }
        }
        if !errors.is_empty() {
            return Err(errors);
        }
        Ok(BudgetProjectionInput {
            service: self
                .service
                .get_untracked()
                .parse()
                .unwrap_or(BudgetService::Ordinaire),
            direction: self
                .direction
                .get_untracked()
                .parse()
                .unwrap_or(BudgetDirection::Depense),
            economic_group: group,
            label,
            years,
        })
    }
}

#[derive(Clone, Copy, PartialEq)]
enum Editing {
    Closed,
    New,
    Existing(Uuid),
}

/// How a projection is named in its buttons and the list: its group, its label.
fn projection_name(p: &BudgetProjection) -> String {
    match &p.label {
        Some(label) => format!("{} — {label}", p.economic_group),
        None => p.economic_group.clone(),
    }
}

#[component]
pub fn ProjectionsEditor(action_id: Uuid, on_changed: Callback<()>) -> impl IntoView {
    let session = SessionContext::get();
    let list = loader(move || {
        let token = session.token().unwrap_or_default();
        Box::pin(
            async move { api::managers::budget_projections(&token, &action_id.to_string()).await },
        )
    });
    let form = Form::new();
    let errors = FieldErrors::new();
    let editing = RwSignal::new(Editing::Closed);
    let deleting = RwSignal::new(None::<Uuid>);
    let message = RwSignal::new(take_notice("projections").map(|t| (true, t)));
    if message.get_untracked().is_some() {
        focus_later("projections-message");
    }
    let busy = RwSignal::new(false);

    // Saved: the action is reloaded, which draws this editor (and the records) anew.
    let outcome = SaveOutcome {
        area: "projections",
        status_id: "projections-message",
        errors,
        message,
        on_changed,
    };
    let done =
        move |result: Result<(), ApiFailure>, saved: &'static str| outcome.show(result, saved);
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if busy.get_untracked() {
            return;
        }
        let input = match form.input() {
            Ok(input) => input,
            Err(found) => {
                errors.set(found);
                message.set(Some((false, tr!(fix_fields).to_owned())));
                focus_later("projections-message");
                return;
            }
        };
        errors.set(Vec::new());
        let token = session.token().unwrap_or_default();
        let target = editing.get_untracked();
        busy.set(true);
        spawn_local(async move {
            let result = match target {
                Editing::Existing(id) => {
                    api::managers::update_budget_projection(&token, &id.to_string(), &input).await
                }
                _ => {
                    api::managers::create_budget_projection(&token, &action_id.to_string(), &input)
                        .await
                }
            };
            busy.set(false);
            done(result.map(drop), tr!(projection_saved));
        });
    };
    let open = move |target: Editing| {
        deleting.set(None);
        message.set(None);
        errors.set(Vec::new());
        let chosen = match target {
            Editing::Existing(id) => list
                .get_untracked()
                .and_then(Result::ok)
                .and_then(|all| all.into_iter().find(|p| p.id == id)),
            _ => None,
        };
        form.fill(chosen.as_ref());
        editing.set(target);
        focus_later("projection-group");
    };
    let delete = move |id: Uuid| {
        let token = session.token().unwrap_or_default();
        busy.set(true);
        spawn_local(async move {
            let result = api::managers::delete_budget_projection(&token, &id.to_string()).await;
            busy.set(false);
            done(result, tr!(projection_deleted));
        });
    };

    let rows = move || {
        let all = list.get().and_then(Result::ok).unwrap_or_default();
        all.into_iter()
            .map(|p| {
                let id = p.id;
                let name = projection_name(&p);
                let years = p
                    .years
                    .iter()
                    .map(|y| format!("{} : {}", y.year, format::euros(y.amount_cents)))
                    .collect::<Vec<_>>()
                    .join(" · ");
                let kind = format!(
                    "{} · {}",
                    service_label(p.service),
                    direction_label(p.direction)
                );
                let (edit_label, delete_label, confirm_label) = (
                    format!("{} — {name}", tr!(edit)),
                    format!("{} — {name}", tr!(delete)),
                    format!("{} — {name}", tr!(confirm_delete_projection)),
                );
                view! {
                    <li class="measure-row">
                        <span><strong>{name.clone()}</strong>" · "{kind}<br/>{years}</span>
                        <span class="buttons">
                            <button type="button" class="secondary" on:click=move |_| open(Editing::Existing(id))>{edit_label}</button>
                            <button type="button" class="secondary" on:click=move |_| {
                                editing.set(Editing::Closed);
                                deleting.set(Some(id));
                                focus_later("projection-confirm-delete");
                            }>{delete_label}</button>
                        </span>
                        {move || (deleting.get() == Some(id)).then(|| view! {
                            <div class="confirm" role="group" aria-label=confirm_label.clone()>
                                <button type="button" class="danger" id="projection-confirm-delete" prop:disabled=busy
                                    on:click=move |_| delete(id)>{confirm_label.clone()}</button>
                                <button type="button" on:click=move |_| deleting.set(None)>{tr!(cancel)}</button>
                            </div>
                        })}
                    </li>
                }
            })
            .collect_view()
    };
    let option =
        |value: &'static str, label: &'static str| view! { <option value=value>{label}</option> };
    let amount_fields = move || {
        (0..form.shown.get())
            .map(|offset| {
                let amount = form.amounts.with_value(|a| a[offset]);
                let id = format!("projection-amount-{offset}");
                let label = move || match form.year_at(offset) {
                    Some(year) => tr!(amount_of_year, year = year.to_string()).to_string(),
                    None => tr!(amount_of_year, year = format!("N+{offset}")).to_string(),
                };
                view! {
                    <div class="field">
                        <label for=id.clone()>{label}</label>
                        <input type="text" inputmode="decimal" id=id prop:value=amount
                            aria-describedby="projection-years-error"
                            on:input=move |ev| amount.set(event_target_value(&ev))/>
                    </div>
                }
            })
            .collect_view()
    };
    view! {
        <section class="card measures-editor" aria-labelledby="projections-editor-title">
            <h2 id="projections-editor-title">{tr!(define_projections)}</h2>
            <p class="hint">{tr!(projections_help)}</p>
            <ul class="measure-rows">{rows}</ul>
            <FormStatus id="projections-message" message/>
            {move || match editing.get() {
                Editing::Closed => view! {
                    <button type="button" on:click=move |_| open(Editing::New)>{tr!(add_projection)}</button>
                }.into_any(),
                target => view! {
                    <form novalidate class="inline-form" on:submit=on_submit>
                        <h3>{if target == Editing::New { tr!(add_projection) } else { tr!(edit_projection) }}</h3>
                        <InputField id="projection-group".to_owned() label=tr!(economic_group).to_owned() kind="text"
                            value=form.group error=errors.of("economic_group")
                            hint=format!("{} · {GROUP_MAX} {}", tr!(required), tr!(characters_at_most))/>
                        <InputField id="projection-label".to_owned() label=tr!(article_label).to_owned() kind="text"
                            value=form.label error=errors.of("label")
                            hint=format!("{LABEL_MAX} {}", tr!(characters_at_most))/>
                        <div class="field">
                            <label for="projection-service">{tr!(budget_service)}</label>
                            <select id="projection-service" prop:value=form.service
                                on:change=move |ev| form.service.set(event_target_value(&ev))>
                                {option("ordinaire", service_label(BudgetService::Ordinaire))}
                                {option("extraordinaire", service_label(BudgetService::Extraordinaire))}
                            </select>
                        </div>
                        <div class="field">
                            <label for="projection-direction">{tr!(budget_direction)}</label>
                            <select id="projection-direction" prop:value=form.direction
                                on:change=move |ev| form.direction.set(event_target_value(&ev))>
                                {option("depense", direction_label(BudgetDirection::Depense))}
                                {option("recette", direction_label(BudgetDirection::Recette))}
                            </select>
                        </div>
                        <InputField id="projection-first-year".to_owned() label=tr!(first_year).to_owned() kind="number"
                            value=form.first_year error=errors.of("first_year")
                            hint=format!("{} · {}", tr!(required), tr!(year_limits))/>
                        <fieldset class="projection-amounts">
                            <legend>{tr!(projection_amounts)}</legend>
                            {amount_fields}
                            <p class="field-error" id="projection-years-error" aria-live="polite">{move || errors.of("years").get()}</p>
                            {move || (form.shown.get() < api_types::PROJECTION_YEARS_MAX).then(|| view! {
                                <button type="button" class="secondary" on:click=move |_| form.shown.update(|n| *n += 1)>{tr!(add_year)}</button>
                            })}
                        </fieldset>
                        <div class="buttons">
                            <button type="submit" class="primary" prop:disabled=busy>{tr!(save_projection)}</button>
                            <button type="button" on:click=move |_| editing.set(Editing::Closed)>{tr!(cancel)}</button>
                        </div>
                    </form>
                }.into_any(),
            }}
        </section>
    }
}
