//! Secrets at rest: a webhook's signing key is shown once (at creation, and at each
//! rotation), never listed, stored sealed under the server's key; answers kept for
//! idempotent replays are sealed too; the key rotates by restarting with the old key among
//! the previous ones.

use std::sync::Arc;

use api_types::{ApiTokenCreated, WebhookCreated, WebhookSecretRotated};
use diesel::RunQueryDsl;
use diesel::sql_types::{BigInt, Nullable, Text, Uuid as SqlUuid};
use reqwest::Method;
use serde_json::{Value, json};
use tests::{
    Received, ServerProcess, TestApp, eventually, free_port, fresh_database, random_secret,
    receiver, spawn_app, spawn_app_with, test_secrets_key, test_settings,
};

use crate::integrations::{approve_a_proposal, new_token, register, send, signature_is_valid};

const SERVER: &str = env!("CARGO_BIN_EXE_pst-server-under-test");

/// The id stored beside what `key` sealed.
fn key_id(key: &str) -> String {
    backend::secrets::SecretKey::parse(key)
        .expect("a valid key")
        .id()
        .to_owned()
}

#[derive(diesel::QueryableByName)]
struct StoredSecret {
    #[diesel(sql_type = Nullable<Text>)]
    secret: Option<String>,
    #[diesel(sql_type = Nullable<Text>)]
    secret_key_id: Option<String>,
}

fn stored_secret(app: &TestApp, webhook: uuid::Uuid) -> StoredSecret {
    diesel::sql_query("SELECT secret, secret_key_id FROM webhook_endpoints WHERE id = $1")
        .bind::<SqlUuid, _>(webhook)
        .get_result(&mut app.connection())
        .expect("the endpoint's row")
}

#[derive(diesel::QueryableByName)]
struct Count {
    #[diesel(sql_type = BigInt)]
    n: i64,
}

/// Rows of `table` whose text, bytea columns included (as hex), holds `needle`.
fn rows_holding(app: &TestApp, table: &str, needle: &str) -> i64 {
    diesel::sql_query(format!(
        "SELECT count(*) AS n FROM {table} t
          WHERE strpos(t::text, $1) > 0
             OR strpos(t::text, encode(convert_to($1, 'UTF8'), 'hex')) > 0"
    ))
    .bind::<Text, _>(needle)
    .get_result::<Count>(&mut app.connection())
    .expect("a count")
    .n
}

/// The signatures of what `received` got, checked against `secret`.
fn signed_with(received: &Received, secret: &str) -> Vec<bool> {
    received
        .lock()
        .expect("lock")
        .iter()
        .map(|(headers, body)| signature_is_valid(secret, headers, body))
        .collect()
}

#[tokio::test]
async fn a_webhook_secret_is_in_its_creation_answer_only_and_stored_sealed() {
    let app = spawn_app().await;
    let dg = app.token("dg@cpas-a.example").await;

    let response = app
        .send_as(
            Method::POST,
            Some(&dg),
            "/api/v1/webhooks",
            Some(&json!({ "url": "https://hooks.example/pst", "events": ["plan.adopted"] })),
        )
        .await;
    assert_eq!(response.status(), 201);
    let location = response
        .headers()
        .get("location")
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    let WebhookCreated { webhook, secret } = response.json().await.expect("created");
    assert!(
        secret.starts_with("whsec_") && secret.len() > 30,
        "{secret}"
    );
    assert_eq!(
        location.as_deref(),
        Some(format!("/api/v1/webhooks/{}", webhook.id).as_str())
    );

    // Never again: not in the list, the read, the change, nor for a token that manages
    // webhooks (it did not create this one).
    let hooks = new_token(&app, &dg, &["webhooks:manage"], None).await;
    let path = format!("/api/v1/webhooks/{}", webhook.id);
    for (token, method, path, body) in [
        (&dg, Method::GET, "/api/v1/webhooks", Value::Null),
        (&dg, Method::GET, path.as_str(), Value::Null),
        (&hooks.secret, Method::GET, "/api/v1/webhooks", Value::Null),
        (&hooks.secret, Method::GET, path.as_str(), Value::Null),
        (
            &dg,
            Method::PATCH,
            path.as_str(),
            json!({ "version": webhook.version, "events": ["plan.adopted", "action.updated"] }),
        ),
    ] {
        let (status, answer) = send(&app, token, method.clone(), path, body).await;
        assert_eq!(status, 200, "{method} {path}: {answer}");
        let text = answer.to_string();
        assert!(!text.contains(&secret), "{method} {path} shows the secret");
        assert!(!text.contains("\"secret\""), "{method} {path}: {text}");
        assert!(!text.contains("whsec_"), "{method} {path}: {text}");
    }

    // The row holds it sealed under the server's key, and nothing of it in clear.
    let stored = stored_secret(&app, webhook.id);
    assert_eq!(stored.secret, None);
    assert_eq!(stored.secret_key_id, Some(key_id(test_secrets_key())));
    assert_eq!(rows_holding(&app, "webhook_endpoints", &secret), 0);
    assert_eq!(rows_holding(&app, "webhook_endpoints", "whsec_"), 0);
}

#[tokio::test]
async fn deliveries_are_signed_with_the_created_secret_then_with_the_rotated_one_only() {
    let app = spawn_app().await;
    let dg = app.token("dg@cpas-a.example").await;
    let received: Received = Arc::default();
    let port = free_port();
    let _receiver = receiver(port, Arc::clone(&received)).await;
    let WebhookCreated { webhook, secret } =
        register(&app, &dg, port, &["change_request.approved"]).await;

    approve_a_proposal(&app).await;
    eventually("the first delivery", async || {
        (received.lock().expect("lock").len() == 1).then_some(())
    })
    .await;
    assert_eq!(signed_with(&received, &secret), [true]);

    // A token without `webhooks:manage` may not rotate; the DG (or such a token) may.
    let rotate = format!("/api/v1/webhooks/{}/rotate-secret", webhook.id);
    let reader = new_token(&app, &dg, &["plans:read"], None).await;
    let (status, problem) = send(&app, &reader.secret, Method::POST, &rotate, Value::Null).await;
    assert_eq!(status, 403, "{problem}");
    let (status, answer) = send(&app, &dg, Method::POST, &rotate, Value::Null).await;
    assert_eq!(status, 200, "{answer}");
    let WebhookSecretRotated {
        webhook: rotated,
        secret: new_secret,
    } = serde_json::from_value(answer).expect("a rotation");
    assert!(new_secret.starts_with("whsec_"));
    assert_ne!(new_secret, secret);
    assert_eq!(rotated.id, webhook.id);
    assert_eq!(
        rotated.version,
        webhook.version + 1,
        "a rotation is a change"
    );
    assert_eq!(rows_holding(&app, "webhook_endpoints", &new_secret), 0);

    approve_a_proposal(&app).await;
    eventually("the second delivery", async || {
        (received.lock().expect("lock").len() == 2).then_some(())
    })
    .await;
    assert_eq!(signed_with(&received, &new_secret), [false, true]);
    assert_eq!(
        signed_with(&received, &secret),
        [true, false],
        "the old secret signs nothing after the rotation"
    );

    let hooks = new_token(&app, &dg, &["webhooks:manage"], None).await;
    let (status, answer) = send(&app, &hooks.secret, Method::POST, &rotate, Value::Null).await;
    assert_eq!(status, 200, "{answer}");
    let (status, _) = send(
        &app,
        &dg,
        Method::POST,
        &format!("/api/v1/webhooks/{}/rotate-secret", uuid::Uuid::new_v4()),
        Value::Null,
    )
    .await;
    assert_eq!(status, 404);
}

#[tokio::test]
async fn a_sealed_secret_copied_into_another_row_does_not_open() {
    let app = spawn_app().await;
    let dg = app.token("dg@cpas-a.example").await;
    let received: Received = Arc::default();
    let port = free_port();
    let _receiver = receiver(port, Arc::clone(&received)).await;
    let mine = register(&app, &dg, port, &["change_request.approved"]).await;
    let theirs = register(&app, &dg, free_port(), &["plan.adopted"]).await;

    // Someone with write access to the database copies the other endpoint's sealed key,
    // which they can read, into this one's row.
    diesel::sql_query(
        "UPDATE webhook_endpoints
            SET secret_sealed = (SELECT secret_sealed FROM webhook_endpoints WHERE id = $2)
          WHERE id = $1",
    )
    .bind::<SqlUuid, _>(mine.webhook.id)
    .bind::<SqlUuid, _>(theirs.webhook.id)
    .execute(&mut app.connection())
    .expect("swapped");

    approve_a_proposal(&app).await;
    let path = format!("/api/v1/webhooks/{}/deliveries", mine.webhook.id);
    let failed: api_types::WebhookDelivery = eventually("a failed attempt", async || {
        let log: Vec<api_types::WebhookDelivery> = app.get_ok_as(&dg, &path).await;
        log.into_iter().find(|d| d.last_error.is_some())
    })
    .await;
    let error = failed.last_error.unwrap_or_default();
    assert!(error.contains("signing key cannot be opened"), "{error}");
    assert!(
        received.lock().expect("lock").is_empty(),
        "nothing was sent"
    );
}

#[tokio::test]
async fn a_server_restarted_with_a_new_key_still_signs_and_reseals_under_it() {
    let jwt = random_secret();
    let database = fresh_database();
    let mut server = ServerProcess::start(SERVER, &database, &jwt).await;
    let app = server.app(&jwt);
    let dg = app.token("dg@cpas-a.example").await;
    let received: Received = Arc::default();
    let port = free_port();
    let _receiver = receiver(port, Arc::clone(&received)).await;
    let WebhookCreated { webhook, secret } =
        register(&app, &dg, port, &["change_request.approved"]).await;
    // An answer kept for a replay, sealed with the old key too.
    let create_token = async |key: &str| {
        let organisation = app
            .get_ok_as::<Vec<api_types::OrganisationSummary>>(&dg, "/api/v1/organisations")
            .await[0]
            .id;
        let response = app
            .client
            .post(app.url("/api/v1/api-tokens"))
            .bearer_auth(&dg)
            .header("Idempotency-Key", key)
            .json(&json!({ "name": "Rapports", "organisation_id": organisation, "scopes": ["plans:read"] }))
            .send()
            .await
            .expect("the server answers");
        assert_eq!(response.status(), 201);
        let replayed = response.headers().contains_key("idempotent-replayed");
        (
            response.json::<ApiTokenCreated>().await.expect("a token"),
            replayed,
        )
    };
    let (token, replayed) = create_token("rotation-1").await;
    assert!(!replayed);
    let old_key = test_secrets_key().to_owned();
    assert_eq!(
        stored_secret(&app, webhook.id).secret_key_id,
        Some(key_id(&old_key))
    );

    // The rotation: a new current key, the old one among the previous, a restart.
    let new_key = backend::secrets::generate_key().expect("a key");
    server.kill();
    server.set_env("PST_SECRETS_KEY", &new_key);
    server.set_env("PST_SECRETS_PREVIOUS_KEYS", &old_key);
    server.restart().await;

    assert_eq!(
        stored_secret(&app, webhook.id).secret_key_id,
        Some(key_id(&new_key)),
        "re-sealed under the new key at start"
    );
    let under_old: i64 = diesel::sql_query(
        "SELECT count(*) AS n FROM idempotency_keys WHERE response_key_id IS DISTINCT FROM $1",
    )
    .bind::<Text, _>(key_id(&new_key))
    .get_result::<Count>(&mut app.connection())
    .expect("a count")
    .n;
    assert_eq!(under_old, 0, "kept answers re-sealed too");
    let (again, replayed) = create_token("rotation-1").await;
    assert!(replayed);
    assert_eq!(
        again.secret, token.secret,
        "the replay opens under the new key"
    );

    approve_a_proposal(&app).await;
    eventually("a delivery", async || {
        (received.lock().expect("lock").len() == 1).then_some(())
    })
    .await;
    assert_eq!(signed_with(&received, &secret), [true]);

    // Once every instance runs with the new key, the old one can go.
    server.kill();
    server.set_env("PST_SECRETS_PREVIOUS_KEYS", "");
    server.restart().await;
    approve_a_proposal(&app).await;
    eventually("another delivery", async || {
        (received.lock().expect("lock").len() == 2).then_some(())
    })
    .await;
    assert_eq!(signed_with(&received, &secret), [true, true]);
}

#[tokio::test]
async fn a_secret_stored_in_clear_before_sealing_is_sealed_at_start() {
    // A database as the migration leaves it: an endpoint registered earlier keeps its
    // secret in clear, and a kept answer its body.
    let database = fresh_database();
    // The receiver holds its port from now on: a port merely found free could be given to
    // the server's own listener meanwhile.
    let received: Received = Arc::default();
    let port = free_port();
    let _receiver = receiver(port, Arc::clone(&received)).await;
    let legacy = "whsec_registered_before_sealing_existed";
    {
        let mut conn = <diesel::PgConnection as diesel::Connection>::establish(&database)
            .expect("the test database");
        diesel::sql_query(
            "INSERT INTO webhook_endpoints (tenant_id, url, secret, events)
             SELECT id, $1, $2, ARRAY['change_request.approved']
               FROM tenants WHERE slug = 'cpas-a'",
        )
        .bind::<Text, _>(format!("http://127.0.0.1:{port}/pst"))
        .bind::<Text, _>(legacy)
        .execute(&mut conn)
        .expect("a plaintext endpoint");
        diesel::sql_query(
            "INSERT INTO idempotency_keys
                    (principal, key, request_hash, status_code, content_type, response_body)
             VALUES ('user:someone', 'k', '\\x00', 201, 'application/json',
                     convert_to($1, 'UTF8'))",
        )
        .bind::<Text, _>(format!(r#"{{"secret":"{legacy}"}}"#))
        .execute(&mut conn)
        .expect("a plaintext answer");
    }

    let app = spawn_app_with(test_settings(database)).await;
    assert_eq!(rows_holding(&app, "webhook_endpoints", legacy), 0);
    assert_eq!(rows_holding(&app, "idempotency_keys", legacy), 0);
    let current = key_id(test_secrets_key());
    let sealed: i64 = diesel::sql_query(
        "SELECT count(*) AS n FROM webhook_endpoints WHERE secret IS NULL AND secret_key_id = $1",
    )
    .bind::<Text, _>(&current)
    .get_result::<Count>(&mut app.connection())
    .expect("a count")
    .n;
    assert_eq!(sealed, 1);

    // It still signs with the secret its receiver holds.
    approve_a_proposal(&app).await;
    eventually("the delivery", async || {
        (received.lock().expect("lock").len() == 1).then_some(())
    })
    .await;
    assert_eq!(signed_with(&received, legacy), [true]);
}

#[tokio::test]
async fn a_replayed_creation_returns_the_same_secret_which_the_store_keeps_sealed() {
    let app = spawn_app().await;
    let dg = app.token("dg@cpas-a.example").await;
    let post = async |path: &str, body: Value| {
        let response = app
            .client
            .post(app.url(path))
            .bearer_auth(&dg)
            .header("Idempotency-Key", format!("creation:{path}"))
            .json(&body)
            .send()
            .await
            .expect("the server answers");
        assert_eq!(response.status(), 201);
        let replayed = response.headers().contains_key("idempotent-replayed");
        (response.json::<Value>().await.expect("JSON"), replayed)
    };
    let hook = json!({ "url": "https://hooks.example/pst", "events": ["plan.adopted"] });
    let (first, replayed) = post("/api/v1/webhooks", hook.clone()).await;
    assert!(!replayed);
    let (again, replayed) = post("/api/v1/webhooks", hook).await;
    assert!(replayed);
    assert_eq!(again, first, "the same answer, secret included");
    let webhook_secret = first["secret"].as_str().expect("a secret").to_owned();

    let organisation = app
        .get_ok_as::<Vec<api_types::OrganisationSummary>>(&dg, "/api/v1/organisations")
        .await[0]
        .id;
    let token =
        json!({ "name": "Tableau", "organisation_id": organisation, "scopes": ["plans:read"] });
    let (first, _) = post("/api/v1/api-tokens", token.clone()).await;
    let (again, replayed) = post("/api/v1/api-tokens", token).await;
    assert!(replayed);
    assert_eq!(again, first);
    let token_secret = first["secret"].as_str().expect("a secret").to_owned();

    assert_eq!(rows_holding(&app, "idempotency_keys", &webhook_secret), 0);
    assert_eq!(rows_holding(&app, "idempotency_keys", &token_secret), 0);
    assert_eq!(rows_holding(&app, "idempotency_keys", "whsec_"), 0);
    assert_eq!(rows_holding(&app, "idempotency_keys", "pst_"), 0);
    let clear: i64 = diesel::sql_query(
        "SELECT count(*) AS n FROM idempotency_keys WHERE response_key_id IS NULL",
    )
    .get_result::<Count>(&mut app.connection())
    .expect("a count")
    .n;
    assert_eq!(clear, 0);
}

#[test]
fn a_malformed_key_stops_the_server_at_start_without_repeating_it() {
    for (name, value) in [
        (
            "PST_SECRETS_KEY",
            "c2hvcnQta2V5LWJ1dC1ub3Qtc2hvcnQtZW5vdWdo",
        ),
        ("PST_SECRETS_KEY", "not base64, but a pass phrase"),
        ("PST_SECRETS_PREVIOUS_KEYS", "not base64, but a pass phrase"),
    ] {
        let mut command = std::process::Command::new(SERVER);
        command
            .arg("serve")
            .env_clear()
            .env("DATABASE_URL", "postgres://nobody@127.0.0.1:1/none")
            .env("PST_JWT_SECRET", random_secret())
            .env("PST_SECRETS_KEY", test_secrets_key())
            .env(name, value);
        let output = command.output().expect("the server runs");
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(!output.status.success(), "{name}: {stderr}");
        assert!(stderr.contains(name), "{name}: {stderr}");
        assert!(
            !stderr.contains(value),
            "the value is not repeated: {stderr}"
        );
        assert!(!stderr.contains("panicked"), "{stderr}");
    }
    // None at all: the server says which setting it needs.
    let output = std::process::Command::new(SERVER)
        .arg("serve")
        .env_clear()
        .env("DATABASE_URL", "postgres://nobody@127.0.0.1:1/none")
        .env("PST_JWT_SECRET", random_secret())
        .output()
        .expect("the server runs");
    assert!(!output.status.success());
    assert!(
        String::from_utf8_lossy(&output.stderr).contains("PST_SECRETS_KEY"),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
}

#[tokio::test]
async fn reverting_the_sealing_migration_pauses_the_endpoints_and_the_next_start_seals_them_again()
{
    use diesel_migrations::MigrationHarness;
    let database = fresh_database();
    let app = spawn_app_with(test_settings(database.clone())).await;
    let dg = app.token("dg@cpas-a.example").await;
    let WebhookCreated { webhook, secret } =
        register(&app, &dg, free_port(), &["plan.adopted"]).await;

    // Down: SQL cannot open the sealed key, so the endpoint gets a new one and is paused
    // (the older version shows it, so its owner can give it to the receiver).
    let mut conn = app.connection();
    loop {
        let reverted = conn
            .revert_last_migration(backend::db::MIGRATIONS)
            .expect("the last migration reverts")
            .to_string();
        if reverted == "20261202000010" {
            break;
        }
    }
    #[derive(diesel::QueryableByName)]
    struct Reverted {
        #[diesel(sql_type = Text)]
        secret: String,
        #[diesel(sql_type = diesel::sql_types::Bool)]
        active: bool,
    }
    let reverted: Reverted =
        diesel::sql_query("SELECT secret, active FROM webhook_endpoints WHERE id = $1")
            .bind::<SqlUuid, _>(webhook.id)
            .get_result(&mut conn)
            .expect("the endpoint is kept");
    assert!(reverted.secret.starts_with("whsec_") && reverted.secret.len() > 60);
    assert_ne!(reverted.secret, secret);
    assert!(
        !reverted.active,
        "paused: the receiver does not know the new key"
    );

    // Up again, and the next start seals it.
    backend::db::run_migrations(&mut conn).expect("the migrations run again");
    drop(conn);
    let _restarted = spawn_app_with(test_settings(database)).await;
    let stored = stored_secret(&app, webhook.id);
    assert_eq!(stored.secret, None);
    assert_eq!(stored.secret_key_id, Some(key_id(test_secrets_key())));
    assert_eq!(rows_holding(&app, "webhook_endpoints", &reverted.secret), 0);
}
