//! An action's health (issue 16.3): the lead's judgement apart from the eComptes status,
//! proposed and approved like the other follow-up fields, counted on the dashboard.

use api_types::{ActionDetail, ActionHealth, ChangeRequest, HistoryEntry, PlanStats, Problem};
use reqwest::Method;
use serde_json::{Value, json};
use tests::send_text as send;
use tests::{TestApp, spawn_app};

async fn detail(app: &TestApp, token: &str, action: &str) -> ActionDetail {
    app.get_ok_as(token, &format!("/api/v1/actions/{action}"))
        .await
}

/// Proposes `changes` on `action` as `token`: the status and the body.
async fn propose(app: &TestApp, token: &str, action: &str, changes: Value) -> (u16, String) {
    let version = detail(app, token, action).await.action.version;
    send(
        app,
        token,
        Method::POST,
        &format!("/api/v1/actions/{action}/change-requests"),
        json!({ "base_version": version, "changes": changes }),
    )
    .await
}

async fn approve(app: &TestApp, president: &str, proposal: &str) {
    let (status, text) = send(
        app,
        president,
        Method::POST,
        &format!("/api/v1/change-requests/{proposal}/approve"),
        json!({}),
    )
    .await;
    assert_eq!(status, 200, "{text}");
}

#[tokio::test]
async fn a_partners_health_report_is_applied_once_approved_and_counted_on_the_dashboard() {
    let app = spawn_app().await;
    let pcs = app.token("pcs@cpas-a.example").await;
    let president = app.token("president@cpas-a.example").await;
    let tree = app.plan_of("cpas-a").await;
    let plan = tree.id;
    let pe18 = tree
        .actions()
        .find(|a| a.code == "Pe18")
        .map(|a| a.id.to_string())
        .expect("Pe18");
    let before: PlanStats = app
        .get_ok_as(&president, &format!("/api/v1/plans/{plan}/summary"))
        .await;
    assert_eq!(
        before.total.by_health.unassessed, before.total.actions,
        "no action of the seed is assessed"
    );

    let (status, text) = propose(
        &app,
        &pcs,
        &pe18,
        json!({ "health": "at_risk", "health_comment": "Local pas encore trouvé" }),
    )
    .await;
    assert_eq!(status, 201, "{text}");
    let proposal: ChangeRequest = serde_json::from_str(&text).expect("a proposal");
    assert_eq!(
        detail(&app, &pcs, &pe18).await.action.health,
        None,
        "a proposal changes nothing before it is approved"
    );
    approve(&app, &president, &proposal.id.to_string()).await;

    let after = detail(&app, &pcs, &pe18).await.action;
    assert_eq!(after.health, Some(ActionHealth::AtRisk));
    assert_eq!(
        after.health_comment.as_deref(),
        Some("Local pas encore trouvé")
    );
    let in_tree = app.plan_of("cpas-a").await;
    let pe18_in_tree = in_tree.actions().find(|a| a.code == "Pe18").expect("Pe18");
    assert_eq!(pe18_in_tree.health, Some(ActionHealth::AtRisk));
    let history: Vec<HistoryEntry> = app
        .get_ok_as(&pcs, &format!("/api/v1/actions/{pe18}/history"))
        .await;
    let changed: Vec<(&str, &Value, &Value)> = history[0]
        .changes
        .iter()
        .map(|c| (c.field.as_str(), &c.before, &c.after))
        .collect();
    assert_eq!(
        changed,
        [
            ("health", &Value::Null, &json!("at_risk")),
            (
                "health_comment",
                &Value::Null,
                &json!("Local pas encore trouvé")
            ),
        ]
    );
    let stats: PlanStats = app
        .get_ok_as(&president, &format!("/api/v1/plans/{plan}/summary"))
        .await;
    assert_eq!(stats.total.by_health.at_risk, 1);
    assert_eq!(stats.total.by_health.unassessed, stats.total.actions - 1);
    let objective = stats
        .objectives
        .iter()
        .find(|o| o.objective_id == pe18_in_tree_objective(&in_tree, "Pe18"))
        .expect("Pe18's objective");
    assert_eq!(objective.rollup.by_health.at_risk, 1);

    // The council report says it beside the status, in HTML and in DOCX.
    let html = app
        .get_as(&president, &format!("/api/v1/plans/{plan}/report"))
        .await
        .text()
        .await
        .expect("HTML");
    assert!(
        html.contains("non commencé · santé : à surveiller (Local pas encore trouvé)"),
        "{html}"
    );
    let docx = app
        .get_as(
            &president,
            &format!("/api/v1/plans/{plan}/report?format=docx"),
        )
        .await
        .bytes()
        .await
        .expect("DOCX");
    assert!(
        tests::docx_body(&docx).contains("santé : à surveiller (Local pas encore trouvé)"),
        "the DOCX says it too"
    );

    // The DG clears it by a direct edit: not assessed again.
    let dg = app.token("dg@cpas-a.example").await;
    let version = detail(&app, &dg, &pe18).await.action.version;
    let (status, text) = send(
        &app,
        &dg,
        Method::PATCH,
        &format!("/api/v1/actions/{pe18}"),
        json!({ "version": version, "changes": { "health": null, "health_comment": null } }),
    )
    .await;
    assert_eq!(status, 200, "{text}");
    let cleared = detail(&app, &dg, &pe18).await.action;
    assert_eq!((cleared.health, cleared.health_comment), (None, None));
}

fn pe18_in_tree_objective(tree: &api_types::PlanTree, code: &str) -> uuid::Uuid {
    tree.objectives
        .iter()
        .flat_map(|os| &os.operational_objectives)
        .find(|oo| oo.actions.iter().any(|a| a.code == code))
        .map(|oo| oo.id)
        .expect("the action's objective")
}

#[tokio::test]
async fn a_bad_health_is_refused_naming_the_field_and_nothing_is_written() {
    let app = spawn_app().await;
    let pcs = app.token("pcs@cpas-a.example").await;
    let tree = app.plan_of("cpas-a").await;
    let pe18 = tree
        .actions()
        .find(|a| a.code == "Pe18")
        .map(|a| a.id.to_string())
        .expect("Pe18");
    let too_long = "é".repeat(api_types::HEALTH_COMMENT_MAX_CHARS + 1);
    for (changes, field, code) in [
        (
            json!({ "health": "excellent" }),
            "changes/health",
            "unknown_value",
        ),
        (json!({ "health": 3 }), "changes/health", "unknown_value"),
        (
            json!({ "health": "good", "health_comment": too_long }),
            "changes/health_comment",
            "invalid_value",
        ),
        (
            json!({ "health": "good", "health_comment": "deux\nlignes" }),
            "changes/health_comment",
            "invalid_value",
        ),
    ] {
        let (status, text) = propose(&app, &pcs, &pe18, changes.clone()).await;
        assert_eq!(status, 422, "{changes}: {text}");
        let problem: Problem = serde_json::from_str(&text).expect("a problem");
        assert!(
            problem
                .errors
                .iter()
                .any(|e| e.field == field && e.code.as_str() == code),
            "{changes}: {text}"
        );
    }
    let pending: Vec<ChangeRequest> = app
        .get_ok_as(&pcs, "/api/v1/change-requests?status=pending")
        .await;
    assert!(pending.is_empty(), "nothing was recorded: {pending:?}");
    assert_eq!(detail(&app, &pcs, &pe18).await.action.health, None);
}
