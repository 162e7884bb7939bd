//! What hostile or careless input meets: size limits, security headers, CORS, unknown
//! fields, control characters.

use reqwest::Method;
use serde_json::{Value, json};
use tests::spawn_app;

#[tokio::test]
async fn a_json_body_over_one_megabyte_is_refused_with_413() {
    let app = spawn_app().await;
    let dg = app.token("dg@cpas-a.example").await;
    let huge = "x".repeat(1_100_000);
    let response = app
        .send_as(
            Method::POST,
            Some(&dg),
            "/api/v1/plans",
            Some(&json!({ "title": huge })),
        )
        .await;
    assert_eq!(response.status().as_u16(), 413);
    assert_eq!(
        response.headers()["content-type"],
        "application/problem+json"
    );
    let problem: Value = response.json().await.expect("problem");
    assert_eq!(problem["code"], "payload_too_large");
    // The server is fine afterwards.
    assert_eq!(
        app.get_as(&dg, "/api/v1/plans").await.status().as_u16(),
        200
    );
}

#[tokio::test]
async fn every_answer_carries_the_security_headers() {
    let app = spawn_app().await;
    for path in ["/", "/api/v1/plans", "/healthz"] {
        let response = app.get(path).await;
        let headers = response.headers();
        let csp = headers["content-security-policy"].to_str().expect("text");
        assert!(csp.contains("default-src 'self'"), "{path}: {csp}");
        assert!(csp.contains("'wasm-unsafe-eval'"));
        assert!(csp.contains("frame-ancestors 'none'"));
        assert!(!csp.contains("'unsafe-eval'") || csp.contains("'wasm-unsafe-eval'"));
        assert_eq!(headers["x-content-type-options"], "nosniff");
        assert_eq!(headers["referrer-policy"], "same-origin");
        assert_eq!(headers["x-frame-options"], "DENY");
    }
}

#[tokio::test]
async fn cross_origin_calls_are_allowed_only_from_the_configured_origins() {
    let app = spawn_app().await;
    let preflight = |origin: &'static str| {
        app.client
            .request(Method::OPTIONS, app.url("/api/v1/plans"))
            .header("Origin", origin)
            .header("Access-Control-Request-Method", "GET")
            .header("Access-Control-Request-Headers", "authorization")
            .send()
    };
    let allowed = preflight("https://pcs.commune.example")
        .await
        .expect("answer");
    assert_eq!(
        allowed.headers()["access-control-allow-origin"],
        "https://pcs.commune.example"
    );
    let refused = preflight("https://evil.example").await.expect("answer");
    assert!(
        refused
            .headers()
            .get("access-control-allow-origin")
            .is_none()
    );
    let simple = app
        .client
        .get(app.url("/healthz"))
        .header("Origin", "https://evil.example")
        .send()
        .await
        .expect("answer");
    assert!(
        simple
            .headers()
            .get("access-control-allow-origin")
            .is_none()
    );
}

#[tokio::test]
async fn unknown_fields_and_control_characters_are_refused_and_nothing_is_written() {
    let app = spawn_app().await;
    let dg = app.token("dg@cpas-a.example").await;
    let before: Vec<Value> = app.get_ok_as(&dg, "/api/v1/plans").await;
    let response = app
        .send_as(
            Method::POST,
            Some(&dg),
            "/api/v1/plans",
            Some(&json!({ "title": "Plan", "titel": "typo" })),
        )
        .await;
    assert_eq!(
        response.status().as_u16(),
        400,
        "unknown fields are an error, not ignored"
    );
    let response = app
        .send_as(
            Method::POST,
            Some(&dg),
            "/api/v1/plans",
            Some(&json!({ "title": "Plan\u{0007}\u{0000}" })),
        )
        .await;
    assert_eq!(response.status().as_u16(), 422);
    let problem: Value = response.json().await.expect("problem");
    assert_eq!(problem["errors"][0]["code"], "control_characters");
    // Duplicate keys: the JSON is malformed for us.
    let response = app
        .client
        .post(app.url("/api/v1/plans"))
        .bearer_auth(&dg)
        .header("content-type", "application/json")
        .body(r#"{"title": "Un", "title": "Deux"}"#)
        .send()
        .await
        .expect("answer");
    assert_eq!(response.status().as_u16(), 400);
    let after: Vec<Value> = app.get_ok_as(&dg, "/api/v1/plans").await;
    assert_eq!(after.len(), before.len());
}
