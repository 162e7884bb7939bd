//! A CPAS's identity for the Region (issue 17.3): the NIS code of its municipality and its
//! kind of administration, set by the platform's administrators, read by its own people.

use api_types::{AdministrationType, PlanSummary, Problem, TenantIdentity};
use reqwest::Method;
use serde_json::json;
use tests::send_text as send;
use tests::{TestApp, spawn_app};

/// CPAS A's id, as its DG's plans name it.
async fn cpas_a(app: &TestApp) -> String {
    let dg = app.token("dg@cpas-a.example").await;
    let plans: Vec<PlanSummary> = app.get_ok_as(&dg, "/api/v1/plans").await;
    plans[0].tenant.id.to_string()
}

#[tokio::test]
async fn administrators_set_the_identity_and_the_cpas_reads_it() {
    let app = spawn_app().await;
    let tenant = cpas_a(&app).await;
    let admin = app.token("admin@pst.example").await;
    let path = format!("/api/v1/tenants/{tenant}");

    let before: TenantIdentity = app.get_ok_as(&admin, &path).await;
    assert_eq!(before.nis_code, None, "no code until one is set");
    assert_eq!(before.administration_type, AdministrationType::Cpas);

    let (status, text) = send(
        &app,
        &admin,
        Method::PUT,
        &path,
        json!({
            "name": "CPAS de Paliseul",
            "nis_code": 84050,
            "administration_type": "cpas",
            "version": before.version,
        }),
    )
    .await;
    assert_eq!(status, 200, "{text}");
    let set: TenantIdentity = serde_json::from_str(&text).expect("an identity");
    assert_eq!(set.nis_code, Some(84050));
    assert_eq!(set.name, "CPAS de Paliseul");
    assert_eq!(set.version, before.version + 1);

    // The DG and a partner of that CPAS read what was set.
    for email in ["dg@cpas-a.example", "pcs@cpas-a.example"] {
        let token = app.token(email).await;
        let read: TenantIdentity = app.get_ok_as(&token, &path).await;
        assert_eq!(read, set, "{email}");
    }
    let response = app.get_as(&admin, &path).await;
    assert_eq!(
        response.headers()["etag"].to_str().expect("a visible ETag"),
        format!("\"{}\"", set.version)
    );

    // A commune, without a code.
    let (status, text) = send(
        &app,
        &admin,
        Method::PUT,
        &path,
        json!({
            "name": "Commune de Paliseul",
            "nis_code": null,
            "administration_type": "commune",
            "version": set.version,
        }),
    )
    .await;
    assert_eq!(status, 200, "{text}");
    let cleared: TenantIdentity = serde_json::from_str(&text).expect("an identity");
    assert_eq!(cleared.nis_code, None);
    assert_eq!(cleared.administration_type, AdministrationType::Commune);
}

#[tokio::test]
async fn a_stale_version_or_a_code_of_other_than_five_digits_changes_nothing() {
    let app = spawn_app().await;
    let tenant = cpas_a(&app).await;
    let admin = app.token("admin@pst.example").await;
    let path = format!("/api/v1/tenants/{tenant}");
    let before: TenantIdentity = app.get_ok_as(&admin, &path).await;

    for (code, field_error) in [(8405, true), (840500, true), (-84050, true), (84050, false)] {
        let version = if field_error {
            before.version
        } else {
            before.version + 7
        };
        let (status, text) = send(
            &app,
            &admin,
            Method::PUT,
            &path,
            json!({
                "name": "Autre nom",
                "nis_code": code,
                "administration_type": "commune",
                "version": version,
            }),
        )
        .await;
        let problem: Problem = serde_json::from_str(&text).expect("an identity");
        if field_error {
            assert_eq!(status, 422, "{code}: {text}");
            assert_eq!(problem.errors[0].field, "nis_code", "{text}");
            assert_eq!(problem.errors[0].code.as_str(), "out_of_range", "{text}");
        } else {
            assert_eq!(status, 409, "{text}");
            assert_eq!(problem.code.as_str(), "version_conflict", "{text}");
        }
    }
    let after: TenantIdentity = app.get_ok_as(&admin, &path).await;
    assert_eq!(after, before, "nothing was written");
}

#[tokio::test]
async fn only_administrators_set_it_and_another_cpas_is_not_found() {
    let app = spawn_app().await;
    let tenant = cpas_a(&app).await;
    let path = format!("/api/v1/tenants/{tenant}");
    let dg = app.token("dg@cpas-a.example").await;
    let before: TenantIdentity = app.get_ok_as(&dg, &path).await;
    let body = json!({
        "name": "CPAS A",
        "nis_code": 84050,
        "administration_type": "cpas",
        "version": before.version,
    });
    let (status, text) = send(&app, &dg, Method::PUT, &path, body.clone()).await;
    assert_eq!(status, 403, "{text}");

    let other_dg = app.token("dg@paliseul.example").await;
    let response = app.get_as(&other_dg, &path).await;
    assert_eq!(response.status(), 404);
    let (status, text) = send(&app, &other_dg, Method::PUT, &path, body).await;
    assert_eq!(status, 404, "{text}");

    let after: TenantIdentity = app.get_ok_as(&dg, &path).await;
    assert_eq!(after, before);
}
