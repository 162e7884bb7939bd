//! The plan tree endpoint: shape, and a bounded number of SQL statements.

use api_types::{PlanSummary, PlanTree};
use tests::{TestApp, spawn_app};

/// The statements the server reports in `Server-Timing: db;…;desc="N queries",
/// auth;desc="M queries"`: (request's own work, account check).
async fn queries_for(app: &TestApp, token: &str, path: &str) -> (u32, u32) {
    let response = app.get_as(token, path).await;
    assert_eq!(response.status(), 200);
    tests::statement_counts(&response)
}

#[tokio::test]
async fn the_plan_tree_is_read_in_at_most_eight_queries_whatever_its_size() {
    let app = spawn_app().await;
    for slug in ["cpas-a", "paliseul"] {
        let token = app.token(&format!("dg@{slug}.example")).await;
        let plans: Vec<PlanSummary> = app.get_ok_as(&token, "/api/v1/plans").await;
        let (queries, auth) =
            queries_for(&app, &token, &format!("/api/v1/plans/{}", plans[0].id)).await;
        // The CPAS's revision, then (not cached yet) the same in the snapshot and 6 reads.
        assert!(queries <= 8, "{slug}: {queries} queries");
        assert_eq!(auth, 1, "one statement checks the account and the session");
    }

    // Grow the 000 plan tenfold: the count of statements must not move.
    let token = app.token("dg@cpas-a.example").await;
    let plans: Vec<PlanSummary> = app.get_ok_as(&token, "/api/v1/plans").await;
    let path = format!("/api/v1/plans/{}", plans[0].id);
    let before = queries_for(&app, &token, &path).await;
    diesel::RunQueryDsl::execute(
        diesel::sql_query(format!(
            "INSERT INTO actions (tenant_id, plan_id, objective_id, code, kind, title, position)
             SELECT a.tenant_id, a.plan_id, a.objective_id, a.code || '-' || n, a.kind,
                    a.title || ' (copie ' || n || ')', a.position + 100 * n
             FROM actions a CROSS JOIN generate_series(1, 9) AS n
             WHERE a.plan_id = '{}'",
            plans[0].id
        )),
        &mut app.connection(),
    )
    .expect("copies inserted");
    let tree: PlanTree = app.get_ok_as(&token, &path).await;
    let actions: usize = tree.actions().count();
    assert_eq!(actions, 410);
    assert_eq!(queries_for(&app, &token, &path).await, before);
}

#[tokio::test]
async fn each_cpas_lists_its_own_plan_with_its_counts() {
    let app = spawn_app().await;

    for (slug, counts) in [("cpas-a", (3, 10, 41)), ("paliseul", (2, 8, 20))] {
        let token = app.token(&format!("social@{slug}.example")).await;
        let plans: Vec<PlanSummary> = app.get_ok_as(&token, "/api/v1/plans").await;

        assert_eq!(plans.len(), 1, "{slug} sees only its own plan");
        let plan = &plans[0];
        assert_eq!(plan.tenant.slug, slug);
        assert_eq!(
            (
                plan.strategic_objective_count,
                plan.operational_objective_count,
                plan.action_count
            ),
            counts
        );
    }
}

#[tokio::test]
async fn archived_actions_leave_the_tree_and_the_counts() {
    let app = spawn_app().await;
    diesel::RunQueryDsl::execute(
        diesel::sql_query("UPDATE actions SET archived_at = now() WHERE code = 'Me5'"),
        &mut app.connection(),
    )
    .expect("archived");

    let tree = app.plan_of("cpas-a").await;
    let token = app.token("president@cpas-a.example").await;
    let plans: Vec<PlanSummary> = app.get_ok_as(&token, "/api/v1/plans").await;

    let codes: Vec<String> = tree.actions().map(|a| a.code.clone()).collect();
    assert!(!codes.contains(&"Me5".to_owned()));
    assert_eq!(codes.len(), 40);
    assert_eq!(plans[0].action_count, 40);
}

#[tokio::test]
async fn the_report_and_the_workbook_take_as_many_queries_for_any_plan_size() {
    let app = spawn_app().await;
    let mut counts = Vec::new();
    for slug in ["cpas-a", "paliseul"] {
        let token = app.token(&format!("dg@{slug}.example")).await;
        let plans: Vec<PlanSummary> = app.get_ok_as(&token, "/api/v1/plans").await;
        let plan = plans[0].id;
        let tree: PlanTree = app
            .get_ok_as(&token, &format!("/api/v1/plans/{plan}"))
            .await;
        let actions: usize = tree.actions().count();
        let (report, _) = queries_for(&app, &token, &format!("/api/v1/plans/{plan}/report")).await;
        let (workbook, _) = queries_for(
            &app,
            &token,
            &format!("/api/v1/plans/{plan}/export?format=xlsx"),
        )
        .await;
        counts.push((slug, actions, report, workbook));
    }
    let [
        (_, small, report_a, workbook_a),
        (_, large, report_b, workbook_b),
    ] = counts[..]
    else {
        unreachable!("two plans");
    };
    assert_ne!(small, large, "plans of different sizes: {counts:?}");
    assert_eq!(report_a, report_b, "report: {counts:?}");
    assert_eq!(workbook_a, workbook_b, "workbook: {counts:?}");
    assert!(report_a <= 12 && workbook_a <= 12, "{counts:?}");
}

#[tokio::test]
async fn the_plan_tree_carries_an_etag_and_answers_304_while_unchanged() {
    let app = spawn_app().await;
    let token = app.token("dg@cpas-a.example").await;
    let plans: Vec<PlanSummary> = app.get_ok_as(&token, "/api/v1/plans").await;
    let path = format!("/api/v1/plans/{}", plans[0].id);

    let first = app.get_as(&token, &path).await;
    assert_eq!(first.status(), 200);
    let header = |r: &reqwest::Response, name: &str| {
        r.headers()
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned)
    };
    let etag = header(&first, "etag").expect("an ETag");
    assert!(etag.starts_with("W/\""), "a weak validator: {etag}");
    assert_eq!(
        header(&first, "cache-control").as_deref(),
        Some("private, no-cache")
    );
    let tree: PlanTree = first.json().await.expect("the tree");

    // Another account of the same CPAS reads the same content, hence the same validator.
    let social = app.token("social@cpas-a.example").await;
    let again = app.get_as(&social, &path).await;
    assert_eq!(header(&again, "etag").as_deref(), Some(etag.as_str()));

    let revalidated = app
        .client
        .get(app.url(&path))
        .bearer_auth(&token)
        .header("If-None-Match", format!("\"other\", {etag}"))
        .send()
        .await
        .expect("answer");
    assert_eq!(revalidated.status(), 304);
    assert_eq!(header(&revalidated, "etag").as_deref(), Some(etag.as_str()));
    assert!(revalidated.bytes().await.expect("body").is_empty());

    // A change of the plan's content gives another validator, and a full answer.
    let action = &tree.objectives[0].operational_objectives[0].actions[0];
    let edited = app
        .send_as(
            reqwest::Method::PATCH,
            Some(&token),
            &format!("/api/v1/actions/{}", action.id),
            Some(&serde_json::json!({
                "version": action.version,
                "changes": { "progress": (action.progress + 7) % 100 },
            })),
        )
        .await;
    assert_eq!(edited.status(), 200);
    let changed = app
        .client
        .get(app.url(&path))
        .bearer_auth(&token)
        .header("If-None-Match", &etag)
        .send()
        .await
        .expect("answer");
    assert_eq!(changed.status(), 200);
    let new_etag = header(&changed, "etag").expect("an ETag");
    assert_ne!(new_etag, etag);
    let tree: PlanTree = changed.json().await.expect("the tree");
    assert_eq!(
        tree.objectives[0].operational_objectives[0].actions[0].progress,
        (action.progress + 7) % 100
    );

    // A validator never reveals another CPAS's plan: 404 before any 304.
    let other = app.token("dg@paliseul.example").await;
    let foreign = app
        .client
        .get(app.url(&path))
        .bearer_auth(&other)
        .header("If-None-Match", "*")
        .send()
        .await
        .expect("answer");
    assert_eq!(foreign.status(), 404);
}

#[tokio::test]
async fn the_benchmark_ceiling_route_exists_only_when_configured() {
    let app = spawn_app().await;
    assert_eq!(app.get("/api/bench/ceiling").await.status(), 404);

    let scratch = tests::ScratchDir::new("pst-ceiling");
    let file = scratch.0.join("ceiling.json");
    std::fs::write(&file, br#"{"served":"from memory"}"#).expect("written");
    let mut settings = tests::test_settings(tests::fresh_database());
    settings.settings.bench_ceiling_file = Some(file);
    let app = tests::spawn_app_with(settings).await;
    let response = app.get("/api/bench/ceiling").await;
    assert_eq!(response.status(), 200);
    assert_eq!(
        response.bytes().await.expect("body").as_ref(),
        br#"{"served":"from memory"}"#
    );
}

/// The CPAS A plan's id, path and a token of its DG.
async fn cpas_a_plan(app: &TestApp) -> (String, String) {
    let token = app.token("dg@cpas-a.example").await;
    let plans: Vec<PlanSummary> = app.get_ok_as(&token, "/api/v1/plans").await;
    (token, format!("/api/v1/plans/{}", plans[0].id))
}

/// The first action that has a lead entity.
fn first_action(tree: &PlanTree) -> &api_types::Action {
    tree.actions()
        .find(|a| a.lead.is_some())
        .expect("an action with a lead entity")
}

#[tokio::test]
async fn a_cached_tree_follows_every_change_whichever_instance_or_hand_made_it() {
    let app = spawn_app().await;
    // A second instance on the same database, as behind a load balancer.
    let other = tests::spawn_app_with(tests::test_settings(app.database_url.clone())).await;
    let (token, path) = cpas_a_plan(&app).await;

    let (_, _) = queries_for(&app, &token, &path).await;
    let (queries, _) = queries_for(&app, &token, &path).await;
    assert_eq!(
        queries, 1,
        "a cached tree costs one statement: its CPAS's revision"
    );

    // A change through the other instance is seen at once.
    let tree: PlanTree = app.get_ok_as(&token, &path).await;
    let action = first_action(&tree);
    let other_token = other.token("dg@cpas-a.example").await;
    let edited = other
        .send_as(
            reqwest::Method::PATCH,
            Some(&other_token),
            &format!("/api/v1/actions/{}", action.id),
            Some(&serde_json::json!({
                "version": action.version,
                "changes": { "progress": (action.progress + 11) % 100 },
            })),
        )
        .await;
    assert_eq!(edited.status(), 200);
    let tree: PlanTree = app.get_ok_as(&token, &path).await;
    assert_eq!(first_action(&tree).progress, (action.progress + 11) % 100);

    // So is a change made in SQL by hand, to an action or to an organisation's name.
    let mut conn = app.connection();
    diesel::connection::SimpleConnection::batch_execute(
        &mut conn,
        &format!(
            "UPDATE actions SET title = 'Titre corrigé en base' WHERE id = '{}';
             UPDATE organisations SET name = name || ' (renommée)'
              WHERE id = (SELECT organisation_id FROM action_organisations
                           WHERE action_id = '{}' AND role = 'lead')",
            action.id, action.id
        ),
    )
    .expect("SQL edit");
    let tree: PlanTree = app.get_ok_as(&token, &path).await;
    let action = first_action(&tree);
    assert_eq!(action.title, "Titre corrigé en base");
    let lead = action.lead.as_ref().expect("a lead entity");
    assert!(lead.name.ends_with(" (renommée)"), "{}", lead.name);

    // Another CPAS's change leaves this tree cached.
    let paliseul = app.token("dg@paliseul.example").await;
    let theirs: Vec<PlanSummary> = app.get_ok_as(&paliseul, "/api/v1/plans").await;
    let response = app
        .send_as(
            reqwest::Method::PATCH,
            Some(&paliseul),
            &format!("/api/v1/plans/{}", theirs[0].id),
            Some(&serde_json::json!({ "title": "Plan de Paliseul (titre revu)", "version": theirs[0].version })),
        )
        .await;
    assert_eq!(
        response.status(),
        200,
        "{}",
        response.text().await.unwrap_or_default()
    );
    let (queries, _) = queries_for(&app, &token, &path).await;
    assert_eq!(queries, 1, "still cached");
}

#[tokio::test]
async fn a_cached_tree_shows_an_action_stale_once_its_reporting_deadline_passes() {
    let app = spawn_app().await;
    let (token, path) = cpas_a_plan(&app).await;
    let tree: PlanTree = app.get_ok_as(&token, &path).await;
    let action = first_action(&tree).id;
    // An adopted plan (reports due every 90 days) whose first action reported 90 days ago
    // less two seconds: not stale yet, stale in two seconds, with no write in between.
    let mut conn = app.connection();
    diesel::connection::SimpleConnection::batch_execute(
        &mut conn,
        &format!(
            "UPDATE plans SET status = 'adopted', adopted_on = current_date - 10,
                    update_cadence_days = 90 WHERE id = '{}';
             UPDATE actions SET status = 'en_cours',
                    last_reported_at = now() - interval '90 days' + interval '2 seconds'
              WHERE id = '{action}'",
            tree.id
        ),
    )
    .expect("SQL arrangement");
    let fresh: PlanTree = app.get_ok_as(&token, &path).await;
    assert!(!first_action(&fresh).stale);
    let (queries, _) = queries_for(&app, &token, &path).await;
    assert_eq!(queries, 1, "served from the cache meanwhile");

    tokio::time::sleep(std::time::Duration::from_millis(2500)).await;
    let later: PlanTree = app.get_ok_as(&token, &path).await;
    assert!(
        first_action(&later).stale,
        "the deadline passed: the cache gave way"
    );
}
