//! The second sign-in step for local accounts (issue 19.2): an authenticator app (TOTP)
//! enrolled with its QR code and confirmed with a first code; signing in then asks for a
//! code, each accepted once; ten recovery codes, each working once; wrong codes throttled
//! like passwords; the DG requires it of the management, enforced at their next sign-in;
//! a manager resets a lost one.

use api_types::{RecoveryCodes, SecondFactorEnrolment, SecondFactorStatus, SessionInfo};
use reqwest::Method;
use serde_json::{Value, json};
use tests::{PASSWORD, TestApp, send_json as send, spawn_app};
use totp_rs::{Algorithm, Builder, Secret};

fn now() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .expect("after 1970")
        .as_secs()
}

/// The app's code at `at` (Unix seconds), computed by `totp-rs` from the enrolment's secret.
fn code_at(enrolment: &SecondFactorEnrolment, at: u64) -> String {
    let secret = Secret::try_from_base32(&enrolment.secret).expect("base32");
    Builder::new()
        .with_algorithm(Algorithm::SHA1)
        .with_digits(6)
        .with_step_duration(30)
        .with_secret(secret)
        .build()
        .expect("RFC parameters")
        .generate(at)
        .to_string()
}

/// A request without a body: the status and the body as JSON (`null` when it is not).
async fn call(app: &TestApp, token: &str, method: Method, path: &str) -> (u16, Value) {
    let response = app.send_as(method, Some(token), path, None).await;
    let status = response.status().as_u16();
    (status, response.json().await.unwrap_or(Value::Null))
}

/// Logs in with a second-step code: the status and the body.
async fn login(app: &TestApp, email: &str, code: Option<&str>) -> (u16, Value) {
    let mut body = json!({ "email": email, "password": PASSWORD });
    if let Some(code) = code {
        body["second_factor_code"] = json!(code);
    }
    let response = app.post_json("/api/v1/auth/login", &body).await;
    let status = response.status().as_u16();
    (status, response.json().await.unwrap_or(Value::Null))
}

/// Enrols an authenticator for `token`'s person; answers the enrolment and the recovery
/// codes. The first code is the current one.
async fn enrol(app: &TestApp, token: &str) -> (SecondFactorEnrolment, Vec<String>) {
    let (status, started) = call(app, token, Method::POST, "/api/v1/me/second-factor").await;
    assert_eq!(status, 200, "{started}");
    let enrolment: SecondFactorEnrolment = serde_json::from_value(started).expect("an enrolment");
    let (status, codes) = send(
        app,
        token,
        Method::POST,
        "/api/v1/me/second-factor/confirm",
        json!({ "code": code_at(&enrolment, now()) }),
    )
    .await;
    assert_eq!(status, 200, "{codes}");
    let codes: RecoveryCodes = serde_json::from_value(codes).expect("recovery codes");
    (enrolment, codes.codes)
}

async fn session_of(app: &TestApp, token: &str) -> SessionInfo {
    let sessions: Vec<SessionInfo> = app.get_ok_as(token, "/api/v1/me/sessions").await;
    sessions
        .into_iter()
        .find(|s| s.current)
        .expect("the current session")
}

#[tokio::test]
async fn an_enrolled_person_signs_in_with_a_code_each_used_once_or_a_recovery_code_once() {
    let app = spawn_app().await;
    let email = "social@cpas-a.example";
    let token = app.token(email).await;
    let status: SecondFactorStatus = app.get_ok_as(&token, "/api/v1/me/second-factor").await;
    assert_eq!(
        (status.enabled, status.required, status.recovery_codes_left),
        (false, false, 0)
    );

    let (code, started) = call(&app, &token, Method::POST, "/api/v1/me/second-factor").await;
    assert_eq!(code, 200, "{started}");
    let enrolment: SecondFactorEnrolment = serde_json::from_value(started).expect("an enrolment");
    assert!(
        enrolment.otpauth_uri.starts_with("otpauth://totp/PST:"),
        "{}",
        enrolment.otpauth_uri
    );
    assert!(enrolment.qr_svg.starts_with("<svg"));
    // A wrong first code (one of an hour ago) does not confirm.
    let (code, refused) = send(
        &app,
        &token,
        Method::POST,
        "/api/v1/me/second-factor/confirm",
        json!({ "code": code_at(&enrolment, now() - 3600) }),
    )
    .await;
    assert_eq!(code, 422, "{refused}");
    assert_eq!(refused["errors"][0]["field"], "code");
    assert_eq!(refused["errors"][0]["code"], "invalid_second_factor_code");
    let first = code_at(&enrolment, now());
    let (code, codes) = send(
        &app,
        &token,
        Method::POST,
        "/api/v1/me/second-factor/confirm",
        json!({ "code": first }),
    )
    .await;
    assert_eq!(code, 200, "{codes}");
    let recovery: RecoveryCodes = serde_json::from_value(codes).expect("codes");
    assert_eq!(recovery.codes.len(), 10);
    let (code, again) = call(&app, &token, Method::POST, "/api/v1/me/second-factor").await;
    assert_eq!(
        (code, again["code"].as_str()),
        (409, Some("second_factor_enabled"))
    );

    // The password alone is not enough any more.
    let (code, asked) = login(&app, email, None).await;
    assert_eq!(
        (code, asked["code"].as_str()),
        (401, Some("second_factor_required"))
    );
    // The code that confirmed the enrolment was used: not again, even in its window.
    let (code, reused) = login(&app, email, Some(&first)).await;
    assert_eq!(
        (code, reused["code"].as_str()),
        (401, Some("invalid_second_factor_code"))
    );
    // The next step's code (one step of drift allowed) signs in, once.
    let next = code_at(&enrolment, now() + 30);
    let (code, tokens) = login(&app, email, Some(&next)).await;
    assert_eq!(code, 200, "{tokens}");
    let signed_in = tokens["access_token"].as_str().expect("a token").to_owned();
    assert_eq!(
        session_of(&app, &signed_in).await.signed_in_with.as_str(),
        "second_factor"
    );
    let (code, _) = login(&app, email, Some(&next)).await;
    assert_eq!(code, 401, "a code works once");

    // A recovery code, typed in capitals with spaces, works once.
    let typed = recovery.codes[0].to_uppercase().replace('-', " ");
    let (code, tokens) = login(&app, email, Some(&typed)).await;
    assert_eq!(code, 200, "{tokens}");
    let recovered = tokens["access_token"].as_str().expect("a token").to_owned();
    assert_eq!(
        session_of(&app, &recovered).await.signed_in_with.as_str(),
        "recovery_code"
    );
    let (code, used) = login(&app, email, Some(&recovery.codes[0])).await;
    assert_eq!(
        (code, used["code"].as_str()),
        (401, Some("invalid_second_factor_code"))
    );
    let status: SecondFactorStatus = app.get_ok_as(&token, "/api/v1/me/second-factor").await;
    assert_eq!((status.enabled, status.recovery_codes_left), (true, 9));

    // Off with the password; then the password alone signs in again.
    let (code, wrong) = send(
        &app,
        &token,
        Method::POST,
        "/api/v1/me/second-factor/disable",
        json!({ "password": "not the password" }),
    )
    .await;
    assert_eq!(
        (code, wrong["errors"][0]["code"].as_str()),
        (422, Some("wrong_password"))
    );
    let (code, _) = send(
        &app,
        &token,
        Method::POST,
        "/api/v1/me/second-factor/disable",
        json!({ "password": PASSWORD }),
    )
    .await;
    assert_eq!(code, 204);
    let (code, _) = login(&app, email, None).await;
    assert_eq!(code, 200);
}

#[tokio::test]
async fn wrong_codes_are_limited_like_wrong_passwords() {
    let app = spawn_app().await;
    let email = "pcs@cpas-a.example";
    let token = app.token(email).await;
    let (enrolment, _) = enrol(&app, &token).await;
    // Ten wrong codes with the right password (the test limit is ten failures a minute).
    for _ in 0..10 {
        let (code, refused) = login(&app, email, Some(&code_at(&enrolment, now() - 3600))).await;
        assert_eq!(
            (code, refused["code"].as_str()),
            (401, Some("invalid_second_factor_code"))
        );
    }
    // Then even the right code waits.
    let (code, throttled) = login(&app, email, Some(&code_at(&enrolment, now() + 30))).await;
    assert_eq!(code, 429, "{throttled}");
}

#[tokio::test]
async fn the_dg_requires_it_of_the_management_at_their_next_sign_in() {
    let app = spawn_app().await;
    let dg = app.token("dg@cpas-a.example").await;
    let partner = app.token("pcs@cpas-a.example").await;
    let president_before = app.token("president@cpas-a.example").await;

    let (code, _) = send(
        &app,
        &partner,
        Method::PUT,
        "/api/v1/security-policy",
        json!({ "second_factor_required": true }),
    )
    .await;
    assert_eq!(code, 403, "the DG sets it");
    let (code, set) = send(
        &app,
        &dg,
        Method::PUT,
        "/api/v1/security-policy",
        json!({ "second_factor_required": true }),
    )
    .await;
    assert_eq!(
        (code, set),
        (200, json!({ "second_factor_required": true }))
    );
    let read: Value = app.get_ok_as(&partner, "/api/v1/security-policy").await;
    assert_eq!(read["second_factor_required"], true);

    // A session opened before goes on; the next sign-in must enrol first.
    let (code, _) = call(&app, &president_before, Method::GET, "/api/v1/plans").await;
    assert_eq!(code, 200);
    let president = app.token("president@cpas-a.example").await;
    let (code, refused) = call(&app, &president, Method::GET, "/api/v1/plans").await;
    assert_eq!(
        (code, refused["code"].as_str()),
        (403, Some("second_factor_enrolment_required"))
    );
    let status: SecondFactorStatus = app.get_ok_as(&president, "/api/v1/me/second-factor").await;
    assert_eq!((status.enabled, status.required), (false, true));
    let me: Value = app.get_ok_as(&president, "/api/v1/me").await;
    assert_eq!(me["email"], "president@cpas-a.example");
    enrol(&app, &president).await;
    let (code, _) = call(&app, &president, Method::GET, "/api/v1/plans").await;
    assert_eq!(code, 200, "enrolled, the session works");
    // Required: it cannot be turned off.
    let (code, kept) = send(
        &app,
        &president,
        Method::POST,
        "/api/v1/me/second-factor/disable",
        json!({ "password": PASSWORD }),
    )
    .await;
    assert_eq!(
        (code, kept["code"].as_str()),
        (409, Some("second_factor_mandatory"))
    );

    // Not asked of the other roles.
    let social = app.token("social@cpas-a.example").await;
    let (code, _) = call(&app, &social, Method::GET, "/api/v1/plans").await;
    assert_eq!(code, 200);

    // A lost phone: the DG resets it, once; the president enrols again at the next sign-in.
    let me: Value = app.get_ok_as(&president, "/api/v1/me").await;
    let path = format!(
        "/api/v1/users/{}/second-factor",
        me["id"].as_str().expect("an id")
    );
    let other_dg = app.token("dg@paliseul.example").await;
    let (code, _) = call(&app, &other_dg, Method::DELETE, &path).await;
    assert_eq!(code, 404, "another CPAS's DG");
    let (code, _) = call(&app, &dg, Method::DELETE, &path).await;
    assert_eq!(code, 204);
    let (code, _) = call(&app, &dg, Method::DELETE, &path).await;
    assert_eq!(code, 404);
    let (code, tokens) = login(&app, "president@cpas-a.example", None).await;
    assert_eq!(code, 200, "{tokens}");
    let again = tokens["access_token"].as_str().expect("a token");
    let (code, _) = call(&app, again, Method::GET, "/api/v1/plans").await;
    assert_eq!(code, 403);
}
