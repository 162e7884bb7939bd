//! The DG defines an action's budget lines: year, service (ordinaire / extraordinaire),
//! direction (dépense / recette), article, label, planned amount and funding; edits them;
//! archives one after a second, explicit step (it leaves the action; the history keeps the
//! amounts reported).

use api_types::{ActionDetail, BudgetDirection, BudgetLine, BudgetLineInput, BudgetService};
use leptos::prelude::*;
use leptos::task::spawn_local;
use uuid::Uuid;

use crate::api::{self, ApiFailure};
use crate::components::form_field::{
    FieldErrors, FormStatus, InputField, SaveOutcome, decimal, focus_later, line, take_notice,
};
use crate::format;
use crate::session::SessionContext;

/// The limits of `BudgetLineInput`, stated on the form.
const ARTICLE_MAX: usize = 50;
const LABEL_MAX: usize = api_types::BUDGET_LABEL_MAX_CHARS;
const FUNDING_MAX: usize = 200;
const YEARS: std::ops::RangeInclusive<i32> = api_types::PLAN_YEARS;

pub fn service_label(service: BudgetService) -> &'static str {
    match service {
        BudgetService::Ordinaire => tr!(service_ordinaire),
        BudgetService::Extraordinaire => tr!(service_extraordinaire),
    }
}

pub fn direction_label(direction: BudgetDirection) -> &'static str {
    match direction {
        BudgetDirection::Depense => tr!(direction_depense),
        BudgetDirection::Recette => tr!(direction_recette),
    }
}

#[derive(Clone, Copy)]
struct Form {
    year: RwSignal<String>,
    service: RwSignal<String>,
    direction: RwSignal<String>,
    article: RwSignal<String>,
    label: RwSignal<String>,
    planned: RwSignal<String>,
    funding: RwSignal<String>,
}

impl Form {
    fn new() -> Self {
        Self {
            year: RwSignal::new(String::new()),
            service: RwSignal::new(String::new()),
            direction: RwSignal::new(String::new()),
            article: RwSignal::new(String::new()),
            label: RwSignal::new(String::new()),
            planned: RwSignal::new(String::new()),
            funding: RwSignal::new(String::new()),
        }
    }

    fn fill(self, line: Option<&BudgetLine>) {
        self.year
            .set(line.map(|l| l.year.to_string()).unwrap_or_default());
        self.service.set(
            line.map_or(BudgetService::Ordinaire, |l| l.service)
                .as_str()
                .to_owned(),
        );
        self.direction.set(
            line.map_or(BudgetDirection::Depense, |l| l.direction)
                .as_str()
                .to_owned(),
        );
        self.article
            .set(line.and_then(|l| l.article.clone()).unwrap_or_default());
        self.label
            .set(line.and_then(|l| l.label.clone()).unwrap_or_default());
        self.planned.set(
            line.map(|l| format::fixed(l.planned_cents as f64 / 100.0, 2))
                .unwrap_or_default(),
        );
        self.funding.set(
            line.and_then(|l| l.funding_source.clone())
                .unwrap_or_default(),
        );
    }

    fn input(self) -> Result<BudgetLineInput, Vec<(String, String)>> {
        let mut errors = Vec::new();
        let mut bad = |field: &str, message: String| errors.push((field.to_owned(), message));
        let year = match self.year.get_untracked().trim().parse::<i32>() {
            Ok(y) if YEARS.contains(&y) => y,
            _ => {
                bad("year", tr!(year_limits).to_owned());
                0
            }
        };
        let service = self
            .service
            .get_untracked()
            .parse()
            .unwrap_or(BudgetService::Ordinaire);
        let direction = self
            .direction
            .get_untracked()
            .parse()
            .unwrap_or(BudgetDirection::Depense);
        let article = line(&self.article.get_untracked(), ARTICLE_MAX).unwrap_or_else(|m| {
            bad("article", m);
            None
        });
        let label = line(&self.label.get_untracked(), LABEL_MAX).unwrap_or_else(|m| {
            bad("label", m);
            None
        });
        let funding_source = line(&self.funding.get_untracked(), FUNDING_MAX).unwrap_or_else(|m| {
            bad("funding_source", m);
            None
        });
        let planned_text = self
            .planned
            .get_untracked()
            .replace(['€', ' ', '\u{a0}', '\u{202f}'], "");
        // Bounded below 10^13 €, so the cents fit an i64 exactly.
        let planned_cents = match decimal(&planned_text) {
            Ok(Some(euros)) if (0.0..1e13).contains(&euros) => (euros * 100.0).round() as i64,
            _ => {
                bad("planned_cents", tr!(amount_limits).to_owned());
                0
            }
        };
        if errors.is_empty() {
            Ok(BudgetLineInput {
                year,
                service,
                direction,
                article,
                label,
                planned_cents,
                funding_source,
            })
        } else {
            Err(errors)
        }
    }
}

#[derive(Clone, Copy, PartialEq)]
enum Editing {
    Closed,
    New,
    Existing(Uuid),
}

#[component]
pub fn BudgetLinesEditor(detail: ActionDetail, on_changed: Callback<()>) -> impl IntoView {
    let session = SessionContext::get();
    let action_id = detail.action.id;
    let lines = StoredValue::new(detail.budget_lines.clone());
    let form = Form::new();
    let errors = FieldErrors::new();
    let editing = RwSignal::new(Editing::Closed);
    let archiving = RwSignal::new(None::<Uuid>);
    let message = RwSignal::new(take_notice("budget").map(|t| (true, t)));
    if message.get_untracked().is_some() {
        focus_later("budget-message");
    }
    let busy = RwSignal::new(false);

    let outcome = SaveOutcome {
        area: "budget",
        status_id: "budget-message",
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
                focus_later("budget-message");
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
                    api::managers::update_budget_line(&token, &id.to_string(), &input).await
                }
                _ => {
                    api::managers::create_budget_line(&token, &action_id.to_string(), &input).await
                }
            };
            busy.set(false);
            done(result.map(drop), tr!(budget_line_saved));
        });
    };
    let open = move |target: Editing| {
        archiving.set(None);
        message.set(None);
        errors.set(Vec::new());
        let chosen = match target {
            Editing::Existing(id) => {
                lines.with_value(|all| all.iter().find(|l| l.id == id).cloned())
            }
            _ => None,
        };
        form.fill(chosen.as_ref());
        editing.set(target);
        focus_later("budget-year");
    };
    let archive = move |id: Uuid| {
        let token = session.token().unwrap_or_default();
        busy.set(true);
        spawn_local(async move {
            let result = api::managers::archive_budget_line(&token, &id.to_string()).await;
            busy.set(false);
            done(result, tr!(budget_line_archived));
        });
    };

    let rows = detail
        .budget_lines
        .iter()
        .map(|l| {
            let id = l.id;
            let name = format!(
                "{} {} {}{}",
                l.year,
                service_label(l.service),
                direction_label(l.direction),
                l.article.clone().map(|a| format!(" {a}")).unwrap_or_default()
            );
            // The label, when there is one, says what the line is for: it comes first.
            let name = match &l.label {
                Some(label) => format!("{label} — {name}"),
                None => name,
            };
            let summary = format!("{} {}", tr!(planned), format::euros(l.planned_cents));
            let (edit_label, archive_label, confirm_label) = (
                format!("{} — {name}", tr!(edit)),
                format!("{} — {name}", tr!(archive)),
                format!("{} — {name}", tr!(confirm_archive)),
            );
            view! {
                <li class="measure-row">
                    <span><strong>{name.clone()}</strong>" · "{summary}</span>
                    <span class="buttons">
                        <button type="button" class="secondary" on:click=move |_| open(Editing::Existing(id))>{edit_label}</button>
                        <button type="button" class="secondary" on:click=move |_| {
                            editing.set(Editing::Closed);
                            archiving.set(Some(id));
                            focus_later("budget-confirm-archive");
                        }>{archive_label}</button>
                    </span>
                    {move || (archiving.get() == Some(id)).then(|| view! {
                        <div class="confirm" role="group" aria-label=confirm_label.clone()>
                            <p>{tr!(archive_warning)}</p>
                            <button type="button" class="danger" id="budget-confirm-archive" prop:disabled=busy
                                on:click=move |_| archive(id)>{confirm_label.clone()}</button>
                            <button type="button" on:click=move |_| archiving.set(None)>{tr!(cancel)}</button>
                        </div>
                    })}
                </li>
            }
        })
        .collect_view();
    let option =
        |value: &'static str, label: &'static str| view! { <option value=value>{label}</option> };
    view! {
        <section class="card measures-editor" aria-labelledby="budget-editor-title">
            <h2 id="budget-editor-title">{tr!(define_budget_lines)}</h2>
            <ul class="measure-rows">{rows}</ul>
            <FormStatus id="budget-message" message/>
            {move || match editing.get() {
                Editing::Closed => view! {
                    <button type="button" on:click=move |_| open(Editing::New)>{tr!(add_budget_line)}</button>
                }.into_any(),
                target => view! {
                    <form novalidate class="inline-form" on:submit=on_submit>
                        <h3>{if target == Editing::New { tr!(add_budget_line) } else { tr!(edit_budget_line) }}</h3>
                        <InputField id="budget-year".to_owned() label=tr!(year).to_owned() kind="number"
                            value=form.year error=errors.of("year")
                            hint=format!("{} · {}", tr!(required), tr!(year_limits))/>
                        <div class="field">
                            <label for="budget-service">{tr!(budget_service)}</label>
                            <select id="budget-service" prop:value=form.service
                                on:change=move |ev| form.service.set(event_target_value(&ev))>
                                {option("ordinaire", service_label(BudgetService::Ordinaire))}
                                {option("extraordinaire", service_label(BudgetService::Extraordinaire))}
                            </select>
                        </div>
                        <div class="field">
                            <label for="budget-direction">{tr!(budget_direction)}</label>
                            <select id="budget-direction" prop:value=form.direction
                                on:change=move |ev| form.direction.set(event_target_value(&ev))>
                                {option("depense", direction_label(BudgetDirection::Depense))}
                                {option("recette", direction_label(BudgetDirection::Recette))}
                            </select>
                        </div>
                        <InputField id="budget-article".to_owned() label=tr!(article).to_owned() kind="text"
                            value=form.article error=errors.of("article")
                            hint=format!("{ARTICLE_MAX} {}", tr!(characters_at_most))/>
                        <InputField id="budget-label".to_owned() label=tr!(article_label).to_owned() kind="text"
                            value=form.label error=errors.of("label")
                            hint=format!("{LABEL_MAX} {}", tr!(characters_at_most))/>
                        <InputField id="budget-planned".to_owned() label=tr!(planned_euros).to_owned() kind="text" decimal=true
                            value=form.planned error=errors.of("planned_cents")
                            hint=format!("{} · {}", tr!(required), tr!(amount_limits))/>
                        <InputField id="budget-funding".to_owned() label=tr!(funding_source).to_owned() kind="text"
                            value=form.funding error=errors.of("funding_source")
                            hint=format!("{FUNDING_MAX} {}", tr!(characters_at_most))/>
                        <div class="buttons">
                            <button type="submit" class="primary" prop:disabled=busy>{tr!(save_budget_line)}</button>
                            <button type="button" on:click=move |_| editing.set(Editing::Closed)>{tr!(cancel)}</button>
                        </div>
                    </form>
                }.into_any(),
            }}
        </section>
    }
}
