//! What production does to a server: PostgreSQL restarts under a load of writes, the server
//! is killed with `kill -9`, the pool runs dry. Nothing that was acknowledged may be lost,
//! and nothing may hang.

use std::collections::BTreeSet;
use std::time::{Duration, Instant};

use diesel::RunQueryDsl;
use diesel::connection::SimpleConnection;
use tests::{
    LoadOutcome, ServerProcess, TestApp, WriteLoad, fresh_database, memory_mib, own_cluster,
    random_secret, spawn_app_with, test_settings,
};

const SERVER: &str = env!("CARGO_BIN_EXE_pst-server-under-test");

/// Pe18 of CPAS A, which the PCS partner may propose changes to, and its version.
async fn pe18(app: &TestApp) -> (String, String, i32) {
    let token = app.token("pcs@cpas-a.example").await;
    let tree = app.plan_of("cpas-a").await;
    let action = tree.action("Pe18").expect("Pe18");
    (token, action.id.to_string(), action.version)
}

/// Ids of the proposals present in the database among `ids`.
fn present(database_url: &str, ids: &[uuid::Uuid]) -> BTreeSet<uuid::Uuid> {
    #[derive(diesel::QueryableByName)]
    struct Row {
        #[diesel(sql_type = diesel::sql_types::Uuid)]
        id: uuid::Uuid,
    }
    let mut conn = <diesel::PgConnection as diesel::Connection>::establish(database_url)
        .expect("the database answers");
    diesel::sql_query("SELECT id FROM change_requests WHERE id = ANY($1)")
        .bind::<diesel::sql_types::Array<diesel::sql_types::Uuid>, _>(ids)
        .load::<Row>(&mut conn)
        .expect("query")
        .into_iter()
        .map(|row| row.id)
        .collect()
}

/// Every acknowledged write is stored, once.
fn assert_every_acknowledged_write_is_stored(database_url: &str, outcome: &LoadOutcome) {
    let acknowledged: BTreeSet<_> = outcome.created.iter().copied().collect();
    assert_eq!(
        acknowledged.len(),
        outcome.created.len(),
        "an id was acknowledged twice"
    );
    let stored = present(database_url, &outcome.created);
    let lost: Vec<_> = acknowledged.difference(&stored).collect();
    assert!(
        lost.is_empty(),
        "{} of {} acknowledged proposals are missing: {lost:?}",
        lost.len(),
        acknowledged.len()
    );
}

async fn wait_until(what: &str, timeout: Duration, mut check: impl AsyncFnMut() -> bool) {
    let deadline = Instant::now() + timeout;
    while !check().await {
        assert!(Instant::now() < deadline, "timed out: {what}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// Waits until 50 more writes succeed after a restart (nobody helps the server), then stops
/// the writers.
async fn recovered(load: WriteLoad) -> LoadOutcome {
    let back = load.created();
    wait_until(
        "writes after the restart",
        Duration::from_secs(15),
        async || load.created() >= back + 50,
    )
    .await;
    load.finish().await
}

#[tokio::test]
async fn writes_get_503_while_postgresql_is_down_and_every_acknowledged_write_survives() {
    let (_dir, cluster, mut settings) = own_cluster("pst-outage-writes");
    settings.settings.db_pool_size = 8;
    settings.settings.workers = Some(2);
    let app = spawn_app_with(settings).await;
    let (token, action, version) = pe18(&app).await;

    let load = WriteLoad::start(&app.address, &token, &action, version, 8);
    wait_until(
        "writes before the outage",
        Duration::from_secs(10),
        async || load.created() >= 50,
    )
    .await;

    // Fast shutdown: the open transactions are rolled back under the writers' feet.
    cluster.stop().expect("cluster stops");
    let before_outage = load.created();
    tokio::time::sleep(Duration::from_secs(2)).await;
    let during_outage = load.created() - before_outage;
    cluster.start().expect("cluster restarts");

    // The server recovers by itself: writes succeed again, nobody restarted it.
    let outcome = recovered(load).await;

    assert!(
        during_outage <= 8,
        "only requests already past the database can succeed during the outage, got {during_outage}"
    );
    assert!(
        outcome.others.get("503").copied().unwrap_or(0) > 0,
        "the outage was seen as 503: {:?}",
        outcome.others
    );
    assert!(
        outcome.unexpected.is_empty(),
        "every failure is a 503 problem+json with Retry-After: {:?}",
        &outcome.unexpected[..outcome.unexpected.len().min(5)]
    );
    assert!(
        outcome.slowest < Duration::from_secs(5),
        "no request hangs: the slowest took {:?}",
        outcome.slowest
    );
    assert_every_acknowledged_write_is_stored(&app.database_url, &outcome);
    eprintln!(
        "outage under load: {} acknowledged, others {:?}, slowest {:?}",
        outcome.created.len(),
        outcome.others,
        outcome.slowest
    );
    cluster.stop().expect("cluster stops");
}

#[tokio::test]
async fn after_kill_9_mid_load_a_restarted_server_has_every_acknowledged_write() {
    let secret = random_secret();
    let mut server = ServerProcess::start(SERVER, &fresh_database(), &secret).await;
    let app = server.app(&secret);
    let (token, action, version) = pe18(&app).await;

    let load = WriteLoad::start(&app.address, &token, &action, version, 8);
    wait_until(
        "writes before the kill",
        Duration::from_secs(10),
        async || load.created() >= 100,
    )
    .await;
    server.kill();
    tokio::time::sleep(Duration::from_millis(300)).await;
    server.restart().await;
    let outcome = recovered(load).await;

    assert!(
        outcome.others.get("connection").copied().unwrap_or(0) > 0,
        "the writers saw the server gone: {:?}",
        outcome.others
    );
    // Requests cut by the kill have no answer; that is what a client sees of a crash. Every
    // answer the server did give is a success.
    let answered_failures: Vec<_> = outcome
        .unexpected
        .iter()
        .filter(|u| !u.starts_with("no answer"))
        .collect();
    assert!(
        answered_failures.is_empty(),
        "unexpected answers: {answered_failures:?}"
    );
    assert!(
        outcome.others.get("no answer").copied().unwrap_or(0) <= 8,
        "at most one cut request per writer: {:?}",
        outcome.others
    );
    assert_every_acknowledged_write_is_stored(&server.database_url, &outcome);
    eprintln!(
        "kill -9 under load: {} acknowledged, others {:?}",
        outcome.created.len(),
        outcome.others
    );
}

#[tokio::test]
async fn an_exhausted_pool_answers_503_quickly_instead_of_piling_up() {
    let mut settings = test_settings(fresh_database());
    settings.settings.db_pool_size = 2;
    settings.settings.db_timeout_ms = 300;
    settings.settings.workers = Some(2);
    let app = spawn_app_with(settings).await;
    let token = app.token("dg@cpas-a.example").await;

    // Another session holds the plans: the requests that get a connection wait on the lock,
    // holding the whole pool.
    let mut blocker = app.connection();
    blocker
        .batch_execute("BEGIN; LOCK TABLE plans IN ACCESS EXCLUSIVE MODE")
        .expect("lock");

    let requests: Vec<_> = (0..12)
        .map(|_| {
            let client = app.client.clone();
            let url = app.url("/api/v1/plans");
            let token = token.clone();
            tokio::spawn(async move {
                let started = Instant::now();
                let response = client
                    .get(url)
                    .bearer_auth(token)
                    .send()
                    .await
                    .expect("an answer");
                let status = response.status().as_u16();
                let retry_after = response.headers().contains_key("retry-after");
                let body = response.text().await.expect("body");
                (status, retry_after, body, started.elapsed())
            })
        })
        .collect();

    // The ones without a connection give up after the acquire timeout, long before the
    // lock goes: 503 with Retry-After, in well under two seconds.
    tokio::time::sleep(Duration::from_millis(1500)).await;
    let mut refused = 0;
    let mut blocked = Vec::new();
    for request in requests {
        if request.is_finished() {
            let (status, retry_after, body, elapsed) = request.await.expect("task");
            assert_eq!(status, 503, "{body}");
            assert!(retry_after);
            assert!(body.contains("service_unavailable"), "{body}");
            assert!(
                elapsed < Duration::from_millis(1500),
                "503 after {elapsed:?}"
            );
            refused += 1;
        } else {
            blocked.push(request);
        }
    }
    assert!(
        refused >= 8,
        "most requests are refused at once, {refused} were"
    );
    assert!(
        blocked.len() <= 2,
        "only the pool's connections wait: {} do",
        blocked.len()
    );

    // The lock goes: the waiting requests finish normally, and the server serves again.
    blocker.batch_execute("COMMIT").expect("unlock");
    for request in blocked {
        let (status, _, body, _) = request.await.expect("task");
        assert_eq!(status, 200, "{body}");
    }
    let plans: Vec<api_types::PlanSummary> = app.get_ok_as(&token, "/api/v1/plans").await;
    assert!(!plans.is_empty());
}

#[tokio::test]
async fn a_burst_of_logins_does_not_take_the_servers_memory() {
    let secret = random_secret();
    let server = ServerProcess::start(SERVER, &fresh_database(), &secret).await;
    let app = server.app(&secret);
    app.token("dg@cpas-a.example").await;
    let before = memory_mib(server.pid(), "VmRSS:");

    // 48 logins at once: each password check takes 19 MiB (argon2id, OWASP parameters).
    let logins: Vec<_> = (0..48)
        .map(|_| {
            let client = app.client.clone();
            let url = app.url("/api/v1/auth/login");
            tokio::spawn(async move {
                client
                    .post(url)
                    .json(&serde_json::json!({
                        "email": "social@cpas-a.example",
                        "password": tests::PASSWORD,
                    }))
                    .send()
                    .await
                    .expect("an answer")
                    .status()
            })
        })
        .collect();
    for login in logins {
        assert_eq!(login.await.expect("task"), 200);
    }
    let peak = memory_mib(server.pid(), "VmHWM:");
    tokio::time::sleep(Duration::from_secs(2)).await;
    let after = memory_mib(server.pid(), "VmRSS:");
    eprintln!("logins: RSS {before} MiB before, peak {peak} MiB, {after} MiB after");
    // One check per core at a time (2 here), each hashing thread reusing its 19 MiB.
    assert!(
        peak < before + 80,
        "the peak grew from {before} to {peak} MiB"
    );
    // Measured with 48 logins hashing on the blocking threads, each allocating its own
    // buffer: 877 MiB kept after the burst (a fragmented heap); 971 MiB at the peak.
    assert!(
        after < before + 60,
        "the memory went back: {before} → {after} MiB"
    );
}
