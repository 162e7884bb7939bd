//! The documents follow the reader's language (issue 14.5): the report (HTML, DOCX), the
//! exports (CSV, XLSX) and the public page are written in the language `?lang=` names,
//! else in the best of `Accept-Language`, else in French; an English export imports back.

use std::io::Cursor;

use api_types::PlanTree;
use calamine::{Reader, Xlsx};
use reqwest::Method;
use serde_json::{Value, json};
use tests::{TestApp, spawn_app};

const XLSX: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

/// Pe18 "en cours" at 45 % (a proposal of the PCS the president approved): the plan then.
async fn plan_with_pe18_in_progress(app: &TestApp) -> PlanTree {
    let partner = app.token("pcs@cpas-a.example").await;
    let president = app.token("president@cpas-a.example").await;
    let tree = app.plan_of("cpas-a").await;
    let pe18 = tree.action("Pe18").expect("Pe18");
    let response = app
        .send_as(
            Method::POST,
            Some(&partner),
            &format!("/api/v1/actions/{}/change-requests", pe18.id),
            Some(&json!({ "base_version": pe18.version, "changes": { "status": "en_cours", "progress": 45 } })),
        )
        .await;
    assert_eq!(response.status().as_u16(), 201);
    let created: Value = response.json().await.expect("the proposal");
    let response = app
        .send_as(
            Method::POST,
            Some(&president),
            &format!(
                "/api/v1/change-requests/{}/approve",
                created["id"].as_str().expect("id")
            ),
            Some(&json!({})),
        )
        .await;
    assert_eq!(response.status().as_u16(), 200);
    app.plan_of("cpas-a").await
}

/// The plan on the public page, by its DG.
async fn publish(app: &TestApp, dg: &str, tree: &PlanTree) {
    let response = app
        .send_as(
            Method::POST,
            Some(dg),
            &format!("/api/v1/plans/{}/publish", tree.id),
            None,
        )
        .await;
    assert_eq!(response.status().as_u16(), 204);
}

/// GET with an optional token and an optional `Accept-Language`.
async fn get(
    app: &TestApp,
    token: Option<&str>,
    path: &str,
    accept_language: Option<&str>,
) -> reqwest::Response {
    let mut request = app.client.get(app.url(path));
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    if let Some(language) = accept_language {
        request = request.header("accept-language", language);
    }
    request.send().await.expect("the server answers")
}

/// The text of a 200 answer.
async fn text_of(response: reqwest::Response) -> String {
    let status = response.status().as_u16();
    let text = response.text().await.expect("body");
    assert_eq!(status, 200, "{text}");
    text
}

/// The `lang` of a page's `<html>`.
fn html_lang(html: &str) -> &str {
    let start = html.find("<html lang=\"").expect("<html lang>") + "<html lang=\"".len();
    let length = html[start..].find('"').expect("closing quote");
    &html[start..start + length]
}

/// The HTML row of an action in the report.
fn report_row<'a>(html: &'a str, code: &str) -> &'a str {
    let start = html
        .find(&format!("<strong>{code}</strong>"))
        .expect("the action's row");
    let end = start + html[start..].find("</tr>").expect("its end");
    &html[start..end]
}

#[tokio::test]
async fn the_report_is_in_dutch_or_english_when_lang_or_accept_language_asks() {
    let app = spawn_app().await;
    let tree = plan_with_pe18_in_progress(&app).await;
    let president = app.token("president@cpas-a.example").await;
    let report = format!("/api/v1/plans/{}/report", tree.id);
    let with_lang = |lang: &str| format!("{report}?lang={lang}");
    // (how it is asked, path, Accept-Language, language, a heading, Pe18's status)
    let cases = [
        (
            "?lang=nl",
            with_lang("nl"),
            None,
            "nl",
            "<h2>Beslissingen van de periode</h2>",
            "lopend",
        ),
        (
            "?lang=en",
            with_lang("en"),
            None,
            "en",
            "<h2>Decisions of the period</h2>",
            "in progress",
        ),
        (
            "Accept-Language nl-BE",
            report.clone(),
            Some("nl-BE,nl;q=0.9,fr;q=0.8"),
            "nl",
            "<h2>Beslissingen van de periode</h2>",
            "lopend",
        ),
        (
            "Accept-Language by weight",
            report.clone(),
            Some("fr;q=0.3, de, en-GB;q=0.8"),
            "en",
            "<h2>Decisions of the period</h2>",
            "in progress",
        ),
        (
            "?lang= over Accept-Language",
            with_lang("en"),
            Some("nl"),
            "en",
            "<h2>Decisions of the period</h2>",
            "in progress",
        ),
        (
            "?lang=fr over Accept-Language",
            with_lang("fr"),
            Some("en"),
            "fr",
            "<h2>Décisions de la période</h2>",
            "en cours",
        ),
    ];
    for (how, path, accept_language, lang, heading, status) in cases {
        let response = get(&app, Some(&president), &path, accept_language).await;
        assert!(
            response
                .headers()
                .get("vary")
                .and_then(|v| v.to_str().ok())
                .is_some_and(|v| v.contains("Accept-Language")),
            "{how}: Vary names Accept-Language"
        );
        let html = text_of(response).await;
        assert_eq!(html_lang(&html), lang, "{how}");
        assert!(html.contains(heading), "{how}: {heading}");
        let row = report_row(&html, "Pe18");
        assert!(row.contains(&format!("<td>{status}")), "{how}: {row}");
        if lang != "fr" {
            assert!(
                !html.contains("Décisions de la période"),
                "{how}: no French heading"
            );
        }
    }
    // Percentages as each language writes them.
    let english = text_of(get(&app, Some(&president), &with_lang("en"), None).await).await;
    assert!(report_row(&english, "Pe18").contains("<td>45%</td>"));
    let dutch = text_of(get(&app, Some(&president), &with_lang("nl"), None).await).await;
    assert!(report_row(&dutch, "Pe18").contains("<td>45 %</td>"));
}

#[tokio::test]
async fn the_docx_in_english_has_english_headings_and_file_name() {
    let app = spawn_app().await;
    let tree = plan_with_pe18_in_progress(&app).await;
    let president = app.token("president@cpas-a.example").await;
    let response = get(
        &app,
        Some(&president),
        &format!("/api/v1/plans/{}/report?format=docx&lang=en", tree.id),
        None,
    )
    .await;
    assert_eq!(response.status().as_u16(), 200);
    let disposition = response.headers()["content-disposition"]
        .to_str()
        .expect("text")
        .to_owned();
    assert!(
        disposition.contains("filename=\"report-cpas-a-"),
        "{disposition}"
    );
    let bytes = response.bytes().await.expect("docx");
    let document = tests::docx_body(&bytes);
    assert!(
        document.contains(">Decisions of the period<"),
        "an English heading"
    );
    assert!(document.contains(">Summary<"));
    assert!(
        document.contains(">in progress<"),
        "Pe18's status in English"
    );
    assert!(!document.contains("Décisions de la période"));
}

/// The first sheet's header and the second sheet's name of a workbook.
fn workbook_header(file: Vec<u8>) -> (Vec<String>, String) {
    let mut workbook: Xlsx<_> = Xlsx::new(Cursor::new(file)).expect("an xlsx");
    let summary = workbook.sheet_names()[1].clone();
    let plan = workbook
        .worksheet_range_at(0)
        .expect("a sheet")
        .expect("readable");
    let header = plan
        .rows()
        .next()
        .expect("header")
        .iter()
        .map(ToString::to_string)
        .collect();
    (header, summary)
}

#[tokio::test]
async fn the_exports_head_their_columns_in_the_language_asked() {
    let app = spawn_app().await;
    let dg = app.token("dg@cpas-a.example").await;
    let tree = app.plan_of("cpas-a").await;
    let export = |format: &str, lang: &str| {
        format!("/api/v1/plans/{}/export?format={format}{lang}", tree.id)
    };
    let csv_header = |csv: &str| {
        csv.trim_start_matches('\u{feff}')
            .lines()
            .next()
            .unwrap_or("")
            .to_owned()
    };

    let dutch = text_of(get(&app, Some(&dg), &export("csv", "&lang=nl"), None).await).await;
    assert_eq!(
        csv_header(&dutch),
        "niveau;code;bovenliggend;titel;type;luik;trekker;samenwerkingen;voorbehoud;status;voortgang;begin;einddatum;beschrijving;gewicht;handmatige_voortgang;mandataris;functie_mandataris;verantwoordelijke;gezondheid;toelichting_gezondheid;sectorale_plannen"
    );
    let english =
        text_of(get(&app, Some(&dg), &export("csv", ""), Some("en-GB,en;q=0.9")).await).await;
    assert_eq!(
        csv_header(&english),
        "level;code;parent;title;type;part;lead;collaborations;reservation;status;progress;start;deadline;description;weight;progress_by_hand;political_lead;political_function;responsible;health;health_comment;sectoral_plans"
    );
    assert!(english.contains(";external;"), "volets in English");
    assert!(english.contains(";not started;"), "statuses in English");

    for (lang, accept_language, first, indicators, summary) in [
        (
            "&lang=en",
            None,
            ["Level", "Code", "Parent", "Title"],
            "Indicators",
            "Summary",
        ),
        (
            "",
            Some("nl-BE"),
            ["Niveau", "Code", "Bovenliggend", "Titel"],
            "Indicatoren",
            "Samenvatting",
        ),
    ] {
        let response = get(&app, Some(&dg), &export("xlsx", lang), accept_language).await;
        assert_eq!(response.status().as_u16(), 200);
        let (header, sheet) = workbook_header(response.bytes().await.expect("xlsx").to_vec());
        assert_eq!(&header[..4], first, "{lang} {accept_language:?}");
        assert!(header.contains(&indicators.to_owned()), "{header:?}");
        assert_eq!(sheet, summary);
    }
}

#[tokio::test]
async fn documents_are_french_by_default_and_for_a_language_they_are_not_written_in() {
    let app = spawn_app().await;
    let dg = app.token("dg@cpas-a.example").await;
    let tree = app.plan_of("cpas-a").await;
    let report = format!("/api/v1/plans/{}/report", tree.id);
    let csv = format!("/api/v1/plans/{}/export?format=csv", tree.id);
    for accept_language in [None, Some("de"), Some("de-DE, en;q=0"), Some("*")] {
        let html = text_of(get(&app, Some(&dg), &report, accept_language).await).await;
        assert_eq!(html_lang(&html), "fr", "{accept_language:?}");
        assert!(
            html.contains("<h2>Décisions de la période</h2>"),
            "{accept_language:?}"
        );
        let file = text_of(get(&app, Some(&dg), &csv, accept_language).await).await;
        assert!(
            file.trim_start_matches('\u{feff}')
                .starts_with("niveau;code;parent;intitule;"),
            "{accept_language:?}"
        );
    }
    let response = get(
        &app,
        Some(&dg),
        &format!("/api/v1/plans/{}/export?format=xlsx", tree.id),
        Some("de"),
    )
    .await;
    let (header, summary) = workbook_header(response.bytes().await.expect("xlsx").to_vec());
    assert_eq!(&header[..4], ["Niveau", "Code", "Parent", "Intitulé"]);
    assert_eq!(summary, "Synthèse");
}

#[tokio::test]
async fn a_lang_the_documents_are_not_written_in_is_refused_with_its_code() {
    let app = spawn_app().await;
    let dg = app.token("dg@cpas-a.example").await;
    let tree = app.plan_of("cpas-a").await;
    publish(&app, &dg, &tree).await;
    for path in [
        format!("/api/v1/plans/{}/report?lang=xx", tree.id),
        format!("/api/v1/plans/{}/report?format=docx&lang=de", tree.id),
        format!("/api/v1/plans/{}/export?format=xlsx&lang=EN-us", tree.id),
        format!("/api/v1/plans/{}/export?lang=", tree.id),
        format!("/public/cpas-a/{}?lang=xx", tree.id),
    ] {
        let response = get(&app, Some(&dg), &path, Some("en")).await;
        assert_eq!(response.status().as_u16(), 400, "{path}");
        assert!(
            response.headers()["content-type"]
                .to_str()
                .is_ok_and(|t| t.starts_with("application/problem+json")),
            "{path}"
        );
        let problem: api_types::Problem = response.json().await.expect("a problem");
        assert_eq!(
            problem.code,
            api_types::ProblemCode::UnsupportedLanguage,
            "{path}"
        );
    }
}

#[tokio::test]
async fn the_public_page_follows_accept_language_and_lang() {
    let app = spawn_app().await;
    let dg = app.token("dg@cpas-a.example").await;
    let tree = app.plan_of("cpas-a").await;
    publish(&app, &dg, &tree).await;
    let page = format!("/public/cpas-a/{}", tree.id);
    let dutch = text_of(get(&app, None, &page, Some("nl-BE,nl;q=0.9")).await).await;
    assert_eq!(html_lang(&dutch), "nl");
    assert!(dutch.contains("<th scope=\"col\">Trekker</th>") && dutch.contains("niet begonnen"));
    let english = text_of(get(&app, None, &format!("{page}?lang=en"), Some("nl")).await).await;
    assert_eq!(html_lang(&english), "en");
    assert!(english.contains("<th scope=\"col\">Lead</th>") && english.contains("not started"));
    let french = text_of(get(&app, None, &page, None).await).await;
    assert_eq!(html_lang(&french), "fr");
    assert!(french.contains("<th scope=\"col\">Porteur</th>") && french.contains("non commencé"));
}

/// What an import must give back: the tree's codes, titles, kinds, volets, organisations,
/// statuses, progress and dates, in order.
fn shape(tree: &PlanTree) -> Vec<String> {
    let mut lines = Vec::new();
    for os in &tree.objectives {
        lines.push(format!("OS {} {:?} {}", os.code, os.volet, os.title));
        for oo in &os.operational_objectives {
            lines.push(format!("  OO {} {:?} {}", oo.code, oo.volet, oo.title));
            for a in &oo.actions {
                let collaborators: Vec<&str> =
                    a.collaborators.iter().map(|o| o.name.as_str()).collect();
                lines.push(format!(
                    "    {} {:?} {} | {:?} | {:?} | {:?} | {:?} {}% | {:?}–{:?} | {:?}",
                    a.code,
                    a.kind,
                    a.title,
                    a.lead.as_ref().map(|o| &o.name),
                    collaborators,
                    a.reservation,
                    a.status,
                    a.progress,
                    a.planned_start,
                    a.planned_end,
                    a.description
                ));
            }
        }
    }
    lines
}

#[tokio::test]
async fn an_english_export_imports_back_to_the_same_plan() {
    let app = spawn_app().await;
    let original = plan_with_pe18_in_progress(&app).await;
    let dg = app.token("dg@cpas-a.example").await;
    for (format, content_type) in [("csv", "text/csv"), ("xlsx", XLSX)] {
        let response = get(
            &app,
            Some(&dg),
            &format!(
                "/api/v1/plans/{}/export?format={format}&lang=en",
                original.id
            ),
            None,
        )
        .await;
        assert_eq!(response.status().as_u16(), 200);
        let file = response.bytes().await.expect("file").to_vec();
        let response = app
            .client
            .post(app.url(&format!("/api/v1/plans/import?title=English%20{format}")))
            .bearer_auth(&dg)
            .header("content-type", content_type)
            .body(file)
            .send()
            .await
            .expect("the server answers");
        let status = response.status().as_u16();
        let body = response.text().await.expect("body");
        assert_eq!(status, 201, "{format}: {body}");
        let imported: PlanTree = serde_json::from_str(&body).expect("a plan");
        assert_eq!(shape(&imported), shape(&original), "through {format}");
        let pe18 = imported.action("Pe18").expect("Pe18");
        assert_eq!(
            (pe18.status, pe18.progress),
            (api_types::ActionStatus::EnCours, 45)
        );
    }
}
