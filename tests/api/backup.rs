//! A backup restores everything: plans, actions, history, users, integrations.

use diesel::prelude::*;
use diesel::sql_types::BigInt;
use reqwest::Method;
use serde_json::json;
use tests::{ScratchDir, TestApp, spawn_app};

#[derive(QueryableByName, Debug, PartialEq, Eq)]
struct Counts {
    #[diesel(sql_type = BigInt)]
    plans: i64,
    #[diesel(sql_type = BigInt)]
    actions: i64,
    #[diesel(sql_type = BigInt)]
    history: i64,
    #[diesel(sql_type = BigInt)]
    users: i64,
    #[diesel(sql_type = BigInt)]
    change_requests: i64,
    #[diesel(sql_type = BigInt)]
    journal: i64,
}

fn counts(app: &TestApp) -> Counts {
    diesel::sql_query(
        "SELECT (SELECT count(*) FROM plans) AS plans, (SELECT count(*) FROM actions) AS actions,
                (SELECT count(*) FROM action_history) AS history, (SELECT count(*) FROM users) AS users,
                (SELECT count(*) FROM change_requests) AS change_requests,
                (SELECT count(*) FROM journal_entries) AS journal",
    )
    .get_result(&mut app.connection())
    .expect("counts")
}

#[tokio::test]
async fn a_backup_restored_over_a_wiped_database_gives_everything_back() {
    let app = spawn_app().await;
    // Some history first: a proposal with a note, approved.
    let social = app.token("social@cpas-a.example").await;
    let president = app.token("president@cpas-a.example").await;
    let tree = app.plan_of("cpas-a").await;
    let me1 = &tree.objectives[0].operational_objectives[0].actions[0];
    let created: serde_json::Value = app
        .send_as(Method::POST, Some(&social), &format!("/api/v1/actions/{}/change-requests", me1.id), Some(&json!({ "base_version": me1.version, "changes": { "progress": 35 }, "note": "Sauvegardé ?" })))
        .await
        .json()
        .await
        .expect("proposal");
    let id = created["id"].as_str().expect("id");
    let approved = app
        .send_as(
            Method::POST,
            Some(&president),
            &format!("/api/v1/change-requests/{id}/approve"),
            Some(&json!({})),
        )
        .await;
    assert_eq!(approved.status().as_u16(), 200);
    let before = counts(&app);
    assert!(before.history >= 1 && before.journal >= 1 && before.users >= 10);

    let folder = ScratchDir::new("pst-backup");
    let file = folder.0.join("pst.dump");
    xtask::backup::backup(&app.database_url, &file).expect("backup");
    assert!(std::fs::metadata(&file).expect("the file").len() > 10_000);

    // Wiped: the schema is gone.
    let mut conn = app.connection();
    diesel::sql_query("DROP SCHEMA public CASCADE")
        .execute(&mut conn)
        .expect("wipe");
    diesel::sql_query("CREATE SCHEMA public")
        .execute(&mut conn)
        .expect("empty schema");
    assert!(
        diesel::sql_query("SELECT count(*) AS plans FROM plans")
            .execute(&mut conn)
            .is_err()
    );

    xtask::backup::restore(&app.database_url, &file).expect("restore");
    assert_eq!(counts(&app), before);
    // The server serves the restored data (and its history) as before.
    let restored = app.plan_of("cpas-a").await;
    assert_eq!(
        restored.objectives[0].operational_objectives[0].actions[0].progress,
        35
    );
    let history: Vec<serde_json::Value> = app
        .get_ok_as(&president, &format!("/api/v1/actions/{}/history", me1.id))
        .await;
    assert_eq!(history.len(), 1);
}
