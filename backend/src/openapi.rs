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

/// The document as committed: pretty JSON with a final newline.
pub fn document_json() -> String {
    let mut json = document()
        .to_pretty_json()
        .expect("the OpenAPI document serialises");
    json.push('\n');
    json
}
