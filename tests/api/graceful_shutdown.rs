//! SIGTERM, as an orchestrator sends it to stop or roll an instance: the requests in flight
//! finish, new ones go elsewhere, and the webhook worker neither loses nor holds a delivery.

use std::sync::Arc;
use std::time::{Duration, Instant};

use api_types::{WebhookCreated, WebhookDelivery};
use diesel::connection::SimpleConnection;
use reqwest::Method;
use serde_json::json;
use tests::{
    Received, ServerProcess, eventually, free_port, fresh_database, random_secret, slow_receiver,
};

const SERVER: &str = env!("CARGO_BIN_EXE_pst-server-under-test");

#[tokio::test]
async fn sigterm_lets_the_request_in_flight_finish_and_refuses_new_ones() {
    let secret = random_secret();
    let mut server = ServerProcess::start(SERVER, &fresh_database(), &secret).await;
    let app = server.app(&secret);
    let token = app.token("dg@cpas-a.example").await;

    // A request held in the database by another session's lock: "in flight".
    let mut blocker = app.connection();
    blocker
        .batch_execute("BEGIN; LOCK TABLE plans IN ACCESS EXCLUSIVE MODE")
        .expect("lock");
    let in_flight = {
        let client = reqwest::Client::new();
        let url = app.url("/api/v1/plans");
        let token = token.clone();
        tokio::spawn(async move {
            let response = client
                .get(url)
                .bearer_auth(token)
                .send()
                .await
                .expect("an answer");
            let status = response.status().as_u16();
            let plans: Vec<api_types::PlanSummary> = response.json().await.expect("plans");
            (status, plans.len())
        })
    };
    eventually("the request to wait on the lock", async || {
        #[derive(diesel::QueryableByName)]
        struct Waiting {
            #[diesel(sql_type = diesel::sql_types::BigInt)]
            count: i64,
        }
        let mut conn = app.connection();
        let waiting: Waiting = diesel::RunQueryDsl::get_result(
            diesel::sql_query(
                "SELECT count(*) AS count FROM pg_stat_activity
                  WHERE wait_event_type = 'Lock' AND datname = current_database()",
            ),
            &mut conn,
        )
        .expect("pg_stat_activity");
        (waiting.count > 0).then_some(())
    })
    .await;

    server.terminate();
    // The listener closes at once: a new client is refused (a load balancer moves on).
    let fresh = reqwest::Client::new();
    let started = Instant::now();
    loop {
        match fresh.get(app.url("/healthz")).send().await {
            Err(error) if error.is_connect() => break,
            _ => {
                assert!(
                    started.elapsed() < Duration::from_secs(3),
                    "new connections are still accepted after SIGTERM"
                );
                tokio::time::sleep(Duration::from_millis(50)).await;
            }
        }
    }
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert!(!in_flight.is_finished(), "the request is still waiting");

    blocker.batch_execute("COMMIT").expect("unlock");
    let (status, plans) = in_flight.await.expect("task");
    assert_eq!(status, 200, "the request in flight got its answer");
    assert!(plans > 0);
    let exit = server.exited_within(Duration::from_secs(20)).await;
    assert!(exit.success(), "a clean exit after draining: {exit}");
}

#[tokio::test]
async fn sigterm_finishes_the_webhook_being_sent_and_hands_the_rest_back_at_once() {
    let secret = random_secret();
    let database = fresh_database();
    let mut server = ServerProcess::start(SERVER, &database, &secret).await;
    let app = server.app(&secret);
    let dg = app.token("dg@cpas-a.example").await;

    // A slow receiver: each delivery takes a second to acknowledge.
    let received: Received = Arc::default();
    let port = free_port();
    let _receiver = slow_receiver(port, Arc::clone(&received), Duration::from_secs(1)).await;
    let webhook = {
        let response = app
            .send_as(
                Method::POST,
                Some(&dg),
                "/api/v1/webhooks",
                Some(&json!({ "url": format!("http://127.0.0.1:{port}/pst"), "events": ["change_request.created"] })),
            )
            .await;
        assert_eq!(response.status(), 201);
        response
            .json::<WebhookCreated>()
            .await
            .expect("a webhook")
            .webhook
    };
    // Five events queued at once: five proposals of the PCS partner on Pe18, each
    // replacing the one before (one pending proposal per author and action).
    let pcs = app.token("pcs@cpas-a.example").await;
    let tree = app.plan_of("cpas-a").await;
    let pe18 = tree.action("Pe18").expect("Pe18");
    let mut previous: Option<String> = None;
    for progress in [10, 20, 30, 40, 50] {
        let response = app
            .send_as(
                Method::POST,
                Some(&pcs),
                &format!("/api/v1/actions/{}/change-requests", pe18.id),
                Some(
                    &json!({ "base_version": pe18.version, "changes": { "progress": progress },
                              "replaces": previous }),
                ),
            )
            .await;
        assert_eq!(response.status(), 201);
        let created: serde_json::Value = response.json().await.expect("a proposal");
        previous = created["id"].as_str().map(str::to_owned);
    }
    let deliveries_path = format!("/api/v1/webhooks/{}/deliveries", webhook.id);
    let queued: Vec<WebhookDelivery> = app.get_ok_as(&dg, &deliveries_path).await;

    // SIGTERM while the first delivery is being acknowledged.
    eventually("the first delivery to reach the receiver", async || {
        (!received.lock().expect("lock").is_empty()).then_some(())
    })
    .await;
    server.terminate();
    let exit = server.exited_within(Duration::from_secs(20)).await;
    assert!(exit.success(), "a clean exit: {exit}");
    let sent_before_stop = received.lock().expect("lock").len();
    assert!(
        (1..queued.len()).contains(&sent_before_stop),
        "the delivery in hand was finished, not the whole queue: {sent_before_stop} of {}",
        queued.len()
    );

    // A new instance sends the rest at once: nothing is left leased to the stopped one (the
    // lease would otherwise hold them for minutes).
    let successor = ServerProcess::start(SERVER, &database, &secret).await;
    let app = successor.app(&secret);
    let dg = app.token("dg@cpas-a.example").await;
    let delivered = eventually("every delivery", async || {
        let deliveries: Vec<WebhookDelivery> = app.get_ok_as(&dg, &deliveries_path).await;
        deliveries
            .iter()
            .all(|d| d.status == api_types::DeliveryStatus::Delivered)
            .then_some(deliveries)
    })
    .await;
    assert_eq!(delivered.len(), queued.len());
    // Each exactly once: the one in hand at SIGTERM was recorded, so it is not sent again.
    let mut ids: Vec<String> = received
        .lock()
        .expect("lock")
        .iter()
        .filter_map(|(headers, _)| {
            headers
                .iter()
                .find(|(name, _)| name == "pst-delivery")
                .map(|(_, value)| value.clone())
        })
        .collect();
    ids.sort();
    let count = ids.len();
    ids.dedup();
    assert_eq!(count, ids.len(), "no delivery was sent twice");
    assert_eq!(count, queued.len());
}
