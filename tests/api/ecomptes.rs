//! The PST as the Region's eComptes receives it (issue 17.4): both seed plans, given a NIS
//! code and a few budget articles, export files that the format's own schema accepts
//! (`xmllint --schema ../shared/ecomptes/PST_eComptes_Export_201805V1.xsd`).

use std::path::PathBuf;
use std::process::Command;

use api_types::{PlanTree, Problem, TenantIdentity};
use reqwest::Method;
use serde_json::{Value, json};
use tests::send_json as send;
use tests::{TestApp, spawn_app};

/// The format's schema, beside the repository (see `../shared/ecomptes/README.md`).
fn schema() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../shared/ecomptes/PST_eComptes_Export_201805V1.xsd")
}

/// Gives the CPAS of `tree` a NIS code, as a platform administrator does.
pub(crate) async fn set_nis_code(app: &TestApp, tree: &PlanTree, code: i32) {
    let admin = app.token("admin@pst.example").await;
    let path = format!("/api/v1/tenants/{}", tree.tenant.id);
    let current: TenantIdentity = app.get_ok_as(&admin, &path).await;
    let (status, body) = send(
        app,
        &admin,
        Method::PUT,
        &path,
        json!({
            "name": current.name,
            "nis_code": code,
            "administration_type": "cpas",
            "version": current.version,
        }),
    )
    .await;
    assert_eq!(status, 200, "{body}");
}

pub(crate) async fn add_article(
    app: &TestApp,
    dg: &str,
    action: uuid::Uuid,
    year: i32,
    article: &str,
) {
    let (status, body) = send(
        app,
        dg,
        Method::POST,
        &format!("/api/v1/actions/{action}/budget-lines"),
        json!({
            "year": year,
            "service": "ordinaire",
            "direction": "depense",
            "article": article,
            "planned_cents": 1_234_550,
        }),
    )
    .await;
    assert_eq!(status, 201, "{body}");
}

pub(crate) async fn export(
    app: &TestApp,
    token: &str,
    tree: &PlanTree,
    exercice: i32,
) -> reqwest::Response {
    app.get_as(
        token,
        &format!("/api/v1/plans/{}/ecomptes.xml?exercice={exercice}", tree.id),
    )
    .await
}

/// `xmllint`'s verdict on `xml` against the format's schema: `Ok` or its complaints.
pub(crate) fn validate(xml: &str, name: &str) -> Result<(), String> {
    let file = std::env::temp_dir().join(format!("{name}-{}.xml", uuid::Uuid::new_v4()));
    std::fs::write(&file, xml).expect("write the file");
    let output = Command::new("xmllint")
        .arg("--noout")
        .arg("--schema")
        .arg(schema())
        .arg(&file)
        .output()
        .expect("xmllint (Debian's libxml2-utils, which cargo xtask test installs)");
    let _ = std::fs::remove_file(&file);
    if output.status.success() {
        Ok(())
    } else {
        Err(String::from_utf8_lossy(&output.stderr).into_owned())
    }
}

#[tokio::test]
async fn both_seed_plans_export_files_the_schema_accepts() {
    let app = spawn_app().await;
    assert!(
        schema().is_file(),
        "the schema is at {}",
        schema().display()
    );
    for (slug, code, dg_email) in [
        ("cpas-a", 84077, "dg@cpas-a.example"),
        ("paliseul", 84050, "dg@paliseul.example"),
    ] {
        let tree = app.plan_of(slug).await;
        set_nis_code(&app, &tree, code).await;
        let dg = app.token(dg_email).await;
        let actions: Vec<_> = tree.actions().take(3).map(|a| a.id).collect();
        add_article(&app, &dg, actions[0], 2026, "84010/123-48").await;
        add_article(&app, &dg, actions[1], 2026, "84401/124-02").await;
        // Another year's article stays out of the 2026 file.
        add_article(&app, &dg, actions[2], 2027, "84402/332-02").await;
        // A line's label is its article's `Libelle` (else the element's title).
        let (status, body) = send(
            &app,
            &dg,
            Method::POST,
            &format!("/api/v1/actions/{}/budget-lines", actions[2]),
            json!({ "year": 2026, "service": "ordinaire", "direction": "depense",
                    "article": "84401/124-03", "label": "Formation des bénévoles", "planned_cents": 100 }),
        )
        .await;
        assert_eq!(status, 201, "{body}");

        let response = export(&app, &dg, &tree, 2026).await;
        assert_eq!(response.status(), 200, "{slug}");
        assert_eq!(
            response.headers()["content-type"],
            "application/xml; charset=utf-8"
        );
        let xml = response.text().await.expect("body");
        validate(&xml, slug).unwrap_or_else(|e| panic!("{slug}: {e}"));
        assert!(xml.starts_with("<?xml version=\"1.0\" encoding=\"UTF-8\"?>"));
        assert!(xml.contains(&format!("<INS>{code}</INS>")), "{slug}");
        assert!(xml.contains("<TypeAdmin>CPAS</TypeAdmin>"));
        assert!(xml.contains("<CodeArticle>84010/123-48</CodeArticle>"));
        assert!(xml.contains("<Montant>12345.50</Montant>"));
        let labelled = &xml[xml
            .find("<CodeArticle>84401/124-03</CodeArticle>")
            .expect("the line")..];
        let labelled = &labelled[..labelled.find("</Article>").expect("its end")];
        assert!(
            labelled.contains("<Libelle>Formation des bénévoles</Libelle>"),
            "{labelled}"
        );
        assert!(
            !xml.contains("84402/332-02"),
            "{slug}: a 2027 article in 2026"
        );
        // Every action of the plan is an element keyed by its id.
        for action in tree.actions() {
            assert!(
                xml.contains(&format!("<Action ElementId=\"{}\"", action.id)),
                "{slug}: {}",
                action.code
            );
        }
    }
}

#[tokio::test]
async fn a_title_over_255_characters_is_cut_at_a_word_and_kept_whole_in_the_description() {
    let app = spawn_app().await;
    let tree = app.plan_of("cpas-a").await;
    set_nis_code(&app, &tree, 84077).await;
    let dg = app.token("dg@cpas-a.example").await;
    let action = tree.actions().next().expect("an action");
    let title = format!(
        "{} fin",
        "Accompagner les familles monoparentales ".repeat(10)
    )
    .chars()
    .take(400)
    .collect::<String>()
    .trim()
    .to_owned();
    assert!(title.chars().count() >= 390);
    let (status, body) = send(
        &app,
        &dg,
        Method::PATCH,
        &format!("/api/v1/actions/{}/definition", action.id),
        json!({ "version": action.version, "title": title }),
    )
    .await;
    assert_eq!(status, 200, "{body}");

    let xml = export(&app, &dg, &tree, 2026)
        .await
        .text()
        .await
        .expect("body");
    validate(&xml, "long-title").unwrap_or_else(|e| panic!("{e}"));
    let element = &xml[xml
        .find(&format!("<Action ElementId=\"{}\"", action.id))
        .expect("the action")..];
    let libelle = &element[element.find("<Libelle>").expect("Libelle") + "<Libelle>".len()..];
    let libelle = &libelle[..libelle.find("</Libelle>").expect("end")];
    assert!(
        libelle.chars().count() <= 255,
        "{}",
        libelle.chars().count()
    );
    assert!(libelle.ends_with('…'), "{libelle}");
    assert!(!libelle.ends_with(" …"));
    let full = format!("{} – {title}", action.code);
    assert!(full.starts_with(libelle.trim_end_matches('…')));
    let description = &element[element.find("<Description>").expect("Description")..];
    assert!(
        description[..description.find("</Description>").expect("end")].contains(&full),
        "the whole title is in the description"
    );
}

#[tokio::test]
async fn without_a_nis_code_or_with_a_year_out_of_range_there_is_no_file() {
    let app = spawn_app().await;
    let tree = app.plan_of("cpas-a").await;
    let dg = app.token("dg@cpas-a.example").await;

    let response = export(&app, &dg, &tree, 2026).await;
    assert_eq!(response.status(), 409);
    let problem: Problem = response.json().await.expect("a problem");
    assert_eq!(problem.code.as_str(), "nis_code_missing");

    set_nis_code(&app, &tree, 84077).await;
    let response = export(&app, &dg, &tree, 1850).await;
    assert_eq!(response.status(), 422);
    let problem: Problem = response.json().await.expect("a problem");
    assert_eq!(problem.errors[0].field, "exercice");

    // Another CPAS's plan is not found.
    let other = app.token("dg@paliseul.example").await;
    assert_eq!(export(&app, &other, &tree, 2026).await.status(), 404);
}

/// An element's responsible is its `Responsable` once that person has given their civility
/// and names; without them, the element has none (the file stays valid either way).
#[tokio::test]
async fn a_responsible_who_gave_their_identity_is_the_elements_responsable() {
    let app = spawn_app().await;
    let tree = app.plan_of("cpas-a").await;
    set_nis_code(&app, &tree, 84077).await;
    let dg = app.token("dg@cpas-a.example").await;
    let social = app.token("social@cpas-a.example").await;
    let me = |token: String| {
        let app = &app;
        async move {
            app.get_ok_as::<api_types::User>(&token, "/api/v1/me")
                .await
                .id
        }
    };
    let (dg_id, social_id) = (me(dg.clone()).await, me(social.clone()).await);
    let actions: Vec<_> = tree.actions().take(2).collect();
    for (action, person) in actions.iter().zip([dg_id, social_id]) {
        let (status, body) = send(
            &app,
            &dg,
            Method::PATCH,
            &format!("/api/v1/actions/{}/definition", action.id),
            json!({ "version": action.version, "responsible_user_id": person }),
        )
        .await;
        assert_eq!(status, 200, "{body}");
    }

    // The DG gives their identity; the social worker does not.
    let (status, body) = send(
        &app,
        &dg,
        Method::PUT,
        "/api/v1/me/identity",
        json!({ "civility": "madame", "given_name": " Anne ", "family_name": "Lambert", "phone": "+32 61 23 45 67" }),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["given_name"], "Anne", "trimmed: {body}");
    let again: api_types::PersonIdentity = app.get_ok_as(&dg, "/api/v1/me/identity").await;
    assert_eq!(again.family_name.as_deref(), Some("Lambert"));
    // Bad input names its field.
    for (body, field) in [
        (json!({ "phone": "call me maybe" }), "phone"),
        (json!({ "given_name": "é".repeat(51) }), "given_name"),
        (json!({ "civility": "docteur" }), ""),
    ] {
        let (status, problem) = send(&app, &social, Method::PUT, "/api/v1/me/identity", body).await;
        assert!(status == 422 || status == 400, "{status} {problem}");
        if !field.is_empty() {
            assert_eq!(problem["errors"][0]["field"], field, "{problem}");
        }
    }

    let response = export(&app, &dg, &tree, 2026).await;
    assert_eq!(response.status(), 200);
    let xml = response.text().await.expect("xml");
    validate(&xml, "responsables").unwrap_or_else(|e| panic!("{e}"));
    let element = |id: uuid::Uuid| {
        let start = xml
            .find(&format!("<Action ElementId=\"{id}\""))
            .expect("the action");
        let rest = &xml[start..];
        rest[..rest.find("</Action>").expect("its end")].to_owned()
    };
    let named = element(actions[0].id);
    assert!(
        named.contains("<Responsable>")
            && named.contains("<Civilite>MADAME</Civilite>")
            && named.contains("<Nom>Lambert</Nom>")
            && named.contains("<Prenom>Anne</Prenom>")
            && named.contains("<Tel>+32 61 23 45 67</Tel>")
            && named.contains("<eMail>dg@cpas-a.example</eMail>"),
        "{named}"
    );
    assert!(!element(actions[1].id).contains("<Responsable>"));
}

/// An element's mandataire's account is its `Mandataire` once that person has given their
/// identity: the management links objectives and actions to it (another CPAS's person is
/// refused, `null` unlinks), the tree names it, an action's history keeps the change.
#[tokio::test]
async fn a_mandataires_account_is_the_elements_mandataire() {
    let app = spawn_app().await;
    let tree = app.plan_of("cpas-a").await;
    set_nis_code(&app, &tree, 84077).await;
    let dg = app.token("dg@cpas-a.example").await;
    let president = app.token("president@cpas-a.example").await;
    let president_id = app
        .get_ok_as::<api_types::User>(&president, "/api/v1/me")
        .await
        .id;
    let (status, body) = send(
        &app,
        &president,
        Method::PUT,
        "/api/v1/me/identity",
        json!({ "civility": "monsieur", "given_name": "Jean", "family_name": "Dupont", "phone": "061 23 45 67" }),
    )
    .await;
    assert_eq!(status, 200, "{body}");

    let oo = &tree.objectives[0].operational_objectives[0];
    let action = tree.actions().nth(1).expect("an action");
    let (status, body) = send(
        &app,
        &dg,
        Method::PATCH,
        &format!("/api/v1/objectives/{}", oo.id),
        json!({ "version": oo.version, "political_lead_user_id": president_id }),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    let (status, body) = send(
        &app,
        &dg,
        Method::PATCH,
        &format!("/api/v1/actions/{}/definition", action.id),
        json!({ "version": action.version, "political_lead_user_id": president_id }),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(
        body["action"]["political_lead_account"]["id"],
        json!(president_id),
        "{body}"
    );
    let version = body["action"]["version"].as_i64().expect("version");

    // Another CPAS's person is not found, on objectives as on actions; nothing changes.
    let stranger = app
        .get_ok_as::<api_types::User>(&app.token("dg@paliseul.example").await, "/api/v1/me")
        .await
        .id;
    for (path, version) in [
        (format!("/api/v1/objectives/{}", oo.id), oo.version + 1),
        (
            format!("/api/v1/actions/{}/definition", action.id),
            i32::try_from(version).expect("small"),
        ),
    ] {
        let (status, problem) = send(
            &app,
            &dg,
            Method::PATCH,
            &path,
            json!({ "version": version, "political_lead_user_id": stranger }),
        )
        .await;
        assert_eq!(status, 422, "{path}: {problem}");
        assert_eq!(problem["errors"][0]["field"], "political_lead_user_id");
        assert_eq!(problem["errors"][0]["code"], "unknown_reference");
    }

    let after = app.plan_of("cpas-a").await;
    let linked = &after.objectives[0].operational_objectives[0];
    assert_eq!(
        linked.political_lead_account.as_ref().map(|a| a.id),
        Some(president_id)
    );
    assert_eq!(after.objectives[0].political_lead_account, None);
    let history: Value = app
        .get_ok_as(&dg, &format!("/api/v1/actions/{}/history", action.id))
        .await;
    assert_eq!(
        history[0]["changes"][0]["field"], "political_lead_account",
        "{history}"
    );
    assert_eq!(history[0]["changes"][0]["before"], Value::Null, "{history}");

    let response = export(&app, &dg, &after, 2026).await;
    assert_eq!(response.status(), 200);
    let xml = response.text().await.expect("xml");
    validate(&xml, "mandataires").unwrap_or_else(|e| panic!("{e}"));
    // The file is indented: its lines, trimmed and joined, compare as one.
    let compact: String = xml.lines().map(str::trim).collect();
    let element = |tag: &str, id: uuid::Uuid| {
        let start = compact
            .find(&format!("<{tag} ElementId=\"{id}\""))
            .expect("the element");
        let rest = &compact[start..];
        // Its own fields, before the next level's elements.
        rest[..rest.find("<Articles").expect("its articles")].to_owned()
    };
    let mandataire = "<Mandataire><Civilite>MONSIEUR</Civilite><Nom>Dupont</Nom>\
        <Prenom>Jean</Prenom><Tel>061 23 45 67</Tel><eMail>president@cpas-a.example</eMail>\
        </Mandataire>";
    assert!(
        element("ObjectifOperationnel", oo.id).contains(mandataire),
        "{compact}"
    );
    assert!(
        element("Action", action.id).contains(mandataire),
        "{compact}"
    );
    assert!(!element("ObjectifStrategique", after.objectives[0].id).contains("<Mandataire>"));

    // `null` unlinks.
    let (status, body) = send(
        &app,
        &dg,
        Method::PATCH,
        &format!("/api/v1/actions/{}/definition", action.id),
        json!({ "version": version, "political_lead_user_id": null }),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(
        body["action"]["political_lead_account"],
        Value::Null,
        "{body}"
    );
}
