//! One function per API endpoint.

use api_types::{
    ActionDefinitionPatch, ActionDetail, ActionOrganisations, Adoption, Approval, ChangeRequest,
    EcomptesBudget, HistoryEntry, LoginRequest, NewAction, NewChangeRequest, NewObjective,
    NewOrganisation, NewPlan, NewUser, ObjectivePatch, OpinionInput, OrganisationSummary,
    PasswordChange, PersonIdentity, PlanStats, PlanSummary, PlanTree, Problem, ProblemCode,
    RefreshRequest, Rejection, SessionInfo, TenantIdentity, TenantIdentityChange, TenantRef,
    TokenResponse, User, UserCreated, UserPatch,
};
use gloo_net::http::{Method, RequestBuilder, Response};
use serde::de::DeserializeOwned;

pub mod attachments;
pub mod comments;
pub mod managers;
pub mod periods;
pub mod preferences;
pub mod second_factor;
pub mod single_sign_on;
pub mod tasks;

/// A failed call, ready to show.
#[derive(Debug, Clone, PartialEq)]
pub struct ApiFailure {
    pub status: u16,
    pub message: String,
    /// The problem document, when the server sent one (field errors, conflicts).
    pub problem: Option<Problem>,
}

impl ApiFailure {
    /// The session is over (expired, revoked): the user must sign in again.
    pub fn is_unauthenticated(&self) -> bool {
        self.status == 401
    }
}

pub async fn login(
    email: String,
    password: String,
    second_factor_code: Option<String>,
) -> Result<TokenResponse, ApiFailure> {
    let body = json(&LoginRequest {
        email,
        password,
        second_factor_code,
    })?;
    parse(&exchange(Method::POST, "/api/v1/auth/login", None, Some(body)).await?)
}

pub async fn refresh(refresh_token: String) -> Result<TokenResponse, ApiFailure> {
    let body = json(&RefreshRequest { refresh_token })?;
    parse(&exchange(Method::POST, "/api/v1/auth/refresh", None, Some(body)).await?)
}

/// Ends the session; for one opened through an identity provider, where to sign out
/// there too.
pub async fn logout(token: &str) -> Result<api_types::LoggedOut, ApiFailure> {
    parse(&exchange(Method::POST, "/api/v1/auth/logout", Some(token), None).await?)
}

pub async fn me(token: &str) -> Result<User, ApiFailure> {
    get("/api/v1/me", token).await
}

/// Changes the signed-in person's password; their other sessions end.
pub async fn change_password(token: &str, change: &PasswordChange) -> Result<(), ApiFailure> {
    let body = json(change)?;
    exchange(Method::PUT, "/api/v1/me/password", Some(token), Some(body))
        .await
        .map(drop)
}

pub async fn my_identity(token: &str) -> Result<PersonIdentity, ApiFailure> {
    get("/api/v1/me/identity", token).await
}

pub async fn set_my_identity(
    token: &str,
    identity: &PersonIdentity,
) -> Result<PersonIdentity, ApiFailure> {
    send(Method::PUT, "/api/v1/me/identity", token, identity).await
}

pub async fn my_sessions(token: &str) -> Result<Vec<SessionInfo>, ApiFailure> {
    get("/api/v1/me/sessions", token).await
}

pub async fn end_my_session(token: &str, id: &str) -> Result<(), ApiFailure> {
    let url = format!("/api/v1/me/sessions/{id}");
    exchange(Method::DELETE, &url, Some(token), None)
        .await
        .map(drop)
}

pub async fn end_my_other_sessions(token: &str) -> Result<(), ApiFailure> {
    exchange(
        Method::POST,
        "/api/v1/me/sessions/end-others",
        Some(token),
        None,
    )
    .await
    .map(drop)
}

pub async fn list_plans(token: &str) -> Result<Vec<PlanSummary>, ApiFailure> {
    get("/api/v1/plans", token).await
}

pub async fn get_plan(token: &str, id: &str) -> Result<PlanTree, ApiFailure> {
    get(&format!("/api/v1/plans/{id}"), token).await
}

pub async fn plan_summary(token: &str, id: &str) -> Result<PlanStats, ApiFailure> {
    get(&format!("/api/v1/plans/{id}/summary"), token).await
}

pub async fn get_action(token: &str, id: &str) -> Result<ActionDetail, ApiFailure> {
    get(&format!("/api/v1/actions/{id}"), token).await
}

/// What eComptes sent back for an action (its articles and projections).
pub async fn action_ecomptes(token: &str, id: &str) -> Result<EcomptesBudget, ApiFailure> {
    get(&format!("/api/v1/actions/{id}/ecomptes"), token).await
}

pub async fn action_history(token: &str, id: &str) -> Result<Vec<HistoryEntry>, ApiFailure> {
    get(&format!("/api/v1/actions/{id}/history"), token).await
}

pub async fn pending_change_requests(token: &str) -> Result<Vec<ChangeRequest>, ApiFailure> {
    get("/api/v1/change-requests?status=pending", token).await
}

/// The caller's own proposals (the API lists only theirs to a partner or a social
/// worker), oldest first; `action` narrows them to one action's pending ones.
pub async fn my_change_requests(
    token: &str,
    pending_on: Option<&str>,
) -> Result<Vec<ChangeRequest>, ApiFailure> {
    let url = match pending_on {
        Some(action) => format!("/api/v1/change-requests?status=pending&action_id={action}"),
        None => "/api/v1/change-requests".to_owned(),
    };
    get(&url, token).await
}

pub async fn withdraw(token: &str, id: &str) -> Result<(), ApiFailure> {
    let url = format!("/api/v1/change-requests/{id}/withdraw");
    exchange(Method::POST, &url, Some(token), None)
        .await
        .map(drop)
}

// "My actions" and the inbox are read as JSON values, field by field: a typed list would
// compile a deserializer of its own into the initial WASM, over its budget.

/// `GET /api/v1/me/actions`: `ActionRef` objects.
pub async fn my_actions(token: &str) -> Result<Vec<serde_json::Value>, ApiFailure> {
    let list: serde_json::Value = get("/api/v1/me/actions", token).await?;
    Ok(list.as_array().cloned().unwrap_or_default())
}

/// The inbox (`Notification` objects), unless it is still the one whose `ETag` is `held`
/// (`Ok(None)`: 304).
pub async fn notifications(
    token: &str,
    held: Option<&str>,
) -> Result<Option<(Vec<serde_json::Value>, Option<String>)>, ApiFailure> {
    let mut request = RequestBuilder::new("/api/v1/notifications")
        .header("Accept", "application/json")
        .header("Authorization", &format!("Bearer {token}"));
    if let Some(etag) = held {
        request = request.header("If-None-Match", etag);
    }
    let response = request.send().await.map_err(network)?;
    match response.status() {
        304 => Ok(None),
        _ if response.ok() => {
            let etag = response.headers().get("etag");
            let list: serde_json::Value = parse(&response.text().await.map_err(network)?)?;
            Ok(Some((list.as_array().cloned().unwrap_or_default(), etag)))
        }
        _ => Err(failure(response).await),
    }
}

/// Marks one notification read (`Some`), or all of them.
pub async fn mark_read(token: &str, id: Option<&str>) -> Result<(), ApiFailure> {
    let url = match id {
        Some(id) => format!("/api/v1/notifications/{id}/read"),
        None => "/api/v1/notifications/read-all".to_owned(),
    };
    exchange(Method::POST, &url, Some(token), None)
        .await
        .map(drop)
}

pub async fn propose(
    token: &str,
    action: &str,
    proposal: &NewChangeRequest,
) -> Result<ChangeRequest, ApiFailure> {
    post(
        &format!("/api/v1/actions/{action}/change-requests"),
        token,
        proposal,
    )
    .await
}

pub async fn approve(
    token: &str,
    id: &str,
    over_version: Option<i32>,
) -> Result<ChangeRequest, ApiFailure> {
    post(
        &format!("/api/v1/change-requests/{id}/approve"),
        token,
        &Approval { over_version },
    )
    .await
}

pub async fn reject(token: &str, id: &str, reason: String) -> Result<ChangeRequest, ApiFailure> {
    post(
        &format!("/api/v1/change-requests/{id}/reject"),
        token,
        &Rejection { reason },
    )
    .await
}

// Administration: accounts, organisations, the plan's structure.

/// `?tenant_id=…` for platform administrators, who name the CPAS they work on.
fn tenant_query(tenant: Option<uuid::Uuid>) -> String {
    tenant
        .map(|t| format!("?tenant_id={t}"))
        .unwrap_or_default()
}

pub async fn list_tenants(token: &str) -> Result<Vec<TenantRef>, ApiFailure> {
    get("/api/v1/tenants", token).await
}

pub async fn tenant_identity(token: &str, id: &str) -> Result<TenantIdentity, ApiFailure> {
    get(&format!("/api/v1/tenants/{id}"), token).await
}

pub async fn set_tenant_identity(
    token: &str,
    id: &str,
    change: &TenantIdentityChange,
) -> Result<TenantIdentity, ApiFailure> {
    send(Method::PUT, &format!("/api/v1/tenants/{id}"), token, change).await
}

pub async fn list_users(token: &str, tenant: Option<uuid::Uuid>) -> Result<Vec<User>, ApiFailure> {
    get(&format!("/api/v1/users{}", tenant_query(tenant)), token).await
}

pub async fn create_user(token: &str, user: &NewUser) -> Result<UserCreated, ApiFailure> {
    post("/api/v1/users", token, user).await
}

pub async fn update_user(token: &str, id: &str, patch: &UserPatch) -> Result<User, ApiFailure> {
    send(Method::PATCH, &format!("/api/v1/users/{id}"), token, patch).await
}

pub async fn reset_password(token: &str, id: &str) -> Result<UserCreated, ApiFailure> {
    post(
        &format!("/api/v1/users/{id}/password-reset"),
        token,
        &serde_json::json!({}),
    )
    .await
}

pub async fn list_organisations(
    token: &str,
    tenant: Option<uuid::Uuid>,
) -> Result<Vec<OrganisationSummary>, ApiFailure> {
    get(
        &format!("/api/v1/organisations{}", tenant_query(tenant)),
        token,
    )
    .await
}

pub async fn create_organisation(
    token: &str,
    organisation: &NewOrganisation,
) -> Result<OrganisationSummary, ApiFailure> {
    post("/api/v1/organisations", token, organisation).await
}

pub async fn create_plan(token: &str, plan: &NewPlan) -> Result<PlanTree, ApiFailure> {
    post("/api/v1/plans", token, plan).await
}

pub async fn adopt_plan(
    token: &str,
    plan: &str,
    adoption: &Adoption,
) -> Result<PlanTree, ApiFailure> {
    post(&format!("/api/v1/plans/{plan}/adopt"), token, adoption).await
}

pub async fn create_objective(
    token: &str,
    plan: &str,
    objective: &NewObjective,
) -> Result<PlanTree, ApiFailure> {
    post(
        &format!("/api/v1/plans/{plan}/objectives"),
        token,
        objective,
    )
    .await
}

pub async fn update_objective(
    token: &str,
    id: &str,
    patch: &ObjectivePatch,
) -> Result<PlanTree, ApiFailure> {
    send(
        Method::PATCH,
        &format!("/api/v1/objectives/{id}"),
        token,
        patch,
    )
    .await
}

pub async fn create_action(
    token: &str,
    objective: &str,
    action: &NewAction,
) -> Result<ActionDetail, ApiFailure> {
    post(
        &format!("/api/v1/objectives/{objective}/actions"),
        token,
        action,
    )
    .await
}

pub async fn update_action_definition(
    token: &str,
    id: &str,
    patch: &ActionDefinitionPatch,
) -> Result<ActionDetail, ApiFailure> {
    send(
        Method::PATCH,
        &format!("/api/v1/actions/{id}/definition"),
        token,
        patch,
    )
    .await
}

pub async fn set_action_organisations(
    token: &str,
    id: &str,
    organisations: &ActionOrganisations,
) -> Result<ActionDetail, ApiFailure> {
    send(
        Method::PUT,
        &format!("/api/v1/actions/{id}/organisations"),
        token,
        organisations,
    )
    .await
}

pub async fn create_opinion(
    token: &str,
    plan: &str,
    opinion: &OpinionInput,
) -> Result<PlanTree, ApiFailure> {
    post(&format!("/api/v1/plans/{plan}/opinions"), token, opinion).await
}

pub async fn update_opinion(
    token: &str,
    id: &str,
    opinion: &OpinionInput,
) -> Result<PlanTree, ApiFailure> {
    send(
        Method::PUT,
        &format!("/api/v1/opinions/{id}"),
        token,
        opinion,
    )
    .await
}

pub async fn delete_opinion(token: &str, id: &str) -> Result<(), ApiFailure> {
    let url = format!("/api/v1/opinions/{id}");
    exchange(Method::DELETE, &url, Some(token), None)
        .await
        .map(drop)
}

pub async fn set_published(token: &str, plan: &str, published: bool) -> Result<(), ApiFailure> {
    let action = if published { "publish" } else { "unpublish" };
    let url = format!("/api/v1/plans/{plan}/{action}");
    exchange(Method::POST, &url, Some(token), None)
        .await
        .map(drop)
}

/// Sends a spreadsheet to the import: the plan created, or (`dry_run`) the one that would be
/// (the web app imports directly: the server checks the whole file before writing).
pub async fn import_plan(
    token: &str,
    title: &str,
    dry_run: bool,
    file: web_sys::File,
) -> Result<PlanTree, ApiFailure> {
    let title = String::from(js_sys::encode_uri_component(title));
    let url = format!("/api/v1/plans/import?title={title}&dry_run={dry_run}");
    send_file(token, &url, file).await
}

/// Attaches a file the person chose to an action, or to their pending proposal on it
/// (`change_request`): the server reads its type from its content. The file's record is
/// not decoded (the lists read it again): its decoder stays out of the initial set.
pub async fn attach(
    token: &str,
    action: &str,
    change_request: Option<&str>,
    file: web_sys::File,
) -> Result<(), ApiFailure> {
    let name = String::from(js_sys::encode_uri_component(&file.name()));
    let mut url = format!("/api/v1/actions/{action}/attachments?name={name}");
    if let Some(id) = change_request {
        url.push_str("&change_request_id=");
        url.push_str(id);
    }
    send_file::<serde::de::IgnoredAny>(token, &url, file)
        .await
        .map(drop)
}

/// POSTs a file the person chose as the body, and reads the JSON answer.
pub(crate) async fn send_file<T: DeserializeOwned>(
    token: &str,
    url: &str,
    file: web_sys::File,
) -> Result<T, ApiFailure> {
    let response = RequestBuilder::new(url)
        .method(Method::POST)
        .header("Accept", "application/json")
        .header("Authorization", &format!("Bearer {token}"))
        .body(file)
        .map_err(network)?
        .send()
        .await
        .map_err(network)?;
    if response.ok() {
        parse(&response.text().await.map_err(network)?)
    } else {
        Err(failure(response).await)
    }
}

/// Fetches a file the API makes (an export, a report) with the session's token, then hands
/// it to the browser: saved under `file_name`, or opened in a new tab when `None` (an HTML
/// report to print).
pub async fn download(token: &str, url: &str, file_name: Option<&str>) -> Result<(), ApiFailure> {
    use wasm_bindgen::JsCast;
    let href = object_url(token, url).await?;
    let window = web_sys::window().ok_or_else(|| local("no window".to_owned()))?;
    let failed = |_| local("the browser refused the file".to_owned());
    match file_name {
        Some(name) => {
            let anchor = window
                .document()
                .and_then(|d| d.create_element("a").ok())
                .and_then(|e| e.dyn_into::<web_sys::HtmlAnchorElement>().ok())
                .ok_or_else(|| local("no document".to_owned()))?;
            anchor.set_href(&href);
            anchor.set_download(name);
            anchor.click();
        }
        None => {
            window
                .open_with_url_and_target(&href, "_blank")
                .map_err(failed)?;
        }
    }
    Ok(())
}

/// Fetches a file the API serves with the session's token, and gives the browser's own
/// address for its bytes (`blob:`): to save, to open, or to show as an image.
pub async fn object_url(token: &str, url: &str) -> Result<String, ApiFailure> {
    let response = RequestBuilder::new(url)
        .header("Authorization", &format!("Bearer {token}"))
        .send()
        .await
        .map_err(network)?;
    if !response.ok() {
        return Err(failure(response).await);
    }
    let content_type = response.headers().get("content-type").unwrap_or_default();
    let bytes = response.binary().await.map_err(network)?;
    let parts = js_sys::Array::of1(&js_sys::Uint8Array::from(bytes.as_slice()));
    let options = web_sys::BlobPropertyBag::new();
    options.set_type(&content_type);
    let failed = |_| local("the browser refused the file".to_owned());
    let blob =
        web_sys::Blob::new_with_u8_array_sequence_and_options(&parts, &options).map_err(failed)?;
    web_sys::Url::create_object_url_with_blob(&blob).map_err(failed)
}

/// `GET /api/v1/tasks/assignees`: the people of the CPAS the management may name (to give
/// a task, or as a responsible), read into the caller's own type so that its decoding
/// stays in the caller's chunk.
pub async fn people_of_cpas<T: DeserializeOwned>(token: &str) -> Result<T, ApiFailure> {
    get("/api/v1/tasks/assignees", token).await
}

// The helpers below keep the generic part (serde) apart from the HTTP exchange, so the
// exchange is compiled once and not once per endpoint: the WASM stays small.

async fn get<T: DeserializeOwned>(url: &str, token: &str) -> Result<T, ApiFailure> {
    parse(&exchange(Method::GET, url, Some(token), None).await?)
}

async fn post<B: serde::Serialize, T: DeserializeOwned>(
    url: &str,
    token: &str,
    body: &B,
) -> Result<T, ApiFailure> {
    send(Method::POST, url, token, body).await
}

async fn send<B: serde::Serialize, T: DeserializeOwned>(
    method: Method,
    url: &str,
    token: &str,
    body: &B,
) -> Result<T, ApiFailure> {
    let body = json(body)?;
    parse(&exchange(method, url, Some(token), Some(body)).await?)
}

fn json<B: serde::Serialize>(body: &B) -> Result<String, ApiFailure> {
    serde_json::to_string(body).map_err(|e| local(e.to_string()))
}

/// An answer's body, read by the browser's own JSON parser and then decoded from that
/// JavaScript value (serde-wasm-bindgen). Decoding the text in Rust (serde_json) compiles
/// a JSON parser into each type's decoder, with a second path for structs written as
/// arrays that no answer uses: 14 KB more of the initial set, gzipped.
fn parse<T: DeserializeOwned>(text: &str) -> Result<T, ApiFailure> {
    let value =
        js_sys::JSON::parse(text).map_err(|e| local(js_sys::Error::from(e).message().into()))?;
    serde_wasm_bindgen::from_value(value).map_err(|e| local(e.to_string()))
}

/// One request: the answer's body when it succeeded, the problem when it did not.
async fn exchange(
    method: Method,
    url: &str,
    token: Option<&str>,
    body: Option<String>,
) -> Result<String, ApiFailure> {
    let mut request = RequestBuilder::new(url)
        .method(method)
        .header("Accept", "application/json");
    if let Some(token) = token {
        request = request.header("Authorization", &format!("Bearer {token}"));
    }
    let request = match body {
        Some(body) => request
            .header("Content-Type", "application/json")
            .body(body),
        None => request.build(),
    }
    .map_err(network)?;
    let response = request.send().await.map_err(network)?;
    if response.ok() {
        response.text().await.map_err(network)
    } else {
        Err(failure(response).await)
    }
}

async fn failure(response: Response) -> ApiFailure {
    let status = response.status();
    match parse::<Problem>(&response.text().await.unwrap_or_default()) {
        Ok(problem) => {
            if problem.code == ProblemCode::PasswordChangeRequired {
                // Whatever was asked, the person must first choose their own password.
                crate::session::password_change_required();
            }
            if problem.code == ProblemCode::SecondFactorEnrolmentRequired {
                // Or enrol the second step their CPAS requires.
                crate::session::second_factor_enrolment_required();
            }
            ApiFailure {
                status,
                // The code in the reader's language; the `detail` is the server's English.
                message: crate::locale::problem_message(problem.code).to_owned(),
                problem: Some(problem),
            }
        }
        Err(_) => ApiFailure {
            status,
            message: response.status_text(),
            problem: None,
        },
    }
}

fn network(error: gloo_net::Error) -> ApiFailure {
    local(error.to_string())
}

/// A failure on our side of the wire (network down, unreadable answer).
fn local(message: String) -> ApiFailure {
    ApiFailure {
        status: 0,
        message,
        problem: None,
    }
}
