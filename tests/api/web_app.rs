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

/// A built web app: a WASM in a hashed folder with its `.br` and `.gz` made at build time (distinct
/// bytes here, to see which one is sent), and `index.html`.
fn built_web_app() -> ScratchDir {
    let dir = ScratchDir::new("pst-web-built");
    std::fs::create_dir_all(dir.0.join("app-0123456789abcdef")).expect("folder");
    let write = |name: &str, bytes: &[u8]| std::fs::write(dir.0.join(name), bytes).expect(name);
    write("index.html", b"<!doctype html><title>PST</title>");
    write("index.html.br", b"index-br");
    write("index.html.gz", b"index-gz");
    write(WASM, b"\0asm identity");
    write(&format!("{WASM}.br"), b"\0asm brotli");
    write(&format!("{WASM}.gz"), b"\0asm gzip");
    dir
}

/// As `cargo xtask build-web` lays it out: the build in a folder named after its content.
const WASM: &str = "app-0123456789abcdef/pst_bg.wasm";

#[tokio::test]
async fn the_wasm_is_sent_precompressed_as_the_client_accepts_and_cached_for_a_year() {
    // Arrange
    let dir = built_web_app();
    let mut settings = test_settings(fresh_database());
    settings.settings.static_dir = Some(dir.0.clone());
    let app = spawn_app_with(settings).await;

    for (accept, encoding, body) in [
        (Some("gzip, deflate, br"), Some("br"), "\0asm brotli"),
        (Some("br"), Some("br"), "\0asm brotli"),
        (Some("gzip"), Some("gzip"), "\0asm gzip"),
        (Some("identity"), None, "\0asm identity"),
        (None, None, "\0asm identity"),
    ] {
        // Act
        let mut request = app.client.get(app.url(&format!("/{WASM}")));
        if let Some(accept) = accept {
            request = request.header("Accept-Encoding", accept);
        }
        let response = request.send().await.expect("the server answers");

        // Assert
        assert_eq!(response.status(), 200, "{accept:?}");
        let headers = response.headers().clone();
        assert_eq!(
            headers
                .get("content-encoding")
                .map(|v| v.to_str().expect("ascii")),
            encoding,
            "{accept:?}"
        );
        assert_eq!(headers["content-type"], "application/wasm");
        assert_eq!(
            headers["cache-control"],
            "public, max-age=31536000, immutable"
        );
        assert!(
            headers
                .get_all("vary")
                .iter()
                .flat_map(|v| v.to_str().expect("ascii").split(','))
                .any(|v| v.trim().eq_ignore_ascii_case("accept-encoding")),
            "{accept:?}: {headers:?}"
        );
        assert_eq!(response.text().await.expect("body"), body, "{accept:?}");
    }
}

#[tokio::test]
async fn index_html_and_deep_links_are_revalidated_on_each_load() {
    // Arrange
    let dir = built_web_app();
    let mut settings = test_settings(fresh_database());
    settings.settings.static_dir = Some(dir.0.clone());
    let app = spawn_app_with(settings).await;

    for path in [
        "/",
        "/index.html",
        "/plans/1d3e4f5a-0000-4000-8000-000000000000",
    ] {
        // Act
        let response = app
            .client
            .get(app.url(path))
            .header("Accept-Encoding", "gzip")
            .send()
            .await
            .expect("the server answers");

        // Assert
        assert_eq!(response.status(), 200, "{path}");
        assert_eq!(response.headers()["cache-control"], "no-cache", "{path}");
        assert_eq!(response.headers()["content-encoding"], "gzip", "{path}");
        let etag = response.headers()["etag"].clone();

        let again = app
            .client
            .get(app.url(path))
            .header("Accept-Encoding", "gzip")
            .header("If-None-Match", etag)
            .send()
            .await
            .expect("the server answers");
        assert_eq!(again.status(), 304, "{path}");
    }
}
