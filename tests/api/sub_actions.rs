//! Sub-actions: the steps of an action, one level below it, with the follow-up of an
//! action; the action's progress is their weighted mean unless the DG sets it by hand.

use api_types::{ActionDetail, ChangeRequest, HistoryEntry, PlanSummary, PlanTree, Problem};
use reqwest::Method;
use serde_json::{Value, json};
use tests::send_text as send;
use tests::{TestApp, spawn_app};

async fn action_id(app: &TestApp, code: &str) -> String {
    let tree: PlanTree = app.plan_of("cpas-a").await;
    tree.actions()
        .find(|a| a.code == code)
        .map(|a| a.id.to_string())
        .unwrap_or_else(|| panic!("no {code}"))
}

async fn detail(app: &TestApp, token: &str, action: &str) -> ActionDetail {
    app.get_ok_as(token, &format!("/api/v1/actions/{action}"))
        .await
}

/// Adds a sub-action as the DG; answers it.
async fn add(app: &TestApp, dg: &str, parent: &str, body: Value) -> ActionDetail {
    let (status, text) = send(
        app,
        dg,
        Method::POST,
        &format!("/api/v1/actions/{parent}/sub-actions"),
        body,
    )
    .await;
    assert_eq!(status, 201, "{text}");
    serde_json::from_str(&text).expect("an action detail")
}

/// `PATCH /api/v1/actions/{action}/definition` as `token`.
async fn define(app: &TestApp, token: &str, action: &str, body: Value) -> (u16, String) {
    send(
        app,
        token,
        Method::PATCH,
        &format!("/api/v1/actions/{action}/definition"),
        body,
    )
    .await
}

fn problem(text: &str) -> Problem {
    serde_json::from_str(text).expect("a problem")
}

/// Proposes `changes` on `action` as `token`, then approves it as the president.
async fn report(app: &TestApp, token: &str, president: &str, action: &str, changes: Value) {
    let version = detail(app, token, action).await.action.version;
    let (status, text) = send(
        app,
        token,
        Method::POST,
        &format!("/api/v1/actions/{action}/change-requests"),
        json!({ "base_version": version, "changes": changes }),
    )
    .await;
    assert_eq!(status, 201, "{text}");
    let proposal: ChangeRequest = serde_json::from_str(&text).expect("a proposal");
    let (status, text) = send(
        app,
        president,
        Method::POST,
        &format!("/api/v1/change-requests/{}/approve", proposal.id),
        json!({}),
    )
    .await;
    assert_eq!(status, 200, "{text}");
}

#[tokio::test]
async fn an_actions_progress_is_the_weighted_mean_of_its_sub_actions_unless_set_by_hand() {
    let app = spawn_app().await;
    let dg = app.token("dg@cpas-a.example").await;
    // The tree's statements, read before any cache holds it (and again after a write).
    let plans: Vec<PlanSummary> = app.get_ok_as(&dg, "/api/v1/plans").await;
    let tree_path = format!("/api/v1/plans/{}", plans[0].id);
    let tree_statements = tests::statement_counts(&app.get_as(&dg, &tree_path).await);
    let pe18 = action_id(&app, "Pe18").await;

    // Codes follow the action's; the given one is kept.
    let first = add(&app, &dg, &pe18, json!({ "title": "Trouver un local" })).await;
    let second = add(
        &app,
        &dg,
        &pe18,
        json!({ "title": "Lancer les ateliers", "weight": 3 }),
    )
    .await;
    let third = add(
        &app,
        &dg,
        &pe18,
        json!({ "title": "Évaluer avec le PCS", "code": "Pe18.eval" }),
    )
    .await;
    assert_eq!(
        [&first, &second, &third].map(|d| d.action.code.clone()),
        ["Pe18.1", "Pe18.2", "Pe18.eval"]
    );
    assert_eq!(first.parent.as_ref().map(|p| p.code.as_str()), Some("Pe18"));
    assert_eq!(second.action.weight, 3);

    // Under the action: the sub-actions in order, and the progress is theirs (all at 0).
    let parent = detail(&app, &dg, &pe18).await;
    assert_eq!(
        parent
            .action
            .sub_actions
            .iter()
            .map(|s| s.code.as_str())
            .collect::<Vec<_>>(),
        ["Pe18.1", "Pe18.2", "Pe18.eval"]
    );
    assert!(parent.action.progress_from_sub_actions);
    assert_eq!(parent.action.progress, 0);

    // Steps reported through proposals: (100×1 + 50×3 + 0×1) / 5 = 50.
    let pcs = app.token("pcs@cpas-a.example").await;
    let president = app.token("president@cpas-a.example").await;
    let first_id = first.action.id.to_string();
    let second_id = second.action.id.to_string();
    report(
        &app,
        &pcs,
        &president,
        &first_id,
        json!({ "progress": 100, "status": "termine" }),
    )
    .await;
    report(
        &app,
        &pcs,
        &president,
        &second_id,
        json!({ "progress": 50 }),
    )
    .await;
    assert_eq!(
        tests::statement_counts(&app.get_as(&dg, &tree_path).await),
        tree_statements,
        "sub-actions cost the tree no statement"
    );
    let parent = detail(&app, &dg, &pe18).await;
    assert_eq!(parent.action.progress, 50);
    assert!(
        parent.action.last_reported_at.is_some(),
        "a report on a step is a report on the action"
    );

    // The tree nests them under the action, and its counts are still of actions.
    let tree: PlanTree = app.plan_of("cpas-a").await;
    let nested = tree.action("Pe18").expect("Pe18");
    assert_eq!(nested.sub_actions.len(), 3);
    assert_eq!(nested.progress, 50);
    assert_eq!(tree.actions().count(), 41);
    assert!(tree.actions().all(|a| a.code != "Pe18.1"));
    let plans: Vec<PlanSummary> = app.get_ok_as(&dg, "/api/v1/plans").await;
    assert_eq!(plans[0].action_count, 41);

    // The action's own progress is refused while its sub-actions drive it…
    let version = detail(&app, &pcs, &pe18).await.action.version;
    let (status, text) = send(
        &app,
        &pcs,
        Method::POST,
        &format!("/api/v1/actions/{pe18}/change-requests"),
        json!({ "base_version": version, "changes": { "progress": 80 } }),
    )
    .await;
    let refused = problem(&text);
    assert_eq!(
        (
            status,
            refused.errors[0].field.as_str(),
            refused.errors[0].code.as_str()
        ),
        (422, "changes/progress", "progress_from_sub_actions"),
        "{text}"
    );

    // …until the DG sets it by hand; then sub-actions no longer move it.
    let version = detail(&app, &dg, &pe18).await.action.version;
    let (status, text) = define(
        &app,
        &dg,
        &pe18,
        json!({ "version": version, "progress_by_hand": true }),
    )
    .await;
    assert_eq!(status, 200, "{text}");
    let (status, text) = send(
        &app,
        &dg,
        Method::PATCH,
        &format!("/api/v1/actions/{pe18}"),
        json!({ "version": version + 1, "changes": { "progress": 80 } }),
    )
    .await;
    assert_eq!(status, 200, "{text}");
    report(
        &app,
        &pcs,
        &president,
        &second_id,
        json!({ "progress": 100 }),
    )
    .await;
    let parent = detail(&app, &dg, &pe18).await;
    assert_eq!(
        (
            parent.action.progress,
            parent.action.progress_from_sub_actions
        ),
        (80, false)
    );

    // Back to the sub-actions: (100×1 + 100×3 + 0×1) / 5 = 80 as well; weight 1 on the
    // second step gives (100 + 100 + 0) / 3 = 66.67, rounded to 67.
    let version = parent.action.version;
    let (status, text) = define(
        &app,
        &dg,
        &pe18,
        json!({ "version": version, "progress_by_hand": false }),
    )
    .await;
    assert_eq!(status, 200, "{text}");
    let version = detail(&app, &dg, &second_id).await.action.version;
    let (status, text) = define(
        &app,
        &dg,
        &second_id,
        json!({ "version": version, "weight": 1 }),
    )
    .await;
    assert_eq!(status, 200, "{text}");
    let parent = detail(&app, &dg, &pe18).await;
    assert_eq!(
        (
            parent.action.progress,
            parent.action.progress_from_sub_actions
        ),
        (67, true)
    );

    // Archived steps leave the mean: without the third (0 %), (100 + 100) / 2 = 100; and
    // once none is left, the progress stays where the last steps left it.
    for step in [&third.action.id.to_string(), &first_id, &second_id] {
        let version = detail(&app, &dg, step).await.action.version;
        let (status, text) = send(
            &app,
            &dg,
            Method::POST,
            &format!("/api/v1/actions/{step}/archive"),
            json!({ "version": version }),
        )
        .await;
        assert_eq!(status, 204, "{text}");
    }
    let parent = detail(&app, &dg, &pe18).await;
    assert_eq!(
        (
            parent.action.progress,
            parent.action.progress_from_sub_actions,
            parent.action.sub_actions.len()
        ),
        (100, false, 0)
    );
}

#[tokio::test]
async fn partners_propose_on_the_sub_actions_of_the_actions_their_organisation_carries() {
    let app = spawn_app().await;
    let dg = app.token("dg@cpas-a.example").await;
    let pcs = app.token("pcs@cpas-a.example").await;
    let pe18 = action_id(&app, "Pe18").await;
    let me1 = action_id(&app, "Me1").await;
    let ours = add(&app, &dg, &pe18, json!({ "title": "Étape du PCS" })).await;
    let theirs = add(&app, &dg, &me1, json!({ "title": "Étape d'un autre" })).await;

    let (status, text) = send(
        &app,
        &pcs,
        Method::POST,
        &format!("/api/v1/actions/{}/change-requests", ours.action.id),
        json!({ "base_version": ours.action.version, "changes": { "progress": 30 } }),
    )
    .await;
    assert_eq!(status, 201, "{text}");
    let (status, text) = send(
        &app,
        &pcs,
        Method::POST,
        &format!("/api/v1/actions/{}/change-requests", theirs.action.id),
        json!({ "base_version": theirs.action.version, "changes": { "progress": 30 } }),
    )
    .await;
    assert_eq!((status, problem(&text).code.as_str()), (403, "forbidden"));

    // Only the DG adds sub-actions.
    let (status, _) = send(
        &app,
        &pcs,
        Method::POST,
        &format!("/api/v1/actions/{pe18}/sub-actions"),
        json!({ "title": "Une étape" }),
    )
    .await;
    assert_eq!(status, 403);
}

#[tokio::test]
async fn sub_actions_sit_one_level_under_an_action_and_nothing_bad_is_written() {
    let app = spawn_app().await;
    let dg = app.token("dg@cpas-a.example").await;
    let pe18 = action_id(&app, "Pe18").await;
    let step = add(&app, &dg, &pe18, json!({ "title": "Étape" })).await;
    let step_id = step.action.id.to_string();

    // Not under a sub-action.
    let (status, text) = send(
        &app,
        &dg,
        Method::POST,
        &format!("/api/v1/actions/{step_id}/sub-actions"),
        json!({ "title": "Sous-sous-action" }),
    )
    .await;
    let refused = problem(&text);
    assert_eq!(
        (
            status,
            refused.errors[0].field.as_str(),
            refused.errors[0].code.as_str()
        ),
        (422, "parent_id", "sub_action_level")
    );
    // A weight out of range, a code taken, an unknown field.
    for (body, expected) in [
        (
            json!({ "title": "Lourde", "weight": 0 }),
            (422, "out_of_range"),
        ),
        (
            json!({ "title": "Doublon", "code": "Pe18.1" }),
            (409, "code_taken"),
        ),
        (
            json!({ "title": "Étrange", "colour": "red" }),
            (400, "invalid_json"),
        ),
    ] {
        let (status, text) = send(
            &app,
            &dg,
            Method::POST,
            &format!("/api/v1/actions/{pe18}/sub-actions"),
            body.clone(),
        )
        .await;
        let refused = problem(&text);
        let code = refused
            .errors
            .first()
            .map_or(refused.code.as_str(), |e| e.code.as_str());
        assert_eq!((status, code), expected, "{body}: {text}");
    }
    // A sub-action does not move away from its action, and takes no progress by hand; an
    // action takes no weight.
    for (action, body, field) in [
        (
            &step_id,
            json!({ "version": step.action.version, "objective_id": detail(&app, &dg, &action_id(&app, "Me1").await).await.objective_id }),
            "objective_id",
        ),
        (
            &step_id,
            json!({ "version": step.action.version, "progress_by_hand": true }),
            "progress_by_hand",
        ),
        (
            &pe18,
            json!({ "version": detail(&app, &dg, &pe18).await.action.version, "weight": 2 }),
            "weight",
        ),
    ] {
        let (status, text) = define(&app, &dg, action, body).await;
        assert_eq!(
            (status, problem(&text).errors[0].field.as_str()),
            (422, field),
            "{text}"
        );
    }
    // An action with sub-actions is not deleted; nothing was written by the refusals.
    let (status, text) = send(
        &app,
        &dg,
        Method::DELETE,
        &format!("/api/v1/actions/{pe18}"),
        json!(null),
    )
    .await;
    assert_eq!(
        (status, problem(&text).code.as_str()),
        (409, "has_sub_actions"),
        "{text}"
    );
    let parent = detail(&app, &dg, &pe18).await;
    assert_eq!(parent.action.sub_actions.len(), 1);
    assert_eq!(
        detail(&app, &dg, &step_id).await.action.version,
        step.action.version
    );

    // The database keeps the level whatever writes to it: an action with steps under
    // another action, or an action under a step, is refused by the trigger.
    let me1 = action_id(&app, "Me1").await;
    for (child, parent) in [(&pe18, &me1), (&me1, &step_id)] {
        let refused = diesel::RunQueryDsl::execute(
            diesel::sql_query(format!(
                "UPDATE actions SET parent_id = '{parent}' WHERE id = '{child}'"
            )),
            &mut app.connection(),
        )
        .expect_err("one level only");
        assert!(refused.to_string().contains("one level only"), "{refused}");
    }
}

#[tokio::test]
async fn a_sub_action_follows_its_action_when_the_action_moves() {
    let app = spawn_app().await;
    let dg = app.token("dg@cpas-a.example").await;
    let pe18 = action_id(&app, "Pe18").await;
    let step = add(&app, &dg, &pe18, json!({ "title": "Étape" })).await;
    let elsewhere = detail(&app, &dg, &action_id(&app, "Me1").await)
        .await
        .objective_id;
    let version = detail(&app, &dg, &pe18).await.action.version;
    let (status, text) = define(
        &app,
        &dg,
        &pe18,
        json!({ "version": version, "objective_id": elsewhere }),
    )
    .await;
    assert_eq!(status, 200, "{text}");
    let moved = detail(&app, &dg, &step.action.id.to_string()).await;
    assert_eq!(moved.objective_id, elsewhere);
    let tree: PlanTree = app.plan_of("cpas-a").await;
    let oo = tree
        .objectives
        .iter()
        .flat_map(|os| &os.operational_objectives)
        .find(|oo| oo.id == elsewhere)
        .expect("the objective");
    assert!(
        oo.actions
            .iter()
            .any(|a| a.code == "Pe18" && a.sub_actions.len() == 1)
    );
}

#[tokio::test]
async fn a_steps_changes_show_in_its_own_history_and_in_its_actions() {
    let app = spawn_app().await;
    let dg = app.token("dg@cpas-a.example").await;
    let pe18 = action_id(&app, "Pe18").await;
    let step = add(&app, &dg, &pe18, json!({ "title": "Trouver un local" })).await;
    let step_id = step.action.id.to_string();
    let pcs = app.token("pcs@cpas-a.example").await;
    let president = app.token("president@cpas-a.example").await;
    report(
        &app,
        &pcs,
        &president,
        &step_id,
        json!({ "progress": 60, "status": "en_cours" }),
    )
    .await;

    let own: Vec<HistoryEntry> = app
        .get_ok_as(&dg, &format!("/api/v1/actions/{step_id}/history"))
        .await;
    let fields = |entry: &HistoryEntry| -> Vec<String> {
        entry.changes.iter().map(|c| c.field.clone()).collect()
    };
    assert_eq!(own.len(), 1);
    assert_eq!(fields(&own[0]), ["status", "progress"]);
    assert!(own[0].sub_action.is_none(), "its own change");
    // On Pe18's page: the step's change, naming the step (Pe18's progress follows it).
    let parent: Vec<HistoryEntry> = app
        .get_ok_as(&dg, &format!("/api/v1/actions/{pe18}/history"))
        .await;
    let from_step: Vec<&HistoryEntry> = parent.iter().filter(|e| e.sub_action.is_some()).collect();
    assert_eq!(from_step.len(), 1);
    let named = from_step[0].sub_action.as_ref().expect("the step");
    assert_eq!((named.id, named.code.as_str()), (step.action.id, "Pe18.1"));
    assert_eq!(fields(from_step[0]), ["status", "progress"]);
    assert_eq!(detail(&app, &dg, &pe18).await.action.progress, 60);
}
