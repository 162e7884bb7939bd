//! The committed OpenAPI document is the one the code produces.

use tests::spawn_app;

#[test]
fn the_committed_openapi_document_matches_the_code() {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../openapi/openapi.json");
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    let generated = backend::openapi::document_json();

    if committed != generated {
        let first_difference = committed
            .lines()
            .zip(generated.lines())
            .enumerate()
            .find(|(_, (a, b))| a != b)
            .map_or_else(
                || "one document is a prefix of the other".to_owned(),
                |(n, (a, b))| format!("line {}:\n- {a}\n+ {b}", n + 1),
            );
        panic!(
            "openapi/openapi.json is out of date; run `cargo xtask openapi`.\n{first_difference}"
        );
    }
}

#[tokio::test]
async fn the_server_serves_the_same_document() {
    let app = spawn_app().await;

    let served: serde_json::Value = app.get_ok("/api/openapi.json").await;

    let generated: serde_json::Value =
        serde_json::from_str(&backend::openapi::document_json()).expect("JSON");
    assert_eq!(served, generated);
    assert!(served["paths"]["/api/v1/plans/{plan_id}"]["get"].is_object());
}
