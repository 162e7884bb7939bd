//! The server hosts the web app: its files, and index.html for client-side routes.

use tests::{ScratchDir, fresh_database, spawn_app_with, test_settings};

#[tokio::test]
async fn the_web_app_is_served_with_deep_links_falling_back_to_index_html() {
    let dir = ScratchDir::new("pst-web");
    std::fs::write(
        dir.0.join("index.html"),
        "<!doctype html><title>PST</title>",
    )
    .expect("index");
    std::fs::write(dir.0.join("boot.js"), "import init from '/pst.js';").expect("asset");
    let mut settings = test_settings(fresh_database());
    settings.settings.static_dir = Some(dir.0.clone());
    let app = spawn_app_with(settings).await;

    for path in ["/", "/plans/1d3e4f5a-0000-4000-8000-000000000000"] {
        let response = app.get(path).await;
        assert_eq!(response.status(), 200, "{path}");
        assert!(
            response
                .text()
                .await
                .expect("body")
                .contains("<title>PST</title>")
        );
    }
    let asset = app.get("/boot.js").await;
    assert_eq!(asset.status(), 200);
    let content_type = asset.headers()["content-type"]
        .to_str()
        .expect("ascii")
        .to_owned();
    assert!(
        content_type.starts_with("text/javascript")
            || content_type.starts_with("application/javascript")
    );
    let api = app.get("/api/v1/unknown").await;
    assert_eq!(api.status(), 404);
    assert_eq!(api.headers()["content-type"], "application/problem+json");
}
