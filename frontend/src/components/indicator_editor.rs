//! The DG defines an action's indicators: name, unit, year (recurring ones), baseline and
//! target; edits them; archives one after a second, explicit step (it leaves the action;
//! the history keeps the values reported).

use api_types::{ActionDetail, Indicator, IndicatorInput};
use leptos::prelude::*;
use leptos::task::spawn_local;
use uuid::Uuid;

use crate::api::{self, ApiFailure};
use crate::components::form_field::{
    FieldErrors, FormStatus, InputField, SaveOutcome, decimal, focus_later, line, take_notice,
};
use crate::format;
use crate::session::SessionContext;

/// The limits of `IndicatorInput`, stated on the form.
const NAME_MAX: usize = 300;
const UNIT_MAX: usize = 50;
const YEARS: std::ops::RangeInclusive<i32> = api_types::PLAN_YEARS;

#[derive(Clone, Copy)]
struct Form {
    name: RwSignal<String>,
    unit: RwSignal<String>,
    year: RwSignal<String>,
    baseline: RwSignal<String>,
    target: RwSignal<String>,
}

impl Form {
    fn new() -> Self {
        Self {
            name: RwSignal::new(String::new()),
            unit: RwSignal::new(String::new()),
            year: RwSignal::new(String::new()),
            baseline: RwSignal::new(String::new()),
            target: RwSignal::new(String::new()),
        }
    }

    fn fill(self, indicator: Option<&Indicator>) {
        let number = |v: Option<f64>| v.map(|v| format::fixed(v, 4)).unwrap_or_default();
        self.name
            .set(indicator.map(|i| i.name.clone()).unwrap_or_default());
        self.unit
            .set(indicator.and_then(|i| i.unit.clone()).unwrap_or_default());
        self.year.set(
            indicator
                .and_then(|i| i.year)
                .map(|y| y.to_string())
                .unwrap_or_default(),
        );
        self.baseline
            .set(number(indicator.and_then(|i| i.baseline)));
        self.target.set(number(indicator.and_then(|i| i.target)));
    }

    fn input(self) -> Result<IndicatorInput, Vec<(String, String)>> {
        let mut errors = Vec::new();
        let name = match line(&self.name.get_untracked(), NAME_MAX) {
            Ok(Some(name)) => name,
            Ok(None) => {
                errors.push(("name".to_owned(), tr!(error_required).to_owned()));
                String::new()
            }
            Err(message) => {
                errors.push(("name".to_owned(), message));
                String::new()
            }
        };
        let unit = line(&self.unit.get_untracked(), UNIT_MAX).unwrap_or_else(|message| {
            errors.push(("unit".to_owned(), message));
            None
        });
        let year_text = self.year.get_untracked();
        let year = if year_text.trim().is_empty() {
            None
        } else {
            match year_text.trim().parse::<i32>() {
                Ok(y) if YEARS.contains(&y) => Some(y),
                _ => {
                    errors.push(("year".to_owned(), tr!(year_limits).to_owned()));
                    None
                }
            }
        };
        let mut number = |field: &str, signal: RwSignal<String>| {
            decimal(&signal.get_untracked()).unwrap_or_else(|()| {
                errors.push((field.to_owned(), tr!(error_invalid_value).to_owned()));
                None
            })
        };
        let baseline = number("baseline", self.baseline);
        let target = number("target", self.target);
        if errors.is_empty() {
            Ok(IndicatorInput {
                name,
                unit,
                year,
                baseline,
                target,
            })
        } else {
            Err(errors)
        }
    }
}

/// Where the editor is: closed, defining a new indicator, or editing one.
#[derive(Clone, Copy, PartialEq)]
enum Editing {
    Closed,
    New,
    Existing(Uuid),
}

#[component]
pub fn IndicatorsEditor(detail: ActionDetail, on_changed: Callback<()>) -> impl IntoView {
    let session = SessionContext::get();
    let action_id = detail.action.id;
    let indicators = StoredValue::new(detail.indicators.clone());
    let form = Form::new();
    let errors = FieldErrors::new();
    let editing = RwSignal::new(Editing::Closed);
    let archiving = RwSignal::new(None::<Uuid>);
    let message = RwSignal::new(take_notice("indicators").map(|t| (true, t)));
    if message.get_untracked().is_some() {
        focus_later("indicators-message");
    }
    let busy = RwSignal::new(false);

    let outcome = SaveOutcome {
        area: "indicators",
        status_id: "indicators-message",
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
                focus_later("indicators-message");
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
                    api::managers::update_indicator(&token, &id.to_string(), &input).await
                }
                _ => api::managers::create_indicator(&token, &action_id.to_string(), &input).await,
            };
            busy.set(false);
            done(result.map(drop), tr!(indicator_saved));
        });
    };
    let open = move |target: Editing| {
        archiving.set(None);
        message.set(None);
        errors.set(Vec::new());
        let chosen = match target {
            Editing::Existing(id) => {
                indicators.with_value(|all| all.iter().find(|i| i.id == id).cloned())
            }
            _ => None,
        };
        form.fill(chosen.as_ref());
        editing.set(target);
        focus_later("indicator-name");
    };
    let archive = move |id: Uuid| {
        let token = session.token().unwrap_or_default();
        busy.set(true);
        spawn_local(async move {
            let result = api::managers::archive_indicator(&token, &id.to_string()).await;
            busy.set(false);
            done(result, tr!(indicator_archived));
        });
    };

    let rows = detail
        .indicators
        .iter()
        .map(|indicator| {
            let (id, name) = (indicator.id, indicator.name.clone());
            let show = |v: Option<f64>| v.map_or_else(|| tr!(none).to_owned(), format::number);
            let summary = format!(
                "{} · {} {} → {} {}",
                indicator.year.map_or_else(|| tr!(none).to_owned(), |y| y.to_string()),
                tr!(baseline),
                show(indicator.baseline),
                tr!(target),
                show(indicator.target),
            );
            let unit = indicator.unit.clone().map(|u| format!(" ({u})")).unwrap_or_default();
            let (edit_label, archive_label, confirm_label) = (
                format!("{} — {name}", tr!(edit)),
                format!("{} — {name}", tr!(archive)),
                format!("{} — {name}", tr!(confirm_archive)),
            );
            view! {
                <li class="measure-row">
                    <span><strong>{name.clone()}</strong>{unit}" · "{summary}</span>
                    <span class="buttons">
                        <button type="button" class="secondary" on:click=move |_| open(Editing::Existing(id))>{edit_label}</button>
                        <button type="button" class="secondary" on:click=move |_| {
                            editing.set(Editing::Closed);
                            archiving.set(Some(id));
                            focus_later("indicator-confirm-archive");
                        }>{archive_label}</button>
                    </span>
                    {move || (archiving.get() == Some(id)).then(|| view! {
                        <div class="confirm" role="group" aria-label=confirm_label.clone()>
                            <p>{tr!(archive_warning)}</p>
                            <button type="button" class="danger" id="indicator-confirm-archive" prop:disabled=busy
                                on:click=move |_| archive(id)>{confirm_label.clone()}</button>
                            <button type="button" on:click=move |_| archiving.set(None)>{tr!(cancel)}</button>
                        </div>
                    })}
                </li>
            }
        })
        .collect_view();
    let year_hint = tr!(year_limits).to_owned();
    view! {
        <section class="card measures-editor" aria-labelledby="indicators-editor-title">
            <h2 id="indicators-editor-title">{tr!(define_indicators)}</h2>
            <ul class="measure-rows">{rows}</ul>
            <FormStatus id="indicators-message" message/>
            {move || match editing.get() {
                Editing::Closed => view! {
                    <button type="button" on:click=move |_| open(Editing::New)>{tr!(add_indicator)}</button>
                }.into_any(),
                target => view! {
                    <form novalidate class="inline-form" on:submit=on_submit>
                        <h3>{if target == Editing::New { tr!(add_indicator) } else { tr!(edit_indicator) }}</h3>
                        <InputField id="indicator-name".to_owned() label=tr!(indicator_name).to_owned() kind="text"
                            value=form.name error=errors.of("name")
                            hint=format!("{} · {NAME_MAX} {}", tr!(required), tr!(characters_at_most))/>
                        <InputField id="indicator-unit".to_owned() label=tr!(unit).to_owned() kind="text"
                            value=form.unit error=errors.of("unit")
                            hint=format!("{UNIT_MAX} {}", tr!(characters_at_most))/>
                        <InputField id="indicator-year".to_owned() label=tr!(year).to_owned() kind="number"
                            value=form.year error=errors.of("year") hint=year_hint.clone()/>
                        <InputField id="indicator-baseline".to_owned() label=tr!(baseline).to_owned() kind="text" decimal=true
                            value=form.baseline error=errors.of("baseline")/>
                        <InputField id="indicator-target".to_owned() label=tr!(target).to_owned() kind="text" decimal=true
                            value=form.target error=errors.of("target")/>
                        <div class="buttons">
                            <button type="submit" class="primary" prop:disabled=busy>{tr!(save_indicator)}</button>
                            <button type="button" on:click=move |_| editing.set(Editing::Closed)>{tr!(cancel)}</button>
                        </div>
                    </form>
                }.into_any(),
            }}
        </section>
    }
}
