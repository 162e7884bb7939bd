use api_types::Problem;
use tests::spawn_app;

async fn problem(response: reqwest::Response) -> (u16, Problem) {
    let status = response.status().as_u16();
    let content_type = response
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    assert_eq!(content_type, "application/problem+json", "status {status}");
    (status, response.json().await.expect("problem JSON"))
}

#[tokio::test]
async fn a_malformed_plan_id_is_a_400_problem() {
    let app = spawn_app().await;

    let token = app.token("dg@cpas-a.example").await;

    let (status, problem) = problem(app.get_as(&token, "/api/v1/plans/not-a-uuid").await).await;

    assert_eq!(status, 400);
    assert_eq!(problem.status, 400);
    assert_eq!(problem.code, "invalid_path");
    assert!(problem.detail.unwrap_or_default().contains("UUID"));
}

#[tokio::test]
async fn an_unknown_plan_id_is_a_404_problem() {
    let app = spawn_app().await;

    let token = app.token("dg@cpas-a.example").await;

    let (status, problem) = problem(
        app.get_as(&token, "/api/v1/plans/6f1e0c3a-1f0e-4b8e-9a57-2f8f0f6b7c11")
            .await,
    )
    .await;

    assert_eq!(status, 404, "{problem:?}");
    assert_eq!(problem.code, "not_found");
}

#[tokio::test]
async fn an_unknown_api_route_is_a_404_problem_not_the_web_app() {
    let app = spawn_app().await;

    let (status, problem) = problem(app.get("/api/v1/nothing-here").await).await;

    assert_eq!(status, 404);
    assert_eq!(problem.code, "no_route");
}

#[tokio::test]
async fn a_wrong_method_is_a_405_problem() {
    let app = spawn_app().await;

    let response = app
        .client
        .delete(format!("{}/api/v1/me", app.address))
        .send()
        .await
        .expect("answer");
    let allow = response.headers().get("allow").cloned();
    let (status, problem) = problem(response).await;

    assert_eq!(status, 405);
    assert_eq!(allow.as_ref().and_then(|v| v.to_str().ok()), Some("GET"));
    assert_eq!(problem.code, "method_not_allowed");
}

#[tokio::test]
async fn responses_carry_the_security_headers() {
    let app = spawn_app().await;

    let response = app.get("/healthz").await;

    let header = |name: &str| {
        response
            .headers()
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned)
    };
    assert_eq!(header("x-content-type-options").as_deref(), Some("nosniff"));
    assert_eq!(header("x-frame-options").as_deref(), Some("DENY"));
    assert!(
        header("x-request-id").is_some(),
        "every answer names its request"
    );
}

#[tokio::test]
async fn a_whole_number_written_with_a_fraction_is_an_integer() {
    let app = spawn_app().await;
    let token = app.token("dg@cpas-a.example").await;

    // JSON Schema, and so the API document, counts `2030.0` an integer.
    let response = app
        .send_as(
            reqwest::Method::POST,
            Some(&token),
            "/api/v1/plans",
            Some(&serde_json::json!({
                "title": "PST 2031-2036",
                "start_year": 2031.0,
                "end_year": 2036.0,
            })),
        )
        .await;
    assert_eq!(
        response.status(),
        201,
        "{}",
        response.text().await.unwrap_or_default()
    );

    // A fraction is still refused where an integer is expected.
    let (status, problem) = problem(
        app.send_as(
            reqwest::Method::POST,
            Some(&token),
            "/api/v1/plans",
            Some(&serde_json::json!({ "title": "PST", "start_year": 2031.5 })),
        )
        .await,
    )
    .await;
    assert_eq!((status, problem.code.as_str()), (400, "invalid_json"));
}

#[tokio::test]
async fn other_methods_on_the_routes_outside_the_api_are_405_naming_the_allowed_ones() {
    let app = spawn_app().await;

    for path in ["/healthz", "/readyz", "/public/cpas-a/plan"] {
        let response = app.send_as(reqwest::Method::DELETE, None, path, None).await;
        assert_eq!(
            response
                .headers()
                .get("allow")
                .and_then(|v| v.to_str().ok()),
            Some("GET"),
            "{path}"
        );
        let (status, problem) = problem(response).await;
        assert_eq!((status, problem.code.as_str()), (405, "method_not_allowed"));
    }
}

#[tokio::test]
async fn a_method_a_fixed_route_lacks_is_405_even_where_a_parameter_route_would_match() {
    let app = spawn_app().await;
    let token = app.token("dg@cpas-a.example").await;

    // `PATCH /plans/{plan_id}` exists, but `import` is no plan id: the route is the import's.
    let response = app
        .send_as(
            reqwest::Method::PATCH,
            Some(&token),
            "/api/v1/plans/import",
            Some(&serde_json::json!({})),
        )
        .await;
    assert_eq!(
        response
            .headers()
            .get("allow")
            .and_then(|v| v.to_str().ok()),
        Some("POST")
    );
    let (status, problem) = problem(response).await;
    assert_eq!((status, problem.code.as_str()), (405, "method_not_allowed"));
}

#[tokio::test]
async fn a_body_that_is_not_an_object_is_refused_not_read_by_position() {
    let app = spawn_app().await;
    let token = app.token("dg@cpas-a.example").await;
    let me: api_types::User = app.get_ok_as(&token, "/api/v1/me").await;

    let (status, problem) = problem(
        app.send_as(
            reqwest::Method::PATCH,
            Some(&token),
            &format!("/api/v1/users/{}", me.id),
            Some(&serde_json::json!([null, null])),
        )
        .await,
    )
    .await;
    assert_eq!((status, problem.code.as_str()), (400, "invalid_json"));
}

/// The translation table of refused constraints names real constraints: a renamed
/// constraint (or a typo) would otherwise turn a 409 or a 422 into a 500 unnoticed.
#[tokio::test]
async fn every_constraint_of_the_refusal_table_exists_in_the_schema() {
    use diesel::prelude::*;
    use diesel::sql_types::{Bool, Text};

    #[derive(QueryableByName)]
    struct Found {
        #[diesel(sql_type = Bool)]
        found: bool,
    }

    let app = spawn_app().await;
    let mut conn = app.connection();
    assert!(!backend::error::CONSTRAINT_REFUSALS.is_empty());
    for (name, _) in backend::error::CONSTRAINT_REFUSALS {
        // A table constraint, a unique index, or the name a trigger raises with (the
        // triggers of `migrations/` are named after the constraint they enforce).
        let Found { found } = diesel::sql_query(
            "SELECT EXISTS (SELECT 1 FROM pg_constraint WHERE conname = $1)
                 OR EXISTS (SELECT 1 FROM pg_class WHERE relname = $1 AND relkind = 'i')
                 OR EXISTS (SELECT 1 FROM pg_trigger WHERE tgname = $1) AS found",
        )
        .bind::<Text, _>(*name)
        .get_result(&mut conn)
        .expect("catalog query");
        assert!(
            found,
            "{name} is in the refusal table but not in the schema"
        );
    }
}
