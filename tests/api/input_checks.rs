//! Input that used to reach PostgreSQL unchecked (and come back as a 500): control
//! characters, over-long e-mails, dates outside 1900–2999, huge query strings, dot
//! segments. Each is now a 4xx problem naming what is wrong.

use api_types::{PlanTree, Problem};
use reqwest::Method;
use serde_json::{Value, json};
use tests::{TestApp, spawn_app};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

async fn problem(response: reqwest::Response) -> (u16, Problem) {
    let status = response.status().as_u16();
    assert_eq!(
        response.headers()["content-type"],
        "application/problem+json",
        "status {status}"
    );
    (status, response.json().await.expect("problem JSON"))
}

async fn version(app: &TestApp, token: &str, action: &str) -> i32 {
    app.get_ok_as::<api_types::ActionDetail>(token, &format!("/api/v1/actions/{action}"))
        .await
        .action
        .version
}

async fn action_id(app: &TestApp, code: &str) -> String {
    let tree: PlanTree = app.plan_of("cpas-a").await;
    tree.actions()
        .find(|a| a.code == code)
        .map(|a| a.id.to_string())
        .unwrap_or_else(|| panic!("no {code}"))
}

fn field_codes(problem: &Problem) -> Vec<(String, String)> {
    problem
        .errors
        .iter()
        .map(|e| (e.field.clone(), e.code.as_str().to_owned()))
        .collect()
}

#[tokio::test]
async fn login_e_mails_with_a_nul_or_over_254_characters_are_refused_before_any_work() {
    let app = spawn_app().await;
    let login = |email: String| {
        let app = &app;
        async move {
            problem(
                app.post_json(
                    "/api/v1/auth/login",
                    &json!({ "email": email, "password": "test-password-2026" }),
                )
                .await,
            )
            .await
        }
    };
    let (status, nul) = login("dg@cpas-a.example\u{0}".to_owned()).await;
    assert_eq!(status, 422);
    assert_eq!(
        field_codes(&nul),
        [("email".to_owned(), "control_characters".to_owned())]
    );
    let (status, long) = login(format!("{}@cpas-a.example", "a".repeat(3_000))).await;
    assert_eq!(status, 422);
    assert_eq!(
        field_codes(&long),
        [("email".to_owned(), "too_long".to_owned())]
    );
    // The account itself is untouched by either.
    app.login("dg@cpas-a.example").await;
}

#[tokio::test]
async fn control_characters_in_paths_and_queries_are_422_problems_naming_them() {
    let app = spawn_app().await;
    let dg = app.token("dg@cpas-a.example").await;
    let tree: PlanTree = app.plan_of("cpas-a").await;
    for path in [
        format!("/public/cpas-a%00/{}", tree.id),
        format!("/api/v1/public/cpas-a%00/plans/{}", tree.id),
        "/api/v1/public/%00/plans/x".to_owned(),
    ] {
        let (status, found) = problem(app.get(&path).await).await;
        assert_eq!(status, 422, "{path}");
        assert_eq!(
            field_codes(&found),
            [("path".to_owned(), "control_characters".to_owned())]
        );
    }
    let (status, found) = problem(app.get_as(&dg, "/api/v1/actions?q=%00").await).await;
    assert_eq!(status, 422);
    assert_eq!(
        field_codes(&found),
        [("q".to_owned(), "control_characters".to_owned())]
    );
    // Ordinary text with accents and spaces still searches.
    assert_eq!(
        app.get_as(&dg, "/api/v1/actions?q=r%C3%A9seau%20social")
            .await
            .status(),
        200
    );
}

#[tokio::test]
async fn control_characters_anywhere_in_a_json_body_name_their_field() {
    let app = spawn_app().await;
    let pcs = app.token("pcs@cpas-a.example").await;
    let pe18 = action_id(&app, "Pe18").await;
    let response = app
        .send_as(
            Method::POST,
            Some(&pcs),
            &format!("/api/v1/actions/{pe18}/change-requests"),
            Some(&json!({ "base_version": version(&app, &pcs, &pe18).await,
                "changes": { "progress": 20 }, "note": "ok\u{1b}[31m" })),
        )
        .await;
    let (status, found) = problem(response).await;
    assert_eq!(status, 422);
    assert_eq!(
        field_codes(&found),
        [("note".to_owned(), "control_characters".to_owned())]
    );
    // Line breaks and tabs are what notes are made of.
    let response = app
        .send_as(
            Method::POST,
            Some(&pcs),
            &format!("/api/v1/actions/{pe18}/change-requests"),
            Some(&json!({ "base_version": version(&app, &pcs, &pe18).await,
                "changes": { "progress": 20 }, "note": "Réunion :\r\n\t- PCS" })),
        )
        .await;
    assert_eq!(response.status(), 201);
}

#[tokio::test]
async fn dates_outside_1900_2999_are_refused_wherever_they_enter() {
    let app = spawn_app().await;
    let dg = app.token("dg@cpas-a.example").await;
    let pcs = app.token("pcs@cpas-a.example").await;
    let pe18 = action_id(&app, "Pe18").await;
    let plan_id = app.plan_of("cpas-a").await.id;

    for date in ["-5000-01-01", "+10000-01-01", "0000-01-01", "1899-12-31"] {
        // A proposal is refused at creation: it could never be approved.
        let (status, found) = problem(
            app.send_as(
                Method::POST,
                Some(&pcs),
                &format!("/api/v1/actions/{pe18}/change-requests"),
                Some(&json!({ "base_version": version(&app, &pcs, &pe18).await,
                    "changes": { "planned_end": date } })),
            )
            .await,
        )
        .await;
        assert_eq!(status, 422, "{date}");
        assert_eq!(
            field_codes(&found),
            [(
                "changes/planned_end".to_owned(),
                "date_out_of_range".to_owned()
            )],
            "{date}"
        );

        // A direct edit.
        let path = format!("/api/v1/actions/{pe18}");
        let version = app
            .get_ok_as::<api_types::ActionDetail>(&dg, &path)
            .await
            .action
            .version;
        let (status, found) = problem(
            app.client
                .patch(app.url(&path))
                .bearer_auth(&dg)
                .header("If-Match", format!("\"{version}\""))
                .json(&json!({ "changes": { "planned_start": date } }))
                .send()
                .await
                .expect("answer"),
        )
        .await;
        assert_eq!(status, 422, "{date}: {found:?}");
        assert!(
            found
                .errors
                .iter()
                .any(|e| e.code == "date_out_of_range" && e.field.contains("planned_start")),
            "{date}: {found:?}"
        );

        // An evaluation's date.
        let (status, found) = problem(
            app.send_as(
                Method::POST,
                Some(&dg),
                &format!("/api/v1/plans/{plan_id}/evaluations"),
                Some(&json!({ "kind": "mid_term", "as_of": date })),
            )
            .await,
        )
        .await;
        assert_eq!(status, 422, "{date}");
        assert_eq!(
            field_codes(&found),
            [("as_of".to_owned(), "date_out_of_range".to_owned())]
        );

        // The report's period, in the query string.
        let encoded = date.replace('+', "%2B");
        let (status, found) = problem(
            app.get_as(
                &dg,
                &format!("/api/v1/plans/{plan_id}/report?since={encoded}"),
            )
            .await,
        )
        .await;
        assert_eq!(
            (status, found.code.as_str()),
            (400, "invalid_query"),
            "{date}"
        );
    }
    // Nothing was stored.
    let detail: api_types::ActionDetail =
        app.get_ok_as(&dg, &format!("/api/v1/actions/{pe18}")).await;
    let dates = [detail.action.planned_start, detail.action.planned_end];
    assert!(
        dates
            .into_iter()
            .flatten()
            .all(|d| d.to_string().len() == 10),
        "{dates:?}"
    );
    // The bounds themselves are dates.
    let response = app
        .send_as(
            Method::POST,
            Some(&pcs),
            &format!("/api/v1/actions/{pe18}/change-requests"),
            Some(&json!({ "base_version": version(&app, &pcs, &pe18).await,
                "changes": { "planned_end": "2999-12-31" } })),
        )
        .await;
    assert_eq!(response.status(), 201);
}

#[tokio::test]
async fn a_huge_query_string_is_414_and_the_link_header_repeats_only_the_known_filters() {
    let app = spawn_app().await;
    let dg = app.token("dg@cpas-a.example").await;
    // 1,000 repetitions (16 KB): HTTP clients refuse the 5,000 (80 KB) themselves.
    let repeated = "status=en_cours&".repeat(1_000);
    let (status, found) = problem(
        app.get_as(&dg, &format!("/api/v1/actions?{repeated}"))
            .await,
    )
    .await;
    assert_eq!((status, found.code.as_str()), (414, "uri_too_long"));

    let response = app
        .get_as(
            &dg,
            "/api/v1/actions?per_page=5&unknown=x&q=%20&status=en_cours,probleme&page=1",
        )
        .await;
    assert_eq!(response.status(), 200);
    let link = response.headers()["link"]
        .to_str()
        .expect("ascii")
        .to_owned();
    assert!(!link.contains("unknown"), "{link}");
    assert!(link.contains("status=en_cours%2Cprobleme"), "{link}");
    assert!(link.contains("per_page=5"), "{link}");
    assert!(link.len() < 1_000, "{link}");
}

#[tokio::test]
async fn the_auth_scheme_is_case_insensitive_and_healthz_answers_head() {
    let app = spawn_app().await;
    let dg = app.token("dg@cpas-a.example").await;
    for scheme in ["Bearer", "bearer", "BEARER", "bEaReR"] {
        let response = app
            .client
            .get(app.url("/api/v1/me"))
            .header("Authorization", format!("{scheme} {dg}"))
            .send()
            .await
            .expect("answer");
        assert_eq!(response.status(), 200, "{scheme}");
    }
    let response = app
        .client
        .get(app.url("/api/v1/me"))
        .header("Authorization", format!("Basic {dg}"))
        .send()
        .await
        .expect("answer");
    assert_eq!(response.status(), 401);

    let head = app
        .client
        .head(app.url("/healthz"))
        .send()
        .await
        .expect("answer");
    assert_eq!(head.status(), 200);
}

/// Sends a raw request line: HTTP clients remove dot segments before sending.
async fn raw_get(app: &TestApp, target: &str) -> (u16, String) {
    let address = app.address.trim_start_matches("http://").to_owned();
    let mut stream = tokio::net::TcpStream::connect(&address)
        .await
        .expect("connect");
    let request = format!("GET {target} HTTP/1.1\r\nHost: {address}\r\nConnection: close\r\n\r\n");
    stream.write_all(request.as_bytes()).await.expect("send");
    let mut answer = String::new();
    stream.read_to_string(&mut answer).await.expect("read");
    let status = answer
        .split(' ')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    (status, answer)
}

#[tokio::test]
async fn dot_segment_paths_get_a_problem() {
    let app = spawn_app().await;
    for target in [
        "/api/../etc/passwd",
        "/api/v1/plans/%2e%2e/x",
        "/static/../Cargo.toml",
        "/./healthz",
    ] {
        let (status, answer) = raw_get(&app, target).await;
        assert_eq!(status, 400, "{target}: {answer}");
        assert!(
            answer
                .to_ascii_lowercase()
                .contains("content-type: application/problem+json"),
            "{target}: {answer}"
        );
        let body = answer.split("\r\n\r\n").nth(1).unwrap_or_default();
        let problem: Value = serde_json::from_str(body).expect("a JSON problem");
        assert_eq!(problem["code"], "invalid_path", "{target}");
    }
}

#[tokio::test]
async fn the_date_migration_clears_and_reports_out_of_range_dates_and_then_refuses_them() {
    use diesel::RunQueryDsl;
    use diesel::sql_types::{BigInt, Text};
    use diesel_migrations::MigrationHarness;

    #[derive(diesel::QueryableByName, Debug, PartialEq)]
    struct Repair {
        #[diesel(sql_type = Text)]
        table_name: String,
        #[diesel(sql_type = Text)]
        column_name: String,
        #[diesel(sql_type = Text)]
        old_value: String,
        #[diesel(sql_type = Text)]
        action: String,
    }
    #[derive(diesel::QueryableByName)]
    struct Count {
        #[diesel(sql_type = BigInt)]
        n: i64,
    }

    let url = tests::fresh_database();
    let mut conn = <diesel::PgConnection as diesel::Connection>::establish(&url).expect("db");
    // Back to the schema before the rule, where such dates could be stored (reverting the
    // later migrations first, which runs their down.sql too).
    loop {
        let reverted = conn
            .revert_last_migration(backend::db::MIGRATIONS)
            .expect("the last migration reverts")
            .to_string();
        assert!(
            reverted.as_str() >= "20261202000009",
            "the date migration was reverted: {reverted}"
        );
        if reverted == "20261202000009" {
            break;
        }
    }
    let mut bad = |sql: &str| {
        diesel::sql_query(sql)
            .execute(&mut conn)
            .unwrap_or_else(|e| panic!("{sql}: {e}"))
    };
    assert_eq!(
        bad("UPDATE actions SET planned_end = '0050-06-01' \
             WHERE id = (SELECT id FROM actions WHERE code = 'Pe18' LIMIT 1)"),
        1
    );
    assert_eq!(
        bad(
            "UPDATE plans SET adopted_on = '10000-01-01' WHERE id = (SELECT id FROM plans LIMIT 1)"
        ),
        1
    );
    let evaluations = bad(
        "INSERT INTO plan_evaluations (tenant_id, plan_id, kind, as_of, snapshot) \
         SELECT tenant_id, id, 'mid_term', '1850-01-01', '{}'::jsonb FROM plans LIMIT 1",
    );
    assert_eq!(evaluations, 1);

    backend::db::run_migrations(&mut conn).expect("the migrations run again");

    let mut repairs: Vec<Repair> =
        diesel::sql_query("SELECT table_name, column_name, old_value, action FROM data_repairs")
            .load(&mut conn)
            .expect("the report");
    repairs.sort_by(|a, b| a.table_name.cmp(&b.table_name));
    let report = |t: &str, c: &str, v: &str, a: &str| Repair {
        table_name: t.to_owned(),
        column_name: c.to_owned(),
        old_value: v.to_owned(),
        action: a.to_owned(),
    };
    assert_eq!(
        repairs,
        [
            report("actions", "planned_end", "0050-06-01", "cleared"),
            report("plan_evaluations", "as_of", "1850-01-01", "reported"),
            report("plans", "adopted_on", "10000-01-01", "cleared"),
        ]
    );
    let left: Count = diesel::sql_query(
        "SELECT count(*) AS n FROM actions a JOIN plans p ON p.id = a.plan_id \
         WHERE a.planned_end < '1900-01-01' OR p.adopted_on > '2999-12-31'",
    )
    .get_result(&mut conn)
    .expect("count");
    assert_eq!(left.n, 0, "the optional dates are cleared");
    // The reported evaluation is left for a person; a new bad date is refused.
    let refused =
        diesel::sql_query("UPDATE actions SET actual_end = '3000-01-01' WHERE code = 'Pe18'")
            .execute(&mut conn);
    assert!(
        refused
            .as_ref()
            .is_err_and(|e| e.to_string().contains("actual_end_range")),
        "{refused:?}"
    );
}
