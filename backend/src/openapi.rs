//! The OpenAPI document, collected from the registered handlers.

use actix_web::App;
use utoipa::OpenApi;
use utoipa_actix_web::AppExt;

use crate::routes;

#[derive(OpenApi)]
#[openapi(
    info(
        title = "PST — Plan Stratégique Transversal",
        description = "API of the PST product for Walloon CPAS: plans, objectives, actions \
                       and their follow-up.\n\n\
                       Conventions: everything under `/api/v1`; snake_case JSON; dates \
                       `YYYY-MM-DD`, instants RFC 3339 (UTC); unknown request fields refused. \
                       Errors are RFC 9457 problem details with a stable `code`. Edits carry \
                       the version read (`If-Match` or `version`): stale ones get 412/409. \
                       POSTs that create accept an `Idempotency-Key` header (a retry returns \
                       the first answer, with `Idempotent-Replayed: true`). Lists are paged \
                       with `page`/`per_page` and a `Link` header. API tokens (`pst_…`) are \
                       limited per minute: 429 with `Retry-After`. Webhook deliveries are \
                       signed: `PST-Signature: t=<unix>,v1=<hex HMAC-SHA256(secret, \
                       \"<t>.<body>\")>`.",
        license(name = "EUPL-1.2", identifier = "EUPL-1.2"),
    ),
    modifiers(&BearerSecurity),
    tags(
        (name = "auth", description = "Logging in and out; access and refresh tokens"),
        (name = "me", description = "The caller's own account"),
        (name = "plans", description = "Plans and their tree"),
        (name = "actions", description = "Actions and their follow-up"),
        (name = "change-requests", description = "Proposals of change and their approval"),
        (name = "structure", description = "Editing a plan's structure (the Directeur général)"),
        (name = "notifications", description = "The in-app inbox"),
        (name = "users", description = "Accounts of a CPAS and of the platform"),
        (name = "organisations", description = "The CPAS itself and its partners"),
        (name = "tenants", description = "The CPAS using the platform"),
        (name = "integrations", description = "API tokens and webhooks for integrators"),
        (name = "council", description = "Publication, adopted versions, evaluations, comparisons and the council's report"),
        (name = "public", description = "The public transparency page and its open data (no login)"),
        (name = "health", description = "Probes for load balancers"),
    ),
    components(schemas(api_types::Problem, api_types::FieldError))
)]
struct ApiDoc;

/// Declares the `bearer` scheme that the protected routes name.
struct BearerSecurity;

impl utoipa::Modify for BearerSecurity {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .bearer_format("JWT")
                    .description(Some(
                        "Access token from `POST /api/v1/auth/login`, valid 15 minutes.",
                    ))
                    .build(),
            ),
        );
        components.add_security_scheme(
            "api_token",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .bearer_format("pst_…")
                    .description(Some(
                        "API token of an integration (`POST /api/v1/api-tokens`), sent as \
                         `Authorization: Bearer pst_…`. Limited by its scopes: `plans:read`, \
                         `actions:propose`, `webhooks:manage`; rate-limited per token (429 with \
                         `Retry-After`).",
                    ))
                    .build(),
            ),
        );
    }
}

/// The base document (info, tags, shared schemas) that the routes are added to.
pub fn base() -> utoipa::openapi::OpenApi {
    ApiDoc::openapi()
}

/// The complete document, as served at `/api/openapi.json` and committed in `openapi/`.
pub fn document() -> utoipa::openapi::OpenApi {
    let (_, mut document) = App::new()
        .into_utoipa_app()
        .openapi(base())
        .configure(routes::configure)
        .split_for_parts();
    finish(&mut document);
    document
}

/// Completes what the route annotations leave out: OpenAPI requires a description on every
/// response, so one without gets its status's reason phrase ("Not Found").
pub fn finish(document: &mut utoipa::openapi::OpenApi) {
    use utoipa::openapi::RefOr;
    for item in document.paths.paths.values_mut() {
        let operations = [
            &mut item.get,
            &mut item.put,
            &mut item.post,
            &mut item.delete,
            &mut item.patch,
            &mut item.options,
            &mut item.head,
            &mut item.trace,
        ];
        for operation in operations.into_iter().flatten() {
            shared_responses(operation);
            for (status, response) in &mut operation.responses.responses {
                if let RefOr::T(response) = response
                    && response.description.is_empty()
                {
                    response.description = status
                        .parse::<u16>()
                        .ok()
                        .and_then(|code| actix_web::http::StatusCode::from_u16(code).ok())
                        .and_then(|code| code.canonical_reason())
                        .unwrap_or("Response")
                        .to_owned();
                }
            }
        }
    }
}

/// Documents the answers that the shared machinery gives on every route it applies to, so
/// that no handler annotation can forget them: the extractors' 400 (an unparsable id, query
/// string or JSON body) and 413 (a JSON body over 1 MiB), the 401 of a missing or bad
/// credential, the per-token 429, and the 503 of an unreachable database. A response the
/// route already documents keeps its own description.
fn shared_responses(operation: &mut utoipa::openapi::path::Operation) {
    let has_input = operation
        .parameters
        .as_ref()
        .is_some_and(|parameters| !parameters.is_empty())
        || operation.request_body.is_some();
    let json_body = matches!(
        &operation.request_body,
        Some(utoipa::openapi::RefOr::T(body)) if body.content.contains_key("application/json")
    );
    let schemes: Vec<String> = operation
        .security
        .iter()
        .flatten()
        .filter_map(|requirement| serde_json::to_value(requirement).ok())
        .filter_map(|value| {
            value
                .as_object()
                .map(|o| o.keys().cloned().collect::<Vec<_>>())
        })
        .flatten()
        .collect();
    // `/healthz` alone answers without the database.
    let uses_database = operation.operation_id.as_deref() != Some("healthz");

    let mut add = |status: &str, response: utoipa::openapi::Response| {
        operation
            .responses
            .responses
            .entry(status.to_owned())
            .or_insert(utoipa::openapi::RefOr::T(response));
    };
    if has_input {
        add(
            "400",
            problem("Malformed request: an unparsable id, query string, header or JSON body"),
        );
    }
    if has_input {
        add(
            "422",
            problem(
                "A field breaks a rule (its name and code in `errors`): a control character \
                 in a text, path or query parameter, a date outside 1900–2999…",
            ),
        );
    }
    if json_body {
        add("413", problem("The JSON body is over 1 MiB"));
    }
    if !schemes.is_empty() {
        add("401", problem("Missing, invalid or expired credential"));
    }
    if schemes.iter().any(|s| s == "api_token") {
        add(
            "429",
            retry_after(problem(
                "An API token over its requests per minute; retry after `Retry-After` seconds",
            )),
        );
    }
    if uses_database {
        add(
            "503",
            retry_after(problem(
                "The database is unreachable; retry after `Retry-After` seconds",
            )),
        );
    }
}

/// A problem-details response (RFC 9457).
fn problem(description: &str) -> utoipa::openapi::Response {
    use utoipa::openapi::{ContentBuilder, Ref, ResponseBuilder};
    ResponseBuilder::new()
        .description(description)
        .content(
            "application/problem+json",
            ContentBuilder::new()
                .schema(Some(Ref::from_schema_name("Problem")))
                .build(),
        )
        .build()
}

fn retry_after(mut response: utoipa::openapi::Response) -> utoipa::openapi::Response {
    use utoipa::openapi::schema::{ObjectBuilder, Type};
    response.headers.insert(
        "Retry-After".to_owned(),
        utoipa::openapi::header::HeaderBuilder::new()
            .schema(Some(
                ObjectBuilder::new()
                    .schema_type(Type::Integer)
                    .minimum(Some(0)),
            ))
            .description(Some("Seconds to wait before retrying"))
            .build()
            .into(),
    );
    response
}

/// The document as committed: pretty JSON with a final newline.
pub fn document_json() -> String {
    let mut json = document()
        .to_pretty_json()
        .expect("the OpenAPI document serialises");
    json.push('\n');
    json
}
