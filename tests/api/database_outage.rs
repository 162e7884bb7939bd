//! The database goes away and comes back: the API answers 503 meanwhile, never hangs or
//! crashes, and recovers by itself.

use std::time::{Duration, Instant};

use api_types::{PlanSummary, Problem};
use tests::{own_cluster, spawn_app_with};

#[tokio::test]
async fn reads_answer_503_while_the_database_is_down_and_recover_when_it_returns() {
    let (_dir, cluster, settings) = own_cluster("pst-outage");
    let app = spawn_app_with(settings).await;
    let token = app.token("dg@cpas-a.example").await;
    let plans: Vec<PlanSummary> = app.get_ok_as(&token, "/api/v1/plans").await;
    let plan_path = format!("/api/v1/plans/{}", plans[0].id);

    cluster.stop().expect("cluster stops");

    for path in ["/readyz", "/api/v1/plans", plan_path.as_str()] {
        let started = Instant::now();
        let response = app.get_as(&token, path).await;
        assert_eq!(response.status(), 503, "{path}");
        assert!(
            started.elapsed() < Duration::from_secs(5),
            "{path} took {:?}",
            started.elapsed()
        );
        assert!(response.headers().contains_key("retry-after"));
        let problem: Problem = response.json().await.expect("problem JSON");
        assert_eq!(problem.code, "service_unavailable");
    }
    assert_eq!(
        app.get("/healthz").await.status(),
        200,
        "the process is still up"
    );

    cluster.start().expect("cluster restarts");

    let deadline = Instant::now() + Duration::from_secs(15);
    while app.get("/readyz").await.status() != 200 {
        assert!(Instant::now() < deadline, "the server did not recover");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let again: Vec<PlanSummary> = app.get_ok_as(&token, "/api/v1/plans").await;
    assert_eq!(again, plans);
    assert_eq!(app.get_as(&token, &plan_path).await.status(), 200);
    cluster.stop().expect("cluster stops");
}
