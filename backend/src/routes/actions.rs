//! `/api/v1/actions`: one action, its direct edit, its history.

use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, get, patch, web};
use api_types::{
    ActionDetail, ActionEdit, ActionPage, EcomptesBudget, HistoryEntry, Problem, ProblemCode,
};
use serde_json::Value;

use super::problems;
use super::{Json, RequestDb};
use crate::app::actions::{self, ActionFilter, PageRequest, Sort};
use crate::app::proposals::{self, ExpectedVersion};
use crate::auth::Authenticated;
use crate::domain::ActionId;
use crate::domain::follow_up::{ChangeBody, ChangeKind};
use crate::error::ApiError;

/// The ETag of an action at `version`.
fn etag(version: i32) -> String {
    format!("\"{version}\"")
}

/// One action and where it sits in its plan, with its journal and pending proposals.
/// `ETag` carries its version, for `If-Match` on edits.
#[utoipa::path(
    tag = "actions",
    security(("bearer" = []), ("api_token" = ["plans:read"])),
    params(("action_id" = uuid::Uuid, Path)),
    responses(
        (status = 200, body = ActionDetail, headers(("ETag" = String, description = "The action's version"))),
        problems::NotFound,
    )
)]
#[get("/actions/{action_id}")]
pub async fn get_action(
    db: RequestDb,
    auth: Authenticated,
    action_id: web::Path<ActionId>,
) -> Result<HttpResponse, ApiError> {
    let detail = actions::get(&db, &auth, action_id.into_inner()).await?;
    Ok(HttpResponse::Ok()
        .insert_header((header::ETAG, etag(detail.action.version)))
        .json(detail))
}

/// The version an edit is made against: `If-Match` wins over the body's `version`;
/// neither is 428.
fn expected_version(
    req: &HttpRequest,
    body_version: Option<i32>,
) -> Result<ExpectedVersion, ApiError> {
    if let Some(value) = req.headers().get(header::IF_MATCH) {
        let version = value
            .to_str()
            .ok()
            .map(|v| v.trim().trim_start_matches("W/").trim_matches('"'))
            .and_then(|v| v.parse().ok())
            .ok_or_else(|| {
                ApiError::bad_request(
                    ProblemCode::InvalidIfMatch,
                    "If-Match must be an ETag such as \"3\"",
                )
            })?;
        return Ok(ExpectedVersion::IfMatch(version));
    }
    body_version
        .map(ExpectedVersion::Body)
        .ok_or(ApiError::PreconditionRequired)
}

/// Changes an action's follow-up directly (president, DG), against the version in
/// `If-Match` (or the body's `version`). The change is in the history like any other.
#[utoipa::path(
    tag = "actions",
    security(("bearer" = [])),
    params(
        ("action_id" = uuid::Uuid, Path),
        ("If-Match" = Option<String>, Header, nullable = false, description = "The ETag of the version edited",
         pattern = r#"^\s*(W/)*"*[+-]?[0-9]{1,9}"*\s*$"#),
    ),
    request_body = ActionEdit,
    responses(
        (status = 200, body = ActionDetail),
        problems::NotFound,
        (status = 409, description = "Stale `version`", body = Problem, content_type = "application/problem+json"),
        (status = 412, description = "Stale `If-Match`", body = Problem, content_type = "application/problem+json"),
        (status = 428, description = "No version given", body = Problem, content_type = "application/problem+json"),
    )
)]
#[patch("/actions/{action_id}")]
pub async fn edit_action(
    db: RequestDb,
    auth: Authenticated,
    req: HttpRequest,
    action_id: web::Path<ActionId>,
    body: Json<Value>,
) -> Result<HttpResponse, ApiError> {
    let body = ChangeBody::parse(&body, ChangeKind::Edit)?;
    let expected = expected_version(&req, body.version)?;
    let detail = proposals::edit(&db, &auth, action_id.into_inner(), expected, body).await?;
    Ok(HttpResponse::Ok()
        .insert_header((header::ETAG, etag(detail.action.version)))
        .json(detail))
}

/// Every applied change of the action and of its sub-actions (each such entry naming its
/// step in `sub_action`), oldest first: who applied it, who proposed it, and each field
/// before and after.
#[utoipa::path(
    operation_id = "get_action_history",
    tag = "actions",
    security(("bearer" = []), ("api_token" = ["plans:read"])),
    params(("action_id" = uuid::Uuid, Path)),
    responses(
        (status = 200, body = Vec<HistoryEntry>),
        problems::NotFound,
    )
)]
#[get("/actions/{action_id}/history")]
pub async fn history(
    db: RequestDb,
    auth: Authenticated,
    action_id: web::Path<ActionId>,
) -> Result<web::Json<Vec<HistoryEntry>>, ApiError> {
    Ok(web::Json(
        actions::history(&db, &auth, action_id.into_inner()).await?,
    ))
}

/// The budget articles and multi-year projections eComptes attached to the action, as the
/// last file imported with `POST /api/v1/plans/{plan_id}/ecomptes` brought them: articles
/// by year, projections newest budget year first. Empty until a file is imported.
#[utoipa::path(
    operation_id = "get_action_ecomptes",
    tag = "actions",
    security(("bearer" = []), ("api_token" = ["plans:read"])),
    params(("action_id" = uuid::Uuid, Path)),
    responses(
        (status = 200, body = EcomptesBudget),
        problems::NotFound,
    )
)]
#[get("/actions/{action_id}/ecomptes")]
pub async fn ecomptes(
    db: RequestDb,
    auth: Authenticated,
    action_id: web::Path<ActionId>,
) -> Result<web::Json<EcomptesBudget>, ApiError> {
    Ok(web::Json(
        actions::ecomptes_budget(&db, &auth, action_id.into_inner()).await?,
    ))
}

/// The CPAS's multi-year projections on the action (its own, not its sub-actions'), in
/// their order, each with its years in order.
#[utoipa::path(
    operation_id = "list_budget_projections",
    tag = "actions",
    security(("bearer" = []), ("api_token" = ["plans:read"])),
    params(("action_id" = uuid::Uuid, Path)),
    responses(
        (status = 200, body = Vec<api_types::BudgetProjection>),
        problems::NotFound,
    )
)]
#[get("/actions/{action_id}/budget-projections")]
pub async fn budget_projections(
    db: RequestDb,
    auth: Authenticated,
    action_id: web::Path<ActionId>,
) -> Result<web::Json<Vec<api_types::BudgetProjection>>, ApiError> {
    Ok(web::Json(
        crate::app::projections::list(&db, &auth, action_id.into_inner()).await?,
    ))
}

/// Filters, order and page of the actions list.
#[derive(Debug, serde::Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ActionQuery {
    pub plan_id: Option<uuid::Uuid>,
    /// An operational objective, or a strategic one (with all its operational ones).
    pub objective_id: Option<uuid::Uuid>,
    /// One status or several, comma-separated: `en_cours,probleme`.
    #[param(
        pattern = r"^ *(non_commence|en_cours|en_attente|probleme|termine|annule_abandonne)? *(, *(non_commence|en_cours|en_attente|probleme|termine|annule_abandonne)? *)*$"
    )]
    pub status: Option<String>,
    /// Actions this organisation leads or collaborates on.
    pub organisation_id: Option<uuid::Uuid>,
    /// Actions that belong to this sectoral plan (tagged, through a sub-action or through
    /// their objective), with their sub-actions.
    pub sectoral_plan_id: Option<uuid::Uuid>,
    /// Only late actions (`true`) or only the others (`false`).
    pub late: Option<bool>,
    /// Only actions not updated within the plan's cadence (`true`), or the others.
    pub stale: Option<bool>,
    /// Free text in codes, titles and organisation names; accents and case ignored.
    #[param(max_length = 200, pattern = r"^[^\x00-\x1f\x7f-\x9f]*$")]
    pub q: Option<String>,
    /// `plan` (default), `code`, `title`, `status`, `progress`, `planned_end`, `updated`;
    /// a leading `-` sorts descending.
    #[param(pattern = r"^ *-?(plan|code|title|status|progress|planned_end|updated) *$")]
    pub sort: Option<String>,
    /// 1-based page number.
    #[param(minimum = 1)]
    pub page: Option<i64>,
    /// Actions per page: 50 by default, 200 at most.
    #[param(minimum = 1, maximum = 200)]
    pub per_page: Option<i64>,
}

impl ActionQuery {
    /// The query's own parameters, in a fixed order and without the page: what the `Link`
    /// header repeats. Built from the parsed query, never by echoing the raw one, so an
    /// unknown or repeated parameter cannot grow the header.
    fn link_pairs(&self) -> Vec<(&'static str, String)> {
        let text = |value: &Option<String>| value.as_deref().map(str::trim).map(str::to_owned);
        [
            ("plan_id", self.plan_id.map(|id| id.to_string())),
            ("objective_id", self.objective_id.map(|id| id.to_string())),
            ("status", text(&self.status)),
            (
                "organisation_id",
                self.organisation_id.map(|id| id.to_string()),
            ),
            (
                "sectoral_plan_id",
                self.sectoral_plan_id.map(|id| id.to_string()),
            ),
            ("late", self.late.map(|b| b.to_string())),
            ("stale", self.stale.map(|b| b.to_string())),
            ("q", self.q.clone()),
            ("sort", text(&self.sort)),
            ("per_page", self.per_page.map(|n| n.to_string())),
        ]
        .into_iter()
        .filter_map(|(name, value)| Some((name, value?)))
        .collect()
    }

    fn parse(self) -> Result<PageRequest, ApiError> {
        let mut errors = Vec::new();
        let mut bad = |field: &str, code: ProblemCode, message: &str| {
            errors.push(api_types::FieldError {
                field: field.to_owned(),
                code,
                message: message.to_owned(),
            });
        };
        let mut statuses = Vec::new();
        for part in self
            .status
            .iter()
            .flat_map(|s| s.split(','))
            .map(str::trim)
            .filter(|p| !p.is_empty())
        {
            match part.parse::<api_types::ActionStatus>() {
                Ok(status) => statuses.push(status),
                Err(_) => bad(
                    "status",
                    ProblemCode::UnknownValue,
                    "a status of the eComptes list",
                ),
            }
        }
        let (descending, key) = match self.sort.as_deref().map(str::trim) {
            Some(s) if s.starts_with('-') => (true, &s[1..]),
            Some(s) => (false, s),
            None => (false, "plan"),
        };
        let sort = match key {
            "plan" => Sort::Plan,
            "code" => Sort::Code,
            "title" => Sort::Title,
            "status" => Sort::Status,
            "progress" => Sort::Progress,
            "planned_end" => Sort::PlannedEnd,
            "updated" => Sort::Updated,
            _ => {
                bad(
                    "sort",
                    ProblemCode::UnknownValue,
                    "plan, code, title, status, progress, planned_end or updated",
                );
                Sort::Plan
            }
        };
        let page = self.page.unwrap_or(1);
        if page < 1 {
            bad("page", ProblemCode::OutOfRange, "pages start at 1");
        }
        let per_page = self.per_page.unwrap_or(50);
        if !(1..=actions::MAX_PER_PAGE).contains(&per_page) {
            bad("per_page", ProblemCode::OutOfRange, "between 1 and 200");
        }
        if self.q.as_deref().is_some_and(|q| q.chars().count() > 200) {
            bad("q", ProblemCode::TooLong, "at most 200 characters");
        }
        if !errors.is_empty() {
            return Err(ApiError::Validation(errors));
        }
        let filter = ActionFilter {
            plan_id: self.plan_id,
            objective_id: self.objective_id,
            statuses,
            organisation_id: self.organisation_id,
            sectoral_plan_id: self.sectoral_plan_id,
            late: self.late,
            stale: self.stale,
            text: self.q,
        };
        Ok(PageRequest {
            filter,
            sort,
            descending,
            page,
            per_page,
        })
    }
}

/// The actions and sub-actions of the caller's CPAS, filtered, searched, sorted and paged: a
/// sub-action names its action (`parent`), comes right after it in plan order, matches on
/// its own fields, and is carried by its own organisations and its action's.
#[utoipa::path(
    tag = "actions",
    security(("bearer" = []), ("api_token" = ["plans:read"])),
    params(ActionQuery),
    responses(
        (status = 200, description = "A page of actions", body = ActionPage, headers(
            ("Link" = String, description = "RFC 8288 links to the `first`, `prev`, `next` and `last` pages, \
                                              e.g. `</api/v1/actions?q=x&page=2>; rel=\"next\"`"),
        )),
    )
)]
#[get("/actions")]
pub async fn list_actions(
    db: RequestDb,
    auth: Authenticated,
    request: HttpRequest,
    query: web::Query<ActionQuery>,
) -> Result<HttpResponse, ApiError> {
    let query = query.into_inner();
    let link_pairs = query.link_pairs();
    let found = actions::list(&db, &auth, query.parse()?).await?;
    let mut response = HttpResponse::Ok();
    if let Some(links) = page_links(request.path(), &link_pairs, &found) {
        response.insert_header((header::LINK, links));
    }
    Ok(response.json(found))
}

/// The `Link` header of a page: the same query with another `page`.
fn page_links(path: &str, kept: &[(&str, String)], page: &ActionPage) -> Option<String> {
    let last = ((page.total + page.per_page - 1) / page.per_page.max(1)).max(1);
    let link = |number: i64, rel: &str| {
        let query = url::form_urlencoded::Serializer::new(String::new())
            .extend_pairs(kept)
            .append_pair("page", &number.to_string())
            .finish();
        format!("<{path}?{query}>; rel=\"{rel}\"")
    };
    let mut links = vec![link(1, "first")];
    if page.page > 1 {
        links.push(link((page.page - 1).min(last), "prev"));
    }
    if page.page < last {
        links.push(link(page.page + 1, "next"));
    }
    links.push(link(last, "last"));
    Some(links.join(", "))
}
