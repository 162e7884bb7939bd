//! Logging in, tokens, sessions and throttling.

use api_types::{ActionRef, PlanSummary, Problem, Role, TokenResponse, User};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde_json::{Value, json};
use tests::{PASSWORD, TestApp, spawn_app};

async fn problem_of(response: reqwest::Response) -> (u16, Option<String>, Problem) {
    let status = response.status().as_u16();
    let challenge = response
        .headers()
        .get("www-authenticate")
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    (
        status,
        challenge,
        response.json().await.expect("problem JSON"),
    )
}

/// The claims of a token, decoded without checking it.
fn claims_of(token: &str) -> Value {
    let payload = token.split('.').nth(1).expect("a JWT");
    serde_json::from_slice(&URL_SAFE_NO_PAD.decode(payload).expect("base64")).expect("JSON")
}

/// A token signed with the server's key, with these claims.
fn forge(app: &TestApp, claims: &Value, algorithm: jsonwebtoken::Algorithm) -> String {
    jsonwebtoken::encode(
        &jsonwebtoken::Header::new(algorithm),
        claims,
        &jsonwebtoken::EncodingKey::from_secret(app.jwt_secret.as_bytes()),
    )
    .expect("signed")
}

async fn me_status(app: &TestApp, token: &str) -> (u16, String) {
    let response = app.get_as(token, "/api/v1/me").await;
    let status = response.status().as_u16();
    let code = response
        .json::<Value>()
        .await
        .ok()
        .and_then(|v| v["code"].as_str().map(str::to_owned))
        .unwrap_or_default();
    (status, code)
}

#[tokio::test]
async fn a_demo_account_logs_in_and_reads_its_profile() {
    let app = spawn_app().await;

    let tokens = app.login("pcs@cpas-a.example").await;

    assert_eq!(tokens.token_type, "Bearer");
    assert_eq!(tokens.expires_in, 900);
    let me: User = app.get_ok_as(&tokens.access_token, "/api/v1/me").await;
    assert_eq!(me.email, "pcs@cpas-a.example");
    assert_eq!(me.role, Role::Partner);
    assert_eq!(me.tenant.map(|t| t.slug).as_deref(), Some("cpas-a"));
    assert_eq!(
        me.organisation.map(|o| o.name).as_deref(),
        Some("Commune (PCS)")
    );
    assert!(me.last_login_at.is_some());
    let claims = claims_of(&tokens.access_token);
    for claim in ["sub", "tenant", "role", "org", "exp", "iat", "jti"] {
        assert!(claims.get(claim).is_some(), "claim {claim}");
    }
}

#[tokio::test]
async fn every_demo_account_logs_in() {
    let app = spawn_app().await;
    for account in backend::db::seed::DEMO_ACCOUNTS {
        let token = app.token(account.email).await;
        let me: User = app.get_ok_as(&token, "/api/v1/me").await;
        assert_eq!(me.role, account.role, "{}", account.email);
        assert_eq!(me.tenant.map(|t| t.slug).as_deref(), account.tenant);
        assert_eq!(
            me.organisation.map(|o| o.name).as_deref(),
            account.organisation
        );
    }
}

#[tokio::test]
async fn an_unknown_email_and_a_wrong_password_get_the_same_answer() {
    let app = spawn_app().await;

    let unknown = app
        .post_json(
            "/api/v1/auth/login",
            &json!({ "email": "nobody@cpas-a.example", "password": PASSWORD }),
        )
        .await;
    let wrong = app
        .post_json(
            "/api/v1/auth/login",
            &json!({ "email": "dg@cpas-a.example", "password": "not the password" }),
        )
        .await;

    let (unknown_status, unknown_challenge, unknown) = problem_of(unknown).await;
    let (wrong_status, wrong_challenge, wrong) = problem_of(wrong).await;
    assert_eq!((unknown_status, wrong_status), (401, 401));
    assert_eq!(unknown, wrong);
    assert_eq!(unknown.code, "invalid_credentials");
    assert_eq!(unknown_challenge, wrong_challenge);
    assert!(unknown_challenge.unwrap_or_default().starts_with("Bearer"));
}

#[tokio::test]
async fn the_login_is_case_insensitive_on_the_email() {
    let app = spawn_app().await;
    let tokens = app.login("  DG@CPAS-A.example ").await;
    assert!(!tokens.access_token.is_empty());
}

#[tokio::test]
async fn routes_without_a_token_answer_401_with_a_bearer_challenge() {
    let app = spawn_app().await;

    let (status, challenge, problem) = problem_of(app.get("/api/v1/plans").await).await;

    assert_eq!(status, 401);
    assert_eq!(problem.code, "missing_token");
    assert!(challenge.unwrap_or_default().starts_with("Bearer"));
}

#[tokio::test]
async fn tampered_none_switched_expired_and_foreign_tokens_are_refused() {
    let app = spawn_app().await;
    let token = app.token("dg@cpas-a.example").await;
    let claims = claims_of(&token);
    let now = chrono::Utc::now().timestamp();

    // Another signature.
    let mut parts: Vec<&str> = token.split('.').collect();
    let bad_signature = URL_SAFE_NO_PAD.encode([7u8; 32]);
    parts[2] = &bad_signature;
    let tampered_signature = parts.join(".");
    // Claims changed (to another role) without re-signing.
    let mut promoted = claims.clone();
    promoted["role"] = json!("admin");
    let tampered_payload = format!(
        "{}.{}.{}",
        token.split('.').next().unwrap_or_default(),
        URL_SAFE_NO_PAD.encode(promoted.to_string()),
        token.split('.').nth(2).unwrap_or_default()
    );
    // `alg: none`, unsigned.
    let none = format!(
        "{}.{}.",
        URL_SAFE_NO_PAD.encode(r#"{"alg":"none","typ":"JWT"}"#),
        URL_SAFE_NO_PAD.encode(claims.to_string())
    );
    // Same key, other algorithm.
    let switched = forge(&app, &claims, jsonwebtoken::Algorithm::HS512);
    // Expired.
    let mut expired_claims = claims.clone();
    expired_claims["iat"] = json!(now - 3600);
    expired_claims["exp"] = json!(now - 1800);
    let expired = forge(&app, &expired_claims, jsonwebtoken::Algorithm::HS256);
    // Validly signed, but naming another CPAS than the account's.
    let paliseul = app.token("dg@paliseul.example").await;
    let mut foreign_claims = claims.clone();
    foreign_claims["tenant"] = claims_of(&paliseul)["tenant"].clone();
    let foreign = forge(&app, &foreign_claims, jsonwebtoken::Algorithm::HS256);

    assert_eq!(
        me_status(&app, &token).await.0,
        200,
        "the genuine token works"
    );
    for (name, forged, code) in [
        (
            "tampered signature",
            tampered_signature.as_str(),
            "invalid_token",
        ),
        (
            "tampered payload",
            tampered_payload.as_str(),
            "invalid_token",
        ),
        ("alg none", none.as_str(), "invalid_token"),
        ("HS512", switched.as_str(), "invalid_token"),
        ("expired", expired.as_str(), "token_expired"),
        ("other tenant", foreign.as_str(), "token_stale"),
        ("garbage", "not-a-jwt", "invalid_token"),
    ] {
        assert_eq!(
            me_status(&app, forged).await,
            (401, code.to_owned()),
            "{name}"
        );
    }
}

#[tokio::test]
async fn a_deactivated_account_is_refused_at_once() {
    let app = spawn_app().await;
    let dg = app.token("dg@cpas-a.example").await;
    let social = app.token("social@cpas-a.example").await;
    let me: User = app.get_ok_as(&social, "/api/v1/me").await;

    let response = app
        .send_as(
            reqwest::Method::PATCH,
            Some(&dg),
            &format!("/api/v1/users/{}", me.id),
            Some(&json!({ "active": false })),
        )
        .await;
    assert_eq!(response.status(), 200);

    assert_eq!(me_status(&app, &social).await.0, 401);
    let login = app
        .post_json(
            "/api/v1/auth/login",
            &json!({ "email": "social@cpas-a.example", "password": PASSWORD }),
        )
        .await;
    assert_eq!(login.status(), 401);
}

#[tokio::test]
async fn nobody_resets_their_own_password_through_the_account_management() {
    let app = spawn_app().await;
    let dg = app.token("dg@cpas-a.example").await;
    let me: User = app.get_ok_as(&dg, "/api/v1/me").await;

    // A stolen access token must not buy a new password: that needs the current one.
    let response = app
        .send_as(
            reqwest::Method::POST,
            Some(&dg),
            &format!("/api/v1/users/{}/password-reset", me.id),
            None,
        )
        .await;
    let (status, _, problem) = problem_of(response).await;
    assert_eq!((status, problem.code.as_str()), (403, "forbidden"));
    assert_eq!(me_status(&app, &dg).await.0, 200, "the session goes on");
    app.login("dg@cpas-a.example").await;
}

#[tokio::test]
async fn refresh_rotates_and_a_reused_refresh_token_ends_the_session() {
    let app = spawn_app().await;
    let first = app.login("social@cpas-a.example").await;

    let response = app
        .post_json(
            "/api/v1/auth/refresh",
            &json!({ "refresh_token": first.refresh_token }),
        )
        .await;
    assert_eq!(response.status(), 200);
    let second: TokenResponse = response.json().await.expect("tokens");
    assert_ne!(second.refresh_token, first.refresh_token);
    assert_eq!(me_status(&app, &second.access_token).await.0, 200);

    // The first refresh token again: someone else has it. The whole session ends.
    let reuse = app
        .post_json(
            "/api/v1/auth/refresh",
            &json!({ "refresh_token": first.refresh_token }),
        )
        .await;
    let (status, _, problem) = problem_of(reuse).await;
    assert_eq!(
        (status, problem.code.as_str()),
        (401, "refresh_token_reused")
    );
    let after = app
        .post_json(
            "/api/v1/auth/refresh",
            &json!({ "refresh_token": second.refresh_token }),
        )
        .await;
    assert_eq!(
        after.status(),
        401,
        "the newer refresh token is revoked too"
    );
    assert_eq!(
        me_status(&app, &second.access_token).await,
        (401, "session_revoked".to_owned())
    );
    // Other sessions of the same person are not affected.
    let other = app.token("social@cpas-a.example").await;
    assert_eq!(me_status(&app, &other).await.0, 200);
}

#[tokio::test]
async fn an_unknown_refresh_token_is_refused() {
    let app = spawn_app().await;
    let response = app
        .post_json(
            "/api/v1/auth/refresh",
            &json!({ "refresh_token": "pstr_nope" }),
        )
        .await;
    let (status, _, problem) = problem_of(response).await;
    assert_eq!(
        (status, problem.code.as_str()),
        (401, "invalid_refresh_token")
    );
}

#[tokio::test]
async fn logout_revokes_the_access_and_the_refresh_token() {
    let app = spawn_app().await;
    let tokens = app.login("president@cpas-a.example").await;

    let response = app
        .send_as(
            reqwest::Method::POST,
            Some(&tokens.access_token),
            "/api/v1/auth/logout",
            None,
        )
        .await;

    assert_eq!(response.status(), 200);
    // A password's session has no identity provider to sign out of.
    let body: Value = response.json().await.expect("JSON");
    assert_eq!(body, json!({ "end_session_url": null }));
    assert_eq!(me_status(&app, &tokens.access_token).await.0, 401);
    let refresh = app
        .post_json(
            "/api/v1/auth/refresh",
            &json!({ "refresh_token": tokens.refresh_token }),
        )
        .await;
    assert_eq!(refresh.status(), 401);
}

#[tokio::test]
async fn the_eleventh_wrong_password_within_a_minute_gets_429() {
    let app = spawn_app().await;
    let app = &app;
    let attempt = |password: &'static str| async move {
        app.post_json(
            "/api/v1/auth/login",
            &json!({ "email": "dg@paliseul.example", "password": password }),
        )
        .await
    };

    for n in 1..=10 {
        assert_eq!(
            attempt("wrong password!").await.status(),
            401,
            "attempt {n}"
        );
    }
    let eleventh = attempt("wrong password!").await;

    assert_eq!(eleventh.status(), 429);
    let retry_after: u64 = eleventh.headers()["retry-after"]
        .to_str()
        .expect("ascii")
        .parse()
        .expect("seconds");
    assert!((1..=61).contains(&retry_after), "{retry_after}");
    let problem: Problem = eleventh.json().await.expect("problem");
    assert_eq!(problem.code, "too_many_requests");
    // Even the right password waits: the account is being guessed.
    assert_eq!(attempt(PASSWORD).await.status(), 429);
    // Other accounts are not locked out.
    assert_eq!(app.login("dg@cpas-a.example").await.token_type, "Bearer");
}

#[tokio::test]
async fn changing_ones_password_ends_other_sessions_and_checks_the_rules() {
    let app = spawn_app().await;
    let current = app.token("social@paliseul.example").await;
    let other = app.token("social@paliseul.example").await;
    let (app, current_ref) = (&app, &current);
    let change = |body: Value| async move {
        app.send_as(
            reqwest::Method::PUT,
            Some(current_ref),
            "/api/v1/me/password",
            Some(&body),
        )
        .await
    };

    let wrong = change(
        json!({ "current_password": "nope nope nope", "new_password": "a brand new passphrase" }),
    )
    .await;
    let (status, _, problem) = problem_of(wrong).await;
    assert_eq!(
        (status, problem.errors[0].field.as_str()),
        (422, "current_password")
    );
    let weak =
        change(json!({ "current_password": PASSWORD, "new_password": "azertyuiop123" })).await;
    let (status, _, problem) = problem_of(weak).await;
    assert_eq!(
        (status, problem.errors[0].code.as_str()),
        (422, "too_common")
    );
    let short = change(json!({ "current_password": PASSWORD, "new_password": "short" })).await;
    assert_eq!(short.status(), 422);

    let ok =
        change(json!({ "current_password": PASSWORD, "new_password": "a brand new passphrase" }))
            .await;
    assert_eq!(ok.status(), 204);

    assert_eq!(
        me_status(app, &current).await.0,
        200,
        "this session goes on"
    );
    assert_eq!(me_status(app, &other).await.0, 401, "the other one ends");
    app.login_with("social@paliseul.example", "a brand new passphrase")
        .await;
    let old = app
        .post_json(
            "/api/v1/auth/login",
            &json!({ "email": "social@paliseul.example", "password": PASSWORD }),
        )
        .await;
    assert_eq!(old.status(), 401);
}

#[tokio::test]
async fn the_pcs_partner_sees_pe17_to_pe20_among_its_actions() {
    let app = spawn_app().await;
    let token = app.token("pcs@cpas-a.example").await;

    let mine: Vec<ActionRef> = app.get_ok_as(&token, "/api/v1/me/actions").await;

    let codes: Vec<&str> = mine.iter().map(|a| a.code.as_str()).collect();
    assert_eq!(codes, ["Pe17", "Pe18", "Pe19", "Pe20"]);
    assert!(mine.iter().all(|a| a.role == api_types::OrgRole::Lead));
    let defits = app.token("defits@cpas-a.example").await;
    let theirs: Vec<ActionRef> = app.get_ok_as(&defits, "/api/v1/me/actions").await;
    let codes: Vec<&str> = theirs.iter().map(|a| a.code.as_str()).collect();
    assert_eq!(codes, ["Pe13"]);
}

#[tokio::test]
async fn a_president_cannot_read_the_other_cpas_plan() {
    let app = spawn_app().await;
    let a = app.token("president@cpas-a.example").await;
    let paliseul = app.token("president@paliseul.example").await;
    let plans_a: Vec<PlanSummary> = app.get_ok_as(&a, "/api/v1/plans").await;

    let response = app
        .get_as(&paliseul, &format!("/api/v1/plans/{}", plans_a[0].id))
        .await;

    let (status, _, problem) = problem_of(response).await;
    assert_eq!((status, problem.code.as_str()), (404, "not_found"));
    let own: Vec<PlanSummary> = app.get_ok_as(&paliseul, "/api/v1/plans").await;
    assert!(own.iter().all(|p| p.tenant.slug == "paliseul"));
}

#[tokio::test]
async fn the_first_administrator_is_created_from_the_command_line_code() {
    let app = spawn_app().await;
    let mut conn = app.connection();

    let weak = backend::app::accounts::create_admin(&mut conn, "ops@cpas.example", "Ops", "short");
    assert!(weak.is_err(), "a weak password is refused");
    backend::app::accounts::create_admin(
        &mut conn,
        "Ops@CPAS.example",
        "Exploitation",
        "a long operator passphrase",
    )
    .expect("created");

    let tokens = app
        .login_with("ops@cpas.example", "a long operator passphrase")
        .await;
    let me: User = app.get_ok_as(&tokens.access_token, "/api/v1/me").await;
    assert_eq!((me.role, me.tenant), (Role::Admin, None));
    let again = backend::app::accounts::create_admin(
        &mut conn,
        "ops@cpas.example",
        "Ops",
        "another long passphrase",
    );
    assert!(again.is_err(), "one account per e-mail");
}

#[tokio::test]
async fn guessable_passwords_are_refused_with_a_french_reason_wherever_a_password_is_set() {
    let app = spawn_app().await;
    let social = app.token("social@paliseul.example").await;
    let (app, social_ref) = (&app, &social);
    let change = |new_password: &'static str| async move {
        app.send_as(
            reqwest::Method::PUT,
            Some(social_ref),
            "/api/v1/me/password",
            Some(&json!({ "current_password": PASSWORD, "new_password": new_password })),
        )
        .await
    };

    for weak in [
        "            ",
        "zzzzzzzzzzzz",
        "abababababab",
        "social@paliseul.example",
        "Bruxelles2026",
    ] {
        let (status, _, problem) = problem_of(change(weak).await).await;
        let error = &problem.errors[0];
        assert_eq!(
            (status, error.field.as_str(), error.code.as_str()),
            (422, "new_password", "weak_password"),
            "{weak:?}"
        );
        assert!(
            error
                .message
                .starts_with("Ce mot de passe est trop facile à deviner : "),
            "{weak:?}: {}",
            error.message
        );
    }

    // An account created by the DG: the CPAS's name and the person's own are known words.
    let dg = app.token("dg@paliseul.example").await;
    let create = |password: &'static str| {
        let dg = dg.clone();
        async move {
            app.send_as(
                reqwest::Method::POST,
                Some(&dg),
                "/api/v1/users",
                Some(&json!({
                    "email": "jeanne.lambert@paliseul.example",
                    "display_name": "Jeanne Lambert",
                    "role": "social_worker",
                    "password": password,
                })),
            )
            .await
        }
    };
    let (status, _, problem) = problem_of(create("Paliseul2026!").await).await;
    assert_eq!(
        (status, problem.errors[0].code.as_str()),
        (422, "weak_password")
    );
    assert!(
        problem.errors[0].message.contains("nom de votre CPAS"),
        "{}",
        problem.errors[0].message
    );
    let (status, _, problem) = problem_of(create("JeanneLambert1").await).await;
    assert_eq!(
        (status, problem.errors[0].code.as_str()),
        (422, "weak_password")
    );
    assert_eq!(create("le héron guette la carpe").await.status(), 201);

    // A strong passphrase passes.
    assert_eq!(change("le héron guette la carpe").await.status(), 204);
}

#[tokio::test]
async fn an_attackers_wrong_passwords_do_not_keep_the_real_user_out() {
    let mut settings = tests::test_settings(tests::fresh_database());
    // Behind a proxy: the client's address comes from `X-Forwarded-For`.
    settings.settings.trust_proxy = true;
    let app = tests::spawn_app_with(settings).await;
    let app = &app;
    let attempt = |from: &'static str, password: &'static str| async move {
        app.client
            .post(app.url("/api/v1/auth/login"))
            .header("X-Forwarded-For", from)
            .json(&json!({ "email": "dg@paliseul.example", "password": password }))
            .send()
            .await
            .expect("answer")
            .status()
            .as_u16()
    };
    const ATTACKER: &str = "203.0.113.7";
    const OWNER: &str = "198.51.100.20";
    for n in 1..=10 {
        assert_eq!(
            attempt(ATTACKER, "wrong password!").await,
            401,
            "attempt {n}"
        );
    }
    assert_eq!(attempt(ATTACKER, "wrong password!").await, 429);
    // The attacker stays throttled, even with the right password.
    assert_eq!(attempt(ATTACKER, PASSWORD).await, 429);
    // The owner, from an address that has not failed, logs in.
    assert_eq!(attempt(OWNER, PASSWORD).await, 200);
    // A second guesser gets one try, then waits too.
    assert_eq!(attempt("192.0.2.99", "another guess").await, 401);
    assert_eq!(attempt("192.0.2.99", PASSWORD).await, 429);
}
