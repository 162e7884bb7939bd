//! HTTP handlers, thin: extract → parse → (authorize) → one unit of database work → DTO.

pub mod actions;
pub mod attachments;
pub mod auth;
pub mod change_requests;
pub mod comments;
pub mod council;
mod extract;
pub mod health;
pub mod identity_providers;
pub mod integrations;
pub mod interchange;
pub mod me;
pub mod notifications;
pub mod organisations;
pub mod periods;
pub mod plans;
pub mod problems;
pub mod sectoral;
pub mod structure;
pub mod tasks;
pub mod users;

pub use crate::app::RequestDb;
pub use extract::{DocumentLanguage, Json, LanguageQuery, OptionalJson};

use api_types::ProblemCode;
use utoipa_actix_web::service_config::ServiceConfig;

use crate::error::ApiError;

/// Registers every documented route; the OpenAPI document is collected from the same calls,
/// so the spec cannot list a route the server lacks, or miss one it has.
pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(health::healthz)
        // Load balancers probe with HEAD as often as with GET.
        .route(
            "/healthz",
            actix_web::web::head().to(actix_web::HttpResponse::Ok),
        )
        .service(health::readyz)
        .service(council::public_page)
        .service(
            utoipa_actix_web::scope("/api/v1")
                .service(auth::login)
                .service(auth::refresh)
                .service(auth::logout)
                .service(auth::sign_in_providers)
                .service(auth::start_oidc_sign_in)
                .service(auth::complete_oidc_sign_in)
                .service(me::me)
                .service(me::change_password)
                .service(me::my_sessions)
                .service(me::end_my_session)
                .service(me::end_my_other_sessions)
                .service(me::my_actions)
                .service(me::my_identity)
                .service(me::set_my_identity)
                .service(me::my_second_factor)
                .service(me::start_second_factor)
                .service(me::confirm_second_factor)
                .service(me::disable_second_factor)
                .service(plans::list_plans)
                .service(plans::get_plan)
                .service(plans::plan_summary)
                .service(interchange::export_plan)
                .service(interchange::export_ecomptes)
                .service(interchange::import_ecomptes)
                .service(interchange::get_reconciliation)
                .service(interchange::import_plan)
                .service(council::publish)
                .service(council::unpublish)
                .service(council::list_versions)
                .service(council::readopt)
                .service(council::list_evaluations)
                .service(council::create_evaluation)
                .service(council::compare)
                .service(council::evaluation_report)
                .service(council::public_plan_json)
                .service(periods::open_reporting_period)
                .service(periods::list_reporting_periods)
                .service(periods::get_reporting_period)
                .service(periods::close_reporting_period)
                .service(periods::get_reporting_settings)
                .service(periods::set_reporting_settings)
                .service(periods::get_indicator_history)
                .service(actions::list_actions)
                .service(actions::get_action)
                .service(actions::edit_action)
                .service(actions::history)
                .service(actions::ecomptes)
                .service(actions::budget_projections)
                .service(change_requests::propose)
                .service(change_requests::list)
                .service(change_requests::get_one)
                .service(change_requests::approve)
                .service(change_requests::reject)
                .service(change_requests::withdraw)
                .service(notifications::inbox)
                .service(notifications::mark_read)
                .service(notifications::mark_all_read)
                .service(notifications::my_notification_preferences)
                .service(notifications::set_my_notification_preferences)
                .service(notifications::unsubscribe_link)
                .service(notifications::use_unsubscribe_link)
                .service(structure::create_plan)
                .service(structure::update_plan)
                .service(structure::adopt_plan)
                .service(structure::close_plan)
                .service(structure::create_objective)
                .service(structure::update_objective)
                .service(structure::delete_objective)
                .service(structure::create_action)
                .service(structure::create_sub_action)
                .service(structure::update_action_definition)
                .service(structure::set_action_organisations)
                .service(sectoral::list_sectoral_plans)
                .service(sectoral::create_sectoral_plan)
                .service(sectoral::rename_sectoral_plan)
                .service(sectoral::delete_sectoral_plan)
                .service(sectoral::tag_objective)
                .service(sectoral::tag_action)
                .service(structure::delete_action)
                .service(structure::archive_action)
                .service(structure::create_indicator)
                .service(structure::update_indicator)
                .service(structure::delete_indicator)
                .service(structure::create_budget_line)
                .service(structure::update_budget_line)
                .service(structure::delete_budget_line)
                .service(structure::create_budget_projection)
                .service(structure::update_budget_projection)
                .service(structure::delete_budget_projection)
                .service(structure::create_opinion)
                .service(structure::update_opinion)
                .service(structure::delete_opinion)
                .service(comments::action_comments)
                .service(comments::create_comment)
                .service(comments::update_comment)
                .service(comments::delete_comment)
                .service(comments::hide_comment)
                .service(attachments::upload_attachment)
                .service(attachments::action_attachments)
                .service(attachments::download_attachment)
                .service(attachments::remove_attachment)
                .service(tasks::my_tasks)
                .service(tasks::action_tasks)
                .service(tasks::plan_tasks)
                .service(tasks::assignees)
                .service(tasks::create_tasks)
                .service(tasks::assign_tasks)
                .service(tasks::update_task)
                .service(tasks::delete_task)
                .service(users::list_users)
                .service(users::create_user)
                .service(users::get_user)
                .service(users::update_user)
                .service(users::reset_password)
                .service(users::reset_second_factor)
                .service(users::security_policy)
                .service(users::set_security_policy)
                .service(identity_providers::list_identity_providers)
                .service(identity_providers::create_identity_provider)
                .service(identity_providers::get_identity_provider)
                .service(identity_providers::update_identity_provider)
                .service(identity_providers::delete_identity_provider)
                .service(organisations::list_organisations)
                .service(organisations::create_organisation)
                .service(organisations::list_tenants)
                .service(organisations::create_tenant)
                .service(organisations::get_tenant)
                .service(organisations::set_tenant)
                .service(integrations::create_api_token)
                .service(integrations::list_api_tokens)
                .service(integrations::revoke_api_token)
                .service(integrations::create_webhook)
                .service(integrations::list_webhooks)
                .service(integrations::get_webhook)
                .service(integrations::update_webhook)
                .service(integrations::rotate_webhook_secret)
                .service(integrations::delete_webhook)
                .service(integrations::list_deliveries)
                .service(integrations::redeliver)
                .default_service(actix_web::web::to(no_route)),
        );
}

/// The validators a client holds (`If-None-Match`), read before the database work so the
/// check can be made inside it.
#[derive(Debug, Clone, Default)]
pub struct IfNoneMatch(Vec<String>);

impl IfNoneMatch {
    pub fn of(req: &actix_web::HttpRequest) -> Self {
        Self(
            req.headers()
                .get_all(actix_web::http::header::IF_NONE_MATCH)
                .filter_map(|value| value.to_str().ok())
                .flat_map(|value| value.split(','))
                .map(|tag| tag.trim().to_owned())
                .collect(),
        )
    }

    /// Whether the client holds `etag` (weak comparison, RFC 9110 §13.1.2), or sent `*`.
    pub fn holds(&self, etag: &str) -> bool {
        let opaque = |tag: &str| tag.trim().trim_start_matches("W/").to_owned();
        let ours = opaque(etag);
        self.0.iter().any(|tag| tag == "*" || opaque(tag) == ours)
    }
}

/// Unknown paths under `/api`: a problem, never the web app's index.html. A path the API
/// knows with other methods is a 405 naming them in `Allow`, found from the OpenAPI
/// document, which lists exactly the registered routes.
pub async fn no_route(
    req: actix_web::HttpRequest,
    document: Option<actix_web::web::Data<utoipa::openapi::OpenApi>>,
) -> Result<actix_web::HttpResponse, ApiError> {
    let allowed = document
        .map(|doc| allowed_methods(&doc, req.path()))
        .unwrap_or_default();
    if allowed.is_empty() {
        return Err(ApiError::NoRoute);
    }
    let mut response = actix_web::ResponseError::error_response(&ApiError::MethodNotAllowed);
    if let Ok(value) = actix_web::http::header::HeaderValue::from_str(&allowed.join(", ")) {
        response
            .headers_mut()
            .insert(actix_web::http::header::ALLOW, value);
    }
    Ok(response)
}

/// A path whose parameter does not parse. When the path is itself a documented route of
/// fixed segments (`PATCH /api/v1/plans/import` reached `PATCH /api/v1/plans/{plan_id}`),
/// the method is what is wrong: 405 with `Allow`; otherwise 400.
pub fn path_error(
    error: actix_web::error::PathError,
    req: &actix_web::HttpRequest,
) -> actix_web::Error {
    let fixed = req
        .app_data::<actix_web::web::Data<utoipa::openapi::OpenApi>>()
        .and_then(|doc| {
            let item = doc.paths.paths.get(req.path())?;
            Some(methods_of(item))
        })
        .filter(|methods| !methods.is_empty());
    match fixed {
        Some(allowed) => {
            let mut response =
                actix_web::ResponseError::error_response(&ApiError::MethodNotAllowed);
            if let Ok(value) = actix_web::http::header::HeaderValue::from_str(&allowed.join(", ")) {
                response
                    .headers_mut()
                    .insert(actix_web::http::header::ALLOW, value);
            }
            actix_web::error::InternalError::from_response(error, response).into()
        }
        None => ApiError::bad_request(ProblemCode::InvalidPath, error.to_string()).into(),
    }
}

fn allowed_methods(document: &utoipa::openapi::OpenApi, path: &str) -> Vec<&'static str> {
    let matches = |template: &str| {
        let mut template = template.split('/');
        let mut actual = path.split('/');
        loop {
            match (template.next(), actual.next()) {
                (None, None) => return true,
                (Some(t), Some(a)) if t == a || (t.starts_with('{') && !a.is_empty()) => {}
                _ => return false,
            }
        }
    };
    let Some(item) = document
        .paths
        .paths
        .iter()
        .find_map(|(template, item)| matches(template).then_some(item))
    else {
        return Vec::new();
    };
    methods_of(item)
}

fn methods_of(item: &utoipa::openapi::PathItem) -> Vec<&'static str> {
    [
        ("GET", item.get.is_some()),
        ("POST", item.post.is_some()),
        ("PUT", item.put.is_some()),
        ("PATCH", item.patch.is_some()),
        ("DELETE", item.delete.is_some()),
    ]
    .into_iter()
    .filter_map(|(method, present)| present.then_some(method))
    .collect()
}
