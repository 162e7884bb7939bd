//! Evidence files: what was done, shown (an attendance sheet, a photo, a signed
//! convention), attached to an action or a sub-action, to a proposal on it, or to a
//! comment of its discussion.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::PersonRef;

/// The longest file name kept, in characters (a longer one is shortened, its extension
/// kept).
pub const ATTACHMENT_NAME_MAX_CHARS: usize = 255;
/// The largest file, by default (`PST_FILE_MAX_MB`): 20 MB.
pub const ATTACHMENT_DEFAULT_MAX_BYTES: u64 = 20 * 1024 * 1024;

/// What a file is, read from its content (its first bytes), never from its name alone.
/// The name's extension must agree with it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum EvidenceKind {
    Pdf,
    /// PNG, JPEG, GIF or WebP: shown as a preview.
    Image,
    /// Word, Excel, PowerPoint (OOXML or the older binary formats) and OpenDocument.
    Office,
    /// Plain text or CSV, in UTF-8.
    Text,
}

/// A file attached to an action, a proposal or a comment.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Attachment {
    pub id: Uuid,
    /// The action or sub-action it is attached to (a proposal's or a comment's).
    pub action_id: Uuid,
    /// The proposal it was given with, if any.
    pub change_request_id: Option<Uuid>,
    /// The comment it was given with, if any.
    pub comment_id: Option<Uuid>,
    /// The name as kept: one path segment, without control characters.
    pub name: String,
    /// The media type read from the content (`application/pdf`, `image/png`…).
    pub media_type: String,
    pub kind: EvidenceKind,
    pub size_bytes: i64,
    /// SHA-256 of the content, in lowercase hexadecimal.
    pub sha256: String,
    pub uploaded_by: PersonRef,
    #[serde(deserialize_with = "crate::wire_time::instant")]
    pub uploaded_at: DateTime<Utc>,
    /// The caller may remove it: the person who brought it, or the management.
    pub may_remove: bool,
}

/// `GET /api/v1/actions/{id}/attachments`: the files of an action and of its sub-actions,
/// oldest first, with the limits an upload meets.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AttachmentList {
    pub attachments: Vec<Attachment>,
    /// The largest file this server accepts, in bytes.
    pub max_file_bytes: u64,
    /// What the CPAS may keep in all, in bytes.
    pub quota_bytes: u64,
    /// What the CPAS keeps now, in bytes.
    pub used_bytes: u64,
    /// The caller may attach files to this action.
    pub may_attach: bool,
}
