use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::api;
use crate::components::failure::{ErrorText, explain};
use crate::session::SessionContext;

/// The plan as documents: the spreadsheet exports and the council's evaluation report.
#[component]
pub fn PlanDocuments(plan_id: String, file_stem: String) -> impl IntoView {
    let session = SessionContext::get();
    let error = RwSignal::new(None::<String>);
    let fetch = move |path: &'static str, name: Option<String>| {
        let url = format!("/api/v1/plans/{plan_id}/{path}");
        move |_| {
            let (url, name, token) = (
                crate::locale::document_url(&url),
                name.clone(),
                session.token().unwrap_or_default(),
            );
            spawn_local(async move {
                if let Err(failure) = api::download(&token, &url, name.as_deref()).await {
                    error.set(Some(explain(&failure)));
                }
            });
        }
    };
    view! {
        <div class="documents" role="group" aria-label=tr!(documents)>
            <span>{tr!(documents)} " :"</span>
            <button type="button" class="link" on:click=fetch("export?format=xlsx", Some(format!("{file_stem}.xlsx")))>{tr!(export_excel)}</button>
            <button type="button" class="link" on:click=fetch("export?format=csv", Some(format!("{file_stem}.csv")))>{tr!(export_csv)}</button>
            <button type="button" class="link" on:click=fetch("report", None)>{tr!(report_print)}</button>
            <button type="button" class="link" on:click=fetch("report?format=docx", Some(format!("{}-{file_stem}.docx", tr!(report_file))))>{tr!(report_word)}</button>
        </div>
        <ErrorText error/>
    }
}
