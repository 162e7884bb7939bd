//! Integrators: API tokens with scopes, rate limits, idempotent POSTs, signed webhooks
//! delivered from an outbox.

use std::sync::Arc;
use std::time::Duration;

use api_types::{
    ApiToken, ApiTokenCreated, ChangeRequest, PlanSummary, WebhookCreated, WebhookDelivery,
};
use hmac::{Hmac, Mac};
use reqwest::Method;
use serde_json::{Value, json};
use sha2::Sha256;
pub(crate) use tests::send_json as send;
use tests::{
    Received, TestApp, eventually, free_port, receiver, spawn_app, spawn_app_with, test_settings,
};

async fn organisation(app: &TestApp, dg: &str, name: &str) -> String {
    let list: Vec<api_types::OrganisationSummary> =
        app.get_ok_as(dg, "/api/v1/organisations").await;
    list.into_iter()
        .find(|o| o.name == name)
        .unwrap_or_else(|| panic!("no organisation {name}"))
        .id
        .to_string()
}

async fn action_id(app: &TestApp, code: &str) -> (String, i32) {
    let tree = app.plan_of("cpas-a").await;
    tree.actions()
        .find(|a| a.code == code)
        .map(|a| (a.id.to_string(), a.version))
        .unwrap_or_else(|| panic!("no {code}"))
}

pub(crate) async fn new_token(
    app: &TestApp,
    dg: &str,
    scopes: &[&str],
    expires_at: Option<String>,
) -> ApiTokenCreated {
    let pcs = organisation(app, dg, "Commune (PCS)").await;
    let (status, body) = send(
        app,
        dg,
        Method::POST,
        "/api/v1/api-tokens",
        json!({ "name": "Reporting du PCS", "organisation_id": pcs, "scopes": scopes, "expires_at": expires_at }),
    )
    .await;
    assert_eq!(status, 201, "{body}");
    serde_json::from_value(body).expect("a created token")
}

#[tokio::test]
async fn api_tokens_act_within_their_scopes_and_stop_when_revoked_or_expired() {
    let app = spawn_app().await;
    let dg = app.token("dg@cpas-a.example").await;
    let (pe18, version) = action_id(&app, "Pe18").await;
    let (me1, me1_version) = action_id(&app, "Me1").await;

    let reader = new_token(&app, &dg, &["plans:read"], None).await;
    assert!(reader.secret.starts_with("pst_") && reader.secret.len() > 40);
    assert!(reader.secret.starts_with(&reader.token.prefix));

    let plans: Vec<PlanSummary> = app.get_ok_as(&reader.secret, "/api/v1/plans").await;
    assert_eq!(plans.len(), 1, "its own CPAS's plans only");
    let propose = json!({ "base_version": version, "changes": { "progress": 55 } });
    let (status, problem) = send(
        &app,
        &reader.secret,
        Method::POST,
        &format!("/api/v1/actions/{pe18}/change-requests"),
        propose.clone(),
    )
    .await;
    assert_eq!(status, 403, "plans:read does not propose: {problem}");
    let (status, _) = send(
        &app,
        &reader.secret,
        Method::PATCH,
        &format!("/api/v1/actions/{pe18}"),
        json!({ "version": version, "changes": { "progress": 1 } }),
    )
    .await;
    assert_eq!(status, 403, "a token never edits directly");

    // With actions:propose, on the actions its organisation (the PCS) carries only.
    let proposer = new_token(&app, &dg, &["plans:read", "actions:propose"], None).await;
    let (status, created) = send(
        &app,
        &proposer.secret,
        Method::POST,
        &format!("/api/v1/actions/{pe18}/change-requests"),
        propose,
    )
    .await;
    assert_eq!(status, 201, "{created}");
    let created: ChangeRequest = serde_json::from_value(created).expect("a proposal");
    assert_eq!(
        created.author.display_name, "API : Reporting du PCS",
        "traced to the integration"
    );
    let (status, _) = send(
        &app,
        &proposer.secret,
        Method::POST,
        &format!("/api/v1/actions/{me1}/change-requests"),
        json!({ "base_version": me1_version, "changes": { "progress": 5 } }),
    )
    .await;
    assert_eq!(status, 403, "not an action of the PCS");

    // Listed without secrets, with the last use.
    let listed: Vec<ApiToken> = app.get_ok_as(&dg, "/api/v1/api-tokens").await;
    let raw = serde_json::to_string(&listed).expect("JSON");
    assert!(!raw.contains(&reader.secret) && !raw.contains(&proposer.secret));
    let used = listed
        .iter()
        .find(|t| t.id == proposer.token.id)
        .expect("listed");
    assert!(used.last_used_at.is_some());
    // The integration's account is not a person: not listed, no login.
    let users: Vec<api_types::User> = app.get_ok_as(&dg, "/api/v1/users").await;
    assert!(users.iter().all(|u| !u.display_name.starts_with("API : ")));

    // Revoked: refused at once.
    let (status, _) = send(
        &app,
        &dg,
        Method::DELETE,
        &format!("/api/v1/api-tokens/{}", reader.token.id),
        Value::Null,
    )
    .await;
    assert_eq!(status, 204);
    let response = app.get_as(&reader.secret, "/api/v1/plans").await;
    assert_eq!(response.status().as_u16(), 401);
    let problem: Value = response.json().await.expect("problem");
    assert_eq!(problem["code"], "token_revoked");

    // Expired: refused.
    let soon = (chrono::Utc::now() + chrono::Duration::milliseconds(1200)).to_rfc3339();
    let brief = new_token(&app, &dg, &["plans:read"], Some(soon)).await;
    assert_eq!(
        app.get_as(&brief.secret, "/api/v1/plans")
            .await
            .status()
            .as_u16(),
        200
    );
    tokio::time::sleep(Duration::from_millis(1500)).await;
    let response = app.get_as(&brief.secret, "/api/v1/plans").await;
    assert_eq!(response.status().as_u16(), 401);
    let problem: Value = response.json().await.expect("problem");
    assert_eq!(problem["code"], "token_expired");

    // A made-up token.
    assert_eq!(
        app.get_as("pst_not-a-token", "/api/v1/plans")
            .await
            .status()
            .as_u16(),
        401
    );
    // Only the DG (and administrators) make tokens; a token cannot make one.
    let (status, _) = send(
        &app,
        &proposer.secret,
        Method::GET,
        "/api/v1/api-tokens",
        Value::Null,
    )
    .await;
    assert_eq!(status, 403);
}

#[tokio::test]
async fn a_token_beyond_its_rate_limit_gets_429_with_retry_after() {
    let mut settings = test_settings(tests::fresh_database());
    settings.settings.token_rate_limit = 3;
    let app = spawn_app_with(settings).await;
    let dg = app.token("dg@cpas-a.example").await;
    let token = new_token(&app, &dg, &["plans:read"], None).await;
    // Seven requests span at most two one-minute windows: one of them gets four or more.
    let mut statuses = Vec::new();
    let mut retry_after = None;
    for _ in 0..7 {
        let response = app.get_as(&token.secret, "/api/v1/plans").await;
        let status = response.status().as_u16();
        if status == 429 {
            retry_after = response.headers().get("retry-after").cloned();
            let problem: Value = response.json().await.expect("problem");
            assert_eq!(problem["code"], "too_many_requests");
        }
        statuses.push(status);
    }
    assert_eq!(statuses[..3], [200, 200, 200], "{statuses:?}");
    assert!(statuses.contains(&429), "{statuses:?}");
    let seconds: u64 = retry_after
        .expect("Retry-After")
        .to_str()
        .expect("text")
        .parse()
        .expect("seconds");
    assert!((1..=60).contains(&seconds));
    // People are not limited this way.
    for _ in 0..5 {
        assert_eq!(
            app.get_as(&dg, "/api/v1/plans").await.status().as_u16(),
            200
        );
    }
}

#[tokio::test]
async fn replaying_a_post_with_the_same_idempotency_key_returns_the_first_answer() {
    let app = spawn_app().await;
    let social = app.token("social@cpas-a.example").await;
    let (me1, version) = action_id(&app, "Me1").await;
    let path = format!("/api/v1/actions/{me1}/change-requests");
    let body =
        json!({ "base_version": version, "changes": { "progress": 30 }, "note": "Une fois." });
    let post = |key: &'static str, body: Value| {
        let (app, social, path) = (&app, &social, &path);
        async move {
            app.client
                .post(app.url(path))
                .bearer_auth(social)
                .header("Idempotency-Key", key)
                .json(&body)
                .send()
                .await
                .expect("request")
        }
    };

    let first = post("cle-1", body.clone()).await;
    assert_eq!(first.status().as_u16(), 201);
    assert!(first.headers().get("idempotent-replayed").is_none());
    let location = first.headers().get("location").cloned();
    let first: ChangeRequest = first.json().await.expect("proposal");

    let again = post("cle-1", body.clone()).await;
    assert_eq!(again.status().as_u16(), 201);
    assert_eq!(
        again
            .headers()
            .get("idempotent-replayed")
            .map(|v| v.as_bytes()),
        Some(&b"true"[..])
    );
    assert_eq!(again.headers().get("location").cloned(), location);
    let again: ChangeRequest = again.json().await.expect("proposal");
    assert_eq!(again.id, first.id);

    let pending: Vec<ChangeRequest> = app
        .get_ok_as(
            &social,
            &format!("/api/v1/change-requests?status=pending&action_id={me1}"),
        )
        .await;
    assert_eq!(
        pending
            .iter()
            .filter(|c| c.action_id == first.action_id)
            .count(),
        1,
        "one proposal created"
    );

    // The same key for another request is a client error.
    let other = post(
        "cle-1",
        json!({ "base_version": version, "changes": { "progress": 31 } }),
    )
    .await;
    assert_eq!(other.status().as_u16(), 422);
    let problem: Value = other.json().await.expect("problem");
    assert_eq!(problem["errors"][0]["code"], "idempotency_key_reused");

    // Another person's identical key is theirs.
    let dg = app.token("dg@cpas-a.example").await;
    let theirs = app
        .client
        .post(app.url("/api/v1/plans"))
        .bearer_auth(&dg)
        .header("Idempotency-Key", "cle-1")
        .json(&json!({ "title": "Plan 2031" }))
        .send()
        .await
        .expect("request");
    assert_eq!(theirs.status().as_u16(), 201);
    assert!(theirs.headers().get("idempotent-replayed").is_none());
}

// --- webhooks ------------------------------------------------------------------------

pub(crate) fn header<'a>(headers: &'a [(String, String)], name: &str) -> Option<&'a str> {
    headers
        .iter()
        .find(|(n, _)| n == name)
        .map(|(_, v)| v.as_str())
}

/// Checks `PST-Signature: t=…,v1=…` as a receiver would, with its own HMAC.
pub(crate) fn signature_is_valid(secret: &str, headers: &[(String, String)], body: &str) -> bool {
    let Some(value) = header(headers, "pst-signature") else {
        return false;
    };
    let mut timestamp = None;
    let mut signature = None;
    for part in value.split(',') {
        match part.split_once('=') {
            Some(("t", t)) => timestamp = Some(t.to_owned()),
            Some(("v1", v)) => signature = Some(v.to_owned()),
            _ => {}
        }
    }
    let (Some(timestamp), Some(signature)) = (timestamp, signature) else {
        return false;
    };
    let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes()).expect("any key length");
    mac.update(format!("{timestamp}.{body}").as_bytes());
    let expected: String = mac
        .finalize()
        .into_bytes()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    let age = chrono::Utc::now().timestamp() - timestamp.parse::<i64>().unwrap_or(0);
    expected == signature && (0..300).contains(&age)
}

/// Registers a receiver on `port`; the answer carries the signing key, shown this once.
pub(crate) async fn register(
    app: &TestApp,
    dg: &str,
    port: u16,
    events: &[&str],
) -> WebhookCreated {
    let (status, body) = send(
        app,
        dg,
        Method::POST,
        "/api/v1/webhooks",
        json!({ "url": format!("http://127.0.0.1:{port}/pst"), "events": events, "description": "Tableau régional" }),
    )
    .await;
    assert_eq!(status, 201, "{body}");
    serde_json::from_value(body).expect("a webhook and its secret")
}

/// A proposal on Me1 by the social worker, approved by the president.
pub(crate) async fn approve_a_proposal(app: &TestApp) -> ChangeRequest {
    let social = app.token("social@cpas-a.example").await;
    let president = app.token("president@cpas-a.example").await;
    let (me1, version) = action_id(app, "Me1").await;
    let (status, created) = send(
        app,
        &social,
        Method::POST,
        &format!("/api/v1/actions/{me1}/change-requests"),
        json!({ "base_version": version, "changes": { "progress": 70 } }),
    )
    .await;
    assert_eq!(status, 201, "{created}");
    let id = created["id"].as_str().expect("id").to_owned();
    let (status, approved) = send(
        app,
        &president,
        Method::POST,
        &format!("/api/v1/change-requests/{id}/approve"),
        json!({}),
    )
    .await;
    assert_eq!(status, 200, "{approved}");
    serde_json::from_value(approved).expect("approved")
}

#[tokio::test]
async fn a_proposal_is_one_read_and_one_write_with_its_notifications_and_its_event() {
    use diesel::RunQueryDsl;
    let app = spawn_app().await;
    let dg = app.token("dg@cpas-a.example").await;
    let president = app.token("president@cpas-a.example").await;
    let social = app.token("social@cpas-a.example").await;
    let received: Received = Arc::default();
    let port = free_port();
    let _receiver = receiver(port, Arc::clone(&received)).await;
    register(&app, &dg, port, &["change_request.created"]).await;
    // Subscribed to other events only: nothing for it.
    register(&app, &dg, free_port(), &["change_request.approved"]).await;

    let (me1, version) = action_id(&app, "Me1").await;
    let response = app
        .send_as(
            Method::POST,
            Some(&social),
            &format!("/api/v1/actions/{me1}/change-requests"),
            Some(&json!({ "base_version": version, "changes": { "progress": 35 }, "note": "Mi-parcours" })),
        )
        .await;
    assert_eq!(response.status(), 201);
    // A regression to a statement per step (14 before) fails here.
    assert_eq!(
        tests::statement_counts(&response),
        (2, 1),
        "the action with its carriers, measures and author; the proposal with the \
         managers' notifications and the outbox; and the account check"
    );
    let created: Value = response.json().await.expect("a change request");

    // What the API answered is what it stores.
    let (status, read) = send(
        &app,
        &social,
        Method::GET,
        &format!(
            "/api/v1/change-requests/{}",
            created["id"].as_str().expect("id")
        ),
        Value::Null,
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(read, created);

    // Both managers are told, once each.
    for manager in [&president, &dg] {
        let inbox: Vec<api_types::Notification> =
            app.get_ok_as(manager, "/api/v1/notifications").await;
        let told: Vec<_> = inbox
            .iter()
            .filter(|n| n.kind == "change_request_created")
            .filter(|n| n.payload["change_request_id"] == created["id"])
            .collect();
        assert_eq!(told.len(), 1, "{inbox:?}");
        assert_eq!(told[0].payload["action_code"], "Me1");
    }

    // The subscribed endpoint receives the proposal as answered, and only it.
    let (_, body) = eventually("the delivery", async || {
        received.lock().expect("lock").first().cloned()
    })
    .await;
    let typed: api_types::ChangeRequestCreatedEvent =
        serde_json::from_str(&body).expect("the typed change_request.created body");
    assert_eq!(typed.event, api_types::ChangeRequestCreatedEvent::EVENT);
    let event: Value = serde_json::from_str(&body).expect("JSON body");
    assert_eq!(event["type"], "change_request.created");
    assert_eq!(event["data"]["change_request"], created);
    let queued: i64 = diesel::dsl::select(diesel::dsl::sql::<diesel::sql_types::BigInt>(
        "(SELECT count(*) FROM webhook_deliveries)",
    ))
    .get_result(&mut app.connection())
    .expect("count");
    assert_eq!(queued, 1);
}

#[tokio::test]
async fn an_approval_is_delivered_once_signed_and_can_be_redelivered() {
    let app = spawn_app().await;
    let dg = app.token("dg@cpas-a.example").await;
    let received: Received = Arc::default();
    let port = free_port();
    let _receiver = receiver(port, Arc::clone(&received)).await;
    let WebhookCreated { webhook, secret } =
        register(&app, &dg, port, &["change_request.approved"]).await;
    assert!(secret.starts_with("whsec_"));

    let approved = approve_a_proposal(&app).await;
    let (headers, body) = eventually("the delivery", async || {
        received.lock().expect("lock").first().cloned()
    })
    .await;
    assert!(
        signature_is_valid(&secret, &headers, &body),
        "signature of {body}"
    );
    assert_eq!(
        header(&headers, "pst-event"),
        Some("change_request.approved")
    );
    let event: Value = serde_json::from_str(&body).expect("JSON body");
    assert_eq!(event["type"], "change_request.approved");
    assert_eq!(event["data"]["change_request"]["id"], json!(approved.id));
    // Exactly one: the creation was not subscribed, and nothing is sent twice.
    tokio::time::sleep(Duration::from_millis(800)).await;
    assert_eq!(received.lock().expect("lock").len(), 1);

    let log: Vec<WebhookDelivery> = app
        .get_ok_as(&dg, &format!("/api/v1/webhooks/{}/deliveries", webhook.id))
        .await;
    assert_eq!(log.len(), 1);
    assert_eq!(log[0].status, api_types::DeliveryStatus::Delivered);
    assert_eq!(log[0].response_status, Some(200));
    assert_eq!(log[0].attempts, 1);

    // Sent again on demand, with the same event id.
    let (status, _) = send(
        &app,
        &dg,
        Method::POST,
        &format!(
            "/api/v1/webhooks/{}/deliveries/{}/redeliver",
            webhook.id, log[0].id
        ),
        Value::Null,
    )
    .await;
    assert_eq!(status, 202);
    let (_, body) = eventually("the redelivery", async || {
        received.lock().expect("lock").get(1).cloned()
    })
    .await;
    let again: Value = serde_json::from_str(&body).expect("JSON");
    assert_eq!(
        again["id"], event["id"],
        "receivers de-duplicate on the event id"
    );

    // Paused: nothing more is queued.
    let (status, _) = send(
        &app,
        &dg,
        Method::PATCH,
        &format!("/api/v1/webhooks/{}", webhook.id),
        json!({ "version": webhook.version, "active": false }),
    )
    .await;
    assert_eq!(status, 200);
    approve_a_proposal(&app).await;
    tokio::time::sleep(Duration::from_millis(600)).await;
    assert_eq!(received.lock().expect("lock").len(), 2);
}

#[tokio::test]
async fn a_delivery_is_retried_while_the_receiver_is_down_and_arrives_when_it_is_back() {
    let app = spawn_app().await;
    let dg = app.token("dg@cpas-a.example").await;
    let port = free_port();
    let WebhookCreated { webhook, secret } = register(
        &app,
        &dg,
        port,
        &["change_request.approved", "action.updated"],
    )
    .await;

    approve_a_proposal(&app).await;
    let path = format!("/api/v1/webhooks/{}/deliveries", webhook.id);
    let failing: Vec<WebhookDelivery> = eventually("two failed attempts", async || {
        let log: Vec<WebhookDelivery> = app.get_ok_as(&dg, &path).await;
        (log.len() == 2 && log.iter().all(|d| d.attempts >= 2)).then_some(log)
    })
    .await;
    assert!(
        failing
            .iter()
            .all(|d| d.status == api_types::DeliveryStatus::Pending && d.last_error.is_some())
    );

    let received: Received = Arc::default();
    let _receiver = receiver(port, Arc::clone(&received)).await;
    eventually("both deliveries", async || {
        (received.lock().expect("lock").len() == 2).then_some(())
    })
    .await;
    let mut events: Vec<String> = received
        .lock()
        .expect("lock")
        .iter()
        .map(|(h, b)| {
            assert!(signature_is_valid(&secret, h, b));
            let event = header(h, "pst-event").unwrap_or_default().to_owned();
            // Each body is exactly the typed envelope the document's `webhooks` declares.
            match event.as_str() {
                "action.updated" => {
                    let body: api_types::ActionUpdatedEvent =
                        serde_json::from_str(b).expect("an action.updated body");
                    assert_eq!(body.event, api_types::ActionUpdatedEvent::EVENT);
                    assert!(!body.data.changes.is_empty());
                }
                _ => {
                    let body: api_types::ChangeRequestApprovedEvent =
                        serde_json::from_str(b).expect("a change_request.approved body");
                    assert_eq!(body.event, api_types::ChangeRequestApprovedEvent::EVENT);
                }
            }
            event
        })
        .collect();
    events.sort();
    assert_eq!(events, ["action.updated", "change_request.approved"]);
    let log: Vec<WebhookDelivery> = app.get_ok_as(&dg, &path).await;
    assert!(
        log.iter()
            .all(|d| d.status == api_types::DeliveryStatus::Delivered)
    );
}

#[tokio::test]
async fn queued_deliveries_survive_the_server_that_queued_them() {
    // The first server's worker looks once at start, then sleeps for an hour: what it
    // queues afterwards is only in PostgreSQL.
    let mut first = test_settings(tests::fresh_database());
    first.settings.webhook_interval_ms = 3_600_000;
    let database_url = first.settings.database_url.clone();
    let app = spawn_app_with(first).await;
    let dg = app.token("dg@cpas-a.example").await;
    let received: Received = Arc::default();
    let port = free_port();
    let _receiver = receiver(port, Arc::clone(&received)).await;
    register(&app, &dg, port, &["change_request.approved"]).await;
    approve_a_proposal(&app).await;
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert!(
        received.lock().expect("lock").is_empty(),
        "not sent by the first server"
    );

    // Another server on the same database (a restart, or another instance) sends it.
    let _second = spawn_app_with(test_settings(database_url)).await;
    eventually("the delivery", async || {
        (received.lock().expect("lock").len() == 1).then_some(())
    })
    .await;
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert_eq!(received.lock().expect("lock").len(), 1);
}

#[tokio::test]
async fn webhook_urls_must_be_https() {
    let mut settings = test_settings(tests::fresh_database());
    settings.settings.webhook_allow_loopback_http = false;
    let app = spawn_app_with(settings).await;
    let dg = app.token("dg@cpas-a.example").await;
    for url in [
        "http://127.0.0.1:9/pst",
        "http://hooks.example/pst",
        "ftp://hooks.example",
        "pas une URL",
        "https://user:pw@hooks.example/",
        // Inside addresses: the server's own network is off limits (SSRF).
        "https://127.0.0.1/pst",
        "https://10.0.0.5/pst",
        "https://192.168.1.10:8443/pst",
        "https://169.254.169.254/latest/meta-data",
        "https://[::1]/pst",
        "https://[fd00::1]/pst",
        "https://[::ffff:10.0.0.1]/pst",
        // The same written in the other IPv6 forms that lead there.
        "https://[::a9fe:a9fe]/pst",
        "https://[::ffff:0:a9fe:a9fe]/pst",
        "https://[2002:a9fe:a9fe::]/pst",
        "https://[fec0::1]/pst",
        "https://[100::1]/pst",
        "https://[::10.0.0.1]/pst",
        "https://[64:ff9b::a9fe:a9fe]/pst",
        "https://[2001:0:4136:e378:8000:63bf:3fff:fdd2]/pst",
    ] {
        let (status, problem) = send(
            &app,
            &dg,
            Method::POST,
            "/api/v1/webhooks",
            json!({ "url": url, "events": ["plan.adopted"] }),
        )
        .await;
        assert_eq!(status, 422, "{url}: {problem}");
        assert_eq!(problem["errors"][0]["field"], "url");
        if url.starts_with("https://") && !url.contains('@') {
            assert_eq!(problem["errors"][0]["code"], "not_public_address", "{url}");
        }
    }
    // A public address written as an IP is fine, in either family.
    for url in ["https://8.8.8.8/pst", "https://[2001:4860:4860::8888]/pst"] {
        let (status, body) = send(
            &app,
            &dg,
            Method::POST,
            "/api/v1/webhooks",
            json!({ "url": url, "events": ["plan.adopted"] }),
        )
        .await;
        assert_eq!(status, 201, "{url}: {body}");
    }
    let (status, problem) = send(
        &app,
        &dg,
        Method::POST,
        "/api/v1/webhooks",
        json!({ "url": "https://hooks.example/pst", "events": [] }),
    )
    .await;
    assert_eq!(status, 422, "{problem}");
    let (status, _) = send(
        &app,
        &dg,
        Method::POST,
        "/api/v1/webhooks",
        json!({ "url": "https://hooks.example/pst", "events": ["plan.exploded"] }),
    )
    .await;
    assert_eq!(status, 400);
}

#[tokio::test]
async fn expired_idempotency_keys_and_rate_windows_are_purged() {
    use diesel::RunQueryDsl;
    let app = spawn_app().await;
    let mut conn = app.connection();
    diesel::sql_query(
        "INSERT INTO idempotency_keys (principal, key, request_hash, created_at) VALUES
           ('user:old', 'k', '\\x00', now() - interval '25 hours'),
           ('user:new', 'k', '\\x00', now())",
    )
    .execute(&mut conn)
    .expect("keys");
    let purged = backend::db::integrations::purge_expired(&mut conn).expect("purge");
    assert_eq!(purged, 1);
    let left: i64 = diesel::dsl::select(diesel::dsl::sql::<diesel::sql_types::BigInt>(
        "(SELECT count(*) FROM idempotency_keys)",
    ))
    .get_result(&mut conn)
    .expect("count");
    assert_eq!(left, 1);
}

#[tokio::test]
async fn a_name_that_resolves_inside_is_not_called() {
    let mut settings = test_settings(tests::fresh_database());
    settings.settings.webhook_allow_loopback_http = false;
    let app = spawn_app_with(settings).await;
    let dg = app.token("dg@cpas-a.example").await;
    let received: Received = Arc::default();
    let port = free_port();
    let _receiver = receiver(port, Arc::clone(&received)).await;
    // `localhost` is a name: accepted at registration, refused when it resolves.
    let (status, webhook) = send(
        &app,
        &dg,
        Method::POST,
        "/api/v1/webhooks",
        json!({ "url": format!("https://localhost:{port}/pst"), "events": ["change_request.approved"] }),
    )
    .await;
    assert_eq!(status, 201, "{webhook}");
    approve_a_proposal(&app).await;
    let path = format!(
        "/api/v1/webhooks/{}/deliveries",
        webhook["webhook"]["id"].as_str().expect("id")
    );
    let failed: WebhookDelivery = eventually("a failed attempt", async || {
        let deliveries: Vec<WebhookDelivery> = app.get_ok_as(&dg, &path).await;
        deliveries.into_iter().find(|d| d.last_error.is_some())
    })
    .await;
    let error = failed.last_error.unwrap_or_default();
    assert!(error.contains("localhost has no public address"), "{error}");
    assert!(
        received.lock().expect("lock").is_empty(),
        "nothing reached the receiver"
    );
}

#[tokio::test]
async fn a_step_added_or_changed_is_announced_naming_its_action() {
    let app = spawn_app().await;
    let dg = app.token("dg@cpas-a.example").await;
    // No receiver: the delivery log holds each event's body.
    let WebhookCreated { webhook, .. } = register(
        &app,
        &dg,
        free_port(),
        &["sub_action.created", "action.updated"],
    )
    .await;
    let (pe18, _) = action_id(&app, "Pe18").await;
    let (status, created) = send(
        &app,
        &dg,
        Method::POST,
        &format!("/api/v1/actions/{pe18}/sub-actions"),
        json!({ "title": "Trouver un local", "weight": 2 }),
    )
    .await;
    assert_eq!(status, 201, "{created}");
    let step = created["action"]["id"].as_str().expect("id").to_owned();
    for action in [&step, &pe18] {
        let (status, body) = send(
            &app,
            &dg,
            Method::PATCH,
            &format!("/api/v1/actions/{action}"),
            json!({ "version": 1, "changes": { "status": "en_cours" } }),
        )
        .await;
        assert_eq!(status, 200, "{body}");
    }

    let log: Vec<WebhookDelivery> = app
        .get_ok_as(&dg, &format!("/api/v1/webhooks/{}/deliveries", webhook.id))
        .await;
    let bodies = |event: &str| -> Vec<Value> {
        log.iter()
            .filter(|d| d.payload["type"] == event)
            .map(|d| d.payload.clone())
            .collect()
    };
    let [added] = &bodies("sub_action.created")[..] else {
        panic!("one sub_action.created: {log:?}")
    };
    // Each body is exactly the typed envelope the document's `webhooks` declares.
    let added: api_types::SubActionCreatedEvent =
        serde_json::from_value(added.clone()).expect("a sub_action.created body");
    assert_eq!(added.event, api_types::SubActionCreatedEvent::EVENT);
    assert_eq!(
        (
            added.data.code.as_str(),
            added.data.parent_id.to_string(),
            added.data.parent_code.as_str(),
            added.data.weight
        ),
        ("Pe18.1", pe18.clone(), "Pe18", 2)
    );
    let mut updated: Vec<(String, Option<String>, Option<String>)> = bodies("action.updated")
        .into_iter()
        .map(|body| {
            let body: api_types::ActionUpdatedEvent =
                serde_json::from_value(body).expect("an action.updated body");
            (
                body.data.action_code,
                body.data.parent_id.map(|id| id.to_string()),
                body.data.parent_code,
            )
        })
        .collect();
    updated.sort();
    assert_eq!(
        updated,
        [
            ("Pe18".to_owned(), None, None),
            (
                "Pe18.1".to_owned(),
                Some(pe18.clone()),
                Some("Pe18".to_owned())
            ),
        ]
    );
}
