//! Problem answers that many routes give, named once for their OpenAPI annotations: a
//! handler lists `problems::NotFound` beside its own specific answers. The answers of the
//! shared machinery (400, 401, 403, 413, 422, 429, 503) are not listed at all: the document
//! adds them to every operation they apply to (`openapi::shared_responses`).

use api_types::Problem;

/// 404: nothing of that id in the caller's CPAS.
#[derive(utoipa::IntoResponses)]
#[response(
    status = 404,
    description = "Nothing of that id in the caller's CPAS (what belongs to another CPAS is \
                   not found either)",
    content_type = "application/problem+json"
)]
pub struct NotFound(pub Problem);
