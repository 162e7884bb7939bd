use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::api;
use crate::components::failure::{ErrorText, explain};
use crate::session::SessionContext;

/// The plan as documents: the spreadsheet exports and the council's evaluation report.
#[component]
pub fn PlanDocuments(
    plan_id: String,
    file_stem: String,
    /// The budget year chosen and those the management may send to eComptes; `None` for
    /// those who do not send it.
    ecomptes_years: Option<(i32, std::ops::RangeInclusive<i32>)>,
) -> impl IntoView {
    let session = SessionContext::get();
    let error = RwSignal::new(None::<String>);
    let ecomptes = ecomptes_years.map(|years| {
        let (plan_id, stem) = (plan_id.clone(), file_stem.clone());
        Suspend::new(async move { ecomptes_control(plan_id, stem, years, error).await })
    });
    let fetch = move |path: &'static str, name: Option<String>| {
        let url = format!("/api/v1/plans/{plan_id}/{path}");
        move |_| {
            let (url, name, token) = (
                crate::locale::document_url(&url),
                name.clone(),
                session.token().unwrap_or_default(),
            );
            spawn_local(async move { start_download(token, url, name, error).await });
        }
    };
    view! {
        <div class="documents" role="group" aria-label=tr!(documents)>
            <span>{tr!(documents)} " :"</span>
            <button type="button" class="link" on:click=fetch("export?format=xlsx", Some(format!("{file_stem}.xlsx")))>{tr!(export_excel)}</button>
            <button type="button" class="link" on:click=fetch("export?format=csv", Some(format!("{file_stem}.csv")))>{tr!(export_csv)}</button>
            <button type="button" class="link" on:click=fetch("report", None)>{tr!(report_print)}</button>
            <button type="button" class="link" on:click=fetch("report?format=docx", Some(format!("{}-{file_stem}.docx", tr!(report_file))))>{tr!(report_word)}</button>
            {ecomptes}
        </div>
        <ErrorText error/>
    }
}

/// Starts a document's download: a lazy function, so that the downloading code (the blob,
/// the link) is fetched at the first click rather than with every plan page.
#[leptos::lazy]
fn start_download(
    token: String,
    url: String,
    name: Option<String>,
    error: RwSignal<Option<String>>,
) {
    spawn_local(async move {
        if let Err(failure) = api::download(&token, &url, name.as_deref()).await {
            error.set(Some(explain(&failure)));
        }
    });
}

/// Fetches the eComptes control's chunk ahead of need (the management's idle prefetch).
pub async fn preload() {
    __preload_ecomptes_control().await;
}

/// The eComptes file for a budget year: the management's, so a lazy function, its code in a
/// chunk of its own that a partner's first page does not load.
#[leptos::lazy]
fn ecomptes_control(
    plan_id: String,
    stem: String,
    (chosen, years): (i32, std::ops::RangeInclusive<i32>),
    error: RwSignal<Option<String>>,
) -> AnyView {
    let session = SessionContext::get();
    let link_plan = plan_id.clone();
    let year = RwSignal::new(chosen);
    let send = move |_| {
        let exercice = year.get_untracked();
        let url = format!("/api/v1/plans/{plan_id}/ecomptes.xml?exercice={exercice}");
        let token = session.token().unwrap_or_default();
        let name = format!("{stem}-{exercice}-ecomptes.xml");
        spawn_local(async move {
            if let Err(failure) = api::download(&token, &url, Some(&name)).await {
                error.set(Some(explain(&failure)));
            }
        });
    };
    view! {
        <span class="ecomptes">
            <label for="ecomptes-year">{tr!(ecomptes_year)}</label>
            <select id="ecomptes-year" on:change=move |ev| {
                if let Ok(y) = event_target_value(&ev).parse() {
                    year.set(y);
                }
            }>
                {years.map(|y| view! { <option value=y.to_string() selected=y == chosen>{y}</option> }).collect_view()}
            </select>
            <button type="button" class="link" on:click=send>{tr!(ecomptes_export)}</button>
            <a class="link" href=format!("/plans/{link_plan}/ecomptes")>{tr!(ecomptes_link)}</a>
        </span>
    }
    .into_any()
}
