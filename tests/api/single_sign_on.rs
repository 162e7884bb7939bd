//! Single sign-on (issue 19.1) against a real OpenID Connect provider (npm `oidc-provider`,
//! run by `tests/oidc/provider.mjs`): the DG adds the provider; a person whose e-mail is an
//! account of the CPAS signs in through it and is linked; the state works once, a replayed
//! code is refused, an ID token for another audience, from another issuer or badly signed
//! is refused; the provider's key rotation is followed; people unknown here are refused, or
//! get an account when the DG allows it; logout offers the provider's end-session address.

use api_types::{IdentityProvider, OidcStart, SessionInfo, TokenResponse, User};
use reqwest::Method;
use serde_json::{Value, json};
use tests::{OIDC_CLIENT_ID, OIDC_CLIENT_SECRET, OidcProvider, TestApp, send_json, spawn_app};

/// Where the test servers' settings send people back (`PST_PUBLIC_URL` + `/connexion/oidc`).
const REDIRECT_URI: &str = "http://127.0.0.1/connexion/oidc";

/// The app, a provider whose people are `marie` (CPAS A's social worker), `inconnu`
/// (unknown here) and `paliseul` (an account of another CPAS), and the provider added by
/// CPAS A's DG.
async fn arrange() -> (TestApp, OidcProvider, String, IdentityProvider) {
    let app = spawn_app().await;
    let provider = OidcProvider::start(
        REDIRECT_URI,
        &[
            ("marie", "social@cpas-a.example"),
            ("inconnu", "inconnu@cpas-a.example"),
            ("paliseul", "social@paliseul.example"),
            ("ailleurs", "quelqu-un@ailleurs.example"),
        ],
    )
    .await;
    let dg = app.token("dg@cpas-a.example").await;
    let (status, created) = send_json(
        &app,
        &dg,
        Method::POST,
        "/api/v1/identity-providers",
        json!({
            "label": "Wallonie Connect",
            "issuer": provider.issuer,
            "client_id": OIDC_CLIENT_ID,
            "client_secret": OIDC_CLIENT_SECRET,
        }),
    )
    .await;
    assert_eq!(status, 201, "{created}");
    assert!(
        !created.to_string().contains(OIDC_CLIENT_SECRET),
        "the secret is never shown again: {created}"
    );
    let created: IdentityProvider = serde_json::from_value(created).expect("a provider");
    (app, provider, dg, created)
}

async fn start(app: &TestApp, provider: &IdentityProvider) -> OidcStart {
    let response = app
        .client
        .post(app.url(&format!("/api/v1/auth/oidc/{}/start", provider.id)))
        .send()
        .await
        .expect("start");
    assert_eq!(response.status(), 200);
    response.json().await.expect("a start")
}

/// The way back: the status and the body.
async fn callback(app: &TestApp, code: &str, state: &str) -> (u16, Value) {
    let response = app
        .post_json(
            "/api/v1/auth/oidc/callback",
            &json!({ "code": code, "state": state }),
        )
        .await;
    let status = response.status().as_u16();
    (status, response.json().await.unwrap_or(Value::Null))
}

/// A whole sign-in of `login` at the provider: the way back's status and body.
async fn sign_in(
    app: &TestApp,
    provider: &OidcProvider,
    added: &IdentityProvider,
    login: &str,
) -> (u16, Value) {
    let started = start(app, added).await;
    let (code, state) = provider.sign_in(&started.authorization_url, login).await;
    assert_eq!(state, started.state, "the provider hands the state back");
    callback(app, &code, &state).await
}

fn refused_with(answer: &(u16, Value), code: &str) {
    assert_eq!(answer.0, 401, "{}", answer.1);
    assert_eq!(answer.1["code"], code, "{}", answer.1);
}

#[tokio::test]
async fn a_person_of_the_cpas_signs_in_through_its_provider_and_is_linked() {
    let (app, provider, dg, added) = arrange().await;
    assert_eq!(added.redirect_uri, REDIRECT_URI);
    assert!(added.has_client_secret);
    assert_eq!(added.scopes, "openid email profile");

    // The login page's buttons: CPAS A's provider, and none for Paliseul.
    let buttons: Value = app.get_ok("/api/v1/auth/providers?cpas=cpas-a").await;
    assert_eq!(buttons[0]["label"], "Wallonie Connect", "{buttons}");
    assert_eq!(buttons[0]["cpas_slug"], "cpas-a");
    let none: Value = app.get_ok("/api/v1/auth/providers?cpas=paliseul").await;
    assert_eq!(none, json!([]));
    // What cannot be a CPAS's slug is refused, as the document says.
    let long = app
        .get(&format!("/api/v1/auth/providers?cpas={}", "a".repeat(64)))
        .await;
    assert_eq!(long.status(), 422);

    let started = start(&app, &added).await;
    let url = reqwest::Url::parse(&started.authorization_url).expect("a URL");
    let param = |name: &str| {
        url.query_pairs()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.into_owned())
    };
    assert_eq!(
        param("code_challenge_method").as_deref(),
        Some("S256"),
        "PKCE"
    );
    assert!(param("nonce").is_some());
    assert_eq!(param("redirect_uri").as_deref(), Some(REDIRECT_URI));
    let (code, state) = provider.sign_in(&started.authorization_url, "marie").await;
    let (status, body) = callback(&app, &code, &state).await;
    assert_eq!(status, 200, "{body}");
    let tokens: TokenResponse = serde_json::from_value(body).expect("tokens");
    let me: User = app.get_ok_as(&tokens.access_token, "/api/v1/me").await;
    assert_eq!(me.email, "social@cpas-a.example");
    let sessions: Vec<SessionInfo> = app
        .get_ok_as(&tokens.access_token, "/api/v1/me/sessions")
        .await;
    let current = sessions.iter().find(|s| s.current).expect("this session");
    assert_eq!(current.signed_in_with, api_types::SignInMethod::Oidc);

    // The same way back again: the state was used.
    refused_with(
        &callback(&app, &code, &state).await,
        "invalid_sign_in_state",
    );

    // Linked: the DG sees it, and the next sign-in finds the person by their subject.
    let listed: Vec<IdentityProvider> = app.get_ok_as(&dg, "/api/v1/identity-providers").await;
    assert_eq!(listed[0].linked_accounts, 1);
    let (status, body) = sign_in(&app, &provider, &added, "marie").await;
    assert_eq!(status, 200, "{body}");
    let again: TokenResponse = serde_json::from_value(body).expect("tokens");

    // Logout ends our session and offers the provider's end-session address.
    let response = app
        .send_as(
            Method::POST,
            Some(&again.access_token),
            "/api/v1/auth/logout",
            None,
        )
        .await;
    assert_eq!(response.status(), 200);
    let logged_out: Value = response.json().await.expect("JSON");
    let end = logged_out["end_session_url"]
        .as_str()
        .expect("an end-session URL");
    assert!(
        end.starts_with(&format!("{}/session/end", provider.issuer)),
        "{end}"
    );
    assert!(end.contains("id_token_hint="), "{end}");
    let after = app.get_as(&again.access_token, "/api/v1/me").await;
    assert_eq!(after.status(), 401);
    // A password session has no such address.
    let social = app.token("social@cpas-a.example").await;
    let response = app
        .send_as(Method::POST, Some(&social), "/api/v1/auth/logout", None)
        .await;
    let logged_out: Value = response.json().await.expect("JSON");
    assert_eq!(logged_out["end_session_url"], Value::Null);
}

#[tokio::test]
async fn wrong_states_replayed_codes_and_forged_id_tokens_are_refused() {
    let (app, provider, _dg, added) = arrange().await;

    // A state nobody started.
    refused_with(
        &callback(&app, "any-code", "a-state-nobody-started").await,
        "invalid_sign_in_state",
    );

    // A code already traded, with a fresh state: the provider refuses it.
    let started = start(&app, &added).await;
    let (code, state) = provider.sign_in(&started.authorization_url, "marie").await;
    assert_eq!(callback(&app, &code, &state).await.0, 200);
    let fresh = start(&app, &added).await;
    refused_with(
        &callback(&app, &code, &fresh.state).await,
        "identity_provider_refused",
    );

    // ID tokens re-signed by the provider's test switch.
    for mode in ["wrong-audience", "wrong-issuer", "bad-signature"] {
        provider.id_token_mode(mode).await;
        let answer = sign_in(&app, &provider, &added, "marie").await;
        assert_eq!(
            answer.1["code"], "identity_provider_refused",
            "{mode}: {}",
            answer.1
        );
        assert_eq!(answer.0, 401, "{mode}");
    }
    provider.id_token_mode("normal").await;
    assert_eq!(sign_in(&app, &provider, &added, "marie").await.0, 200);

    // People without an account of this CPAS.
    refused_with(
        &sign_in(&app, &provider, &added, "inconnu").await,
        "no_account_for_identity",
    );
    refused_with(
        &sign_in(&app, &provider, &added, "paliseul").await,
        "no_account_for_identity",
    );
}

#[tokio::test]
async fn the_providers_key_rotation_is_followed() {
    let (app, provider, _dg, added) = arrange().await;
    // The provider's keys are now kept by the server...
    assert_eq!(sign_in(&app, &provider, &added, "marie").await.0, 200);
    // ...and the provider signs with a new one: the server fetches its keys again.
    provider.rotate_keys().await;
    let (status, body) = sign_in(&app, &provider, &added, "marie").await;
    assert_eq!(status, 200, "{body}");
}

#[tokio::test]
async fn accounts_are_made_at_a_first_sign_in_only_when_the_dg_allows_it() {
    let (app, provider, dg, added) = arrange().await;
    let path = format!("/api/v1/identity-providers/{}", added.id);
    // Turned on, new accounts need a domain; partners' need their organisation.
    let (status, body) = send_json(
        &app,
        &dg,
        Method::PATCH,
        &path,
        json!({ "version": added.version, "new_accounts": true }),
    )
    .await;
    assert_eq!(status, 422, "{body}");
    assert_eq!(body["errors"][0]["field"], "new_account_domain", "{body}");
    let (status, body) = send_json(
        &app,
        &dg,
        Method::PATCH,
        &path,
        json!({
            "version": added.version, "new_accounts": true, "new_account_domain": "cpas-a.example",
            "new_account_role": "partner",
        }),
    )
    .await;
    assert_eq!(status, 422, "{body}");
    assert_eq!(
        body["errors"][0]["field"], "new_account_organisation_id",
        "{body}"
    );
    let (status, body) = send_json(
        &app,
        &dg,
        Method::PATCH,
        &path,
        json!({
            "version": added.version, "new_accounts": true, "new_account_domain": "@CPAS-A.example",
            "new_account_role": "admin",
        }),
    )
    .await;
    assert_eq!(status, 422, "{body}");
    assert_eq!(body["errors"][0]["code"], "not_allowed", "{body}");
    let (status, body) = send_json(
        &app,
        &dg,
        Method::PATCH,
        &path,
        json!({
            "version": added.version, "new_accounts": true, "new_account_domain": "@CPAS-A.example",
        }),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["new_account_domain"], "cpas-a.example");
    // A stale version is refused.
    let (status, body) = send_json(
        &app,
        &dg,
        Method::PATCH,
        &path,
        json!({ "version": added.version, "enabled": false }),
    )
    .await;
    assert_eq!(status, 409, "{body}");

    // Someone of the domain gets an account with the default role, linked.
    let (status, body) = sign_in(&app, &provider, &added, "inconnu").await;
    assert_eq!(status, 200, "{body}");
    let tokens: TokenResponse = serde_json::from_value(body).expect("tokens");
    let me: User = app.get_ok_as(&tokens.access_token, "/api/v1/me").await;
    assert_eq!(me.email, "inconnu@cpas-a.example");
    assert_eq!(me.role, api_types::Role::SocialWorker);
    assert!(!me.must_change_password);
    // It has no password: nobody signs in to it with one.
    let response = app
        .post_json(
            "/api/v1/auth/login",
            &json!({ "email": "inconnu@cpas-a.example", "password": "" }),
        )
        .await;
    assert_eq!(response.status(), 401);
    // Another domain, or an account of another CPAS, still gets none.
    refused_with(
        &sign_in(&app, &provider, &added, "ailleurs").await,
        "no_account_for_identity",
    );
    refused_with(
        &sign_in(&app, &provider, &added, "paliseul").await,
        "no_account_for_identity",
    );
}

#[tokio::test]
async fn a_password_given_to_an_account_is_void_once_it_signs_in_through_its_provider() {
    let (app, provider, dg, added) = arrange().await;
    let (status, created) = send_json(
        &app,
        &dg,
        Method::POST,
        "/api/v1/users",
        json!({
            "email": "inconnu@cpas-a.example", "display_name": "Nouvelle recrue",
            "role": "social_worker",
        }),
    )
    .await;
    assert_eq!(status, 201, "{created}");
    let given = created["temporary_password"]
        .as_str()
        .expect("a given password")
        .to_owned();

    let (status, body) = sign_in(&app, &provider, &added, "inconnu").await;
    assert_eq!(status, 200, "{body}");
    let tokens: TokenResponse = serde_json::from_value(body).expect("tokens");
    // No password to change first: the provider vouched for the person.
    let me: User = app.get_ok_as(&tokens.access_token, "/api/v1/me").await;
    assert!(!me.must_change_password);
    let plans = app.get_as(&tokens.access_token, "/api/v1/plans").await;
    assert_eq!(plans.status(), 200);
    // The password the DG gave no longer opens the account.
    let response = app
        .post_json(
            "/api/v1/auth/login",
            &json!({ "email": "inconnu@cpas-a.example", "password": given }),
        )
        .await;
    assert_eq!(response.status(), 401);
}

#[tokio::test]
async fn the_dg_manages_the_cpas_providers_and_no_other() {
    let (app, provider, dg, added) = arrange().await;
    let path = format!("/api/v1/identity-providers/{}", added.id);

    // The client secret is stored sealed, never in clear.
    let mut conn = app.connection();
    use diesel::RunQueryDsl;
    #[derive(diesel::QueryableByName)]
    struct Stored {
        #[diesel(sql_type = diesel::sql_types::Bytea)]
        client_secret_sealed: Vec<u8>,
    }
    let stored: Stored = diesel::sql_query("SELECT client_secret_sealed FROM identity_providers")
        .get_result(&mut conn)
        .expect("a provider");
    assert!(
        !stored
            .client_secret_sealed
            .windows(OIDC_CLIENT_SECRET.len())
            .any(|w| w == OIDC_CLIENT_SECRET.as_bytes())
    );

    // Refusals of a new provider: the same label, an issuer that does not answer as a
    // provider, an address inside the network.
    let new =
        |label: &str, issuer: &str| json!({ "label": label, "issuer": issuer, "client_id": "pst" });
    let (status, body) = send_json(
        &app,
        &dg,
        Method::POST,
        "/api/v1/identity-providers",
        new("Wallonie Connect", &provider.issuer),
    )
    .await;
    assert_eq!(
        (status, body["code"].as_str()),
        (409, Some("name_taken")),
        "{body}"
    );
    let silent = format!("http://127.0.0.1:{}", tests::free_port());
    let (status, body) = send_json(
        &app,
        &dg,
        Method::POST,
        "/api/v1/identity-providers",
        new("Muet", &silent),
    )
    .await;
    assert_eq!(status, 422, "{body}");
    assert_eq!(
        body["errors"][0]["code"], "issuer_discovery_failed",
        "{body}"
    );
    let (status, body) = send_json(
        &app,
        &dg,
        Method::POST,
        "/api/v1/identity-providers",
        new("Interne", "https://10.0.0.7/realms/x"),
    )
    .await;
    assert_eq!(status, 422, "{body}");
    assert_eq!(body["errors"][0]["code"], "invalid_url", "{body}");

    // Paliseul's DG neither sees nor changes it.
    let other = app.token("dg@paliseul.example").await;
    let listed: Vec<IdentityProvider> = app.get_ok_as(&other, "/api/v1/identity-providers").await;
    assert!(listed.is_empty());
    assert_eq!(app.get_as(&other, &path).await.status(), 404);
    let (status, _) = send_json(
        &app,
        &other,
        Method::PATCH,
        &path,
        json!({ "version": added.version, "enabled": false }),
    )
    .await;
    assert_eq!(status, 404);

    // Turned off: no button, no start, and a way back under way is refused.
    let under_way = start(&app, &added).await;
    let (code, state) = provider
        .sign_in(&under_way.authorization_url, "marie")
        .await;
    let (status, body) = send_json(
        &app,
        &dg,
        Method::PATCH,
        &path,
        json!({ "version": added.version, "enabled": false, "label": "Wallonie Connect (pause)" }),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["label"], "Wallonie Connect (pause)");
    let buttons: Value = app.get_ok("/api/v1/auth/providers").await;
    assert_eq!(buttons, json!([]));
    let response = app
        .client
        .post(app.url(&format!("/api/v1/auth/oidc/{}/start", added.id)))
        .send()
        .await
        .expect("start");
    assert_eq!(response.status(), 404);
    refused_with(
        &callback(&app, &code, &state).await,
        "invalid_sign_in_state",
    );

    // Removed: gone for its DG too.
    let response = app.send_as(Method::DELETE, Some(&dg), &path, None).await;
    assert_eq!(response.status(), 204);
    assert_eq!(app.get_as(&dg, &path).await.status(), 404);
}

#[tokio::test]
async fn a_provider_that_stops_answering_is_a_502_not_a_500() {
    let (app, provider, _dg, added) = arrange().await;
    drop(provider);
    // Nothing listens at the issuer any more (the server has not fetched its metadata).
    let response = tests::eventually("the provider to stop", async || {
        let response = app
            .client
            .post(app.url(&format!("/api/v1/auth/oidc/{}/start", added.id)))
            .send()
            .await
            .expect("start");
        (response.status() == 502).then_some(response)
    })
    .await;
    let body: Value = response.json().await.expect("a problem");
    assert_eq!(body["code"], "identity_provider_unavailable", "{body}");
}
