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
        (name = "auth", description = "Logging in and out (with a password, or through the CPAS's identity provider); access and refresh tokens"),
        (name = "me", description = "The caller's own account"),
        (name = "plans", description = "Plans and their tree"),
        (name = "actions", description = "Actions and their follow-up"),
        (name = "change-requests", description = "Proposals of change and their approval"),
        (name = "structure", description = "Editing a plan's structure (the Directeur général)"),
        (name = "comments", description = "Discussions on actions and sub-actions, with mentions"),
        (name = "attachments", description = "Evidence files of actions, proposals and comments"),
        (name = "tasks", description = "Dated tasks on actions and sub-actions, given to a person or an organisation"),
        (name = "notifications", description = "The in-app inbox, how each topic reaches a person, and the unsubscribe links of the e-mails"),
        (name = "users", description = "Accounts of a CPAS and of the platform"),
        (name = "single sign-on", description = "The CPAS's identity providers (OpenID Connect), as its DG sets them up"),
        (name = "organisations", description = "The CPAS itself and its partners"),
        (name = "tenants", description = "The CPAS using the platform"),
        (name = "integrations", description = "API tokens and webhooks for integrators"),
        (name = "periods", description = "Reporting periods of a plan: update requests, reminders, completion, the figures kept at the close"),
        (name = "council", description = "Publication, adopted versions, evaluations, comparisons and the council's report"),
        (name = "public", description = "The public transparency page and its open data (no login)"),
        (name = "health", description = "Probes for load balancers"),
    ),
    components(schemas(
        api_types::Problem,
        api_types::FieldError,
        api_types::ChangeRequestCreatedEvent,
        api_types::ChangeRequestApprovedEvent,
        api_types::ChangeRequestRejectedEvent,
        api_types::ActionUpdatedEvent,
        api_types::PlanAdoptedEvent,
        api_types::TaskCreatedEvent,
        api_types::TaskCompletedEvent,
        api_types::SubActionCreatedEvent,
        // Named by a query parameter only.
        api_types::TaskFilter,
    ))
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
                        "Access token from `POST /api/v1/auth/login`, valid 15 minutes. While \
                         the account's password is one it was given (`must_change_password` \
                         in `GET /api/v1/me`), the token only reads `/me`, changes the \
                         password, lists and ends the person's sessions and logs out: \
                         anything else is 403 `password_change_required`.",
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

/// Completes what the route annotations leave out, the same way for every operation, so
/// that no annotation can forget it:
/// - `security: []` on the public operations; on the others, `x-required-scopes` (the API
///   token's scopes, read from its security requirement) and a sentence saying who may call;
/// - the answers of the shared machinery (see [`shared_responses`]);
/// - `Idempotency-Key` on every POST the idempotency middleware honours, and
///   `Idempotent-Replayed` on its answers;
/// - an optional body (`Option<T>`) as a plain optional `$ref`, not `oneOf [T, null]`;
/// - files (every body that is not JSON) as `type: string, format: binary`;
/// - a description on every response (OpenAPI requires one): its status's reason phrase;
/// - the `webhooks` the API sends, and a `servers` entry.
pub fn finish(document: &mut utoipa::openapi::OpenApi) {
    use utoipa::openapi::RefOr;
    for item in document.paths.paths.values_mut() {
        let operations = [
            (&mut item.get, false),
            (&mut item.put, false),
            (&mut item.post, true),
            (&mut item.delete, false),
            (&mut item.patch, false),
            (&mut item.options, false),
            (&mut item.head, false),
            (&mut item.trace, false),
        ];
        for (operation, is_post) in operations {
            let Some(operation) = operation else { continue };
            access(operation);
            let idempotent = is_post && !security_schemes(operation).is_empty();
            if idempotent {
                idempotency_key(operation);
            }
            shared_responses(operation);
            if idempotent {
                idempotent_replies(operation);
            }
            optional_body(operation);
            binary_bodies(operation);
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
    examples(document);
    webhooks(document);
    document.servers = Some(vec![
        utoipa::openapi::server::ServerBuilder::new()
            .url("/")
            .description(Some(
                "The server that serves this document (the API is under `/api/v1`)",
            ))
            .build(),
    ]);
}

/// The security schemes an operation accepts, each with the scopes it names.
fn security_schemes(operation: &utoipa::openapi::path::Operation) -> Vec<(String, Vec<String>)> {
    operation
        .security
        .iter()
        .flatten()
        .filter_map(|requirement| serde_json::to_value(requirement).ok())
        .filter_map(|value| {
            serde_json::from_value::<std::collections::BTreeMap<String, Vec<String>>>(value).ok()
        })
        .flatten()
        .collect()
}

/// Who may call: `security: []` when nobody needs a credential; the API token's scopes as
/// `x-required-scopes`; and a sentence at the end of the description, which also gets the
/// summary when the annotation gave no description.
fn access(operation: &mut utoipa::openapi::path::Operation) {
    let schemes = security_schemes(operation);
    let token_scopes = schemes
        .iter()
        .find(|(name, _)| name == "api_token")
        .map(|(_, scopes)| scopes.clone());
    let sentence = if schemes.is_empty() {
        operation.security = Some(Vec::new());
        "Public: no credential.".to_owned()
    } else {
        match &token_scopes {
            None => "For people signed in (`bearer`): an API token gets 403 \
                     `api_token_not_allowed`."
                .to_owned(),
            Some(scopes) => {
                let named: Vec<String> = scopes.iter().map(|s| format!("`{s}`")).collect();
                format!(
                    "People signed in (`bearer`), or an API token (`api_token`) with the scope \
                     {} (otherwise 403 `insufficient_scope`).",
                    named.join(" and ")
                )
            }
        }
    };
    if let Some(scopes) = token_scopes {
        let extensions = operation.extensions.get_or_insert_with(Default::default);
        extensions.merge(
            utoipa::openapi::extensions::ExtensionsBuilder::new()
                .add("x-required-scopes", scopes)
                .build(),
        );
    }
    // The doc comment's first paragraph is the summary: keep its first sentence there, and
    // the whole paragraph, then the rest, in the description.
    let paragraph = operation
        .summary
        .as_deref()
        .unwrap_or_default()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    let first_sentence = paragraph
        .split_inclusive(". ")
        .next()
        .unwrap_or_default()
        .trim()
        .trim_end_matches('.')
        .to_owned();
    if !first_sentence.is_empty() {
        operation.summary = Some(first_sentence);
    }
    let rest = operation
        .description
        .take()
        .filter(|d| !d.trim().is_empty())
        .map(|d| format!("\n\n{}", d.trim_end()))
        .unwrap_or_default();
    operation.description = Some(format!("{paragraph}{rest}\n\n{sentence}"));
}

/// `Idempotency-Key` (optional) on a POST that the idempotency middleware honours: every
/// authenticated POST under `/api/v1`. A replayed answer carries `Idempotent-Replayed:
/// true`; a key still running is 409, a key reused for another request 422.
fn idempotency_key(operation: &mut utoipa::openapi::path::Operation) {
    use utoipa::openapi::path::{ParameterBuilder, ParameterIn};
    use utoipa::openapi::schema::{ObjectBuilder, Type};
    use utoipa::openapi::{RefOr, Required};
    let parameter = ParameterBuilder::new()
        .name("Idempotency-Key")
        .parameter_in(ParameterIn::Header)
        .required(Required::False)
        .description(Some(
            "A key of the client's choosing (a UUID, say) that makes a retry safe: the same \
             key with the same request gets the first answer again, with \
             `Idempotent-Replayed: true`, for 24 hours. A key reused for another request is \
             refused (422 `idempotency_key_reused`).",
        ))
        .schema(Some(
            ObjectBuilder::new()
                .schema_type(Type::String)
                .min_length(Some(1))
                .max_length(Some(255))
                .pattern(Some("^[!-~]{1,255}$")),
        ))
        .build();
    operation
        .parameters
        .get_or_insert_with(Vec::new)
        .push(RefOr::T(parameter));
}

/// The answers of a POST that takes `Idempotency-Key`: any of them but a 5xx may be the
/// replay of an earlier one.
fn idempotent_replies(operation: &mut utoipa::openapi::path::Operation) {
    use utoipa::openapi::RefOr;
    use utoipa::openapi::schema::{ObjectBuilder, Type};
    for (status, response) in &mut operation.responses.responses {
        if status.starts_with('5') {
            continue;
        }
        if let RefOr::T(response) = response {
            response.headers.insert(
                "Idempotent-Replayed".to_owned(),
                RefOr::T(
                    utoipa::openapi::header::HeaderBuilder::new()
                        .schema(Some(
                            ObjectBuilder::new()
                                .schema_type(Type::String)
                                .enum_values(Some(["true"])),
                        ))
                        .description(Some(
                            "`true` when this is the stored answer to an earlier request with \
                             the same `Idempotency-Key`",
                        ))
                        .build(),
                ),
            );
        }
    }
    operation
        .responses
        .responses
        .entry("409".to_owned())
        .or_insert(RefOr::T(problem(
            "A conflict; or a request with the same `Idempotency-Key` is still running \
             (`idempotency_in_progress`)",
        )));
}

/// An optional body is sent or not: a plain `$ref` in a body that is not required, rather
/// than `oneOf [T, null]` (which generated clients turn into a union they cannot call
/// naturally).
fn optional_body(operation: &mut utoipa::openapi::path::Operation) {
    use utoipa::openapi::RefOr;
    use utoipa::openapi::schema::{Schema, SchemaType, Type};
    let Some(RefOr::T(body)) = &mut operation.request_body else {
        return;
    };
    if body.required == Some(utoipa::openapi::Required::True) {
        return;
    }
    for content in body.content.values_mut() {
        let RefOr::T(content) = content else { continue };
        let Some(RefOr::T(Schema::OneOf(one_of))) = &content.schema else {
            continue;
        };
        let is_null = |schema: &RefOr<Schema>| matches!(schema, RefOr::T(Schema::Object(o)) if o.schema_type == SchemaType::Type(Type::Null));
        let mut others = one_of.items.iter().filter(|s| !is_null(s));
        if let (Some(only), None) = (others.next(), others.next())
            && one_of.items.iter().any(is_null)
        {
            content.schema = Some(only.clone());
        }
    }
}

/// A body that is not JSON is a file: bytes, `type: string, format: binary`, so that a
/// generated client sends and returns it as bytes (not as an array of integers, nor as text
/// it would decode).
fn binary_bodies(operation: &mut utoipa::openapi::path::Operation) {
    use utoipa::openapi::RefOr;
    let binary = || {
        use utoipa::openapi::schema::{KnownFormat, ObjectBuilder, SchemaFormat, Type};
        RefOr::T(utoipa::openapi::schema::Schema::Object(
            ObjectBuilder::new()
                .schema_type(Type::String)
                .format(Some(SchemaFormat::KnownFormat(KnownFormat::Binary)))
                .build(),
        ))
    };
    let is_file = |media_type: &str| !media_type.contains("json");
    if let Some(RefOr::T(body)) = &mut operation.request_body {
        for (media_type, content) in &mut body.content {
            if let (true, RefOr::T(content)) = (is_file(media_type), content) {
                content.schema = Some(binary());
            }
        }
    }
    for response in operation.responses.responses.values_mut() {
        let RefOr::T(response) = response else {
            continue;
        };
        for (media_type, content) in &mut response.content {
            if let (true, RefOr::T(content)) = (is_file(media_type), content) {
                content.schema = Some(binary());
            }
        }
    }
}

/// Real answers of the demo server (ids and all, trimmed where long), as the examples of
/// the main operations: `backend/src/openapi_examples/<operationId>_<status>.json`.
const EXAMPLES: &[(&str, &str, &str)] = &[
    (
        "login",
        "200",
        include_str!("openapi_examples/login_200.json"),
    ),
    (
        "login",
        "401",
        include_str!("openapi_examples/login_401.json"),
    ),
    (
        "get_plan",
        "200",
        include_str!("openapi_examples/get_plan_200.json"),
    ),
    (
        "get_action",
        "200",
        include_str!("openapi_examples/get_action_200.json"),
    ),
    (
        "propose_change",
        "201",
        include_str!("openapi_examples/propose_change_201.json"),
    ),
    (
        "propose_change",
        "409",
        include_str!("openapi_examples/propose_change_409.json"),
    ),
    (
        "propose_change",
        "422",
        include_str!("openapi_examples/propose_change_422.json"),
    ),
    (
        "approve_change_request",
        "200",
        include_str!("openapi_examples/approve_change_request_200.json"),
    ),
    (
        "list_change_requests",
        "200",
        include_str!("openapi_examples/list_change_requests_200.json"),
    ),
];

/// Puts each of [`EXAMPLES`] on its operation's response (every media type of it).
fn examples(document: &mut utoipa::openapi::OpenApi) {
    use utoipa::openapi::RefOr;
    for item in document.paths.paths.values_mut() {
        let operations = [
            &mut item.get,
            &mut item.put,
            &mut item.post,
            &mut item.delete,
            &mut item.patch,
        ];
        for operation in operations.into_iter().flatten() {
            let id = operation.operation_id.clone().unwrap_or_default();
            for (_, status, json) in EXAMPLES.iter().filter(|(op, _, _)| *op == id) {
                let example: serde_json::Value =
                    serde_json::from_str(json).expect("the examples are JSON");
                let Some(RefOr::T(response)) = operation.responses.responses.get_mut(*status)
                else {
                    continue;
                };
                for content in response.content.values_mut() {
                    if let RefOr::T(content) = content {
                        content.example = Some(example.clone());
                    }
                }
            }
        }
    }
}

/// The webhooks the API sends (OpenAPI 3.1 `webhooks`): one POST per event, its body the
/// typed envelope of that event, with the delivery headers.
fn webhooks(document: &mut utoipa::openapi::OpenApi) {
    use utoipa::openapi::path::{
        HttpMethod, OperationBuilder, ParameterBuilder, ParameterIn, PathItem,
    };
    use utoipa::openapi::request_body::RequestBodyBuilder;
    use utoipa::openapi::schema::{ObjectBuilder, Schema, Type};
    use utoipa::openapi::{ContentBuilder, Ref, RefOr, Required, ResponseBuilder};
    let header = |name: &str, description: &str, pattern: Option<&str>| {
        ParameterBuilder::new()
            .name(name)
            .parameter_in(ParameterIn::Header)
            .required(Required::True)
            .description(Some(description))
            .schema(Some(
                ObjectBuilder::new()
                    .schema_type(Type::String)
                    .pattern(pattern),
            ))
            .build()
    };
    let components = document.components.get_or_insert_with(Default::default);
    let mut paths = utoipa::openapi::path::PathsBuilder::new();
    for (schema, event) in api_types::WEBHOOK_PAYLOADS {
        // The envelope's `type` is this event's, not any event.
        if let Some(RefOr::T(Schema::Object(object))) = components.schemas.get_mut(*schema) {
            object.properties.insert(
                "type".to_owned(),
                ObjectBuilder::new()
                    .schema_type(Type::String)
                    .enum_values(Some([event.as_str()]))
                    .description(Some("The event type (also in the `PST-Event` header)"))
                    .into(),
            );
        }
        let operation = OperationBuilder::new()
            .operation_id(Some(format!("on_{}", event.as_str().replace('.', "_"))))
            .tag("integrations")
            .summary(Some(format!("The `{}` event", event.as_str())))
            .description(Some(
                "Sent as a POST to each active webhook of the CPAS subscribed to the event, \
                 at least once (retried with backoff until a 2xx, about two days): \
                 de-duplicate with the body's `id` (also `PST-Delivery` per attempt series). \
                 Check `PST-Signature` before trusting the body.",
            ))
            .parameter(header(
                "PST-Signature",
                "`t=<unix seconds>,v1=<hex HMAC-SHA256(secret, \"<t>.<raw body>\")>`, with the \
                 webhook's secret; refuse a `t` more than five minutes old",
                Some("^t=[0-9]+,v1=[0-9a-f]{64}$"),
            ))
            .parameter(header("PST-Event", "The event type", None))
            .parameter(header("PST-Delivery", "The delivery's id", None))
            .request_body(Some(
                RequestBodyBuilder::new()
                    .required(Some(Required::True))
                    .content(
                        "application/json",
                        ContentBuilder::new()
                            .schema(Some(Ref::from_schema_name(*schema)))
                            .build(),
                    )
                    .build(),
            ))
            .response(
                "2XX",
                ResponseBuilder::new()
                    .description("Received: the delivery is done")
                    .build(),
            )
            .response(
                "default",
                ResponseBuilder::new()
                    .description("Anything else (or no answer in 10 s): retried later")
                    .build(),
            );
        paths = paths.path(event.as_str(), PathItem::new(HttpMethod::Post, operation));
    }
    document.webhooks = Some(paths.build());
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
    let schemes: Vec<String> = security_schemes(operation)
        .into_iter()
        .map(|(name, _)| name)
        .collect();
    // `/healthz` alone answers without the database.
    let uses_database = operation.operation_id.as_deref() != Some("check_health");

    // A response the route declares without a description gets the shared one.
    let mut add = |status: &str, response: utoipa::openapi::Response| {
        let description = response.description.clone();
        let entry = operation
            .responses
            .responses
            .entry(status.to_owned())
            .or_insert(utoipa::openapi::RefOr::T(response));
        if let utoipa::openapi::RefOr::T(existing) = entry
            && existing.description.is_empty()
        {
            existing.description = description;
        }
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
    if !schemes.is_empty() {
        add(
            "403",
            problem(
                "The caller may not do this: their role or organisation (`forbidden`), an API \
                 token where only people may act (`api_token_not_allowed`), one without the \
                 scope this needs (`insufficient_scope`), or a person who must first choose \
                 their own password (`password_change_required`: see `GET /api/v1/me`)",
            ),
        );
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
