//! A person's own account: a given password must be changed before anything else, and
//! the person sees and ends their sessions.

use api_types::{Problem, SessionInfo, TokenResponse, User, UserCreated};
use reqwest::Method;
use serde_json::{Value, json};
use tests::{PASSWORD, TestApp, spawn_app};

/// Status and problem code of an answer.
async fn outcome(response: reqwest::Response) -> (u16, String) {
    let status = response.status().as_u16();
    let code = response
        .json::<Value>()
        .await
        .ok()
        .and_then(|v| v["code"].as_str().map(str::to_owned))
        .unwrap_or_default();
    (status, code)
}

/// The DG of CPAS A invites a social worker without a password: the answer holds the
/// temporary one.
async fn invite(app: &TestApp, email: &str) -> String {
    let dg = app.token("dg@cpas-a.example").await;
    let response = app
        .send_as(
            Method::POST,
            Some(&dg),
            "/api/v1/users",
            Some(
                &json!({ "email": email, "display_name": "Marie Dupont", "role": "social_worker" }),
            ),
        )
        .await;
    assert_eq!(response.status(), 201);
    let created: UserCreated = response.json().await.expect("the new account");
    assert!(created.user.must_change_password);
    created.temporary_password.expect("a temporary password")
}

async fn change_password(app: &TestApp, token: &str, current: &str, new: &str) -> (u16, String) {
    let response = app
        .send_as(
            Method::PUT,
            Some(token),
            "/api/v1/me/password",
            Some(&json!({ "current_password": current, "new_password": new })),
        )
        .await;
    let status = response.status().as_u16();
    let problem: Option<Problem> = response.json().await.ok();
    let code = problem
        .map(|p| {
            p.errors
                .first()
                .map_or(p.code.as_str().to_owned(), |e| e.code.as_str().to_owned())
        })
        .unwrap_or_default();
    (status, code)
}

#[tokio::test]
async fn a_given_password_opens_only_its_own_change_until_it_is_changed() {
    let app = spawn_app().await;
    let temporary = invite(&app, "marie.dupont@cpas-a.example").await;

    let tokens = app
        .login_with("marie.dupont@cpas-a.example", &temporary)
        .await;
    let token = tokens.access_token.as_str();

    let me: User = app.get_ok_as(token, "/api/v1/me").await;
    assert!(me.must_change_password, "/me says what is expected");
    for path in [
        "/api/v1/plans",
        "/api/v1/me/actions",
        "/api/v1/notifications",
        "/api/v1/change-requests",
    ] {
        assert_eq!(
            outcome(app.get_as(token, path).await).await,
            (403, "password_change_required".to_owned()),
            "GET {path}"
        );
    }
    let plans_a = app.plan_of("cpas-a").await;
    let proposal = app
        .send_as(
            Method::POST,
            Some(token),
            &format!(
                "/api/v1/actions/{}/change-requests",
                plans_a.actions().next().expect("an action").id
            ),
            Some(&json!({ "base_version": 1, "changes": { "progress": 10 } })),
        )
        .await;
    assert_eq!(
        outcome(proposal).await,
        (403, "password_change_required".to_owned())
    );
    // What the person needs meanwhile: their sessions, and a refresh of their tokens.
    let sessions: Vec<SessionInfo> = app.get_ok_as(token, "/api/v1/me/sessions").await;
    assert_eq!(sessions.len(), 1);
    let refreshed = app
        .post_json(
            "/api/v1/auth/refresh",
            &json!({ "refresh_token": tokens.refresh_token }),
        )
        .await;
    assert_eq!(refreshed.status(), 200);
    let tokens: TokenResponse = refreshed.json().await.expect("a new pair");
    let token = tokens.access_token.as_str();

    assert_eq!(
        change_password(&app, token, "not the password", "Un nouveau départ au CPAS").await,
        (422, "wrong_password".to_owned())
    );
    assert_eq!(
        change_password(&app, token, &temporary, &temporary).await,
        (422, "same_password".to_owned()),
        "the given password cannot be kept"
    );
    assert_eq!(
        outcome(app.get_as(token, "/api/v1/plans").await).await.0,
        403,
        "refused changes change nothing"
    );
    assert_eq!(
        change_password(&app, token, &temporary, "Un nouveau départ au CPAS").await,
        (204, String::new())
    );

    let me: User = app.get_ok_as(token, "/api/v1/me").await;
    assert!(!me.must_change_password);
    let plans: Vec<api_types::PlanSummary> = app.get_ok_as(token, "/api/v1/plans").await;
    assert!(!plans.is_empty(), "the same session now works");
    app.login_with("marie.dupont@cpas-a.example", "Un nouveau départ au CPAS")
        .await;
}

#[tokio::test]
async fn a_reset_password_must_be_changed_too_and_logout_still_works() {
    let app = spawn_app().await;
    let dg = app.token("dg@cpas-a.example").await;
    let social = app.token("social@cpas-a.example").await;
    let me: User = app.get_ok_as(&social, "/api/v1/me").await;
    let reset = app
        .send_as(
            Method::POST,
            Some(&dg),
            &format!("/api/v1/users/{}/password-reset", me.id),
            None,
        )
        .await;
    assert_eq!(reset.status(), 200);
    let reset: UserCreated = reset.json().await.expect("the reset account");
    assert!(reset.user.must_change_password);

    let token = app
        .login_with(
            "social@cpas-a.example",
            &reset.temporary_password.expect("a temporary password"),
        )
        .await
        .access_token;
    assert_eq!(
        outcome(app.get_as(&token, "/api/v1/plans").await).await,
        (403, "password_change_required".to_owned())
    );
    let logout = app
        .send_as(Method::POST, Some(&token), "/api/v1/auth/logout", None)
        .await;
    assert_eq!(logout.status(), 200);
    assert_eq!(
        outcome(app.get_as(&token, "/api/v1/me").await).await,
        (401, "session_revoked".to_owned())
    );
}

/// API tokens act through an integration account, which never signs in and so could never
/// change a password: a flag set on it (a reset by mistake) does not stop its tokens.
#[tokio::test]
async fn api_tokens_are_not_held_by_a_password_change() {
    let app = spawn_app().await;
    let dg = app.token("dg@cpas-a.example").await;
    let partner = app.token("pcs@cpas-a.example").await;
    let organisation = app
        .get_ok_as::<User>(&partner, "/api/v1/me")
        .await
        .organisation
        .expect("an organisation")
        .id;
    let created = app
        .send_as(
            Method::POST,
            Some(&dg),
            "/api/v1/api-tokens",
            Some(&json!({ "name": "Intégration", "organisation_id": organisation, "scopes": ["plans:read"] })),
        )
        .await;
    assert_eq!(created.status(), 201);
    let created: api_types::ApiTokenCreated = created.json().await.expect("a token");
    {
        use diesel::RunQueryDsl;
        let flagged = diesel::sql_query(
            "UPDATE users SET must_change_password = true WHERE kind = 'integration'",
        )
        .execute(&mut app.connection())
        .expect("the flag is set");
        assert!(flagged >= 1);
    }

    let plans = app.get_as(&created.secret, "/api/v1/plans").await;

    assert_eq!(plans.status(), 200);
}

async fn login_from(app: &TestApp, email: &str, user_agent: &str) -> TokenResponse {
    let response = app
        .client
        .post(app.url("/api/v1/auth/login"))
        .header("user-agent", user_agent)
        .json(&json!({ "email": email, "password": PASSWORD }))
        .send()
        .await
        .expect("the server answers");
    assert_eq!(response.status(), 200);
    response.json().await.expect("tokens")
}

#[tokio::test]
async fn a_person_lists_their_sessions_and_ends_one_or_all_the_others() {
    let app = spawn_app().await;
    let email = "pcs@cpas-a.example";
    let laptop = login_from(&app, email, "Mozilla/5.0 (X11; Linux) Firefox/140.0").await;
    let phone = login_from(&app, email, "Mozilla/5.0 (iPhone) Safari/605.1").await;
    let tablet = login_from(&app, email, "Mozilla/5.0 (iPad) Safari/605.1").await;
    let stranger = app.token("pcs@paliseul.example").await;

    let sessions: Vec<SessionInfo> = app
        .get_ok_as(&laptop.access_token, "/api/v1/me/sessions")
        .await;

    assert_eq!(sessions.len(), 3, "{sessions:?}");
    let current: Vec<&SessionInfo> = sessions.iter().filter(|s| s.current).collect();
    assert_eq!(current.len(), 1);
    assert_eq!(
        current[0].user_agent.as_deref(),
        Some("Mozilla/5.0 (X11; Linux) Firefox/140.0")
    );
    assert!(sessions.iter().all(|s| s.last_used_at >= s.started_at));
    let phone_session = sessions
        .iter()
        .find(|s| {
            s.user_agent
                .as_deref()
                .is_some_and(|ua| ua.contains("iPhone"))
        })
        .expect("the phone's session")
        .id;

    // Nobody else ends it: another person's session is not found.
    let foreign = app
        .send_as(
            Method::DELETE,
            Some(&stranger),
            &format!("/api/v1/me/sessions/{phone_session}"),
            None,
        )
        .await;
    assert_eq!(outcome(foreign).await, (404, "not_found".to_owned()));
    assert_eq!(
        app.get_as(&phone.access_token, "/api/v1/me").await.status(),
        200
    );

    let ended = app
        .send_as(
            Method::DELETE,
            Some(&laptop.access_token),
            &format!("/api/v1/me/sessions/{phone_session}"),
            None,
        )
        .await;
    assert_eq!(ended.status(), 204);
    assert_eq!(
        outcome(app.get_as(&phone.access_token, "/api/v1/me").await).await,
        (401, "session_revoked".to_owned()),
        "its access token is refused at once"
    );
    let refresh = app
        .post_json(
            "/api/v1/auth/refresh",
            &json!({ "refresh_token": phone.refresh_token }),
        )
        .await;
    assert_eq!(
        outcome(refresh).await,
        (401, "invalid_refresh_token".to_owned()),
        "and its refresh token buys nothing"
    );
    let again = app
        .send_as(
            Method::DELETE,
            Some(&laptop.access_token),
            &format!("/api/v1/me/sessions/{phone_session}"),
            None,
        )
        .await;
    assert_eq!(again.status(), 404, "an ended session is gone");
    let sessions: Vec<SessionInfo> = app
        .get_ok_as(&laptop.access_token, "/api/v1/me/sessions")
        .await;
    assert_eq!(sessions.len(), 2);

    let others = app
        .send_as(
            Method::POST,
            Some(&laptop.access_token),
            "/api/v1/me/sessions/end-others",
            None,
        )
        .await;
    assert_eq!(others.status(), 204);
    assert_eq!(
        app.get_as(&tablet.access_token, "/api/v1/me")
            .await
            .status(),
        401
    );
    let sessions: Vec<SessionInfo> = app
        .get_ok_as(&laptop.access_token, "/api/v1/me/sessions")
        .await;
    assert_eq!(sessions.len(), 1);
    assert!(sessions[0].current);
    assert_eq!(
        app.get_as(&stranger, "/api/v1/me").await.status(),
        200,
        "other people's sessions are untouched"
    );
}

#[tokio::test]
async fn a_password_change_leaves_only_the_current_session() {
    let app = spawn_app().await;
    let current = app.login("social@paliseul.example").await;
    let other = app.login("social@paliseul.example").await;

    assert_eq!(
        change_password(
            &app,
            &current.access_token,
            PASSWORD,
            "Une phrase de passe toute neuve"
        )
        .await,
        (204, String::new())
    );

    let sessions: Vec<SessionInfo> = app
        .get_ok_as(&current.access_token, "/api/v1/me/sessions")
        .await;
    assert_eq!(sessions.len(), 1);
    assert!(sessions[0].current);
    let refresh = app
        .post_json(
            "/api/v1/auth/refresh",
            &json!({ "refresh_token": other.refresh_token }),
        )
        .await;
    assert_eq!(refresh.status(), 401);
}
