//! The committed OpenAPI document is the one the code produces, and it describes exactly
//! the routes the server has.

use std::collections::BTreeSet;

use reqwest::Method;
use tests::spawn_app;

#[test]
fn the_committed_openapi_document_matches_the_code() {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../openapi/openapi.json");
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    let generated = backend::openapi::document_json();

    if committed != generated {
        let diff = similar::TextDiff::from_lines(&committed, &generated)
            .unified_diff()
            .context_radius(3)
            .header(
                "openapi/openapi.json (committed)",
                "generated from the code",
            )
            .to_string();
        panic!("openapi/openapi.json is out of date; run `cargo xtask openapi`.\n{diff}");
    }
}

#[tokio::test]
async fn the_server_serves_the_same_document() {
    let app = spawn_app().await;

    let served: serde_json::Value = app.get_ok("/api/openapi.json").await;

    let generated: serde_json::Value =
        serde_json::from_str(&backend::openapi::document_json()).expect("JSON");
    assert_eq!(served, generated);
    assert_eq!(served["openapi"], "3.1.0");
    assert!(served["paths"]["/api/v1/plans/{plan_id}"]["get"].is_object());
    // Enums are documented with their wire values.
    let schemas = &served["components"]["schemas"];
    assert_eq!(
        schemas["PlanStatus"]["enum"],
        serde_json::json!(["draft", "adopted", "closed"])
    );
    assert_eq!(
        schemas["ApiScope"]["enum"],
        serde_json::json!(["plans:read", "actions:propose", "webhooks:manage"])
    );
    assert_eq!(schemas["ActionStatus"]["enum"][0], "non_commence");
    let schemes = &served["components"]["securitySchemes"];
    assert_eq!(schemes["bearer"]["scheme"], "bearer");
    assert_eq!(schemes["api_token"]["scheme"], "bearer");
}

/// `(METHOD, /path/{param})` of every operation of the document.
fn documented() -> BTreeSet<(String, String)> {
    let document: serde_json::Value =
        serde_json::from_str(&backend::openapi::document_json()).expect("JSON");
    let mut operations = BTreeSet::new();
    for (path, item) in document["paths"].as_object().expect("paths") {
        for method in item.as_object().expect("path item").keys() {
            operations.insert((method.to_uppercase(), path.clone()));
        }
    }
    operations
}

/// `(METHOD, /path/{param})` of every handler of `backend/src/routes`, read from their
/// `#[get("…")]`-style attributes: what the router serves. Handlers registered before the
/// `/api/v1` scope in `routes::configure` sit at the root.
fn handlers() -> BTreeSet<(String, String)> {
    let folder = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../backend/src/routes");
    let configure = std::fs::read_to_string(folder.join("mod.rs")).expect("routes/mod.rs");
    let root_part = configure
        .split("scope(\"/api/v1\")")
        .next()
        .expect("configure");
    let mut routes = BTreeSet::new();
    for entry in std::fs::read_dir(&folder).expect("routes folder") {
        let path = entry.expect("entry").path();
        let module = path
            .file_stem()
            .and_then(|s| s.to_str())
            .unwrap_or_default()
            .to_owned();
        let source = std::fs::read_to_string(&path).expect("source");
        let lines: Vec<&str> = source.lines().map(str::trim).collect();
        for (index, line) in lines.iter().enumerate() {
            for method in ["get", "post", "put", "patch", "delete"] {
                let Some(rest) = line.strip_prefix(&format!("#[{method}(\"")) else {
                    continue;
                };
                let route = rest.split('"').next().expect("a path");
                let name = lines[index + 1..]
                    .iter()
                    .find_map(|l| l.strip_prefix("pub async fn "))
                    .and_then(|l| l.split('(').next())
                    .expect("a handler after the attribute");
                let at_root = root_part.contains(&format!("{module}::{name})"));
                let full = if at_root {
                    route.to_owned()
                } else {
                    format!("/api/v1{route}")
                };
                routes.insert((method.to_uppercase(), full));
            }
        }
    }
    routes
}

#[test]
fn every_handler_is_documented_and_every_documented_route_has_a_handler() {
    let documented = documented();
    let handlers = handlers();
    assert!(
        handlers.len() > 50,
        "the handlers were found: {}",
        handlers.len()
    );
    let undocumented: Vec<_> = handlers.difference(&documented).collect();
    let unserved: Vec<_> = documented.difference(&handlers).collect();
    assert!(
        undocumented.is_empty(),
        "handlers missing from the document: {undocumented:?}"
    );
    assert!(
        unserved.is_empty(),
        "documented routes without a handler: {unserved:?}"
    );
}

#[tokio::test]
async fn the_running_server_routes_every_documented_operation() {
    let app = spawn_app().await;
    let id = uuid::Uuid::new_v4().to_string();
    let mut unrouted = Vec::new();
    for (method, path) in documented() {
        let concrete: String = path
            .split('/')
            .map(|segment| {
                if segment.starts_with('{') {
                    id.as_str()
                } else {
                    segment
                }
            })
            .collect::<Vec<_>>()
            .join("/");
        let method: Method = method.parse().expect("a method");
        let response = app
            .send_as(
                method.clone(),
                None,
                &concrete,
                Some(&serde_json::json!({})),
            )
            .await;
        let status = response.status().as_u16();
        let problem: serde_json::Value = response.json().await.unwrap_or_default();
        if status == 405 || problem["code"] == "no_route" {
            unrouted.push(format!("{method} {path}: {status} {problem}"));
        }
    }
    assert!(
        unrouted.is_empty(),
        "documented but not routed:\n{}",
        unrouted.join("\n")
    );
    // And the converse, for something the document does not have.
    let response = app
        .send_as(Method::GET, None, "/api/v1/nothing-here", None)
        .await;
    assert_eq!(response.status().as_u16(), 404);
}
