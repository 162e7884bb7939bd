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

fn document() -> serde_json::Value {
    serde_json::from_str(&backend::openapi::document_json()).expect("JSON")
}

/// Every operation of the document, as `(METHOD /path, operation)`.
fn operations(document: &serde_json::Value) -> Vec<(String, serde_json::Value)> {
    let mut all = Vec::new();
    for (path, item) in document["paths"].as_object().expect("paths") {
        for (method, operation) in item.as_object().expect("a path item") {
            all.push((
                format!("{} {path}", method.to_uppercase()),
                operation.clone(),
            ));
        }
    }
    all
}

#[test]
fn operation_ids_read_as_client_method_names() {
    let document = document();
    let mut seen = BTreeSet::new();
    let mut bad = Vec::new();
    for (operation, body) in operations(&document) {
        let id = body["operationId"].as_str().unwrap_or_default().to_owned();
        // A verb and what it acts on (`list_change_requests`, `get_me`); `login` and
        // `logout` say it in one word.
        let reads_well = id.contains('_') || matches!(id.as_str(), "login" | "logout");
        if !reads_well || !id.chars().all(|c| c.is_ascii_lowercase() || c == '_') {
            bad.push(format!("{operation}: `{id}`"));
        }
        if !seen.insert(id.clone()) {
            bad.push(format!("{operation}: `{id}` is used twice"));
        }
    }
    assert!(bad.is_empty(), "operationIds:\n{}", bad.join("\n"));
}

#[test]
fn every_operation_says_who_may_call_it() {
    let document = document();
    let mut bad = Vec::new();
    for (operation, body) in operations(&document) {
        let description = body["description"].as_str().unwrap_or_default();
        if description.trim().is_empty() || body["summary"].as_str().unwrap_or_default().is_empty()
        {
            bad.push(format!("{operation}: no summary or description"));
        }
        let Some(security) = body["security"].as_array() else {
            bad.push(format!("{operation}: no `security` (public ones say `[]`)"));
            continue;
        };
        let token = security.iter().find_map(|s| s.get("api_token"));
        match token {
            Some(scopes) => {
                if body["x-required-scopes"] != *scopes
                    || scopes.as_array().is_none_or(Vec::is_empty)
                {
                    bad.push(format!(
                        "{operation}: x-required-scopes {} against the security's {scopes}",
                        body["x-required-scopes"]
                    ));
                }
                for scope in scopes.as_array().into_iter().flatten() {
                    let scope = scope.as_str().unwrap_or_default();
                    if !description.contains(&format!("`{scope}`")) {
                        bad.push(format!(
                            "{operation}: the description does not name `{scope}`"
                        ));
                    }
                }
            }
            None if !security.is_empty() && !description.contains("api_token_not_allowed") => {
                bad.push(format!(
                    "{operation}: the description does not say tokens are refused"
                ));
            }
            None => {}
        }
        if !security.is_empty() && body["responses"]["403"].is_null() {
            bad.push(format!("{operation}: no 403 declared"));
        }
    }
    assert!(bad.is_empty(), "{}", bad.join("\n"));
}

#[test]
fn problem_codes_are_an_enum_of_every_code() {
    let document = document();
    let schemas = &document["components"]["schemas"];
    assert_eq!(
        schemas["Problem"]["properties"]["code"]["$ref"],
        "#/components/schemas/ProblemCode"
    );
    let listed: Vec<&str> = schemas["ProblemCode"]["enum"]
        .as_array()
        .expect("an enum")
        .iter()
        .filter_map(|v| v.as_str())
        .collect();
    let all: Vec<&str> = api_types::ProblemCode::ALL
        .iter()
        .map(|c| c.as_str())
        .collect();
    assert_eq!(listed, all);
}

#[test]
fn files_are_bytes_and_optional_bodies_plain_references() {
    let document = document();
    let paths = &document["paths"];
    let binary = serde_json::json!({ "type": "string", "format": "binary" });
    let import = &paths["/api/v1/plans/import"]["post"]["requestBody"]["content"];
    for media_type in [
        "text/csv",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ] {
        assert_eq!(
            import[media_type]["schema"], binary,
            "import as {media_type}"
        );
        assert_eq!(
            paths["/api/v1/plans/{plan_id}/export"]["get"]["responses"]["200"]["content"]
                [media_type]["schema"],
            binary,
            "export as {media_type}"
        );
    }
    let approve =
        &paths["/api/v1/change-requests/{change_request_id}/approve"]["post"]["requestBody"];
    assert_eq!(
        approve["content"]["application/json"]["schema"],
        serde_json::json!({ "$ref": "#/components/schemas/Approval" })
    );
    assert_ne!(approve["required"], true);
}

#[test]
fn creations_take_an_idempotency_key_and_say_when_they_replay() {
    let document = document();
    let propose = &document["paths"]["/api/v1/actions/{action_id}/change-requests"]["post"];
    let parameters = propose["parameters"].as_array().expect("parameters");
    assert!(
        parameters
            .iter()
            .any(|p| p["name"] == "Idempotency-Key" && p["in"] == "header")
    );
    assert!(propose["responses"]["201"]["headers"]["Idempotent-Replayed"].is_object());
    // Every authenticated POST: the middleware honours the key on each.
    for (operation, body) in operations(&document) {
        let secured = body["security"].as_array().is_some_and(|s| !s.is_empty());
        if operation.starts_with("POST /api/v1/") && secured {
            let declared = body["parameters"]
                .as_array()
                .into_iter()
                .flatten()
                .any(|p| p["name"] == "Idempotency-Key");
            assert!(declared, "{operation} does not declare Idempotency-Key");
        }
    }
}

#[test]
fn the_webhooks_are_typed_per_event_and_signed() {
    let document = document();
    let webhooks = document["webhooks"]
        .as_object()
        .expect("a webhooks section");
    for event in [
        "change_request.created",
        "change_request.approved",
        "change_request.rejected",
        "action.updated",
        "plan.adopted",
    ] {
        let operation = &webhooks[event]["post"];
        let schema = operation["requestBody"]["content"]["application/json"]["schema"]["$ref"]
            .as_str()
            .unwrap_or_else(|| panic!("{event}: no body"));
        let name = schema.rsplit('/').next().expect("a name");
        let body = &document["components"]["schemas"][name];
        assert_eq!(
            body["properties"]["type"]["enum"],
            serde_json::json!([event]),
            "{event}"
        );
        assert!(
            body["properties"]["data"].is_object(),
            "{event}: typed data"
        );
        assert!(
            operation["parameters"]
                .as_array()
                .expect("headers")
                .iter()
                .any(|p| p["name"] == "PST-Signature"),
            "{event}: the signature header"
        );
    }
    assert!(document["servers"][0]["url"].is_string());
}

#[tokio::test]
async fn the_docs_address_without_a_slash_leads_to_the_docs() {
    let app = spawn_app().await;
    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("a client");
    let response = client
        .get(app.url("/api/docs"))
        .send()
        .await
        .expect("an answer");
    assert_eq!(response.status().as_u16(), 308);
    assert_eq!(response.headers()["location"], "/api/docs/");
    let page = app.get("/api/docs/").await;
    assert_eq!(page.status().as_u16(), 200);
}
