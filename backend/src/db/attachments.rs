//! Evidence files as data: what each file is and who brought it (its bytes are in the
//! file store), the quota a CPAS uses, and the history rows of an added or removed file.
//! Who may do what is the use cases' (`app::attachments`).
//!
//! A file is shown while it is not removed and, when it came with a comment, while that
//! comment is shown (neither deleted nor hidden): `SHOWN` is that rule, in every read.

use api_types as wire;
use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel::sql_types::{Array, BigInt, Nullable, Text, Timestamptz, Uuid as SqlUuid};
use uuid::Uuid;

use super::schema::{action_history, actions, attachments, change_requests, comments};
use super::{DbError, DbResult};
use crate::domain::TenantId;

/// A file as the lists read it, with the name of who brought it.
#[derive(Debug, Clone, QueryableByName)]
pub struct AttachmentRow {
    #[diesel(sql_type = SqlUuid)]
    pub id: Uuid,
    #[diesel(sql_type = SqlUuid)]
    pub action_id: Uuid,
    #[diesel(sql_type = Nullable<SqlUuid>)]
    pub change_request_id: Option<Uuid>,
    #[diesel(sql_type = Nullable<SqlUuid>)]
    pub comment_id: Option<Uuid>,
    #[diesel(sql_type = Text)]
    pub name: String,
    #[diesel(sql_type = Text)]
    pub media_type: String,
    #[diesel(sql_type = BigInt)]
    pub size_bytes: i64,
    #[diesel(sql_type = Text)]
    pub sha256: String,
    #[diesel(sql_type = Text)]
    pub storage_key: String,
    #[diesel(sql_type = SqlUuid)]
    pub uploaded_by: Uuid,
    #[diesel(sql_type = Text)]
    pub uploaded_by_name: String,
    #[diesel(sql_type = Nullable<Text>)]
    pub uploaded_by_organisation: Option<String>,
    #[diesel(sql_type = Timestamptz)]
    pub uploaded_at: DateTime<Utc>,
}

impl AttachmentRow {
    /// The file on the wire; its family comes from its media type.
    pub fn into_wire(self, kind: wire::EvidenceKind, may_remove: bool) -> wire::Attachment {
        wire::Attachment {
            id: self.id,
            action_id: self.action_id,
            change_request_id: self.change_request_id,
            comment_id: self.comment_id,
            name: self.name,
            media_type: self.media_type,
            kind,
            size_bytes: self.size_bytes,
            sha256: self.sha256,
            uploaded_by: wire::PersonRef {
                id: self.uploaded_by,
                display_name: self.uploaded_by_name,
                organisation: self.uploaded_by_organisation,
            },
            uploaded_at: self.uploaded_at,
            may_remove,
        }
    }
}

/// The columns of an [`AttachmentRow`], over the files that are shown.
const SHOWN: &str = "SELECT f.id, f.action_id, f.change_request_id, f.comment_id, f.name,
        f.media_type, f.size_bytes, f.sha256, f.storage_key, f.uploaded_by,
        u.display_name AS uploaded_by_name, o.name AS uploaded_by_organisation, f.uploaded_at
    FROM attachments f
    JOIN users u ON u.id = f.uploaded_by
    LEFT JOIN organisations o ON o.id = u.organisation_id
    LEFT JOIN comments c ON c.id = f.comment_id
    WHERE f.removed_at IS NULL AND c.deleted_at IS NULL AND c.hidden_at IS NULL
      AND f.tenant_id = $1";

/// The files shown on these actions (an action and its sub-actions), oldest first. One
/// statement.
pub fn of_actions(
    conn: &mut PgConnection,
    tenant: TenantId,
    actions: &[Uuid],
) -> DbResult<Vec<AttachmentRow>> {
    Ok(diesel::sql_query(format!(
        "{SHOWN} AND f.action_id = ANY($2) ORDER BY f.uploaded_at, f.id"
    ))
    .bind::<SqlUuid, _>(tenant.get())
    .bind::<Array<SqlUuid>, _>(actions)
    .load(conn)?)
}

/// One file of the CPAS that is shown; `lock` takes it for a removal.
pub fn one(
    conn: &mut PgConnection,
    tenant: TenantId,
    id: Uuid,
    lock: bool,
) -> DbResult<AttachmentRow> {
    diesel::sql_query(format!(
        "{SHOWN} AND f.id = $2 {}",
        if lock { "FOR UPDATE OF f" } else { "" }
    ))
    .bind::<SqlUuid, _>(tenant.get())
    .bind::<SqlUuid, _>(id)
    .get_result(conn)
    .optional()?
    .ok_or(DbError::NotFound("attachment"))
}

/// A live action of the CPAS a file may be attached to: its version, and the
/// organisations that carry it (a sub-action's are its own and its action's).
pub struct AttachTarget {
    pub version: i32,
    pub carriers: Vec<Uuid>,
}

pub fn target(conn: &mut PgConnection, tenant: TenantId, action: Uuid) -> DbResult<AttachTarget> {
    let found: Option<(i32, Vec<Uuid>)> = actions::table
        .filter(actions::id.eq(action))
        .filter(actions::tenant_id.eq(tenant.get()))
        .filter(actions::archived_at.is_null())
        .select((
            actions::version,
            diesel::dsl::sql::<Array<SqlUuid>>(
                "ARRAY(SELECT ao.organisation_id FROM action_organisations ao \
                 WHERE ao.action_id = actions.id OR ao.action_id = actions.parent_id)",
            ),
        ))
        .first(conn)
        .optional()?;
    let (version, carriers) = found.ok_or(DbError::NotFound("action"))?;
    Ok(AttachTarget { version, carriers })
}

/// The action and the author of a proposal of the CPAS, with whether it is still pending.
pub fn proposal_owner(
    conn: &mut PgConnection,
    tenant: TenantId,
    id: Uuid,
) -> DbResult<Option<(Uuid, Uuid, bool)>> {
    Ok(change_requests::table
        .filter(change_requests::tenant_id.eq(tenant.get()))
        .filter(change_requests::id.eq(id))
        .select((
            change_requests::action_id,
            change_requests::author_id,
            change_requests::status.eq("pending"),
        ))
        .first(conn)
        .optional()?)
}

/// The action and the author of a comment of the CPAS that is shown.
pub fn comment_owner(
    conn: &mut PgConnection,
    tenant: TenantId,
    id: Uuid,
) -> DbResult<Option<(Uuid, Uuid)>> {
    Ok(comments::table
        .filter(comments::tenant_id.eq(tenant.get()))
        .filter(comments::id.eq(id))
        .filter(comments::deleted_at.is_null())
        .filter(comments::hidden_at.is_null())
        .select((comments::action_id, comments::author_id))
        .first(conn)
        .optional()?)
}

/// What the CPAS keeps now, in bytes. `lock` first takes its quota's lock, so that two
/// uploads of one CPAS are counted one after the other (`FOR NO KEY UPDATE` leaves the rows
/// that refer to the CPAS free to be written meanwhile).
pub fn used_bytes(conn: &mut PgConnection, tenant: TenantId, lock: bool) -> DbResult<i64> {
    #[derive(QueryableByName)]
    struct Used {
        #[diesel(sql_type = BigInt)]
        used: i64,
    }
    let used: Used = diesel::sql_query(format!(
        "WITH cpas AS (SELECT id FROM tenants WHERE id = $1 {})
         SELECT COALESCE(sum(f.size_bytes), 0)::bigint AS used
         FROM cpas LEFT JOIN attachments f ON f.tenant_id = cpas.id AND f.removed_at IS NULL",
        if lock { "FOR NO KEY UPDATE" } else { "" }
    ))
    .bind::<SqlUuid, _>(tenant.get())
    .get_result(conn)?;
    Ok(used.used)
}

/// A file to keep.
pub struct NewAttachment<'a> {
    pub id: Uuid,
    pub action: Uuid,
    pub change_request: Option<Uuid>,
    pub comment: Option<Uuid>,
    pub name: &'a str,
    pub media_type: &'a str,
    pub size_bytes: i64,
    pub sha256: &'a str,
    pub storage_key: &'a str,
    pub uploaded_by: Uuid,
}

pub fn insert(conn: &mut PgConnection, tenant: TenantId, new: &NewAttachment<'_>) -> DbResult<()> {
    diesel::insert_into(attachments::table)
        .values((
            attachments::id.eq(new.id),
            attachments::tenant_id.eq(tenant.get()),
            attachments::action_id.eq(new.action),
            attachments::change_request_id.eq(new.change_request),
            attachments::comment_id.eq(new.comment),
            attachments::name.eq(new.name),
            attachments::media_type.eq(new.media_type),
            attachments::size_bytes.eq(new.size_bytes),
            attachments::sha256.eq(new.sha256),
            attachments::storage_key.eq(new.storage_key),
            attachments::uploaded_by.eq(new.uploaded_by),
        ))
        .execute(conn)?;
    Ok(())
}

/// Removed by `by`: the row stays for the history, its bytes go.
pub fn remove(conn: &mut PgConnection, id: Uuid, by: Uuid) -> DbResult<()> {
    diesel::update(attachments::table.find(id))
        .set((
            attachments::removed_at.eq(diesel::dsl::sql::<Nullable<Timestamptz>>("now()")),
            attachments::removed_by.eq(Some(by)),
        ))
        .execute(conn)?;
    Ok(())
}

/// The action's history gains a row naming the file added or removed, by `by`; the
/// action's version (which guards its follow-up fields) does not move.
pub fn record_in_history(
    conn: &mut PgConnection,
    tenant: TenantId,
    action: Uuid,
    by: Uuid,
    change: &wire::FieldChange,
) -> DbResult<()> {
    diesel::insert_into(action_history::table)
        .values((
            action_history::tenant_id.eq(tenant.get()),
            action_history::action_id.eq(action),
            action_history::applied_by.eq(by),
            action_history::version.eq(actions::table
                .find(action)
                .select(actions::version)
                .single_value()
                .assume_not_null()),
            action_history::changes
                .eq(serde_json::to_value(std::slice::from_ref(change))
                    .map_err(anyhow::Error::from)?),
        ))
        .execute(conn)?;
    Ok(())
}
