//! A backup restores everything: plans, actions, history, users, integrations, and the
//! evidence files.

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
    // And a file attached to the action.
    let content = b"%PDF-1.4\nfeuille de presence\n%%EOF\n".to_vec();
    let uploaded = app
        .client
        .post(app.url(&format!(
            "/api/v1/actions/{}/attachments?name=presences.pdf",
            me1.id
        )))
        .bearer_auth(&social)
        .body(content.clone())
        .send()
        .await
        .expect("upload");
    assert_eq!(uploaded.status().as_u16(), 201);
    let file_id = uploaded.json::<serde_json::Value>().await.expect("json")["id"]
        .as_str()
        .expect("id")
        .to_owned();
    let before = counts(&app);
    assert!(before.history >= 2 && before.journal >= 1 && before.users >= 10);

    let folder = ScratchDir::new("pst-backup");
    let backup = folder.0.join("pst-backup");
    let store = std::path::PathBuf::from(&app.file_store);
    xtask::backup::backup(&app.database_url, Some(&store), &backup).expect("backup");
    let dump = backup.join(xtask::backup::DATABASE_FILE);
    assert!(std::fs::metadata(&dump).expect("the dump").len() > 10_000);

    // The files are lost too.
    std::fs::remove_dir_all(&store).expect("wipe the files");
    std::fs::create_dir_all(&store).expect("an empty store");
    let lost = app
        .get_as(&social, &format!("/api/v1/attachments/{file_id}/content"))
        .await;
    assert_eq!(lost.status().as_u16(), 404);

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

    xtask::backup::restore(&app.database_url, Some(&store), &backup).expect("restore");
    assert_eq!(counts(&app), before);
    // The file is back, byte for byte.
    let back = app
        .get_as(&social, &format!("/api/v1/attachments/{file_id}/content"))
        .await;
    assert_eq!(back.status().as_u16(), 200);
    assert_eq!(back.bytes().await.expect("bytes").to_vec(), content);
    // The server serves the restored data (and its history) as before.
    let restored = app.plan_of("cpas-a").await;
    assert_eq!(
        restored.objectives[0].operational_objectives[0].actions[0].progress,
        35
    );
    let history: Vec<serde_json::Value> = app
        .get_ok_as(&president, &format!("/api/v1/actions/{}/history", me1.id))
        .await;
    // The approved proposal, and the file attached.
    assert_eq!(history.len(), 2);
}
