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
                       and their follow-up. Errors are RFC 9457 problem details.",
        license(name = "EUPL-1.2", identifier = "EUPL-1.2"),
    ),
    tags(
        (name = "plans", description = "Plans and their tree"),
        (name = "health", description = "Probes for load balancers"),
    ),
    components(schemas(api_types::Problem, api_types::FieldError))
)]
struct ApiDoc;

/// The base document (info, tags, shared schemas) that the routes are added to.
pub fn base() -> utoipa::openapi::OpenApi {
    ApiDoc::openapi()
}

/// The complete document, as served at `/api/openapi.json` and committed in `openapi/`.
pub fn document() -> utoipa::openapi::OpenApi {
    let (_, document) = App::new()
        .into_utoipa_app()
        .openapi(base())
        .configure(routes::configure)
        .split_for_parts();
    document
}

/// The document as committed: pretty JSON with a final newline.
pub fn document_json() -> String {
    let mut json = document()
        .to_pretty_json()
        .expect("the OpenAPI document serialises");
    json.push('\n');
    json
}
