//! Evidence files of an action: upload (the raw bytes as the body), list, download, remove.

use actix_web::http::header::{
    self, CacheControl, CacheDirective, Charset, ContentDisposition, DispositionParam,
    DispositionType, ExtendedValue,
};
use actix_web::{HttpRequest, HttpResponse, delete, get, post, web};
use api_types::{Attachment, AttachmentList, Problem};
use serde::Deserialize;
use uuid::Uuid;

use super::RequestDb;
use super::extract::{announced_length, read_body};
use super::problems;
use crate::app::attachments::{self, EvidenceFiles, Owner};
use crate::auth::Authenticated;
use crate::domain::ActionId;
use crate::error::ApiError;

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct UploadQuery {
    /// The file's name, without control characters (like every text of a query string).
    /// Kept as its last path segment, without the marks that reorder text, with `_` for
    /// `<>:"|?*`, at most 255 characters (shortened, its extension kept); its extension
    /// must agree with the content (a name without one takes the content's).
    #[param(
        min_length = 1,
        max_length = 1000,
        pattern = r"^[^\x00-\x1f\x7f-\x9f]+$"
    )]
    pub name: String,
    /// Attach it to this pending proposal of the caller's on the action.
    pub change_request_id: Option<Uuid>,
    /// Attach it to this comment of the caller's on the action.
    pub comment_id: Option<Uuid>,
}

/// Attaches a file to an action or a sub-action (the organisations that carry it, social
/// workers, the management), or to the caller's pending proposal or comment on it. The
/// body is the file's bytes. Its type is read from its content: PDF, PNG, JPEG, GIF,
/// WebP, Word, Excel, PowerPoint (OOXML or binary), OpenDocument, CSV or plain UTF-8 text;
/// anything else, or a name whose extension says another type, is 415
/// `unsupported_file_type`. At most `PST_FILE_MAX_MB` (20 MB by default; 413
/// `file_too_large`, before a byte is read when `Content-Length` says so); the CPAS's
/// files at most `PST_FILE_QUOTA_MB` in all (422 `quota_exceeded`: see `GET
/// /actions/{id}/attachments` for both figures). The action's history records it.
#[utoipa::path(operation_id = "upload_attachment", tag = "attachments",
    security(("bearer" = []), ("api_token" = ["actions:propose"])),
    params(("action_id" = Uuid, Path), UploadQuery),
    request_body(description = "The file's bytes (at most 20 MB by default), whatever the \
        `Content-Type` says: the type is read from the content", content(
        (Vec<u8> = "application/octet-stream"),
    )),
    responses((status = 201, description = "The file kept", body = Attachment),
        problems::NotFound,
        (status = 409, description = "The proposal was already decided", body = Problem, content_type = "application/problem+json"),
        (status = 413, description = "The file is over the server's limit", body = Problem, content_type = "application/problem+json"),
        (status = 415, description = "Not a type the server keeps, or the name says another", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "A name empty once made safe, an empty file, an unknown proposal or comment (`validation_failed`), or over the CPAS's quota (`quota_exceeded`)", body = Problem, content_type = "application/problem+json")))]
#[post("/actions/{action_id}/attachments")]
pub async fn upload_attachment(
    db: RequestDb,
    auth: Authenticated,
    files: web::Data<EvidenceFiles>,
    action: web::Path<ActionId>,
    query: web::Query<UploadQuery>,
    request: HttpRequest,
    payload: web::Payload,
) -> Result<HttpResponse, ApiError> {
    let limits = files.limits;
    let query = query.into_inner();
    let max = usize::try_from(limits.max_file_bytes).unwrap_or(usize::MAX);
    let too_large = || ApiError::FileTooLarge {
        detail: format!("a file is at most {} bytes", limits.max_file_bytes),
    };
    let announced = announced_length(&request);
    if announced.is_some_and(|n| n > max) {
        return Err(too_large());
    }
    let owner = Owner {
        change_request: query.change_request_id,
        comment: query.comment_id,
    };
    if owner.change_request.is_some() && owner.comment.is_some() {
        return Err(ApiError::invalid_field(
            "comment_id",
            api_types::ProblemCode::NotAllowed,
            "a file goes with a proposal or with a comment, not both",
        ));
    }
    // Who may attach, and whether the CPAS has room, is settled before a byte is read.
    let permit =
        attachments::authorize(&db, &auth, limits, action.into_inner(), owner, announced).await?;
    let content = read_body(&request, payload, max, too_large).await?;
    let created = attachments::upload(&db, &auth, &files, permit, &query.name, content).await?;
    Ok(HttpResponse::Created()
        .insert_header((
            header::LOCATION,
            format!("/api/v1/attachments/{}/content", created.id),
        ))
        .json(created))
}

/// The files of an action and of its sub-actions, oldest first (a file that came with a
/// comment is listed while the comment is shown), with the server's size limit and the
/// CPAS's quota.
#[utoipa::path(operation_id = "list_action_attachments", tag = "attachments",
    security(("bearer" = []), ("api_token" = ["plans:read"])),
    params(("action_id" = Uuid, Path)),
    responses((status = 200, body = AttachmentList), problems::NotFound))]
#[get("/actions/{action_id}/attachments")]
pub async fn action_attachments(
    db: RequestDb,
    auth: Authenticated,
    files: web::Data<EvidenceFiles>,
    action: web::Path<ActionId>,
) -> Result<web::Json<AttachmentList>, ApiError> {
    Ok(web::Json(
        attachments::of_action(&db, &auth, files.limits, action.into_inner()).await?,
    ))
}

/// A file's bytes, for whoever reads the plans of its CPAS: always as an attachment
/// (`Content-Disposition: attachment`, with its name), with its type as read from its
/// content, `X-Content-Type-Options: nosniff`, never cached by the browser.
#[utoipa::path(operation_id = "download_attachment", tag = "attachments",
    security(("bearer" = []), ("api_token" = ["plans:read"])),
    params(("attachment_id" = Uuid, Path)),
    responses((status = 200, description = "The file's bytes", content(
            (Vec<u8> = "application/octet-stream"),
            (Vec<u8> = "application/pdf"),
            (Vec<u8> = "image/*"),
        )),
        problems::NotFound))]
#[get("/attachments/{attachment_id}/content")]
pub async fn download_attachment(
    db: RequestDb,
    auth: Authenticated,
    files: web::Data<EvidenceFiles>,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    let file = attachments::download(&db, &auth, &files.store, id.into_inner()).await?;
    // An ASCII name for old clients, the UTF-8 one (RFC 6266, RFC 8187) for the others.
    let ascii: String = file
        .name
        .chars()
        .map(|c| {
            if c.is_ascii_graphic() || c == ' ' {
                c
            } else {
                '_'
            }
        })
        .filter(|c| *c != '"' && *c != '\\')
        .collect();
    let disposition = ContentDisposition {
        disposition: DispositionType::Attachment,
        parameters: vec![
            DispositionParam::Filename(ascii),
            DispositionParam::FilenameExt(ExtendedValue {
                charset: Charset::Ext("UTF-8".to_owned()),
                language_tag: None,
                value: file.name.into_bytes(),
            }),
        ],
    };
    Ok(HttpResponse::Ok()
        .insert_header((header::CONTENT_TYPE, file.media_type))
        .insert_header(disposition)
        .insert_header(CacheControl(vec![
            CacheDirective::Private,
            CacheDirective::NoStore,
        ]))
        .body(file.content))
}

/// Removes a file (the person who attached it, while they may attach to the action; the
/// management, any). The action's history keeps its name, and who removed it.
#[utoipa::path(operation_id = "remove_attachment", tag = "attachments",
    security(("bearer" = []), ("api_token" = ["actions:propose"])),
    params(("attachment_id" = Uuid, Path)),
    responses((status = 204, description = "Removed"), problems::NotFound))]
#[delete("/attachments/{attachment_id}")]
pub async fn remove_attachment(
    db: RequestDb,
    auth: Authenticated,
    files: web::Data<EvidenceFiles>,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    attachments::remove(&db, &auth, &files.store, id.into_inner()).await?;
    Ok(HttpResponse::NoContent().finish())
}
