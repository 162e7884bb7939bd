use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::api;
use crate::components::failure::{ErrorText, explain};
use crate::session::SessionContext;

/// The plan as documents: the spreadsheet exports and the council's evaluation report, for
/// the period the user picks (by default the API's: since the adoption, or a year, to today).
#[component]
pub fn PlanDocuments(plan_id: String, file_stem: String) -> impl IntoView {
    let session = SessionContext::get();
    let error = RwSignal::new(None::<String>);
    let since = RwSignal::new(String::new());
    let until = RwSignal::new(String::new());
    let period_invalid = RwSignal::new(false);
    // `&since=…&until=…` for the report, or why the period is not valid.
    let period = move || -> Result<String, &'static str> {
        let mut query = String::new();
        let mut dates = Vec::new();
        for (name, text) in [
            ("since", since.get_untracked()),
            ("until", until.get_untracked()),
        ] {
            if text.trim().is_empty() {
                continue;
            }
            let date = crate::format::iso_date(&text).ok_or(tr!(error_invalid_date))?;
            query.push_str(&format!("&{name}={date}"));
            dates.push(date);
        }
        match dates.as_slice() {
            [from, to] if to < from => Err(tr!(error_period_order)),
            _ => Ok(query),
        }
    };
    let fetch = move |path: &'static str, name: Option<String>, for_period: bool| {
        let url = format!("/api/v1/plans/{plan_id}/{path}");
        move |_| {
            let url = if for_period {
                match period() {
                    Ok(query) => format!("{url}{query}"),
                    Err(text) => {
                        period_invalid.set(true);
                        error.set(Some(text.to_owned()));
                        return;
                    }
                }
            } else {
                url.clone()
            };
            period_invalid.set(false);
            error.set(None);
            let (name, token) = (name.clone(), session.token().unwrap_or_default());
            spawn_local(async move {
                if let Err(failure) = api::download(&token, &url, name.as_deref()).await {
                    error.set(Some(explain(&failure)));
                }
            });
        }
    };
    let date_input = move |id: &'static str, label: &'static str, value: RwSignal<String>| {
        view! {
            <label for=id>{label}</label>
            <input type="date" id=id prop:value=value aria-describedby="report-period-help"
                aria-invalid=move || period_invalid.get().to_string()
                on:input=move |ev| value.set(event_target_value(&ev))/>
        }
    };
    view! {
        <div class="documents" role="group" aria-label=tr!(documents)>
            <span>{tr!(documents)} " :"</span>
            <button type="button" class="link" on:click=fetch("export?format=xlsx", Some(format!("{file_stem}.xlsx")), false)>{tr!(export_excel)}</button>
            <button type="button" class="link" on:click=fetch("export?format=csv", Some(format!("{file_stem}.csv")), false)>{tr!(export_csv)}</button>
            <button type="button" class="link" on:click=fetch("report?format=html", None, true)>{tr!(report_print)}</button>
            <button type="button" class="link" on:click=fetch("report?format=docx", Some(format!("rapport-{file_stem}.docx")), true)>{tr!(report_word)}</button>
        </div>
        <fieldset class="documents report-period">
            <legend>{tr!(report_period)}</legend>
            {date_input("report-since", tr!(period_since), since)}
            {date_input("report-until", tr!(period_until), until)}
            <span id="report-period-help" class="hint">{tr!(report_period_help)}</span>
        </fieldset>
        <ErrorText error/>
    }
}
