use api_types::Health;
use tests::spawn_app;

#[tokio::test]
async fn healthz_answers_ok_without_touching_the_database() {
    let app = spawn_app().await;

    let response = app.get("/healthz").await;

    assert_eq!(response.status(), 200);
    assert!(response.headers().get("server-timing").is_none());
    let health: Health = response.json().await.expect("JSON");
    assert_eq!(health.status, "ok");
}

#[tokio::test]
async fn readyz_answers_ok_when_the_database_is_reachable() {
    let app = spawn_app().await;

    let health: Health = app.get_ok("/readyz").await;

    assert_eq!(health.status, "ok");
}
