//! The plan tree endpoint: shape, and a bounded number of SQL statements.

use api_types::{PlanSummary, PlanTree};
use tests::{TestApp, spawn_app};

/// The number of statements the server reports in `Server-Timing: db;…;desc="N queries"`.
async fn queries_for(app: &TestApp, path: &str) -> u32 {
    let response = app.get(path).await;
    assert_eq!(response.status(), 200);
    let timing = response
        .headers()
        .get("server-timing")
        .and_then(|v| v.to_str().ok())
        .expect("a Server-Timing header")
        .to_owned();
    let desc = timing
        .split(';')
        .find_map(|part| part.trim().strip_prefix("desc=\""))
        .and_then(|d| d.strip_suffix(" queries\""))
        .unwrap_or_else(|| panic!("unexpected Server-Timing: {timing}"));
    desc.parse().expect("a count")
}

#[tokio::test]
async fn the_plan_tree_is_read_in_at_most_four_queries_whatever_its_size() {
    let app = spawn_app().await;
    let plans: Vec<PlanSummary> = app.get_ok("/api/v1/plans").await;
    assert_eq!(plans.len(), 2);

    for plan in &plans {
        let queries = queries_for(&app, &format!("/api/v1/plans/{}", plan.id)).await;
        assert!(
            queries <= 4,
            "{} actions read in {queries} queries",
            plan.action_count
        );
    }

    // Grow the 000 plan tenfold: the count of statements must not move.
    let big = plans
        .iter()
        .find(|p| p.tenant.slug == "cpas-a")
        .expect("the 000 plan");
    let before = queries_for(&app, &format!("/api/v1/plans/{}", big.id)).await;
    let mut conn = app.connection();
    diesel::RunQueryDsl::execute(
        diesel::sql_query(format!(
            "INSERT INTO actions (tenant_id, plan_id, objective_id, code, kind, title, position)
             SELECT a.tenant_id, a.plan_id, a.objective_id, a.code || '-' || n, a.kind,
                    a.title || ' (copie ' || n || ')', a.position + 100 * n
             FROM actions a CROSS JOIN generate_series(1, 9) AS n
             WHERE a.plan_id = '{}'",
            big.id
        )),
        &mut conn,
    )
    .expect("copies inserted");
    let tree: PlanTree = app.get_ok(&format!("/api/v1/plans/{}", big.id)).await;
    let actions: usize = tree
        .objectives
        .iter()
        .flat_map(|os| &os.operational_objectives)
        .map(|oo| oo.actions.len())
        .sum();
    assert_eq!(actions, 410);
    let after = queries_for(&app, &format!("/api/v1/plans/{}", big.id)).await;
    assert_eq!(before, after);
}

#[tokio::test]
async fn the_plan_list_gives_the_counts_of_each_plan() {
    let app = spawn_app().await;

    let plans: Vec<PlanSummary> = app.get_ok("/api/v1/plans").await;

    let counts: Vec<(&str, i64, i64, i64)> = plans
        .iter()
        .map(|p| {
            (
                p.tenant.slug.as_str(),
                p.strategic_objective_count,
                p.operational_objective_count,
                p.action_count,
            )
        })
        .collect();
    assert_eq!(
        counts,
        vec![("cpas-a", 3, 10, 41), ("paliseul", 2, 8, 20)],
        "ordered by CPAS name"
    );
}

#[tokio::test]
async fn archived_actions_leave_the_tree_and_the_counts() {
    let app = spawn_app().await;
    let mut conn = app.connection();
    diesel::RunQueryDsl::execute(
        diesel::sql_query("UPDATE actions SET archived_at = now() WHERE code = 'Me5'"),
        &mut conn,
    )
    .expect("archived");

    let tree = app.plan_of("cpas-a").await;
    let plans: Vec<PlanSummary> = app.get_ok("/api/v1/plans").await;

    let codes: Vec<String> = tree
        .objectives
        .iter()
        .flat_map(|os| &os.operational_objectives)
        .flat_map(|oo| &oo.actions)
        .map(|a| a.code.clone())
        .collect();
    assert!(!codes.contains(&"Me5".to_owned()));
    assert_eq!(codes.len(), 40);
    let summary = plans
        .iter()
        .find(|p| p.tenant.slug == "cpas-a")
        .expect("plan");
    assert_eq!(summary.action_count, 40);
}
