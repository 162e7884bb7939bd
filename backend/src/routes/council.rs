//! The council's side of a plan: publication, versions, evaluations, comparisons, the
//! evaluation report; and the public transparency page (no login).

use actix_web::http::header;
use actix_web::{HttpResponse, get, post, web};
use api_types::PlanDate;
use api_types::{
    NewEvaluation, NewPlanVersion, PlanComparison, PlanEvaluation, PlanVersion, Problem,
    ProblemCode, PublicPlan,
};
use diesel::Connection;
use serde::Deserialize;
use uuid::Uuid;

use super::{DocumentLanguage, Json, LanguageQuery, RequestDb};
use crate::auth::Authenticated;
use crate::authz::{self, Actor, Permission, Scope};
use crate::db::{self, council};
use crate::domain::{PlanId, TenantId};
use crate::error::ApiError;
use crate::report::{self, Report};

fn reader_tenant(actor: &Actor) -> Result<TenantId, ApiError> {
    let tenant = actor.tenant()?;
    authz::ensure(actor, Permission::ReadPlans, Scope::Tenant(tenant))?;
    Ok(tenant)
}

fn editor_tenant(actor: &Actor) -> Result<TenantId, ApiError> {
    let tenant = actor.tenant()?;
    authz::ensure(actor, Permission::EditPlanStructure, Scope::Tenant(tenant))?;
    Ok(tenant)
}

/// Puts an adopted plan on the public transparency page (`/public/{cpas}/{plan}`).
#[utoipa::path(
    operation_id = "publish_plan",tag = "council", security(("bearer" = [])), params(("plan_id" = Uuid, Path)),
    responses((status = 204, description = "Published"),
        (status = 401, body = Problem, content_type = "application/problem+json"),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Not adopted", body = Problem, content_type = "application/problem+json")))]
#[post("/plans/{plan_id}/publish")]
pub async fn publish(
    db: RequestDb,
    auth: Authenticated,
    plan: web::Path<PlanId>,
) -> Result<HttpResponse, ApiError> {
    let plan = plan.into_inner();
    db.run_as(&auth, move |conn, actor| {
        council::set_published(conn, editor_tenant(actor)?, plan, true)
    })
    .await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Takes a plan off the public page, at once.
#[utoipa::path(
    operation_id = "unpublish_plan",tag = "council", security(("bearer" = [])), params(("plan_id" = Uuid, Path)),
    responses((status = 204, description = "Unpublished"),
        (status = 401, body = Problem, content_type = "application/problem+json"),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json")))]
#[post("/plans/{plan_id}/unpublish")]
pub async fn unpublish(
    db: RequestDb,
    auth: Authenticated,
    plan: web::Path<PlanId>,
) -> Result<HttpResponse, ApiError> {
    let plan = plan.into_inner();
    db.run_as(&auth, move |conn, actor| {
        council::set_published(conn, editor_tenant(actor)?, plan, false)
    })
    .await?;
    Ok(HttpResponse::NoContent().finish())
}

/// The adopted versions of a plan.
#[utoipa::path(
    operation_id = "list_plan_versions",tag = "council", security(("bearer" = []), ("api_token" = ["plans:read"])), params(("plan_id" = Uuid, Path)),
    responses((status = 200, body = Vec<PlanVersion>),
        (status = 401, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json")))]
#[get("/plans/{plan_id}/versions")]
pub async fn list_versions(
    db: RequestDb,
    auth: Authenticated,
    plan: web::Path<PlanId>,
) -> Result<web::Json<Vec<PlanVersion>>, ApiError> {
    let plan = plan.into_inner();
    let list = db
        .run_as(&auth, move |conn, actor| {
            council::list_versions(conn, reader_tenant(actor)?, plan)
        })
        .await?;
    Ok(web::Json(list))
}

/// The council adopted the actualised plan: it is frozen as the next version.
#[utoipa::path(
    operation_id = "create_plan_version",tag = "council", security(("bearer" = [])), params(("plan_id" = Uuid, Path)), request_body = NewPlanVersion,
    responses((status = 201, body = PlanVersion),
        (status = 401, body = Problem, content_type = "application/problem+json"),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Not adopted yet: adopt it first", body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json")))]
#[post("/plans/{plan_id}/versions")]
pub async fn readopt(
    db: RequestDb,
    auth: Authenticated,
    plan: web::Path<PlanId>,
    body: Json<NewPlanVersion>,
) -> Result<HttpResponse, ApiError> {
    let (plan, input) = (plan.into_inner(), body.into_inner());
    let version = db
        .run_as(&auth, move |conn, actor| {
            let tenant = editor_tenant(actor)?;
            conn.transaction(|conn| {
                let tree = db::plans::plan_tree_within(conn, tenant, plan)?;
                if tree.status != api_types::PlanStatus::Adopted {
                    return Err(ApiError::Conflict {
                        code: ProblemCode::NotAdopted,
                        detail: "only an adopted plan is actualised; adopt it first".to_owned(),
                    });
                }
                council::freeze_version(
                    conn,
                    tenant,
                    plan,
                    input.adopted_on.get(),
                    input.deliberation.as_deref(),
                    actor.user_id,
                )
            })
        })
        .await?;
    Ok(HttpResponse::Created().json(version))
}

/// The frozen evaluations of a plan.
#[utoipa::path(
    operation_id = "list_plan_evaluations",tag = "council", security(("bearer" = []), ("api_token" = ["plans:read"])), params(("plan_id" = Uuid, Path)),
    responses((status = 200, body = Vec<PlanEvaluation>),
        (status = 401, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json")))]
#[get("/plans/{plan_id}/evaluations")]
pub async fn list_evaluations(
    db: RequestDb,
    auth: Authenticated,
    plan: web::Path<PlanId>,
) -> Result<web::Json<Vec<PlanEvaluation>>, ApiError> {
    let plan = plan.into_inner();
    let list = db
        .run_as(&auth, move |conn, actor| {
            council::list_evaluations(conn, reader_tenant(actor)?, plan)
        })
        .await?;
    Ok(web::Json(list))
}

/// Freezes all the follow-up data as the mid-term or the final evaluation.
#[utoipa::path(
    operation_id = "create_plan_evaluation",tag = "council", security(("bearer" = [])), params(("plan_id" = Uuid, Path)), request_body = NewEvaluation,
    responses((status = 201, body = PlanEvaluation),
        (status = 401, body = Problem, content_type = "application/problem+json"),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Already frozen, or the plan is a draft", body = Problem, content_type = "application/problem+json")))]
#[post("/plans/{plan_id}/evaluations")]
pub async fn create_evaluation(
    db: RequestDb,
    auth: Authenticated,
    plan: web::Path<PlanId>,
    body: Json<NewEvaluation>,
) -> Result<HttpResponse, ApiError> {
    let (plan, input) = (plan.into_inner(), body.into_inner());
    let evaluation = db
        .run_as(&auth, move |conn, actor| {
            council::create_evaluation(conn, editor_tenant(actor)?, plan, &input, actor.user_id)
        })
        .await?;
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
        (status = 401, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json")))]
#[get("/plans/{plan_id}/compare")]
pub async fn compare(
    db: RequestDb,
    auth: Authenticated,
    plan: web::Path<PlanId>,
    query: web::Query<CompareQuery>,
) -> Result<web::Json<PlanComparison>, ApiError> {
    let plan = plan.into_inner();
    let CompareQuery { from, to } = query.into_inner();
    let to = to.unwrap_or_else(|| "current".to_owned());
    let comparison = db
        .run_as(&auth, move |conn, actor| {
            let tenant = reader_tenant(actor)?;
            let before = council::state(conn, tenant, plan, &from)?;
            let after = council::state(conn, tenant, plan, &to)?;
            Ok(council::compare(&from, &before, &to, &after))
        })
        .await?;
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
        (status = 401, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json")))]
#[get("/plans/{plan_id}/report")]
pub async fn evaluation_report(
    db: RequestDb,
    auth: Authenticated,
    plan: web::Path<PlanId>,
    query: web::Query<ReportQuery>,
    DocumentLanguage(language): DocumentLanguage,
) -> Result<HttpResponse, ApiError> {
    let plan = plan.into_inner();
    let query = query.into_inner();
    let built = db
        .run_as(&auth, move |conn, actor| {
            let tenant = reader_tenant(actor)?;
            let tree = db::plans::plan_tree(conn, tenant, plan)?;
            let until = query
                .until
                .map(PlanDate::get)
                .unwrap_or_else(crate::domain::calendar::today);
            let since = query
                .since
                .map(PlanDate::get)
                .or(tree.adopted_on)
                .unwrap_or_else(|| until - chrono::Duration::days(365));
            // A period the user chose the wrong way round reports nothing: say so. (A
            // default start after a chosen end only makes the period start there.)
            let since = match query.since {
                Some(_) if since > until => {
                    return Err(ApiError::invalid_field(
                        "until",
                        ProblemCode::BeforeStart,
                        "the end of the period comes before its start",
                    ));
                }
                _ => since.min(until),
            };
            let ids: Vec<_> = tree.actions().map(|action| action.id).collect();
            let measures = db::structure::measures_details(conn, &ids)?;
            let decisions = council::decisions(conn, tenant, plan, since, until)?;
            Ok(Report {
                tree,
                since,
                until,
                measures,
                decisions,
            })
        })
        .await?;
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
    let public = db
        .run(move |conn| council::public_plan(conn, &tenant, plan))
        .await?;
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
    let public = db
        .run(move |conn| council::public_plan(conn, &tenant, plan))
        .await?;
    Ok(HttpResponse::Ok()
        .insert_header((header::CONTENT_TYPE, "text/html; charset=utf-8"))
        .insert_header((header::CACHE_CONTROL, "no-cache"))
        .insert_header((header::VARY, "Accept-Language"))
        .body(report::public_html(&public, &json_url, language)))
}
