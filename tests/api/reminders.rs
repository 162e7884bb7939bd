//! Stale actions, reminders and digests; notifications e-mailed through SMTP after the
//! request, never holding it up.

use std::time::{Duration, Instant};

use api_types::{ActionPage, Notification, PlanTree};
use diesel::RunQueryDsl;
use reqwest::Method;
use serde_json::json;
use tests::{TestApp, fresh_database, smtp_sink, spawn_app, spawn_app_with, test_settings};

fn make_stale(app: &TestApp, codes: &[&str]) {
    let list = codes
        .iter()
        .map(|c| format!("'{c}'"))
        .collect::<Vec<_>>()
        .join(", ");
    diesel::sql_query(format!(
        "UPDATE actions SET last_reported_at = now() - interval '100 days'
         WHERE code IN ({list}) AND tenant_id = (SELECT id FROM tenants WHERE slug = 'cpas-a')"
    ))
    .execute(&mut app.connection())
    .expect("aged");
}

#[tokio::test]
async fn actions_not_updated_within_the_cadence_are_stale_and_reminded_once() {
    let app = spawn_app().await;
    let dg = app.token("dg@cpas-a.example").await;
    let pcs = app.token("pcs@cpas-a.example").await;
    make_stale(&app, &["Pe18", "Me1"]);

    let stale: ActionPage = app.get_ok_as(&dg, "/api/v1/actions?stale=true").await;
    let codes: Vec<&str> = stale.items.iter().map(|a| a.code.as_str()).collect();
    assert_eq!(codes, ["Me1", "Pe18"]);
    assert!(stale.items.iter().all(|a| a.stale));
    let tree: PlanTree = app.plan_of("cpas-a").await;
    let flagged: Vec<&str> = tree
        .actions()
        .filter(|a| a.stale)
        .map(|a| a.code.as_str())
        .collect();
    assert_eq!(flagged, ["Me1", "Pe18"]);

    let report = backend::jobs::reminders::run_once(&mut app.connection()).expect("reminders run");
    assert_eq!((report.reminded, report.digests), (2, 1));
    let inbox: Vec<Notification> = app.get_ok_as(&pcs, "/api/v1/notifications").await;
    assert_eq!(
        inbox.len(),
        1,
        "the lead organisation of Pe18 is reminded; Me1 has no lead"
    );
    assert_eq!(inbox[0].kind, "action_stale");
    assert_eq!(inbox[0].payload["action_code"], "Pe18");
    let digest: Vec<Notification> = app.get_ok_as(&dg, "/api/v1/notifications").await;
    assert_eq!(digest[0].kind, "stale_digest");
    let listed: Vec<&str> = digest[0].payload["actions"]
        .as_array()
        .expect("actions")
        .iter()
        .filter_map(|a| a["code"].as_str())
        .collect();
    assert_eq!(listed, ["Me1", "Pe18"]);
    let president: Vec<Notification> = app
        .get_ok_as(
            &app.token("president@cpas-a.example").await,
            "/api/v1/notifications",
        )
        .await;
    assert_eq!(president.len(), 1);

    // Not again within the cadence.
    let again = backend::jobs::reminders::run_once(&mut app.connection()).expect("reminders run");
    assert_eq!((again.reminded, again.digests), (0, 0));

    // An update makes it fresh.
    let pe18 = stale
        .items
        .iter()
        .find(|a| a.code == "Pe18")
        .expect("Pe18")
        .id;
    let response = app
        .send_as(
            Method::PATCH,
            Some(&dg),
            &format!("/api/v1/actions/{pe18}"),
            Some(&json!({ "version": 1, "changes": { "progress": 20 } })),
        )
        .await;
    assert_eq!(response.status(), 200);
    let still: ActionPage = app.get_ok_as(&dg, "/api/v1/actions?stale=true").await;
    assert_eq!(
        still
            .items
            .iter()
            .map(|a| a.code.as_str())
            .collect::<Vec<_>>(),
        ["Me1"]
    );
}

async fn propose_on_pe18(app: &TestApp) -> u16 {
    let pcs = app.token("pcs@cpas-a.example").await;
    let tree: PlanTree = app.plan_of("cpas-a").await;
    let pe18 = tree.objectives[0].operational_objectives[3].actions[0].id;
    app.send_as(
        Method::POST,
        Some(&pcs),
        &format!("/api/v1/actions/{pe18}/change-requests"),
        Some(&json!({ "base_version": 1, "changes": { "progress": 40 } })),
    )
    .await
    .status()
    .as_u16()
}

#[tokio::test]
async fn notifications_are_emailed_after_the_request() {
    let (port, messages) = smtp_sink().await;
    let mut settings = test_settings(fresh_database());
    settings.settings.smtp_url = Some(format!("smtp://127.0.0.1:{port}"));
    let app = spawn_app_with(settings).await;

    assert_eq!(propose_on_pe18(&app).await, 201);

    let deadline = Instant::now() + Duration::from_secs(20);
    while messages.lock().expect("lock").len() < 2 {
        assert!(
            Instant::now() < deadline,
            "the managers' e-mails did not arrive"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let messages = messages.lock().expect("lock").clone();
    let mut to: Vec<&str> = messages.iter().map(|m| m.to.as_str()).collect();
    to.sort_unstable();
    assert!(to[0].contains("dg@cpas-a.example"), "{to:?}");
    assert!(to[1].contains("president@cpas-a.example"), "{to:?}");
    for message in &messages {
        assert_eq!(
            message.subject,
            "[PST] Nouvelle proposition de mise à jour : Pe18"
        );
        assert!(
            message
                .body
                .contains("Une proposition de mise à jour de l’action Pe18 attend votre décision."),
            "{}",
            message.body
        );
    }
    #[derive(diesel::QueryableByName)]
    struct Status {
        #[diesel(sql_type = diesel::sql_types::Text)]
        email_status: String,
    }
    let statuses: Vec<Status> = diesel::sql_query("SELECT email_status FROM notifications")
        .load(&mut app.connection())
        .expect("statuses");
    assert!(statuses.iter().all(|s| s.email_status == "sent"));
}

#[tokio::test]
async fn an_unreachable_mail_server_neither_blocks_nor_fails_the_request() {
    // A port nothing listens on.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .expect("bind")
        .local_addr()
        .expect("addr")
        .port();
    let mut settings = test_settings(fresh_database());
    settings.settings.smtp_url = Some(format!("smtp://127.0.0.1:{port}"));
    let app = spawn_app_with(settings).await;

    let started = Instant::now();
    assert_eq!(propose_on_pe18(&app).await, 201);
    assert!(started.elapsed() < Duration::from_secs(5));

    #[derive(diesel::QueryableByName)]
    struct Queued {
        #[diesel(sql_type = diesel::sql_types::Text)]
        email_status: String,
        #[diesel(sql_type = diesel::sql_types::Integer)]
        email_attempts: i32,
        #[diesel(sql_type = diesel::sql_types::Nullable<diesel::sql_types::Text>)]
        email_error: Option<String>,
    }
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let queued: Vec<Queued> = diesel::sql_query(
            "SELECT email_status, email_attempts, email_error FROM notifications",
        )
        .load(&mut app.connection())
        .expect("queue");
        if !queued.is_empty()
            && queued
                .iter()
                .all(|q| q.email_attempts >= 1 && q.email_error.is_some())
        {
            assert!(
                queued.iter().all(|q| q.email_status == "pending"),
                "kept for a retry"
            );
            break;
        }
        assert!(Instant::now() < deadline, "no attempt was recorded");
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    let dg = app.token("dg@cpas-a.example").await;
    let inbox: Vec<Notification> = app.get_ok_as(&dg, "/api/v1/notifications").await;
    assert_eq!(
        inbox.len(),
        1,
        "the in-app notification is there all the same"
    );
}
