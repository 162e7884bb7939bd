//! The council's side: the public transparency page, adopted versions and evaluations,
//! comparisons, and the evaluation report (HTML and DOCX).

use api_types::{
    FieldChange, PlanComparison, PlanEvaluation, PlanTree, PlanVersion, PublicPlan, User,
};
use reqwest::Method;
use serde_json::{Value, json};
use tests::send_json as send;
use tests::{TestApp, spawn_app};

fn codes(tree: &PlanTree) -> Vec<String> {
    tree.actions().map(|a| a.code.clone()).collect()
}

/// A proposal with a note on Pe18 by the PCS, approved by the president.
async fn approved_note(app: &TestApp, note: &str) {
    let partner = app.token("pcs@cpas-a.example").await;
    let president = app.token("president@cpas-a.example").await;
    let tree = app.plan_of("cpas-a").await;
    let pe18 = tree.action("Pe18").expect("Pe18");
    let (status, created) = send(
        app,
        &partner,
        Method::POST,
        &format!("/api/v1/actions/{}/change-requests", pe18.id),
        json!({ "base_version": pe18.version, "changes": { "progress": 45 }, "note": note }),
    )
    .await;
    assert_eq!(status, 201, "{created}");
    let id = created["id"].as_str().expect("id");
    let (status, _) = send(
        app,
        &president,
        Method::POST,
        &format!("/api/v1/change-requests/{id}/approve"),
        json!({}),
    )
    .await;
    assert_eq!(status, 200);
}

#[tokio::test]
async fn a_published_plan_is_public_without_notes_or_names_and_unpublishing_removes_it() {
    let app = spawn_app().await;
    let dg = app.token("dg@cpas-a.example").await;
    let tree = app.plan_of("cpas-a").await;
    let secret_note = "Note interne : réunion avec Mme Dupont, dossier sensible";
    approved_note(&app, secret_note).await;
    // A pending proposal too.
    let social = app.token("social@cpas-a.example").await;
    let me1 = tree.objectives[0].operational_objectives[0].actions[0].clone();
    let (status, _) = send(&app, &social, Method::POST, &format!("/api/v1/actions/{}/change-requests", me1.id), json!({ "base_version": me1.version, "changes": { "progress": 99 }, "note": "Proposition en attente" })).await;
    assert_eq!(status, 201);

    let page = format!("/public/cpas-a/{}", tree.id);
    let json_path = format!("/api/v1/public/cpas-a/plans/{}", tree.id);
    assert_eq!(
        app.get(&page).await.status().as_u16(),
        404,
        "not published yet"
    );

    let (status, _) = send(
        &app,
        &dg,
        Method::POST,
        &format!("/api/v1/plans/{}/publish", tree.id),
        Value::Null,
    )
    .await;
    assert_eq!(status, 204);
    let response = app.get(&page).await;
    assert_eq!(response.status().as_u16(), 200);
    assert!(
        response.headers()["content-type"]
            .to_str()
            .unwrap_or("")
            .starts_with("text/html")
    );
    let html = response.text().await.expect("html");
    let json = app.get(&json_path).await.text().await.expect("json");
    for code in codes(&tree) {
        assert!(html.contains(&format!(">{code}<")), "{code} on the page");
    }
    let public: PublicPlan = serde_json::from_str(&json).expect("the JSON twin");
    assert_eq!(public.objectives.len(), 3);
    assert_eq!(
        public.objectives[0].objectives[1]
            .actions
            .iter()
            .map(|a| a.code.as_str())
            .collect::<Vec<_>>()[..2],
        ["Pe8", "Pe9"]
    );

    let public_me1 = &public.objectives[0].objectives[0].actions[0];
    assert_eq!(
        (public_me1.code.as_str(), public_me1.progress),
        ("Me1", me1.progress),
        "the pending proposal is not applied"
    );
    // Nothing private: no journal, no pending proposal, no person.
    let users: Vec<User> = app.get_ok_as(&dg, "/api/v1/users").await;
    for text in [&html, &json] {
        assert!(
            !text.contains("Note interne") && !text.contains("Dupont"),
            "no journal text"
        );
        assert!(
            !text.contains("Proposition en attente"),
            "no pending proposal"
        );
        for user in &users {
            assert!(
                !text.contains(&user.display_name),
                "no name of staff: {}",
                user.display_name
            );
            assert!(!text.contains(&user.email));
        }
    }
    // Another CPAS's slug does not reach it.
    assert_eq!(
        app.get(&format!("/public/paliseul/{}", tree.id))
            .await
            .status()
            .as_u16(),
        404
    );

    let (status, _) = send(
        &app,
        &dg,
        Method::POST,
        &format!("/api/v1/plans/{}/unpublish", tree.id),
        Value::Null,
    )
    .await;
    assert_eq!(status, 204);
    assert_eq!(app.get(&page).await.status().as_u16(), 404);
    assert_eq!(app.get(&json_path).await.status().as_u16(), 404);

    // A draft cannot be published.
    let (_, draft) = send(
        &app,
        &dg,
        Method::POST,
        "/api/v1/plans",
        json!({ "title": "Brouillon" }),
    )
    .await;
    let (status, problem) = send(
        &app,
        &dg,
        Method::POST,
        &format!(
            "/api/v1/plans/{}/publish",
            draft["id"].as_str().expect("id")
        ),
        Value::Null,
    )
    .await;
    assert_eq!(status, 409, "{problem}");
}

/// Adds a sub-action to `action` as the DG; answers its id.
async fn add_step(app: &TestApp, dg: &str, action: &str, title: &str) -> String {
    let (status, created) = send(
        app,
        dg,
        Method::POST,
        &format!("/api/v1/actions/{action}/sub-actions"),
        json!({ "title": title }),
    )
    .await;
    assert_eq!(status, 201, "{created}");
    created["action"]["id"].as_str().expect("id").to_owned()
}

#[tokio::test]
async fn the_public_page_shows_each_step_under_its_action_and_never_a_task() {
    let app = spawn_app().await;
    let dg = app.token("dg@cpas-a.example").await;
    let tree = app.plan_of("cpas-a").await;
    let pe18 = tree.action("Pe18").expect("Pe18").id.to_string();
    let step = add_step(&app, &dg, &pe18, "Trouver un local accessible").await;
    let secret = "Appeler Mme Lambert pour les clés";
    for action in [&pe18, &step] {
        let (status, body) = send(
            &app,
            &dg,
            Method::POST,
            "/api/v1/tasks",
            json!({ "tasks": [{ "action_id": action, "title": secret, "due_on": "2027-03-01" }] }),
        )
        .await;
        assert_eq!(status, 201, "{body}");
        // A discussion is the CPAS's own too.
        let (status, body) = send(
            &app,
            &dg,
            Method::POST,
            &format!("/api/v1/actions/{action}/comments"),
            json!({ "body": "Voir avec M. Fontaine du service travaux" }),
        )
        .await;
        assert_eq!(status, 201, "{body}");
    }
    let (status, _) = send(
        &app,
        &dg,
        Method::POST,
        &format!("/api/v1/plans/{}/publish", tree.id),
        Value::Null,
    )
    .await;
    assert_eq!(status, 204);

    let html = app
        .get(&format!("/public/cpas-a/{}", tree.id))
        .await
        .text()
        .await
        .expect("html");
    let json = app
        .get(&format!("/api/v1/public/cpas-a/plans/{}", tree.id))
        .await
        .text()
        .await
        .expect("json");
    // The step's row follows its action's, saying whose step it is.
    let action_row = html.find(">Pe18<").expect("Pe18 on the page");
    let step_row = html.find(">Pe18.1<").expect("the step on the page");
    assert!(action_row < step_row);
    assert!(html[..step_row].ends_with(
        "<tr class=\"step\"><th scope=\"row\"><span class=\"step-of\">Sous-action de Pe18</span><span class=\"code\""
    ));
    assert!(html.contains("Trouver un local accessible"));
    let public: PublicPlan = serde_json::from_str(&json).expect("the JSON twin");
    let public_pe18 = public
        .objectives
        .iter()
        .flat_map(|os| &os.objectives)
        .flat_map(|oo| &oo.actions)
        .find(|a| a.code == "Pe18")
        .expect("Pe18");
    assert_eq!(
        public_pe18
            .sub_actions
            .iter()
            .map(|s| (s.code.as_str(), s.title.as_str()))
            .collect::<Vec<_>>(),
        [("Pe18.1", "Trouver un local accessible")]
    );
    // Tasks are the CPAS's own work: neither their titles nor their counts are public.
    for text in [&html, &json] {
        assert!(
            !text.contains("Lambert") && !text.contains("clés"),
            "no task"
        );
        assert!(!text.contains("open_tasks"), "no task count");
        assert!(!text.contains("Fontaine"), "no comment");
    }
}

#[tokio::test]
async fn adoption_freezes_versions_evaluations_freeze_the_follow_up_and_both_compare() {
    let app = spawn_app().await;
    let dg = app.token("dg@paliseul.example").await;
    let (_, plan) = send(
        &app,
        &dg,
        Method::POST,
        "/api/v1/plans",
        json!({ "title": "PST 2025-2030", "start_year": 2025, "end_year": 2030 }),
    )
    .await;
    let plan_id = plan["id"].as_str().expect("id").to_owned();
    let (_, tree) = send(
        &app,
        &dg,
        Method::POST,
        &format!("/api/v1/plans/{plan_id}/objectives"),
        json!({ "level": "strategic", "volet": "externe", "code": "OSe1", "title": "Aider" }),
    )
    .await;
    let os = tree["objectives"][0]["id"].as_str().expect("os").to_owned();
    let (_, tree) = send(&app, &dg, Method::POST, &format!("/api/v1/plans/{plan_id}/objectives"), json!({ "level": "operational", "parent_id": os, "volet": "externe", "code": "OOe1", "title": "Accueillir" })).await;
    let oo = tree["objectives"][0]["operational_objectives"][0]["id"]
        .as_str()
        .expect("oo")
        .to_owned();
    for code in ["Pe1", "Pe2"] {
        let (status, _) = send(
            &app,
            &dg,
            Method::POST,
            &format!("/api/v1/objectives/{oo}/actions"),
            json!({ "code": code, "kind": "projet", "title": format!("Projet {code}") }),
        )
        .await;
        assert_eq!(status, 201);
    }
    let version = app
        .get_ok_as::<PlanTree>(&dg, &format!("/api/v1/plans/{plan_id}"))
        .await
        .version;
    let (status, _) = send(
        &app,
        &dg,
        Method::POST,
        &format!("/api/v1/plans/{plan_id}/adopt"),
        json!({ "version": version, "adopted_on": "2025-02-20", "deliberation": "CAS 2025/014" }),
    )
    .await;
    assert_eq!(status, 200);
    let versions: Vec<PlanVersion> = app
        .get_ok_as(&dg, &format!("/api/v1/plans/{plan_id}/versions"))
        .await;
    assert_eq!(versions.len(), 1);
    assert_eq!(
        (versions[0].number, versions[0].deliberation.as_deref()),
        (1, Some("CAS 2025/014"))
    );

    // An actualisation: one action added, one renamed, re-adopted as version 2.
    let (status, _) = send(
        &app,
        &dg,
        Method::POST,
        &format!("/api/v1/objectives/{oo}/actions"),
        json!({ "code": "Pe3", "kind": "projet", "title": "Projet nouveau" }),
    )
    .await;
    assert_eq!(status, 201);
    let current: PlanTree = app
        .get_ok_as(&dg, &format!("/api/v1/plans/{plan_id}"))
        .await;
    let pe2 = &current.objectives[0].operational_objectives[0].actions[1];
    let (status, _) = send(
        &app,
        &dg,
        Method::PATCH,
        &format!("/api/v1/actions/{}/definition", pe2.id),
        json!({ "version": pe2.version, "title": "Projet renommé" }),
    )
    .await;
    assert_eq!(status, 200);
    let (status, v2) = send(
        &app,
        &dg,
        Method::POST,
        &format!("/api/v1/plans/{plan_id}/versions"),
        json!({ "adopted_on": "2027-03-15", "deliberation": "CAS 2027/031" }),
    )
    .await;
    assert_eq!(status, 201, "{v2}");
    assert_eq!(v2["number"], 2);
    let comparison: PlanComparison = app
        .get_ok_as(
            &dg,
            &format!("/api/v1/plans/{plan_id}/compare?from=version:1&to=version:2"),
        )
        .await;
    assert_eq!(
        comparison
            .added
            .iter()
            .map(|a| a.code.as_str())
            .collect::<Vec<_>>(),
        ["Pe3"]
    );
    assert!(comparison.removed.is_empty());
    assert_eq!(comparison.changed.len(), 1);
    assert_eq!(
        (
            comparison.changed[0].code.as_str(),
            comparison.changed[0].fields.clone()
        ),
        ("Pe2", vec!["title".to_owned()])
    );
    // Each change with its values, under its objective, for the web app's comparison.
    assert_eq!(
        comparison.changed[0].changes,
        [FieldChange {
            field: "title".to_owned(),
            before: json!("Projet Pe2"),
            after: json!("Projet renommé"),
        }]
    );
    assert_eq!(
        (
            comparison.added[0].objective_code.as_str(),
            comparison.added[0].objective_title.as_str(),
            comparison.changed[0].objective_code.as_str(),
        ),
        ("OOe1", "Accueillir", "OOe1")
    );

    // A mid-term evaluation freezes the follow-up; later progress shows as a delta.
    let (status, evaluation) = send(
        &app,
        &dg,
        Method::POST,
        &format!("/api/v1/plans/{plan_id}/evaluations"),
        json!({ "kind": "mid_term", "as_of": "2027-12-31" }),
    )
    .await;
    assert_eq!(status, 201, "{evaluation}");
    let (status, _) = send(
        &app,
        &dg,
        Method::POST,
        &format!("/api/v1/plans/{plan_id}/evaluations"),
        json!({ "kind": "mid_term", "as_of": "2028-01-31" }),
    )
    .await;
    assert_eq!(status, 409, "once");
    let pe1 = &app
        .get_ok_as::<PlanTree>(&dg, &format!("/api/v1/plans/{plan_id}"))
        .await
        .objectives[0]
        .operational_objectives[0]
        .actions[0]
        .clone();
    let response = app
        .client
        .patch(app.url(&format!("/api/v1/actions/{}", pe1.id)))
        .bearer_auth(&dg)
        .header("If-Match", format!("\"{}\"", pe1.version))
        .json(&json!({ "changes": { "progress": 80, "status": "en_cours" } }))
        .send()
        .await
        .expect("edit");
    assert_eq!(response.status().as_u16(), 200);
    let comparison: PlanComparison = app
        .get_ok_as(
            &dg,
            &format!("/api/v1/plans/{plan_id}/compare?from=evaluation:mid_term"),
        )
        .await;
    assert_eq!(comparison.to, "current");
    let changed = &comparison.changed[0];
    assert_eq!(
        (
            changed.code.as_str(),
            changed.progress_before,
            changed.progress_after
        ),
        ("Pe1", Some(0), Some(80))
    );
    assert_eq!(
        changed
            .changes
            .iter()
            .map(|c| (c.field.as_str(), c.before.clone(), c.after.clone()))
            .collect::<Vec<_>>(),
        [
            ("status", json!("non_commence"), json!("en_cours")),
            ("progress", json!(0), json!(80)),
        ]
    );
    assert!(comparison.progress_after > comparison.progress_before);
    let evaluations: Vec<PlanEvaluation> = app
        .get_ok_as(&dg, &format!("/api/v1/plans/{plan_id}/evaluations"))
        .await;
    assert_eq!(evaluations.len(), 1);

    let (status, problem) = send(
        &app,
        &dg,
        Method::GET,
        &format!("/api/v1/plans/{plan_id}/compare?from=version:9"),
        Value::Null,
    )
    .await;
    assert_eq!(status, 404, "{problem}");
    let (status, _) = send(
        &app,
        &dg,
        Method::GET,
        &format!("/api/v1/plans/{plan_id}/compare?from=nimporte"),
        Value::Null,
    )
    .await;
    assert_eq!(status, 422);
}

#[tokio::test]
async fn the_evaluation_report_lists_every_action_in_html_and_in_docx() {
    let app = spawn_app().await;
    let president = app.token("president@cpas-a.example").await;
    approved_note(&app, "Réunion de lancement tenue.").await;
    let tree = app.plan_of("cpas-a").await;
    let today = chrono::Utc::now().date_naive();

    let response = app
        .get_as(
            &president,
            &format!(
                "/api/v1/plans/{}/report?since=2025-01-01&until={today}",
                tree.id
            ),
        )
        .await;
    assert_eq!(response.status().as_u16(), 200);
    let html = response.text().await.expect("html");
    assert!(html.contains("@page { size: A4"));
    for code in codes(&tree) {
        assert!(
            html.contains(&format!("<strong>{code}</strong>")),
            "{code} in the report"
        );
    }
    assert!(
        html.contains("Décisions de la période") && html.contains("Réunion de lancement tenue.")
    );

    let response = app
        .get_as(
            &president,
            &format!("/api/v1/plans/{}/report?format=docx", tree.id),
        )
        .await;
    assert_eq!(response.status().as_u16(), 200);
    let bytes = response.bytes().await.expect("docx");
    let document = tests::docx_body(&bytes);
    assert!(document.starts_with("<?xml"));
    for code in codes(&tree) {
        assert!(document.contains(&format!("{code} ")), "{code} in the DOCX");
    }
    assert!(document.contains("Réunion de lancement tenue."));
    // Another CPAS's plan: 404.
    let other = app.token("president@paliseul.example").await;
    assert_eq!(
        app.get_as(&other, &format!("/api/v1/plans/{}/report", tree.id))
            .await
            .status()
            .as_u16(),
        404
    );
}

#[tokio::test]
async fn the_report_lists_each_step_under_its_action_in_html_and_in_docx() {
    let app = spawn_app().await;
    let dg = app.token("dg@cpas-a.example").await;
    let tree = app.plan_of("cpas-a").await;
    let pe18 = tree.action("Pe18").expect("Pe18").id.to_string();
    add_step(&app, &dg, &pe18, "Trouver un local").await;
    let step = add_step(&app, &dg, &pe18, "Lancer les ateliers").await;
    // The second step under way, at 40 %: proposed by the PCS, approved.
    let pcs = app.token("pcs@cpas-a.example").await;
    let detail: Value = app
        .get_ok_as(&pcs, &format!("/api/v1/actions/{step}"))
        .await;
    let (status, body) = send(
        &app,
        &pcs,
        Method::POST,
        &format!("/api/v1/actions/{step}/change-requests"),
        json!({ "base_version": detail["action"]["version"], "changes": { "status": "en_cours", "progress": 40 } }),
    )
    .await;
    assert_eq!(status, 201, "{body}");
    let president = app.token("president@cpas-a.example").await;
    let (status, body) = send(
        &app,
        &president,
        Method::POST,
        &format!(
            "/api/v1/change-requests/{}/approve",
            body["id"].as_str().expect("id")
        ),
        json!({}),
    )
    .await;
    assert_eq!(status, 200, "{body}");

    let html = app
        .get_as(&dg, &format!("/api/v1/plans/{}/report", tree.id))
        .await
        .text()
        .await
        .expect("html");
    let pe18_row = html.find("<strong>Pe18</strong>").expect("Pe18");
    let first = html
        .find("<tr class=\"step\"><td><span class=\"step-of\">Sous-action de Pe18</span><strong>Pe18.1</strong> Trouver un local</td><td>non commencé</td><td>0 %</td>")
        .expect(&html);
    let second = html
        .find("<strong>Pe18.2</strong> Lancer les ateliers</td><td>en cours</td><td>40 %</td>")
        .expect("the second step, under way");
    assert!(pe18_row < first && first < second);

    let response = app
        .get_as(
            &dg,
            &format!("/api/v1/plans/{}/report?format=docx", tree.id),
        )
        .await;
    assert_eq!(response.status().as_u16(), 200);
    let document = tests::docx_body(&response.bytes().await.expect("docx"));
    let pe18_cell = document.find("Pe18 ").expect("Pe18");
    let step_cell = document
        .find("Pe18.2 Lancer les ateliers (Sous-action de Pe18)")
        .expect("the step in the DOCX");
    assert!(pe18_cell < step_cell);
    assert!(document[step_cell..].contains("en cours") && document[step_cell..].contains("40 %"));
}

#[tokio::test]
async fn a_comparison_shows_the_steps_added_removed_and_changed_under_their_action() {
    let app = spawn_app().await;
    let dg = app.token("dg@paliseul.example").await;
    let (_, plan) = send(
        &app,
        &dg,
        Method::POST,
        "/api/v1/plans",
        json!({ "title": "PST étapes", "start_year": 2025, "end_year": 2030 }),
    )
    .await;
    let plan_id = plan["id"].as_str().expect("id").to_owned();
    let objectives = format!("/api/v1/plans/{plan_id}/objectives");
    let (_, tree) = send(
        &app,
        &dg,
        Method::POST,
        &objectives,
        json!({ "level": "strategic", "volet": "externe", "code": "OSe1", "title": "Aider" }),
    )
    .await;
    let os = tree["objectives"][0]["id"].as_str().expect("os").to_owned();
    let (_, tree) = send(&app, &dg, Method::POST, &objectives, json!({ "level": "operational", "parent_id": os, "volet": "externe", "code": "OOe1", "title": "Accueillir" })).await;
    let oo = tree["objectives"][0]["operational_objectives"][0]["id"]
        .as_str()
        .expect("oo")
        .to_owned();
    let (status, created) = send(
        &app,
        &dg,
        Method::POST,
        &format!("/api/v1/objectives/{oo}/actions"),
        json!({ "code": "Pe1", "kind": "projet", "title": "Projet Pe1" }),
    )
    .await;
    assert_eq!(status, 201, "{created}");
    let tree: PlanTree = app
        .get_ok_as(&dg, &format!("/api/v1/plans/{plan_id}"))
        .await;
    let pe1 = tree.action("Pe1").expect("Pe1").id.to_string();
    let kept = add_step(&app, &dg, &pe1, "Étape gardée").await;
    let dropped = add_step(&app, &dg, &pe1, "Étape abandonnée").await;
    let version = app
        .get_ok_as::<PlanTree>(&dg, &format!("/api/v1/plans/{plan_id}"))
        .await
        .version;
    let (status, body) = send(
        &app,
        &dg,
        Method::POST,
        &format!("/api/v1/plans/{plan_id}/adopt"),
        json!({ "version": version, "adopted_on": "2025-02-20" }),
    )
    .await;
    assert_eq!(status, 200, "{body}");

    // After version 1: a third step, the second one deleted, the first one half done.
    add_step(&app, &dg, &pe1, "Étape nouvelle").await;
    let (status, body) = send(
        &app,
        &dg,
        Method::DELETE,
        &format!("/api/v1/actions/{dropped}"),
        Value::Null,
    )
    .await;
    assert_eq!(status, 204, "{body}");
    let social = app.token("social@paliseul.example").await;
    let detail: Value = app
        .get_ok_as(&social, &format!("/api/v1/actions/{kept}"))
        .await;
    let (status, proposal) = send(
        &app,
        &social,
        Method::POST,
        &format!("/api/v1/actions/{kept}/change-requests"),
        json!({ "base_version": detail["action"]["version"], "changes": { "status": "en_cours", "progress": 50 } }),
    )
    .await;
    assert_eq!(status, 201, "{proposal}");
    let president = app.token("president@paliseul.example").await;
    let (status, body) = send(
        &app,
        &president,
        Method::POST,
        &format!(
            "/api/v1/change-requests/{}/approve",
            proposal["id"].as_str().expect("id")
        ),
        json!({}),
    )
    .await;
    assert_eq!(status, 200, "{body}");

    let comparison: PlanComparison = app
        .get_ok_as(
            &dg,
            &format!("/api/v1/plans/{plan_id}/compare?from=version:1&to=current"),
        )
        .await;
    let listed =
        |list: &[api_types::ComparedAction]| -> Vec<(String, Option<String>, Vec<String>)> {
            list.iter()
                .map(|a| (a.code.clone(), a.parent_code.clone(), a.fields.clone()))
                .collect()
        };
    assert_eq!(
        listed(&comparison.added),
        [("Pe1.3".to_owned(), Some("Pe1".to_owned()), vec![])]
    );
    assert_eq!(
        listed(&comparison.removed),
        [("Pe1.2".to_owned(), Some("Pe1".to_owned()), vec![])]
    );
    // The step's own change, and its action's progress rolled up from its steps: (50 + 0) / 2.
    assert_eq!(
        listed(&comparison.changed),
        [
            ("Pe1".to_owned(), None, vec!["progress".to_owned()]),
            (
                "Pe1.1".to_owned(),
                Some("Pe1".to_owned()),
                vec!["status".to_owned(), "progress".to_owned()]
            ),
        ]
    );
    let step = &comparison.changed[1];
    assert_eq!(
        (step.progress_before, step.progress_after),
        (Some(0), Some(50))
    );
    assert_eq!(comparison.changed[0].progress_after, Some(25));
    // The means are the actions': Pe1 alone.
    assert_eq!(
        (comparison.progress_before, comparison.progress_after),
        (0.0, 25.0)
    );
}

#[tokio::test]
async fn the_report_covers_the_period_asked_and_refuses_one_the_wrong_way_round() {
    let app = spawn_app().await;
    let president = app.token("president@cpas-a.example").await;
    let tree = app.plan_of("cpas-a").await;
    let report = |query: &str| format!("/api/v1/plans/{}/report?{query}", tree.id);

    let response = app
        .get_as(&president, &report("since=2026-01-01&until=2026-06-30"))
        .await;
    assert_eq!(response.status().as_u16(), 200);
    let html = response.text().await.expect("html");
    assert!(
        html.contains("période du 01/01/2026 au 30/06/2026"),
        "the period asked is the report's"
    );

    let (status, problem) = send(
        &app,
        &president,
        Method::GET,
        &report("since=2026-07-01&until=2026-06-30&format=docx"),
        Value::Null,
    )
    .await;
    assert_eq!(status, 422, "{problem}");
    assert_eq!(
        (
            &problem["errors"][0]["field"],
            &problem["errors"][0]["code"]
        ),
        (&json!("until"), &json!("before_start"))
    );
    let (status, problem) = send(
        &app,
        &president,
        Method::GET,
        &report("since=30/06/2026"),
        Value::Null,
    )
    .await;
    assert_eq!((status, &problem["code"]), (400, &json!("invalid_query")));
}
