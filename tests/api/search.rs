//! The actions list: search with accents and case ignored, filters, sorting, pages; and
//! the plan summary.

use api_types::{ActionPage, ActionStatus, PlanStats, PlanSummary, Problem};
use reqwest::Method;
use serde_json::json;
use tests::{TestApp, spawn_app};

async fn search(app: &TestApp, token: &str, query: &str) -> ActionPage {
    app.get_ok_as(token, &format!("/api/v1/actions?{query}"))
        .await
}

fn codes(page: &ActionPage) -> Vec<&str> {
    page.items.iter().map(|a| a.code.as_str()).collect()
}

#[tokio::test]
async fn free_text_ignores_case_and_accents_and_finds_organisations() {
    let app = spawn_app().await;
    let paliseul = app.token("social@paliseul.example").await;
    let cpas_a = app.token("social@cpas-a.example").await;

    for q in ["repassage", "REPASSAGE", "Répassâge"] {
        let found = search(&app, &paliseul, &format!("q={}", urlencode(q))).await;
        assert_eq!(codes(&found), ["A6"], "{q}");
        assert_eq!(
            found.items[0].title,
            "Développer une centrale de repassage ;"
        );
    }
    // DEFITS: in two titles, and the organisation collaborating on Pe13.
    for q in ["defits", "Défits", "DEFITS"] {
        let found = search(&app, &cpas_a, &format!("q={}", urlencode(q))).await;
        assert_eq!(codes(&found), ["Pe13", "Pe17"], "{q}");
    }
    // An organisation's name alone: ADMR carries Me28.
    assert_eq!(codes(&search(&app, &cpas_a, "q=admr").await), ["Me28"]);
    // The other CPAS's actions never come up.
    assert!(search(&app, &cpas_a, "q=repassage").await.items.is_empty());
    // Wildcards are literal.
    assert!(search(&app, &cpas_a, "q=%25").await.items.is_empty());
}

#[tokio::test]
async fn sub_actions_are_found_and_filtered_like_actions_each_naming_its_action() {
    let app = spawn_app().await;
    let dg = app.token("dg@cpas-a.example").await;
    let tree = app.plan_of("cpas-a").await;
    let pe18 = tree.action("Pe18").expect("Pe18").id;
    let mut steps = Vec::new();
    for title in ["Réserver la salle Zéphyrine", "Former les animateurs"] {
        let (status, created) = tests::send_json(
            &app,
            &dg,
            Method::POST,
            &format!("/api/v1/actions/{pe18}/sub-actions"),
            json!({ "title": title }),
        )
        .await;
        assert_eq!(status, 201, "{created}");
        steps.push(created["action"]["id"].as_str().expect("id").to_owned());
    }

    // Found by its own title, accents ignored, saying whose step it is.
    let found = search(&app, &dg, "q=zephyrine").await;
    assert_eq!(codes(&found), ["Pe18.1"]);
    let parent = found.items[0].parent.as_ref().expect("its action");
    assert_eq!((parent.id, parent.code.as_str()), (pe18, "Pe18"));
    assert!(found.items[0].title.contains("Zéphyrine"));
    // In plan order, each step right after its action; an action names no parent.
    let found = search(&app, &dg, "q=pe18").await;
    assert_eq!(codes(&found), ["Pe18", "Pe18.1", "Pe18.2"]);
    assert!(found.items[0].parent.is_none());
    // The organisation that carries Pe18 carries its steps.
    let pcs_org = {
        let me: api_types::User = app
            .get_ok_as(&app.token("pcs@cpas-a.example").await, "/api/v1/me")
            .await;
        me.organisation.expect("an organisation").id
    };
    let led = search(&app, &dg, &format!("organisation_id={pcs_org}")).await;
    assert_eq!(
        codes(&led),
        ["Pe17", "Pe18", "Pe18.1", "Pe18.2", "Pe19", "Pe20"]
    );
    // A status filter finds the step done, not its action still under way.
    let pcs = app.token("pcs@cpas-a.example").await;
    let president = app.token("president@cpas-a.example").await;
    let detail: serde_json::Value = app
        .get_ok_as(&pcs, &format!("/api/v1/actions/{}", steps[1]))
        .await;
    let (status, proposal) = tests::send_json(
        &app,
        &pcs,
        Method::POST,
        &format!("/api/v1/actions/{}/change-requests", steps[1]),
        json!({ "base_version": detail["action"]["version"], "changes": { "status": "termine", "progress": 100 } }),
    )
    .await;
    assert_eq!(status, 201, "{proposal}");
    let (status, _) = tests::send_json(
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
    assert_eq!(status, 200);
    let done = search(&app, &dg, "status=termine&q=pe18").await;
    assert_eq!(codes(&done), ["Pe18.2"]);
    // Another CPAS never sees them.
    let other = app.token("dg@paliseul.example").await;
    assert!(search(&app, &other, "q=zephyrine").await.items.is_empty());
}

fn urlencode(text: &str) -> String {
    text.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' => (b as char).to_string(),
            other => format!("%{other:02X}"),
        })
        .collect()
}

#[tokio::test]
async fn filters_sorting_and_pages_compose() {
    let app = spawn_app().await;
    let dg = app.token("dg@cpas-a.example").await;
    let pcs_org = {
        let me: api_types::User = app
            .get_ok_as(&app.token("pcs@cpas-a.example").await, "/api/v1/me")
            .await;
        me.organisation.expect("an organisation").id
    };

    let all = search(&app, &dg, "per_page=200").await;
    assert_eq!(all.total, 41);
    assert_eq!(all.items.len(), 41);
    assert_eq!(all.items[0].code, "Me1", "plan order by default");

    let led = search(&app, &dg, &format!("organisation_id={pcs_org}")).await;
    assert_eq!(codes(&led), ["Pe17", "Pe18", "Pe19", "Pe20"]);
    assert_eq!(
        led.items[0].lead.as_ref().map(|o| o.name.as_str()),
        Some("Commune (PCS)")
    );

    // Pages: 41 actions by 20, in code order, without overlap.
    let mut seen = Vec::new();
    for page in 1..=3 {
        let found = search(&app, &dg, &format!("sort=code&per_page=20&page={page}")).await;
        assert_eq!(found.total, 41);
        seen.extend(found.items.into_iter().map(|a| a.code));
    }
    assert_eq!(seen.len(), 41);
    let mut sorted = seen.clone();
    sorted.sort();
    assert_eq!(seen, sorted);

    // Status and lateness, after an edit.
    let pe19 = all
        .items
        .iter()
        .find(|a| a.code == "Pe19")
        .expect("Pe19")
        .id;
    let response = app
        .send_as(
            Method::PATCH,
            Some(&dg),
            &format!("/api/v1/actions/{pe19}"),
            Some(&json!({ "version": 1, "changes": { "status": "probleme", "planned_start": "2020-01-01", "planned_end": "2021-06-30" } })),
        )
        .await;
    assert_eq!(response.status(), 200);
    assert_eq!(codes(&search(&app, &dg, "status=probleme").await), ["Pe19"]);
    assert_eq!(
        codes(&search(&app, &dg, "status=en_cours,probleme").await),
        ["Pe19"]
    );
    let late = search(&app, &dg, "late=true").await;
    assert_eq!(codes(&late), ["Pe19"]);
    assert!(late.items[0].late);
    assert_eq!(search(&app, &dg, "late=false").await.total, 40);
    let by_end = search(&app, &dg, "sort=-planned_end&per_page=1").await;
    assert_eq!(codes(&by_end), ["Pe19"], "dated actions first, nulls last");
}

#[tokio::test]
async fn bad_list_parameters_are_named() {
    let app = spawn_app().await;
    let dg = app.token("dg@cpas-a.example").await;

    let response = app
        .get_as(
            &dg,
            "/api/v1/actions?status=fini&sort=colour&per_page=500&page=0",
        )
        .await;

    assert_eq!(response.status(), 422);
    let problem: Problem = response.json().await.expect("problem");
    let mut fields: Vec<&str> = problem.errors.iter().map(|e| e.field.as_str()).collect();
    fields.sort_unstable();
    assert_eq!(fields, ["page", "per_page", "sort", "status"]);
    assert_eq!(
        app.get_as(&dg, "/api/v1/actions?late=maybe").await.status(),
        400
    );
}

#[tokio::test]
async fn the_summary_rolls_actions_up_per_objective_and_organisation() {
    let app = spawn_app().await;
    let dg = app.token("dg@cpas-a.example").await;
    let plans: Vec<PlanSummary> = app.get_ok_as(&dg, "/api/v1/plans").await;
    let plan = plans[0].id;
    let page = search(&app, &dg, "per_page=200").await;
    for (code, progress, status) in [("Pe17", 50, "en_cours"), ("Pe18", 100, "termine")] {
        let id = page
            .items
            .iter()
            .find(|a| a.code == code)
            .expect("action")
            .id;
        let response = app
            .send_as(
                Method::PATCH,
                Some(&dg),
                &format!("/api/v1/actions/{id}"),
                Some(
                    &json!({ "version": 1, "changes": { "progress": progress, "status": status } }),
                ),
            )
            .await;
        assert_eq!(response.status(), 200);
    }

    let stats: PlanStats = app
        .get_ok_as(&dg, &format!("/api/v1/plans/{plan}/summary"))
        .await;

    assert_eq!(stats.total.actions, 41);
    assert_eq!(stats.total.by_status.get(ActionStatus::EnCours), 1);
    assert_eq!(stats.total.by_status.get(ActionStatus::Termine), 1);
    assert_eq!(stats.total.by_status.get(ActionStatus::NonCommence), 39);
    let objective = |code: &str| {
        stats
            .objectives
            .iter()
            .find(|o| o.code == code)
            .expect("objective")
    };
    assert_eq!(objective("OOe3").rollup.actions, 5);
    assert_eq!(
        objective("OOe3").rollup.mean_progress,
        10.0,
        "Pe17 at 50 of five actions"
    );
    assert_eq!(objective("OOe4").rollup.actions, 3);
    assert_eq!(
        objective("OOe4").rollup.mean_progress,
        33.3,
        "Pe18 at 100 of three actions"
    );
    assert_eq!(
        objective("OSe1").rollup.actions,
        20,
        "a strategic objective counts all its actions"
    );
    let codes: Vec<&str> = stats.objectives.iter().map(|o| o.code.as_str()).collect();
    assert_eq!(&codes[..3], ["OSe1", "OOe1", "OOe2"], "plan order");
    let pcs = stats
        .organisations
        .iter()
        .find(|o| o.organisation.name == "Commune (PCS)")
        .expect("PCS");
    assert_eq!((pcs.leads, pcs.rollup.actions), (4, 4));
    assert_eq!(pcs.rollup.mean_progress, 37.5);

    // The tree carries the same roll-ups.
    let tree = app.plan_of("cpas-a").await;
    let oo4 = &tree.objectives[0].operational_objectives[3];
    assert_eq!(oo4.code, "OOe4");
    assert_eq!(oo4.rollup, objective("OOe4").rollup);
    assert_eq!(tree.objectives[0].rollup, objective("OSe1").rollup);

    let other = app.token("dg@paliseul.example").await;
    assert_eq!(
        app.get_as(&other, &format!("/api/v1/plans/{plan}/summary"))
            .await
            .status(),
        404
    );
}

#[tokio::test]
async fn the_summary_counts_actions_and_their_sub_actions_beside_them() {
    let app = spawn_app().await;
    let dg = app.token("dg@cpas-a.example").await;
    let tree = app.plan_of("cpas-a").await;
    let pe18 = tree.action("Pe18").expect("Pe18").id;
    let mut steps = Vec::new();
    for title in ["Trouver un local", "Lancer les ateliers"] {
        let (status, created) = tests::send_json(
            &app,
            &dg,
            Method::POST,
            &format!("/api/v1/actions/{pe18}/sub-actions"),
            json!({ "title": title }),
        )
        .await;
        assert_eq!(status, 201, "{created}");
        steps.push(created["action"]["id"].as_str().expect("id").to_owned());
    }
    // The second step done, by the DG's direct edit.
    let response = app
        .send_as(
            Method::PATCH,
            Some(&dg),
            &format!("/api/v1/actions/{}", steps[1]),
            Some(&json!({ "version": 1, "changes": { "progress": 100, "status": "termine" } })),
        )
        .await;
    assert_eq!(response.status(), 200);

    let stats: PlanStats = app
        .get_ok_as(&dg, &format!("/api/v1/plans/{}/summary", tree.id))
        .await;
    // Counts and means are of actions: the steps only beside them.
    assert_eq!(stats.total.actions, 41);
    assert_eq!(
        (stats.total.sub_actions, stats.total.sub_actions_done),
        (2, 1)
    );
    assert_eq!(stats.total.by_status.get(ActionStatus::Termine), 0);
    assert_eq!(stats.total.by_status.get(ActionStatus::NonCommence), 41);
    let objective = |code: &str| {
        stats
            .objectives
            .iter()
            .find(|o| o.code == code)
            .expect("objective")
            .rollup
            .clone()
    };
    // Pe18 at 50 % from its steps, one of OOe4's three actions.
    let oo = objective("OOe4");
    assert_eq!((oo.actions, oo.sub_actions, oo.sub_actions_done), (3, 2, 1));
    assert_eq!(oo.mean_progress, 16.7);
    assert_eq!(objective("OOe3").sub_actions, 0);
    let pcs = stats
        .organisations
        .iter()
        .find(|o| o.organisation.name == "Commune (PCS)")
        .expect("the PCS");
    assert_eq!(
        (pcs.rollup.sub_actions, pcs.rollup.sub_actions_done),
        (2, 1)
    );
}
