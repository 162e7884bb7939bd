//! Notification preferences (issue 18.4): per topic, e-mail at once, a daily or weekly
//! digest, or the app only; e-mails in the person's language; a signed unsubscribe link in
//! every e-mail that works once, without logging in, for its person and topic only.

use std::time::Duration;

use api_types::{NotificationPreferences, User};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use diesel::RunQueryDsl;
use reqwest::Method;
use serde_json::{Value, json};
use tests::{Mailbox, SentMail, TestApp, eventually, fresh_database, send_json as send};
use tests::{smtp_sink, spawn_app, spawn_app_with, test_settings};

const PREFERENCES: &str = "/api/v1/me/notification-preferences";

async fn app_with_mail() -> (TestApp, Mailbox) {
    let (port, messages) = smtp_sink().await;
    let mut settings = test_settings(fresh_database());
    settings.settings.smtp_url = Some(format!("smtp://127.0.0.1:{port}"));
    (spawn_app_with(settings).await, messages)
}

async fn pe18(app: &TestApp) -> uuid::Uuid {
    app.plan_of("cpas-a")
        .await
        .actions()
        .find(|a| a.code == "Pe18")
        .expect("Pe18")
        .id
}

async fn id_of(app: &TestApp, token: &str) -> uuid::Uuid {
    app.get_ok_as::<User>(token, "/api/v1/me").await.id
}

/// The PCS proposes a progress on Pe18; the president approves it, or rejects it.
async fn decided_proposal(app: &TestApp, progress: u8, approve: bool) {
    let (pcs, president) = (
        app.token("pcs@cpas-a.example").await,
        app.token("president@cpas-a.example").await,
    );
    let action = pe18(app).await;
    let detail: Value = app
        .get_ok_as(&pcs, &format!("/api/v1/actions/{action}"))
        .await;
    let version = detail["action"]["version"].as_i64().expect("a version");
    let (status, proposal) = send(
        app,
        &pcs,
        Method::POST,
        &format!("/api/v1/actions/{action}/change-requests"),
        json!({ "base_version": version, "changes": { "progress": progress } }),
    )
    .await;
    assert_eq!(status, 201, "{proposal}");
    let id = proposal["id"].as_str().expect("an id");
    let response = if approve {
        let path = format!("/api/v1/change-requests/{id}/approve");
        app.send_as(Method::POST, Some(&president), &path, None)
            .await
    } else {
        let path = format!("/api/v1/change-requests/{id}/reject");
        let reason = json!({ "reason": "Chiffre à vérifier." });
        app.send_as(Method::POST, Some(&president), &path, Some(&reason))
            .await
    };
    assert_eq!(response.status(), 200, "{:?}", response.text().await);
}

/// The e-mails to this address so far.
fn mails_to(messages: &Mailbox, address: &str) -> Vec<SentMail> {
    messages
        .lock()
        .expect("lock")
        .iter()
        .filter(|m| m.to.contains(address))
        .cloned()
        .collect()
}

/// The token of the unsubscribe link of `topic` in an e-mail's text.
fn link_token(mail: &SentMail, topic: &str) -> String {
    let line = mail
        .body
        .lines()
        .find(|l| l.contains(topic) && l.contains("/desabonnement/"))
        .unwrap_or_else(|| panic!("no link for {topic} in {}", mail.body));
    line.rsplit("/desabonnement/")
        .next()
        .expect("a token")
        .trim()
        .to_owned()
}

fn statuses_of(app: &TestApp, email: &str) -> Vec<(String, String)> {
    #[derive(diesel::QueryableByName)]
    struct Row {
        #[diesel(sql_type = diesel::sql_types::Text)]
        kind: String,
        #[diesel(sql_type = diesel::sql_types::Text)]
        email_status: String,
    }
    let rows: Vec<Row> = diesel::sql_query(
        "SELECT n.kind, n.email_status FROM notifications n JOIN users u ON u.id = n.user_id
         WHERE u.email = $1 ORDER BY n.created_at",
    )
    .bind::<diesel::sql_types::Text, _>(email)
    .load(&mut app.connection())
    .expect("notifications");
    rows.into_iter().map(|r| (r.kind, r.email_status)).collect()
}

#[tokio::test]
async fn preferences_read_with_their_defaults_and_are_replaced_whole() {
    let app = spawn_app().await;
    let pcs = app.token("pcs@cpas-a.example").await;
    let initial: NotificationPreferences = app.get_ok_as(&pcs, PREFERENCES).await;
    assert_eq!(initial.language.as_str(), "fr");
    let topics: Vec<(&str, &str)> = initial
        .topics
        .iter()
        .map(|c| (c.topic.as_str(), c.delivery.as_str()))
        .collect();
    assert_eq!(
        topics,
        [
            ("proposals", "immediately"),
            ("decisions", "immediately"),
            ("mentions", "immediately"),
            ("comments", "immediately"),
            ("tasks", "immediately"),
            ("periods", "immediately"),
            ("stale_actions", "immediately"),
        ]
    );

    let (status, stored) = send(
        &app,
        &pcs,
        Method::PUT,
        PREFERENCES,
        json!({ "language": "nl", "topics": [
            { "topic": "decisions", "delivery": "daily" },
            { "topic": "tasks", "delivery": "in_app" },
        ] }),
    )
    .await;
    assert_eq!(status, 200, "{stored}");
    assert_eq!(stored["language"], "nl");
    assert_eq!(
        stored["topics"][1],
        json!({ "topic": "decisions", "delivery": "daily" })
    );
    assert_eq!(
        stored["topics"][4],
        json!({ "topic": "tasks", "delivery": "in_app" })
    );
    assert_eq!(stored["topics"][2]["delivery"], "immediately");
    let again: NotificationPreferences = app.get_ok_as(&pcs, PREFERENCES).await;
    assert_eq!(serde_json::to_value(&again).expect("json"), stored);

    // A topic left out goes back to `immediately`.
    let (status, stored) = send(
        &app,
        &pcs,
        Method::PUT,
        PREFERENCES,
        json!({ "language": "nl", "topics": [{ "topic": "tasks", "delivery": "weekly" }] }),
    )
    .await;
    assert_eq!(status, 200, "{stored}");
    assert_eq!(stored["topics"][1]["delivery"], "immediately");
    assert_eq!(stored["topics"][4]["delivery"], "weekly");

    // Refused: a topic twice, an unknown topic or delivery, an unknown field.
    let (status, problem) = send(
        &app,
        &pcs,
        Method::PUT,
        PREFERENCES,
        json!({ "language": "fr", "topics": [
            { "topic": "tasks", "delivery": "daily" },
            { "topic": "tasks", "delivery": "weekly" },
        ] }),
    )
    .await;
    assert_eq!(status, 422, "{problem}");
    assert_eq!(problem["errors"][0]["field"], "topics/1/topic");
    assert_eq!(problem["errors"][0]["code"], "duplicate");
    for wrong in [
        json!({ "language": "fr", "topics": [{ "topic": "gossip", "delivery": "daily" }] }),
        json!({ "language": "fr", "topics": [{ "topic": "tasks", "delivery": "hourly" }] }),
        json!({ "language": "de", "topics": [] }),
        json!({ "language": "fr", "topics": [], "frequency": "daily" }),
    ] {
        let (status, problem) = send(&app, &pcs, Method::PUT, PREFERENCES, wrong.clone()).await;
        assert!(matches!(status, 400 | 422), "{wrong}: {status} {problem}");
    }
    let unchanged: NotificationPreferences = app.get_ok_as(&pcs, PREFERENCES).await;
    assert_eq!(
        unchanged.language.as_str(),
        "nl",
        "nothing refused was stored"
    );

    // Someone else's choices are their own.
    let dg = app.token("dg@cpas-a.example").await;
    let theirs: NotificationPreferences = app.get_ok_as(&dg, PREFERENCES).await;
    assert_eq!(theirs, initial);
}

#[tokio::test]
async fn each_notification_follows_its_recipient_s_choice_and_stays_in_the_inbox() {
    let app = spawn_app().await;
    let pcs = app.token("pcs@cpas-a.example").await;
    let (status, _) = send(
        &app,
        &pcs,
        Method::PUT,
        PREFERENCES,
        json!({ "language": "fr", "topics": [
            { "topic": "decisions", "delivery": "in_app" },
            { "topic": "mentions", "delivery": "weekly" },
        ] }),
    )
    .await;
    assert_eq!(status, 200);
    decided_proposal(&app, 40, true).await;
    let dg = app.token("dg@cpas-a.example").await;
    let pcs_id = id_of(&app, &pcs).await;
    let (status, _) = send(
        &app,
        &dg,
        Method::POST,
        &format!("/api/v1/actions/{}/comments", pe18(&app).await),
        json!({ "body": "Merci pour la mise à jour.", "mentions": [pcs_id] }),
    )
    .await;
    assert_eq!(status, 201);

    assert_eq!(
        statuses_of(&app, "pcs@cpas-a.example"),
        [
            ("change_request_approved".to_owned(), "skipped".to_owned()),
            ("comment_mention".to_owned(), "digest".to_owned()),
        ]
    );
    // The managers chose nothing: their e-mail goes at once.
    assert_eq!(
        statuses_of(&app, "president@cpas-a.example"),
        [("change_request_created".to_owned(), "pending".to_owned())]
    );
    // Whatever the choice, the inbox has it.
    let inbox: Vec<Value> = app.get_ok_as(&pcs, "/api/v1/notifications").await;
    assert_eq!(inbox.len(), 2);

    // The weekly digest is due next Monday at 07:00 in Brussels, after the mention.
    #[derive(diesel::QueryableByName)]
    struct Due {
        #[diesel(sql_type = diesel::sql_types::Bool)]
        monday_seven: bool,
        #[diesel(sql_type = diesel::sql_types::Bool)]
        within_a_week: bool,
    }
    let due: Due = diesel::sql_query(
        "SELECT extract(isodow FROM email_next_at AT TIME ZONE 'Europe/Brussels') = 1
                AND (email_next_at AT TIME ZONE 'Europe/Brussels')::time = '07:00' AS monday_seven,
                email_next_at > created_at AND email_next_at <= created_at + interval '7 days'
                    AS within_a_week
         FROM notifications WHERE email_status = 'digest'",
    )
    .get_result(&mut app.connection())
    .expect("the digest's time");
    assert!(due.monday_seven && due.within_a_week);
}

#[tokio::test]
async fn a_daily_digest_gathers_five_events_in_one_e_mail_in_the_person_s_language() {
    let (app, messages) = app_with_mail().await;
    let pcs = app.token("pcs@cpas-a.example").await;
    let (status, _) = send(
        &app,
        &pcs,
        Method::PUT,
        PREFERENCES,
        json!({ "language": "en", "topics": [
            { "topic": "decisions", "delivery": "daily" },
            { "topic": "mentions", "delivery": "daily" },
            { "topic": "comments", "delivery": "daily" },
            { "topic": "tasks", "delivery": "daily" },
        ] }),
    )
    .await;
    assert_eq!(status, 200);

    // Five events for the PCS: two decisions, a mention, a comment on the action its
    // organisation leads, a task.
    decided_proposal(&app, 40, true).await;
    decided_proposal(&app, 55, false).await;
    let action = pe18(&app).await;
    let comments = format!("/api/v1/actions/{action}/comments");
    let (dg, social) = (
        app.token("dg@cpas-a.example").await,
        app.token("social@cpas-a.example").await,
    );
    let pcs_id = id_of(&app, &pcs).await;
    let (status, _) = send(
        &app,
        &dg,
        Method::POST,
        &comments,
        json!({ "body": "Pouvez-vous joindre la feuille de présence ?", "mentions": [pcs_id] }),
    )
    .await;
    assert_eq!(status, 201);
    let (status, _) = send(
        &app,
        &social,
        Method::POST,
        &comments,
        json!({ "body": "Deux familles de plus inscrites cette semaine.", "mentions": [] }),
    )
    .await;
    assert_eq!(status, 201);
    let pcs_organisation = app
        .get_ok_as::<User>(&pcs, "/api/v1/me")
        .await
        .organisation
        .expect("an organisation")
        .id;
    let (status, tasks) = send(
        &app,
        &dg,
        Method::POST,
        "/api/v1/tasks",
        json!({ "tasks": [{ "action_id": action, "title": "Réserver la salle", "due_on": "2027-03-01",
                            "assignee": { "kind": "organisation", "id": pcs_organisation } }] }),
    )
    .await;
    assert_eq!(status, 201, "{tasks}");

    let kept = statuses_of(&app, "pcs@cpas-a.example");
    assert_eq!(kept.len(), 5, "{kept:?}");
    assert!(
        kept.iter().all(|(_, status)| status == "digest"),
        "{kept:?}"
    );
    // Due at the next 07:00 in Brussels.
    #[derive(diesel::QueryableByName)]
    struct Due {
        #[diesel(sql_type = diesel::sql_types::Bool)]
        next_seven: bool,
    }
    let due: Due = diesel::sql_query(
        "SELECT bool_and((email_next_at AT TIME ZONE 'Europe/Brussels')::time = '07:00'
                         AND email_next_at > created_at
                         AND email_next_at <= created_at + interval '1 day') AS next_seven
         FROM notifications WHERE email_status = 'digest'",
    )
    .get_result(&mut app.connection())
    .expect("the digest's time");
    assert!(due.next_seven);
    // The managers' e-mails of the two proposals go at once; none goes to the PCS.
    eventually("the managers' e-mails", async || {
        (messages.lock().expect("lock").len() >= 4).then_some(())
    })
    .await;
    tokio::time::sleep(Duration::from_millis(1500)).await;
    assert!(mails_to(&messages, "pcs@cpas-a.example").is_empty());

    // 07:00 comes.
    diesel::sql_query(
        "UPDATE notifications SET email_next_at = now() WHERE email_status = 'digest'",
    )
    .execute(&mut app.connection())
    .expect("the digest is due");
    let digest = eventually("the digest", async || {
        mails_to(&messages, "pcs@cpas-a.example").into_iter().next()
    })
    .await;
    tokio::time::sleep(Duration::from_millis(1500)).await;
    assert_eq!(
        mails_to(&messages, "pcs@cpas-a.example").len(),
        1,
        "one e-mail for the five"
    );
    assert_eq!(digest.subject, "[PST] Your digest: 5 notifications");
    let body = &digest.body;
    assert!(body.starts_with("Hello,"), "{body}");
    assert_eq!(
        body.matches("Plan “").count(),
        1,
        "one plan, one heading: {body}"
    );
    for line in [
        "- Your proposal on Pe18 is approved",
        "- Your proposal on Pe18 was not accepted",
        "mentioned you on action Pe18",
        "commented on action Pe18",
        "- A task is given to you: Réserver la salle",
    ] {
        assert!(body.contains(line), "{line} in {body}");
    }
    // A link per topic told, and no one-click header for four topics.
    for topic in [
        "Decisions on my proposals",
        "Mentions",
        "Comments on my organisation's actions",
        "Tasks",
    ] {
        link_token(&digest, topic);
    }
    assert_eq!(digest.header("List-Unsubscribe"), None);
    assert!(
        statuses_of(&app, "pcs@cpas-a.example")
            .iter()
            .all(|(_, status)| status == "sent")
    );
}

#[tokio::test]
async fn an_unsubscribe_link_works_once_for_its_person_and_topic_only() {
    let (app, messages) = app_with_mail().await;
    decided_proposal(&app, 40, true).await;
    let mail = eventually("the decision's e-mail", async || {
        mails_to(&messages, "pcs@cpas-a.example").into_iter().next()
    })
    .await;
    assert_eq!(
        mail.subject,
        "[PST] Votre proposition sur Pe18 est approuvée"
    );
    let token = link_token(&mail, "Décisions sur mes propositions");
    // Mail clients' own button: RFC 8058 one-click, to the API.
    assert_eq!(
        mail.header("List-Unsubscribe"),
        Some(format!("<http://127.0.0.1/api/v1/unsubscribe/{token}>").as_str())
    );
    assert_eq!(
        mail.header("List-Unsubscribe-Post"),
        Some("List-Unsubscribe=One-Click")
    );

    let path = format!("/api/v1/unsubscribe/{token}");
    let link: Value = app.get_ok(&path).await;
    assert_eq!(
        link,
        json!({ "topic": "decisions", "email_hint": "p…@cpas-a.example", "language": "fr", "used": false })
    );

    // Altered: the same signature over another topic, or a changed signature.
    let (payload, signature) = token.split_once('.').expect("two parts");
    let mut bytes = URL_SAFE_NO_PAD.decode(payload).expect("base64url");
    bytes.truncate(32);
    bytes.extend_from_slice(b"tasks");
    let other_topic = format!("{}.{signature}", URL_SAFE_NO_PAD.encode(&bytes));
    let mut flipped = token.clone().into_bytes();
    let last = flipped.len() - 1;
    flipped[last] = if flipped[last] == b'A' { b'B' } else { b'A' };
    let flipped = String::from_utf8(flipped).expect("ascii");
    for forged in [other_topic.as_str(), flipped.as_str(), "abc.def"] {
        for method in [Method::GET, Method::POST] {
            let response = app
                .send_as(method, None, &format!("/api/v1/unsubscribe/{forged}"), None)
                .await;
            assert_eq!(response.status(), 404, "{forged}");
            let problem: Value = response.json().await.expect("a problem");
            assert_eq!(problem["code"], "invalid_unsubscribe_link");
        }
    }

    // Used as a mail client does: a form body, no session.
    let used = app
        .client
        .post(app.url(&path))
        .header("Content-Type", "application/x-www-form-urlencoded")
        .body("List-Unsubscribe=One-Click")
        .send()
        .await
        .expect("sent");
    assert_eq!(used.status(), 200);
    let used: Value = used.json().await.expect("the link");
    assert_eq!(used["used"], true);

    // Only the PCS's decisions stop; the rest of its choices, and everyone else's, stay.
    let pcs = app.token("pcs@cpas-a.example").await;
    let mine: NotificationPreferences = app.get_ok_as(&pcs, PREFERENCES).await;
    let stopped: Vec<&str> = mine
        .topics
        .iter()
        .filter(|c| c.delivery.as_str() != "immediately")
        .map(|c| c.topic.as_str())
        .collect();
    assert_eq!(stopped, ["decisions"]);
    assert_eq!(mine.topics[1].delivery.as_str(), "in_app");
    let president = app.token("president@cpas-a.example").await;
    let theirs: NotificationPreferences = app.get_ok_as(&president, PREFERENCES).await;
    assert!(
        theirs
            .topics
            .iter()
            .all(|c| c.delivery.as_str() == "immediately")
    );

    // Once.
    let again = app.send_as(Method::POST, None, &path, None).await;
    assert_eq!(again.status(), 409);
    let problem: Value = again.json().await.expect("a problem");
    assert_eq!(problem["code"], "unsubscribe_link_used");
    let link: Value = app.get_ok(&path).await;
    assert_eq!(link["used"], true);

    // The next decision stays in the app.
    decided_proposal(&app, 60, true).await;
    let kept = statuses_of(&app, "pcs@cpas-a.example");
    assert_eq!(kept.len(), 2);
    assert_eq!(
        kept[1],
        ("change_request_approved".to_owned(), "skipped".to_owned())
    );
}
