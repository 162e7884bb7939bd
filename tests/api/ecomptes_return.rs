//! The eComptes round trip (issue 17.5, 17.6): the file we export comes back with
//! `Article`s and `Projection`s on some elements, as eComptes fills it; importing it puts
//! them on the action pages, in the budget roll-ups and in the reconciliation, all or
//! nothing, and a reader that resolves no DTD and no entity refuses crafted files.

use std::collections::HashMap;

use api_types::{EcomptesBudget, EcomptesImportReport, PlanStats, PlanTree, Reconciliation};
use reqwest::Method;
use serde_json::Value;
use tests::send_json as send;
use tests::{TestApp, spawn_app, statement_counts};
use uuid::Uuid;

use super::ecomptes::{add_article, export, set_nis_code, validate};

/// Puts `articles` and `projections` (XML of `Article`s and `Projection`s) in the element
/// `id` of an exported file, as eComptes does: in its own `Articles` and `Projections`,
/// the first after its opening tag (its children's come later).
fn fill(xml: &str, id: Uuid, articles: &str, projections: &str) -> String {
    let start = xml
        .find(&format!("ElementId=\"{id}\""))
        .unwrap_or_else(|| panic!("{id} in the file"));
    let (head, tail) = xml.split_at(start);
    let articles_at = tail.find("<Articles").expect("Articles");
    let articles_end = if tail[articles_at..].starts_with("<Articles/>") {
        articles_at + "<Articles/>".len()
    } else {
        articles_at + tail[articles_at..].find("</Articles>").expect("end") + "</Articles>".len()
    };
    let rest = &tail[articles_end..];
    let projections_at = rest.find("<Projections").expect("Projections");
    let projections_end = if rest[projections_at..].starts_with("<Projections/>") {
        projections_at + "<Projections/>".len()
    } else {
        projections_at
            + rest[projections_at..].find("</Projections>").expect("end")
            + "</Projections>".len()
    };
    format!(
        "{head}{}<Articles>{articles}</Articles>{}<Projections>{projections}</Projections>{}",
        &tail[..articles_at],
        &rest[..projections_at],
        &rest[projections_end..]
    )
}

fn article(year: i32, code: &str, amount: &str) -> String {
    format!(
        "<Article><Exercice>{year}</Exercice><Service>O</Service><Type>D</Type>\
         <CodeArticle>{code}</CodeArticle><Libelle>Article {code}</Libelle><Montant>{amount}</Montant></Article>"
    )
}

const PROJECTION: &str = "<Projection><Service>O</Service><Type>D</Type><GroupeEco>12</GroupeEco>\
    <Libelle>Frais de fonctionnement</Libelle><Exercices>\
    <Exercice Valeur=\"2027\"><Montant>1500</Montant></Exercice>\
    <Exercice Valeur=\"2028\"><Montant>1750.25</Montant></Exercice>\
    </Exercices></Projection>";

async fn import(
    app: &TestApp,
    token: &str,
    tree: &PlanTree,
    xml: impl Into<reqwest::Body>,
    dry_run: bool,
) -> (u16, Value) {
    let response = app
        .client
        .post(app.url(&format!(
            "/api/v1/plans/{}/ecomptes?dry_run={dry_run}",
            tree.id
        )))
        .bearer_auth(token)
        .header("content-type", "application/xml")
        .body(xml)
        .send()
        .await
        .expect("an answer");
    let status = response.status().as_u16();
    (status, response.json().await.unwrap_or(Value::Null))
}

/// What eComptes sent back for an action, as its page reads it.
async fn ecomptes_of(app: &TestApp, token: &str, action: Uuid) -> EcomptesBudget {
    app.get_ok_as(token, &format!("/api/v1/actions/{action}/ecomptes"))
        .await
}

/// A plan with a NIS code, the DG's token, and its export for 2026 in which the first
/// action has a planned line of 12,345.50 € on article 84010/123-48.
async fn exported(app: &TestApp) -> (PlanTree, String, String) {
    let tree = app.plan_of("paliseul").await;
    set_nis_code(app, &tree, 84050).await;
    let dg = app.token("dg@paliseul.example").await;
    let first = tree.actions().next().expect("an action").id;
    add_article(app, &dg, first, 2026, "84010/123-48").await;
    let xml = export(app, &dg, &tree, 2026)
        .await
        .text()
        .await
        .expect("the file");
    (tree, dg, xml)
}

#[tokio::test]
async fn a_returned_file_is_previewed_then_imported_into_pages_roll_ups_and_reconciliation() {
    let app = spawn_app().await;
    let (tree, dg, xml) = exported(&app).await;
    let mut actions = tree.actions();
    let (first, second) = (
        actions.next().expect("a first action"),
        actions.next().expect("a second action"),
    );
    let oo = &tree.objectives[0].operational_objectives[0];
    // eComptes fills three elements: an action's articles of 2026 and 2027, another
    // action's projection, an operational objective's article.
    let returned = fill(
        &xml,
        first.id,
        &[
            article(2026, "84010/123-48", "12000"),
            article(2027, "84010/123-48", "5000.5"),
        ]
        .concat(),
        "",
    );
    let returned = fill(&returned, second.id, "", PROJECTION);
    let returned = fill(
        &returned,
        oo.id,
        &article(2026, "84011/124-02", "1000.00"),
        "",
    );
    validate(&returned, "returned").unwrap_or_else(|e| panic!("eComptes would send it: {e}"));

    // The preview writes nothing.
    let (status, body) = import(&app, &dg, &tree, returned.clone(), true).await;
    assert_eq!(status, 200, "{body}");
    let preview: EcomptesImportReport = serde_json::from_value(body).expect("a report");
    assert!(!preview.applied);
    assert_eq!(preview.exercice, 2026);
    assert_eq!(preview.years, [2026, 2027]);
    assert!(preview.unmatched.is_empty());
    // Every objective and action of the file is matched, the volets are not listed.
    let elements = tree.objectives.len()
        + tree
            .objectives
            .iter()
            .map(|os| os.operational_objectives.len())
            .sum::<usize>()
        + tree.actions().count();
    assert_eq!(preview.matched.len(), elements);
    let changes: Vec<_> = preview
        .changes
        .iter()
        .map(|c| (c.code.as_str(), c.year, c.before_cents, c.after_cents))
        .collect();
    assert_eq!(
        changes,
        [
            (oo.code.as_str(), 2026, 0, 100_000),
            (first.code.as_str(), 2026, 0, 1_200_000),
            (first.code.as_str(), 2027, 0, 500_050),
        ]
    );
    assert!(ecomptes_of(&app, &dg, first.id).await.articles.is_empty());

    let (status, body) = import(&app, &dg, &tree, returned.clone(), false).await;
    assert_eq!(status, 200, "{body}");
    let report: EcomptesImportReport = serde_json::from_value(body).expect("a report");
    assert!(report.applied);
    assert_eq!(report.changes, preview.changes);

    // The action pages.
    let page = ecomptes_of(&app, &dg, first.id).await;
    let articles: Vec<_> = page
        .articles
        .iter()
        .map(|a| (a.year, a.code.as_str(), a.amount_cents))
        .collect();
    assert_eq!(
        articles,
        [
            (2026, "84010/123-48", 1_200_000),
            (2027, "84010/123-48", 500_050)
        ]
    );
    let page = ecomptes_of(&app, &dg, second.id).await;
    let projection = &page.projections[0];
    assert_eq!(projection.exercice, 2026);
    assert_eq!(projection.economic_group, "12");
    let years: Vec<_> = projection
        .years
        .iter()
        .map(|y| (y.year, y.amount_cents))
        .collect();
    assert_eq!(years, [(2027, 150_000), (2028, 175_025)]);

    // The roll-ups, against a sum made here from every action's page and the objective's
    // article.
    let summary = app
        .get_as(&dg, &format!("/api/v1/plans/{}/summary", tree.id))
        .await;
    assert_eq!(summary.status(), 200);
    let counted = statement_counts(&summary).0;
    let stats: PlanStats = summary.json().await.expect("the summary");
    let mut by_year: HashMap<i32, i64> = HashMap::from([(2026, 100_000)]);
    for action in tree.actions() {
        for a in ecomptes_of(&app, &dg, action.id).await.articles {
            *by_year.entry(a.year).or_default() += a.amount_cents;
        }
    }
    for year in &stats.budget.by_year {
        assert_eq!(
            year.ecomptes_cents,
            by_year.get(&year.year).copied().unwrap_or(0),
            "{}",
            year.year
        );
    }
    assert_eq!(stats.budget.ecomptes_cents, by_year.values().sum::<i64>());
    let oo_rollup = stats
        .objectives
        .iter()
        .find(|o| o.objective_id == oo.id)
        .expect("the objective");
    let first_in_oo = oo.actions.iter().any(|a| a.id == first.id);
    assert_eq!(
        oo_rollup.budget.ecomptes_cents,
        100_000 + if first_in_oo { 1_700_050 } else { 0 }
    );
    let os_rollup = stats
        .objectives
        .iter()
        .find(|o| o.objective_id == tree.objectives[0].id)
        .expect("the strategic objective");
    assert!(os_rollup.budget.ecomptes_cents >= oo_rollup.budget.ecomptes_cents);

    // The reconciliation: planned against eComptes, by element and year.
    let reconciliation: Reconciliation = app
        .get_ok_as(&dg, &format!("/api/v1/plans/{}/reconciliation", tree.id))
        .await;
    let row = |id: Uuid, year: i32| {
        reconciliation
            .rows
            .iter()
            .find(|r| r.element_id == id && r.year == year)
            .unwrap_or_else(|| panic!("{id} in {year}"))
    };
    let first_2026 = row(first.id, 2026);
    assert_eq!(
        (first_2026.planned_cents, first_2026.ecomptes_cents),
        (1_234_550, 1_200_000)
    );
    assert_eq!(first_2026.difference_cents(), -34_550);
    assert_eq!(row(oo.id, 2026).ecomptes_cents, 100_000);
    assert_eq!(row(oo.id, 2026).code, oo.code);
    let csv = app
        .get_as(
            &dg,
            &format!(
                "/api/v1/plans/{}/reconciliation?format=csv&lang=fr",
                tree.id
            ),
        )
        .await;
    assert_eq!(csv.status(), 200);
    assert_eq!(csv.headers()["content-type"], "text/csv; charset=utf-8");
    let csv = csv.text().await.expect("the CSV");
    assert!(
        csv.starts_with("\u{feff}code;intitulé;exercice;type;prévu (€);eComptes (€);écart (€)"),
        "{csv}"
    );
    assert!(
        csv.lines()
            .any(|l| l.starts_with(&format!("{};", first.code))
                && l.contains(";2026;dépense;12345,50;12000,00;-345,50;0,00;écart")),
        "{csv}"
    );

    // The same file again changes nothing and doubles nothing.
    let (status, body) = import(&app, &dg, &tree, returned, false).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["changes"], Value::Array(vec![]));
    assert_eq!(ecomptes_of(&app, &dg, first.id).await.articles.len(), 2);

    // A 2026 file without the action's articles takes its 2026 one away, not its 2027 one.
    // (The export itself carries the CPAS's planned line as an article: emptied here.)
    let without = fill(&xml, first.id, "", "");
    let (status, body) = import(&app, &dg, &tree, without, false).await;
    assert_eq!(status, 200, "{body}");
    let articles: Vec<_> = ecomptes_of(&app, &dg, first.id)
        .await
        .articles
        .iter()
        .map(|a| a.year)
        .collect();
    assert_eq!(articles, [2027]);
    // Its projections made for 2026 went with it.
    assert!(
        ecomptes_of(&app, &dg, second.id)
            .await
            .projections
            .is_empty()
    );
    assert!(counted > 0);
}

#[tokio::test]
async fn an_unknown_element_is_reported_and_nothing_is_written() {
    let app = spawn_app().await;
    let (tree, dg, xml) = exported(&app).await;
    let mut actions = tree.actions();
    let (first, second) = (actions.next().expect("a"), actions.next().expect("b"));
    let stranger = Uuid::new_v4();
    let returned = fill(&xml, second.id, &article(2026, "84010/123-48", "10"), "")
        .replace(&first.id.to_string(), &stranger.to_string());

    let (status, body) = import(&app, &dg, &tree, returned.clone(), true).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["applied"], false);
    assert_eq!(body["unmatched"], serde_json::json!([stranger.to_string()]));

    let (status, body) = import(&app, &dg, &tree, returned, false).await;
    assert_eq!(status, 422, "{body}");
    assert_eq!(body["errors"][0]["code"], "unknown_reference");
    assert!(
        body["errors"][0]["message"]
            .as_str()
            .is_some_and(|m| m.contains(&stranger.to_string())),
        "{body}"
    );
    assert!(ecomptes_of(&app, &dg, second.id).await.articles.is_empty());

    // Another plan's file.
    let other = xml.replace(
        &format!("<IdPST>{}</IdPST>", tree.id),
        &format!("<IdPST>{}</IdPST>", Uuid::new_v4()),
    );
    let (status, body) = import(&app, &dg, &tree, other, true).await;
    assert_eq!(status, 422, "{body}");
    assert_eq!(body["errors"][0]["field"], "rows/1/IdPST");
}

#[tokio::test]
async fn crafted_files_are_refused_without_being_read() {
    let app = spawn_app().await;
    let (tree, dg, xml) = exported(&app).await;
    let body = xml.trim_start_matches("<?xml version=\"1.0\" encoding=\"UTF-8\"?>");
    let xxe = format!(
        "<?xml version=\"1.0\"?>\n<!DOCTYPE dataroot [<!ENTITY xxe SYSTEM \"file:///etc/passwd\">]>{}",
        body.replacen("<Libelle>", "<Libelle>&xxe;", 1)
    );
    let laughs = format!(
        "<?xml version=\"1.0\"?>\n<!DOCTYPE lolz [<!ENTITY lol \"lol\"><!ENTITY lol1 \"&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;\"><!ENTITY lol2 \"&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;\">]>{}",
        body.replacen("<Libelle>", "<Libelle>&lol2;", 1)
    );
    let undeclared = xml.replacen("<Libelle>", "<Libelle>&xxe;", 1);
    for (name, file) in [
        ("xxe", xxe),
        ("billion laughs", laughs),
        ("undeclared", undeclared),
    ] {
        let (status, body) = import(&app, &dg, &tree, file, true).await;
        assert_eq!(status, 422, "{name}: {body}");
        assert_eq!(body["errors"][0]["code"], "dtd_refused", "{name}: {body}");
    }
    // Not XML at all, or not UTF-8.
    let (status, body) = import(&app, &dg, &tree, "<dataroot><a></b>", true).await;
    assert_eq!(
        (status, body["errors"][0]["code"].as_str()),
        (422, Some("unreadable"))
    );
    let (status, body) = import(&app, &dg, &tree, vec![0xff, 0xfe, 0x3c], true).await;
    assert_eq!(
        (status, body["errors"][0]["code"].as_str()),
        (422, Some("not_utf8"))
    );
    // A bad amount is named by its line.
    let bad = fill(
        &xml,
        tree.actions().next().expect("a").id,
        &article(2026, "1", "12,5"),
        "",
    );
    let (status, body) = import(&app, &dg, &tree, bad, true).await;
    assert_eq!(status, 422, "{body}");
    assert_eq!(body["errors"][0]["code"], "invalid_value");
    assert!(
        body["errors"][0]["field"]
            .as_str()
            .is_some_and(|f| f.ends_with("/Article/Montant"))
    );

    // 50 MB: refused from its announced length, before a byte of it is read.
    let answer = answer_to_head_only(&app, &dg, &tree, 50 << 20).await;
    assert!(answer.starts_with("HTTP/1.1 413 "), "{answer}");
    assert!(answer.contains("file_too_large"), "{answer}");
}

/// Sends only the head of an import announcing `length` bytes and reads the answer: the
/// server must answer without waiting for a body that never comes.
async fn answer_to_head_only(app: &TestApp, token: &str, tree: &PlanTree, length: usize) -> String {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let mut stream = tokio::net::TcpStream::connect(app.address.trim_start_matches("http://"))
        .await
        .expect("connected");
    let head = format!(
        "POST /api/v1/plans/{}/ecomptes?dry_run=true HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer {token}\r\nContent-Type: application/xml\r\nContent-Length: {length}\r\n\r\n",
        tree.id
    );
    stream.write_all(head.as_bytes()).await.expect("sent");
    let mut answer = vec![0; 8192];
    let read = tokio::time::timeout(std::time::Duration::from_secs(5), stream.read(&mut answer))
        .await
        .expect("an answer before the body is sent")
        .expect("read");
    String::from_utf8_lossy(&answer[..read]).into_owned()
}

#[tokio::test]
async fn only_the_dg_of_the_plan_imports() {
    let app = spawn_app().await;
    let (tree, _dg, xml) = exported(&app).await;
    let president = app.token("president@paliseul.example").await;
    let (status, body) = import(&app, &president, &tree, xml.clone(), true).await;
    assert_eq!(status, 403, "{body}");
    let other = app.token("dg@cpas-a.example").await;
    let (status, body) = import(&app, &other, &tree, xml.clone(), true).await;
    assert_eq!(status, 404, "{body}");
    // Another CPAS's DG reads no reconciliation of it either.
    let response = app
        .get_as(&other, &format!("/api/v1/plans/{}/reconciliation", tree.id))
        .await;
    assert_eq!(response.status(), 404);
    let (status, _) = send(
        &app,
        &president,
        Method::GET,
        &format!("/api/v1/plans/{}/reconciliation", tree.id),
        Value::Null,
    )
    .await;
    assert_eq!(status, 200);
}
