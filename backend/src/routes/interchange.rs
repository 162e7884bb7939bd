//! `/api/v1/plans/{id}/export` and `/api/v1/plans/import`: the plan as a spreadsheet, and
//! a plan brought in from one.

use std::sync::Arc;

use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, get, post, web};
use api_types::{EcomptesImportReport, PlanTree, Problem, Reconciliation};
use serde::Deserialize;
use tokio::sync::Semaphore;
use uuid::Uuid;

use super::problems;
use super::{DocumentLanguage, LanguageQuery, RequestDb};
use crate::app::interchange::{self as import_export, Imported};
use crate::auth::Authenticated;
use crate::domain::{Label, PlanId, PlanYear};
use crate::error::ApiError;
use crate::interchange::{self, Refusal, ecomptes_return, limits, xlsx};

const XLSX: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

/// The export's format.
#[derive(Debug, Clone, Copy, Default, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum ExportFormat {
    /// The interchange columns, `;`-separated, UTF-8 with BOM.
    #[default]
    Csv,
    /// A formatted workbook: the plan grouped by objective, and a summary sheet.
    Xlsx,
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ExportQuery {
    /// `csv` (default) or `xlsx`.
    #[serde(default)]
    #[param(inline)]
    pub format: ExportFormat,
    /// A closed reporting period of the plan: the plan as at its end, as kept at its close
    /// (409 `period_not_closed` while it is open).
    pub period: Option<Uuid>,
}

/// The plan as a spreadsheet: `csv` in the interchange columns (importable as is), or an
/// `xlsx` workbook (also importable: its first sheet has the same columns). A row per
/// objective, action and sub-action, each sub-action (`sous-action`) right after its
/// action, whose code its `parent` names. Headers,
/// statuses, kinds and volets in the language of `lang`, else of `Accept-Language`, else
/// French; the import reads them in any of the three.
#[utoipa::path(tag = "plans", security(("bearer" = []), ("api_token" = ["plans:read"])),
    params(("plan_id" = Uuid, Path), ExportQuery, LanguageQuery),
    responses(
        (status = 200, description = "The file", content(
            (String = "text/csv"),
            (Vec<u8> = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
        )),
        (status = 400, description = "`lang` is not `fr`, `nl` or `en` (`unsupported_language`)", body = Problem, content_type = "application/problem+json"),
        problems::NotFound,
        (status = 409, description = "The period is still open (`period_not_closed`)", body = Problem, content_type = "application/problem+json")))]
#[get("/plans/{plan_id}/export")]
pub async fn export_plan(
    db: RequestDb,
    auth: Authenticated,
    plan_id: web::Path<PlanId>,
    query: web::Query<ExportQuery>,
    DocumentLanguage(language): DocumentLanguage,
) -> Result<HttpResponse, ApiError> {
    let plan_id = plan_id.into_inner();
    let (name, bytes, content_type, extension) = match query.format {
        ExportFormat::Csv => {
            let tree = import_export::export(&db, &auth, plan_id, query.period).await?;
            (
                file_name(&tree),
                interchange::to_csv(&tree, language).map_err(|e| ApiError::Internal(e.into()))?,
                "text/csv; charset=utf-8",
                "csv",
            )
        }
        ExportFormat::Xlsx => {
            let (tree, extras, budget) =
                import_export::export_workbook(&db, &auth, plan_id, query.period).await?;
            (
                file_name(&tree),
                xlsx::to_xlsx(&tree, &extras, &budget, language)
                    .map_err(|e| ApiError::Internal(e.into()))?,
                XLSX,
                "xlsx",
            )
        }
    };
    Ok(HttpResponse::Ok()
        .insert_header((header::CONTENT_TYPE, content_type))
        .insert_header((
            header::CONTENT_DISPOSITION,
            format!("attachment; filename=\"{name}.{extension}\""),
        ))
        .insert_header((header::VARY, "Accept-Language"))
        .body(bytes))
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct EcomptesQuery {
    /// The budget year the file is sent for: its articles are that year's.
    #[param(minimum = 1990, maximum = 2200)]
    pub exercice: i32,
}

/// The plan as the Walloon Region's eComptes application receives it (XML, format
/// `201805V1`): volets, objectives and actions with their status, progress, dates, FTE
/// and partners, each action with the budget articles of `exercice` (its sub-actions'
/// included), every element keyed by our id (`ElementId`). Titles over 255 characters are
/// cut at a word, whole in the description. The CPAS needs its NIS code.
#[utoipa::path(tag = "plans", security(("bearer" = []), ("api_token" = ["plans:read"])),
    params(("plan_id" = Uuid, Path), EcomptesQuery),
    responses(
        (status = 200, description = "The file", content_type = "application/xml", body = String),
        problems::NotFound,
        (status = 409, description = "The CPAS has no NIS code yet (`nis_code_missing`)", body = Problem, content_type = "application/problem+json"),
    ))]
#[get("/plans/{plan_id}/ecomptes.xml")]
pub async fn export_ecomptes(
    db: RequestDb,
    auth: Authenticated,
    plan_id: web::Path<PlanId>,
    query: web::Query<EcomptesQuery>,
) -> Result<HttpResponse, ApiError> {
    let exercice = PlanYear::parse(query.exercice, "exercice")?;
    let (name, bytes) =
        import_export::export_ecomptes(&db, &auth, plan_id.into_inner(), exercice).await?;
    Ok(HttpResponse::Ok()
        .insert_header((header::CONTENT_TYPE, "application/xml; charset=utf-8"))
        .insert_header((
            header::CONTENT_DISPOSITION,
            format!("attachment; filename=\"{name}\""),
        ))
        .body(bytes))
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct EcomptesImportQuery {
    /// Answer what the file would change, without writing it.
    #[serde(default)]
    pub dry_run: bool,
}

/// Imports the file eComptes returns: the tree exported by `ecomptes.xml` with `Articles`
/// and `Projections` filled on some elements. Elements are matched by `ElementId`; for
/// each one the file names, its articles of the years present (the file's `Exercice` and
/// its articles') and its projections made for the file's year are replaced by the
/// file's, all or nothing. The answer reports the matched elements, the ids the plan does
/// not have, and the amounts that change by element and year; `dry_run=true` answers it
/// without writing (the web app's preview).
///
/// Refused, nothing written: an `ElementId` the plan does not have, a file of another
/// plan (`IdPST`), an id named twice, figures on a volet, a bad article or projection (422,
/// each by line); a DTD or an entity other than XML's five, refused without being read
/// (422 `dtd_refused`); a file over 10 MB (413). The DG's.
#[utoipa::path(tag = "plans", security(("bearer" = [])),
    params(("plan_id" = Uuid, Path), EcomptesImportQuery),
    request_body(description = "The XML file eComptes returned (UTF-8, at most 10 MB)",
        content((String = "application/xml"))),
    responses(
        (status = 200, description = "What the file changes (or, with `dry_run`, would change)", body = EcomptesImportReport),
        problems::NotFound,
        (status = 413, description = "The file is over 10 MB (`file_too_large`)", body = Problem,
         content_type = "application/problem+json"),
        (status = 422, description = "Every problem of the file, by line (`rows/<line>/<element>`)", body = Problem,
         content_type = "application/problem+json"),
        (status = 429, description = "Every import slot of the instance is taken; retry after `Retry-After` seconds",
         body = Problem, content_type = "application/problem+json")))]
#[post("/plans/{plan_id}/ecomptes")]
pub async fn import_ecomptes(
    db: RequestDb,
    auth: Authenticated,
    slots: web::Data<ImportSlots>,
    request: HttpRequest,
    plan_id: web::Path<PlanId>,
    query: web::Query<EcomptesImportQuery>,
    payload: web::Payload,
) -> Result<HttpResponse, ApiError> {
    let plan = plan_id.into_inner();
    // Who may import, and into which plan, is settled before a byte of the file is read.
    import_export::authorize_ecomptes_import(&db, &auth, plan).await?;
    let _slot = slots
        .0
        .clone()
        .try_acquire_owned()
        .map_err(|_| ApiError::TooManyRequests {
            retry_after: IMPORT_RETRY_AFTER_SECS,
        })?;
    let body = read_file(&request, payload).await?;
    let file = web::block(move || ecomptes_return::read(&body))
        .await
        .map_err(|e| ApiError::Internal(e.into()))?
        .map_err(interchange::report)?;
    let report = import_export::import_ecomptes(&db, &auth, plan, file, query.dry_run).await?;
    Ok(HttpResponse::Ok().json(report))
}

/// The reconciliation's format.
#[derive(Debug, Clone, Copy, Default, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum ReconciliationFormat {
    #[default]
    Json,
    /// `;`-separated, UTF-8 with BOM, headers in the language of `lang`.
    Csv,
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ReconciliationQuery {
    /// `json` (default) or `csv`.
    #[serde(default)]
    #[param(inline)]
    pub format: ReconciliationFormat,
}

/// The plan's budget, element by element and year by year, three ways: what the CPAS
/// planned and spent (its live budget lines, a sub-action's with its action's) and what
/// eComptes' articles say (imported with `POST …/ecomptes`); articles eComptes put on an
/// objective are the objective's rows. In plan order; as JSON, or as CSV with the
/// difference (eComptes less planned) and a mark where they differ.
#[utoipa::path(tag = "plans", security(("bearer" = []), ("api_token" = ["plans:read"])),
    params(("plan_id" = Uuid, Path), ReconciliationQuery, LanguageQuery),
    responses(
        (status = 200, description = "The reconciliation", content(
            (Reconciliation = "application/json"),
            (String = "text/csv"),
        )),
        (status = 400, description = "`lang` is not `fr`, `nl` or `en` (`unsupported_language`)", body = Problem, content_type = "application/problem+json"),
        problems::NotFound))]
#[get("/plans/{plan_id}/reconciliation")]
pub async fn get_reconciliation(
    db: RequestDb,
    auth: Authenticated,
    plan_id: web::Path<PlanId>,
    query: web::Query<ReconciliationQuery>,
    DocumentLanguage(language): DocumentLanguage,
) -> Result<HttpResponse, ApiError> {
    let reconciliation = import_export::reconciliation(&db, &auth, plan_id.into_inner()).await?;
    match query.format {
        ReconciliationFormat::Json => Ok(HttpResponse::Ok().json(reconciliation)),
        ReconciliationFormat::Csv => {
            let csv = interchange::reconciliation_csv(&reconciliation.rows, language)
                .map_err(|e| ApiError::Internal(e.into()))?;
            Ok(HttpResponse::Ok()
                .insert_header((header::CONTENT_TYPE, "text/csv; charset=utf-8"))
                .insert_header((
                    header::CONTENT_DISPOSITION,
                    "attachment; filename=\"reconciliation-ecomptes.csv\"",
                ))
                .insert_header((header::VARY, "Accept-Language"))
                .body(csv))
        }
    }
}

/// `pst-cpas-a-2025-2030`: ASCII, for the file name.
fn file_name(tree: &PlanTree) -> String {
    let mut name = format!("pst-{}", tree.tenant.slug);
    if let (Some(start), Some(end)) = (tree.start_year, tree.end_year) {
        name.push_str(&format!("-{start}-{end}"));
    }
    name
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ImportQuery {
    /// The new plan's title: one line, not blank (as `api_types::limits::label`).
    #[param(
        min_length = 1,
        max_length = 500,
        pattern = r"^[^\x00-\x1f\x7f-\x9f]*[^\x00-\x20\x7f-\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000][^\x00-\x1f\x7f-\x9f]*$"
    )]
    pub title: String,
    /// Validate and answer the plan that would be created, without creating it.
    #[serde(default)]
    pub dry_run: bool,
    /// The CPAS (platform administrators only).
    pub tenant_id: Option<Uuid>,
}

/// How many imports one instance runs at a time (`PST_IMPORT_CONCURRENCY`): each holds a
/// file of up to 10 MB and a transaction; more wait for a free slot as 429s.
#[derive(Clone)]
pub struct ImportSlots(Arc<Semaphore>);

impl ImportSlots {
    pub fn new(concurrent: usize) -> Self {
        Self(Arc::new(Semaphore::new(concurrent.max(1))))
    }
}

/// Seconds a client is asked to wait when every import slot is taken.
const IMPORT_RETRY_AFTER_SECS: u64 = 5;

/// Creates a draft plan from a CSV (`text/csv`: UTF-8, `;` or `,`) or an `.xlsx` file in
/// the interchange columns (see `docs/modele-import.csv`); a `sous-action` row names its
/// action (in the file) as `parent`, never a sub-action. The whole file is checked first:
/// a file with problems answers 422 listing each one (`field`: `rows/<row>/<column>`,
/// French message; the first 200, `total_errors` counting them all) and writes nothing.
/// `dry_run=true` answers the plan that would be created. Organisations the CPAS does not
/// have yet are created.
///
/// Limits, each refused as soon as it is crossed with a French message naming it: the
/// file 10 MB (413); a workbook's parts 20 MB each and 50 MB in all once inflated, 500
/// parts (413); 5,000 rows (the header included), 64 columns, 100,000 filled cells,
/// 10,000 characters a cell, the sheet's declared extent and every cell reference within
/// 5,000 rows and 64 columns (422). An instance runs a few imports at a time; past that,
/// 429 with `Retry-After`.
#[utoipa::path(tag = "plans", security(("bearer" = [])),
    params(ImportQuery),
    request_body(description = "The file (at most 10 MB)", content(
        (String = "text/csv"),
        (Vec<u8> = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    )),
    responses(
        (status = 201, description = "The plan created", body = PlanTree),
        (status = 200, description = "The plan that would be created (dry run)", body = PlanTree),
        (status = 404, description = "No such CPAS (or another one)", body = Problem, content_type = "application/problem+json"),
        (status = 413, description = "The file, or a part of the workbook once inflated, is over its limit",
         body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Every problem of the file (the first 200)", body = Problem,
         content_type = "application/problem+json"),
        (status = 429, description = "Every import slot of the instance is taken; retry after `Retry-After` seconds",
         body = Problem, content_type = "application/problem+json")))]
#[post("/plans/import")]
pub async fn import_plan(
    db: RequestDb,
    auth: Authenticated,
    slots: web::Data<ImportSlots>,
    request: HttpRequest,
    query: web::Query<ImportQuery>,
    payload: web::Payload,
) -> Result<HttpResponse, ApiError> {
    let query = query.into_inner();
    let title = Label::parse(&query.title, "title", 500)?;
    // Who may import is settled before a byte of the file is read.
    let tenant = import_export::authorize_import(&db, &auth, query.tenant_id).await?;
    // Held until the plan is written: the file, its parsing and the transaction.
    let _slot = slots
        .0
        .clone()
        .try_acquire_owned()
        .map_err(|_| ApiError::TooManyRequests {
            retry_after: IMPORT_RETRY_AFTER_SECS,
        })?;
    let body = read_file(&request, payload).await?;
    let is_xlsx = body.starts_with(b"PK\x03\x04")
        || request
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.starts_with(XLSX));
    // Reading a large workbook takes a while: not on a request worker.
    let draft = web::block(move || interchange::read_plan(&body, is_xlsx))
        .await
        .map_err(|e| ApiError::Internal(e.into()))?
        .map_err(|refusal| match refusal {
            Refusal::TooLarge(detail) => ApiError::FileTooLarge { detail },
            Refusal::Problems(problems) => interchange::report(problems),
        })?;
    let Imported { plan, json: body } =
        import_export::import(&db, &auth, tenant, title, draft, query.dry_run).await?;
    let json = (header::CONTENT_TYPE, "application/json");
    if query.dry_run {
        Ok(HttpResponse::Ok().insert_header(json).body(body))
    } else {
        Ok(HttpResponse::Created()
            .insert_header(json)
            .insert_header((header::LOCATION, format!("/api/v1/plans/{plan}")))
            .body(body))
    }
}

/// The uploaded file, refused (413) as soon as it is known to be over
/// [`limits::MAX_FILE_BYTES`]: by its `Content-Length`, or while it arrives.
async fn read_file(request: &HttpRequest, payload: web::Payload) -> Result<web::Bytes, ApiError> {
    super::extract::read_body(request, payload, limits::MAX_FILE_BYTES, || {
        ApiError::FileTooLarge {
            detail: interchange::file_too_large(),
        }
    })
    .await
}
