//! The council's side of a plan: publication, versions, evaluations, comparisons, the
//! evaluation report; and the public transparency page (no login).

use actix_web::http::header;
use actix_web::{HttpResponse, get, post, web};
use api_types::PlanDate;
use api_types::{
    NewEvaluation, NewPlanVersion, PlanComparison, PlanEvaluation, PlanVersion, Problem, PublicPlan,
};
use serde::Deserialize;
use uuid::Uuid;

use super::problems;
use super::{DocumentLanguage, Json, LanguageQuery, RequestDb};
use crate::app::council;
use crate::auth::Authenticated;
use crate::domain::PlanId;
use crate::error::ApiError;
use crate::report;

/// Puts an adopted plan on the public transparency page (`/public/{cpas}/{plan}`).
#[utoipa::path(
    operation_id = "publish_plan",tag = "council", security(("bearer" = [])), params(("plan_id" = Uuid, Path)),
    responses((status = 204, description = "Published"),
        problems::NotFound,
        (status = 409, description = "Not adopted", body = Problem, content_type = "application/problem+json")))]
#[post("/plans/{plan_id}/publish")]
pub async fn publish(
    db: RequestDb,
    auth: Authenticated,
    plan: web::Path<PlanId>,
) -> Result<HttpResponse, ApiError> {
    council::publish(&db, &auth, plan.into_inner()).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Takes a plan off the public page, at once.
#[utoipa::path(
    operation_id = "unpublish_plan",tag = "council", security(("bearer" = [])), params(("plan_id" = Uuid, Path)),
    responses((status = 204, description = "Unpublished"),
        problems::NotFound))]
#[post("/plans/{plan_id}/unpublish")]
pub async fn unpublish(
    db: RequestDb,
    auth: Authenticated,
    plan: web::Path<PlanId>,
) -> Result<HttpResponse, ApiError> {
    council::unpublish(&db, &auth, plan.into_inner()).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// The adopted versions of a plan.
#[utoipa::path(
    operation_id = "list_plan_versions",tag = "council", security(("bearer" = []), ("api_token" = ["plans:read"])), params(("plan_id" = Uuid, Path)),
    responses((status = 200, body = Vec<PlanVersion>),
        problems::NotFound))]
#[get("/plans/{plan_id}/versions")]
pub async fn list_versions(
    db: RequestDb,
    auth: Authenticated,
    plan: web::Path<PlanId>,
) -> Result<web::Json<Vec<PlanVersion>>, ApiError> {
    Ok(web::Json(
        council::versions(&db, &auth, plan.into_inner()).await?,
    ))
}

/// The council adopted the actualised plan: it is frozen as the next version.
#[utoipa::path(
    operation_id = "create_plan_version",tag = "council", security(("bearer" = [])), params(("plan_id" = Uuid, Path)), request_body = NewPlanVersion,
    responses((status = 201, body = PlanVersion),
        problems::NotFound,
        (status = 409, description = "Not adopted yet: adopt it first", body = Problem, content_type = "application/problem+json")))]
#[post("/plans/{plan_id}/versions")]
pub async fn readopt(
    db: RequestDb,
    auth: Authenticated,
    plan: web::Path<PlanId>,
    body: Json<NewPlanVersion>,
) -> Result<HttpResponse, ApiError> {
    let version = council::readopt(&db, &auth, plan.into_inner(), body.into_inner()).await?;
    Ok(HttpResponse::Created().json(version))
}

/// The frozen evaluations of a plan.
#[utoipa::path(
    operation_id = "list_plan_evaluations",tag = "council", security(("bearer" = []), ("api_token" = ["plans:read"])), params(("plan_id" = Uuid, Path)),
    responses((status = 200, body = Vec<PlanEvaluation>),
        problems::NotFound))]
#[get("/plans/{plan_id}/evaluations")]
pub async fn list_evaluations(
    db: RequestDb,
    auth: Authenticated,
    plan: web::Path<PlanId>,
) -> Result<web::Json<Vec<PlanEvaluation>>, ApiError> {
    Ok(web::Json(
        council::evaluations(&db, &auth, plan.into_inner()).await?,
    ))
}

/// Freezes all the follow-up data as the mid-term or the final evaluation.
#[utoipa::path(
    operation_id = "create_plan_evaluation",tag = "council", security(("bearer" = [])), params(("plan_id" = Uuid, Path)), request_body = NewEvaluation,
    responses((status = 201, body = PlanEvaluation),
        problems::NotFound,
        (status = 409, description = "Already frozen, or the plan is a draft", body = Problem, content_type = "application/problem+json")))]
#[post("/plans/{plan_id}/evaluations")]
pub async fn create_evaluation(
    db: RequestDb,
    auth: Authenticated,
    plan: web::Path<PlanId>,
    body: Json<NewEvaluation>,
) -> Result<HttpResponse, ApiError> {
    let evaluation = council::evaluate(&db, &auth, plan.into_inner(), body.into_inner()).await?;
    Ok(HttpResponse::Created().json(evaluation))
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct CompareQuery {
    /// `version:<n>`, `evaluation:mid_term`, `evaluation:final` or `current`.
    #[param(pattern = r"^(current|version:[+-]?[0-9]{1,9}|evaluation:(mid_term|final))$")]
    pub from: String,
    /// The same; `current` by default.
    #[serde(default)]
    #[param(pattern = r"^(current|version:[+-]?[0-9]{1,9}|evaluation:(mid_term|final))$")]
    pub to: Option<String>,
}

/// What changed between two states of the plan: actions added, removed, changed (which
/// fields), and the progress before and after.
#[utoipa::path(
    operation_id = "compare_plan_states",tag = "council", security(("bearer" = []), ("api_token" = ["plans:read"])), params(("plan_id" = Uuid, Path), CompareQuery),
    responses((status = 200, body = PlanComparison),
        problems::NotFound))]
#[get("/plans/{plan_id}/compare")]
pub async fn compare(
    db: RequestDb,
    auth: Authenticated,
    plan: web::Path<PlanId>,
    query: web::Query<CompareQuery>,
) -> Result<web::Json<PlanComparison>, ApiError> {
    let CompareQuery { from, to } = query.into_inner();
    let to = to.unwrap_or_else(|| "current".to_owned());
    let comparison = council::compare(&db, &auth, plan.into_inner(), from, to).await?;
    Ok(web::Json(comparison))
}

/// The report's format.
#[derive(Debug, Clone, Copy, Default, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum ReportFormat {
    /// A page to read or print (A4) from the browser.
    #[default]
    Html,
    /// A Word document to edit.
    Docx,
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ReportQuery {
    #[serde(default)]
    #[param(inline)]
    pub format: ReportFormat,
    /// Start of the period (decisions taken since): the adoption, or a year ago, by default.
    #[param(value_type = Option<PlanDate>)]
    pub since: Option<PlanDate>,
    /// The report's date: today by default. Not before `since` (422 `before_start`).
    #[param(value_type = Option<PlanDate>)]
    pub until: Option<PlanDate>,
    /// A closed reporting period of the plan: the report as at its end, from the figures
    /// kept at its close; the period's dates are the report's (`since` and `until` are
    /// then left aside). 409 `period_not_closed` while it is open.
    pub period: Option<Uuid>,
}

/// The council's evaluation report: per objective and action the status, progress and
/// indicators against targets, the late actions, the decisions of the period, the DG's
/// opinions. In the language of `lang`, else of `Accept-Language`, else French.
#[utoipa::path(
    operation_id = "get_plan_report",tag = "council", security(("bearer" = []), ("api_token" = ["plans:read"])), params(("plan_id" = Uuid, Path), ReportQuery, LanguageQuery),
    responses(
        (status = 200, description = "The report", content(
            (String = "text/html"),
            (Vec<u8> = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
        )),
        (status = 400, description = "`lang` is not `fr`, `nl` or `en` (`unsupported_language`)", body = Problem, content_type = "application/problem+json"),
        problems::NotFound,
        (status = 409, description = "The period is still open (`period_not_closed`)", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "`until` before `since` (`before_start`)", body = Problem, content_type = "application/problem+json")))]
#[get("/plans/{plan_id}/report")]
pub async fn evaluation_report(
    db: RequestDb,
    auth: Authenticated,
    plan: web::Path<PlanId>,
    query: web::Query<ReportQuery>,
    DocumentLanguage(language): DocumentLanguage,
) -> Result<HttpResponse, ApiError> {
    let query = query.into_inner();
    let span = match query.period {
        Some(period) => council::ReportSpan::Period(period),
        None => council::ReportSpan::Dates {
            since: query.since.map(PlanDate::get),
            until: query.until.map(PlanDate::get),
        },
    };
    let built = council::report(&db, &auth, plan.into_inner(), span).await?;
    match query.format {
        ReportFormat::Html => Ok(HttpResponse::Ok()
            .insert_header((header::CONTENT_TYPE, "text/html; charset=utf-8"))
            .insert_header((header::VARY, "Accept-Language"))
            .body(report::html(&built, language))),
        ReportFormat::Docx => {
            let bytes = report::docx(&built, language)
                .map_err(|e| ApiError::Internal(anyhow::anyhow!("docx: {e}")))?;
            Ok(HttpResponse::Ok()
                .insert_header((
                    header::CONTENT_TYPE,
                    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
                ))
                .insert_header((
                    header::CONTENT_DISPOSITION,
                    format!(
                        "attachment; filename=\"{}\"",
                        report::docx_file_name(&built, language)
                    ),
                ))
                .insert_header((header::VARY, "Accept-Language"))
                .body(bytes))
        }
    }
}

/// A published plan as open data: no login, no names, no notes.
#[utoipa::path(
    operation_id = "get_public_plan",tag = "public", params(("tenant" = String, Path, description = "The CPAS's slug", pattern = r"^[a-z0-9]+(-[a-z0-9]+)*$", max_length = 63), ("plan_id" = Uuid, Path)),
    responses((status = 200, body = PublicPlan),
        (status = 404, description = "No such published plan", body = Problem, content_type = "application/problem+json")))]
#[get("/public/{tenant}/plans/{plan_id}")]
pub async fn public_plan_json(
    db: RequestDb,
    path: web::Path<(String, Uuid)>,
) -> Result<HttpResponse, ApiError> {
    let (tenant, plan) = path.into_inner();
    let public = council::public_plan(&db, tenant, plan).await?;
    Ok(HttpResponse::Ok()
        .insert_header((header::CACHE_CONTROL, "no-cache"))
        .json(public))
}

/// The public transparency page of a published plan (server-rendered HTML), in the
/// language of `lang`, else of `Accept-Language`, else French.
#[utoipa::path(
    operation_id = "get_public_page",tag = "public", params(("tenant" = String, Path, description = "The CPAS's slug", pattern = r"^[a-z0-9]+(-[a-z0-9]+)*$", max_length = 63), ("plan_id" = Uuid, Path), LanguageQuery),
    responses((status = 200, description = "The page", content_type = "text/html", body = String),
        (status = 400, description = "`lang` is not `fr`, `nl` or `en` (`unsupported_language`)", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such published plan", body = Problem, content_type = "application/problem+json")))]
#[get("/public/{tenant}/{plan_id}")]
pub async fn public_page(
    db: RequestDb,
    path: web::Path<(String, Uuid)>,
    DocumentLanguage(language): DocumentLanguage,
) -> Result<HttpResponse, ApiError> {
    let (tenant, plan) = path.into_inner();
    let json_url = format!("/api/v1/public/{tenant}/plans/{plan}");
    let public = council::public_plan(&db, tenant, plan).await?;
    Ok(HttpResponse::Ok()
        .insert_header((header::CONTENT_TYPE, "text/html; charset=utf-8"))
        .insert_header((header::CACHE_CONTROL, "no-cache"))
        .insert_header((header::VARY, "Accept-Language"))
        .body(report::public_html(&public, &json_url, language)))
}
