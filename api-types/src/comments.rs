//! Discussions: comments on an action or a sub-action by the people of its CPAS, with
//! mentions of those people.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::PersonRef;

/// The longest comment, in characters.
pub const COMMENT_MAX_CHARS: usize = 5000;
/// The most people one comment mentions.
pub const COMMENT_MENTIONS_MAX: usize = 20;
/// The longest reason the DG gives for hiding a comment, in characters.
pub const COMMENT_HIDE_REASON_MAX_CHARS: usize = 500;

/// A comment of a discussion. Deleted by its author, it stays as a trace without its
/// words; hidden by the DG, it stays with the reason and without its words.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Comment {
    pub id: Uuid,
    /// The action or sub-action it is on.
    pub action_id: Uuid,
    pub author: PersonRef,
    /// Plain text (links are shown as links); `null` once deleted or hidden.
    pub body: Option<String>,
    /// The people it mentions (told in their inbox).
    pub mentions: Vec<PersonRef>,
    #[serde(deserialize_with = "crate::wire_time::instant")]
    pub created_at: DateTime<Utc>,
    /// When its author last changed it.
    #[serde(default, deserialize_with = "crate::wire_time::optional_instant")]
    pub edited_at: Option<DateTime<Utc>>,
    /// When its author deleted it.
    #[serde(default, deserialize_with = "crate::wire_time::optional_instant")]
    pub deleted_at: Option<DateTime<Utc>>,
    /// Hidden by the DG, and why.
    #[serde(default)]
    pub hidden: Option<CommentHiding>,
    /// The caller may change it now: its author, within 15 minutes of writing it.
    pub may_edit: bool,
    /// The caller may delete it: its author, while it is not deleted.
    pub may_delete: bool,
    /// The caller may hide it: the DG, while it is shown.
    pub may_hide: bool,
    pub version: i32,
}

/// Why and by whom a comment is hidden.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CommentHiding {
    pub by: PersonRef,
    #[serde(deserialize_with = "crate::wire_time::instant")]
    pub at: DateTime<Utc>,
    pub reason: String,
}

/// `GET /api/v1/actions/{id}/comments`: the discussion, oldest first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CommentList {
    pub comments: Vec<Comment>,
    /// The people a comment may mention: the active people of the CPAS, by name.
    pub mentionable: Vec<PersonRef>,
}

/// `POST /api/v1/actions/{id}/comments` and `PATCH /api/v1/comments/{id}`: the words and
/// whom they mention (people of the CPAS: another is 422 `unknown_reference` on
/// `mentions/N`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct CommentInput {
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::limits::text::<{ COMMENT_MAX_CHARS }>))]
    pub body: String,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(max_items = 20))]
    pub mentions: Vec<Uuid>,
}

/// `PATCH /api/v1/comments/{id}`: new words, based on the version read.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct CommentPatch {
    /// The version read (409 `stale_version` when it moved on).
    pub version: i32,
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::limits::text::<{ COMMENT_MAX_CHARS }>))]
    pub body: String,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(max_items = 20))]
    pub mentions: Vec<Uuid>,
}

/// `POST /api/v1/comments/{id}/hide`: the DG's reason.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct CommentHide {
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::limits::text::<{ COMMENT_HIDE_REASON_MAX_CHARS }>))]
    pub reason: String,
}
