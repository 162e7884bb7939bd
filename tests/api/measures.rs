//! Indicators and budget lines the DG stops following are archived, not deleted.

use api_types::{ActionDetail, HistoryEntry, PlanTree};
use reqwest::Method;
use serde_json::{Value, json};
use tests::send_json as send;
use tests::spawn_app;

#[tokio::test]
async fn an_archived_indicator_or_budget_line_leaves_the_action_and_its_reported_values_stay() {
    // Arrange: Pe18 with an indicator and a budget line, each reported once.
    let app = spawn_app().await;
    let dg = app.token("dg@cpas-a.example").await;
    let tree: PlanTree = app.plan_of("cpas-a").await;
    let pe18 = tree.action("Pe18").expect("Pe18").id;
    send(
        &app,
        &dg,
        Method::POST,
        &format!("/api/v1/actions/{pe18}/indicators"),
        json!({ "name": "Participants", "year": 2026, "target": 40 }),
    )
    .await;
    let (status, defined) = send(&app, &dg, Method::POST, &format!("/api/v1/actions/{pe18}/budget-lines"),
        json!({ "year": 2026, "service": "ordinaire", "direction": "depense", "planned_cents": 100_000 })).await;
    assert_eq!(status, 201, "{defined}");
    let defined: ActionDetail = serde_json::from_value(defined).expect("detail");
    let (indicator, line) = (defined.indicators[0].id, defined.budget_lines[0].id);
    let edit = app
        .client
        .patch(app.url(&format!("/api/v1/actions/{pe18}")))
        .bearer_auth(&dg)
        .header("If-Match", format!("\"{}\"", defined.action.version))
        .json(&json!({ "changes": {
            "indicators": [{ "id": indicator, "current_value": 12, "measured_at": "2026-03-31" }],
            "budget_lines": [{ "id": line, "spent_cents": 30_000 }],
        } }))
        .send()
        .await
        .expect("edit");
    assert_eq!(edit.status().as_u16(), 200);

    // Act: both archived.
    for path in [
        format!("/api/v1/indicators/{indicator}"),
        format!("/api/v1/budget-lines/{line}"),
    ] {
        let (status, body) = send(&app, &dg, Method::DELETE, &path, Value::Null).await;
        assert_eq!(status, 204, "{path}: {body}");
    }

    // Assert: gone from the action, not editable or archivable again, not reportable; the
    // history still holds the values reported.
    let after: ActionDetail = app.get_ok_as(&dg, &format!("/api/v1/actions/{pe18}")).await;
    assert!(after.indicators.is_empty() && after.budget_lines.is_empty());
    let (status, _) = send(
        &app,
        &dg,
        Method::PUT,
        &format!("/api/v1/indicators/{indicator}"),
        json!({ "name": "Participants" }),
    )
    .await;
    assert_eq!(status, 404);
    let (status, _) = send(
        &app,
        &dg,
        Method::DELETE,
        &format!("/api/v1/budget-lines/{line}"),
        Value::Null,
    )
    .await;
    assert_eq!(status, 404);
    let social = app.token("social@cpas-a.example").await;
    let (status, problem) = send(&app, &social, Method::POST, &format!("/api/v1/actions/{pe18}/change-requests"),
        json!({ "base_version": after.action.version, "changes": { "indicators": [{ "id": indicator, "current_value": 20 }] } })).await;
    assert_eq!(
        (status, &problem["errors"][0]["field"]),
        (422, &json!("changes/indicators")),
        "{problem}"
    );
    let history: Vec<HistoryEntry> = app
        .get_ok_as(&dg, &format!("/api/v1/actions/{pe18}/history"))
        .await;
    let reported: Vec<(&str, &Value)> = history
        .iter()
        .flat_map(|entry| &entry.changes)
        .map(|c| (c.field.as_str(), &c.after))
        .collect();
    assert!(
        reported.contains(&(format!("budget_line:{line}").as_str(), &json!(30_000))),
        "{reported:?}"
    );
    assert!(
        reported
            .iter()
            .any(|(field, after)| *field == format!("indicator:{indicator}")
                && after["current_value"].as_f64() == Some(12.0)),
        "{reported:?}"
    );
}
