//! Comments as data: the discussion of an action (one statement), its mentions, and the
//! notifications of the people mentioned. Who may do what is the use cases'
//! (`app::comments`); the edit window is SQL (`pst_comment_editable`).

use api_types as wire;
use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel::sql_types::{
    Array, Bool, Integer, Jsonb, Nullable, Text, Timestamptz, Uuid as SqlUuid,
};
use serde_json::Value;
use uuid::Uuid;

use super::schema::{comment_mentions, comments};
use super::{DbError, DbResult};
use crate::domain::TenantId;

/// The database's clock, for a nullable moment (the edit window is measured by it too).
fn now() -> diesel::expression::SqlLiteral<Nullable<Timestamptz>> {
    diesel::dsl::sql::<Nullable<Timestamptz>>("now()")
}

/// A comment as the discussion reads it, with the names around it; what the caller may do
/// with it is the use case's.
#[derive(Debug, Clone, QueryableByName)]
pub struct CommentRow {
    #[diesel(sql_type = SqlUuid)]
    pub id: Uuid,
    #[diesel(sql_type = SqlUuid)]
    pub action_id: Uuid,
    #[diesel(sql_type = SqlUuid)]
    pub author_id: Uuid,
    #[diesel(sql_type = Text)]
    pub author_name: String,
    #[diesel(sql_type = Nullable<Text>)]
    pub author_organisation: Option<String>,
    #[diesel(sql_type = Nullable<Text>)]
    pub body: Option<String>,
    /// The people mentioned: `[{id, display_name, organisation}]`, by name.
    #[diesel(sql_type = Jsonb)]
    pub mentions: Value,
    #[diesel(sql_type = Timestamptz)]
    pub created_at: DateTime<Utc>,
    #[diesel(sql_type = Nullable<Timestamptz>)]
    pub edited_at: Option<DateTime<Utc>>,
    #[diesel(sql_type = Nullable<Timestamptz>)]
    pub deleted_at: Option<DateTime<Utc>>,
    #[diesel(sql_type = Nullable<Timestamptz>)]
    pub hidden_at: Option<DateTime<Utc>>,
    #[diesel(sql_type = Nullable<SqlUuid>)]
    pub hidden_by: Option<Uuid>,
    #[diesel(sql_type = Nullable<Text>)]
    pub hidden_by_name: Option<String>,
    #[diesel(sql_type = Nullable<Text>)]
    pub hidden_reason: Option<String>,
    /// Within its edit window now (`pst_comment_editable`).
    #[diesel(sql_type = Bool)]
    pub editable: bool,
    #[diesel(sql_type = Integer)]
    pub version: i32,
}

/// What the caller may do with a comment, as the use case decided.
#[derive(Debug, Clone, Copy, Default)]
pub struct CommentRights {
    pub edit: bool,
    pub delete: bool,
    pub hide: bool,
}

impl CommentRow {
    /// The comment on the wire: a hidden one without its words.
    pub fn into_wire(self, rights: CommentRights) -> DbResult<wire::Comment> {
        let mentions: Vec<wire::PersonRef> = serde_json::from_value(self.mentions)
            .map_err(|e| DbError::Internal(anyhow::anyhow!("comment mentions: {e}")))?;
        let hidden = match (self.hidden_at, self.hidden_by, self.hidden_reason) {
            (Some(at), Some(id), Some(reason)) => Some(wire::CommentHiding {
                by: wire::PersonRef {
                    id,
                    display_name: self.hidden_by_name.unwrap_or_default(),
                    organisation: None,
                },
                at,
                reason,
            }),
            _ => None,
        };
        Ok(wire::Comment {
            id: self.id,
            action_id: self.action_id,
            author: wire::PersonRef {
                id: self.author_id,
                display_name: self.author_name,
                organisation: self.author_organisation,
            },
            body: if hidden.is_some() { None } else { self.body },
            mentions,
            created_at: self.created_at,
            edited_at: self.edited_at,
            deleted_at: self.deleted_at,
            hidden,
            may_edit: rights.edit,
            may_delete: rights.delete,
            may_hide: rights.hide,
            version: self.version,
        })
    }
}

/// The columns of a [`CommentRow`], over `comments c` joined as below.
const COMMENT_SELECT: &str = "SELECT c.id, c.action_id, c.author_id,
        au.display_name AS author_name, ao.name AS author_organisation,
        c.body,
        COALESCE((SELECT jsonb_agg(jsonb_build_object('id', mu.id, 'display_name', mu.display_name,
                                                      'organisation', mo.name)
                                   ORDER BY mu.display_name, mu.id)
                  FROM comment_mentions m JOIN users mu ON mu.id = m.user_id
                  LEFT JOIN organisations mo ON mo.id = mu.organisation_id
                  WHERE m.comment_id = c.id), '[]'::jsonb) AS mentions,
        c.created_at, c.edited_at, c.deleted_at,
        c.hidden_at, c.hidden_by, hu.display_name AS hidden_by_name, c.hidden_reason,
        pst_comment_editable(c.created_at) AS editable, c.version
    FROM comments c
    JOIN users au ON au.id = c.author_id
    LEFT JOIN organisations ao ON ao.id = au.organisation_id
    LEFT JOIN users hu ON hu.id = c.hidden_by";

/// The comments on these actions (an action and its sub-actions), oldest first. One
/// statement.
pub fn of_actions(
    conn: &mut PgConnection,
    tenant: TenantId,
    actions: &[Uuid],
) -> DbResult<Vec<CommentRow>> {
    Ok(diesel::sql_query(format!(
        "{COMMENT_SELECT} WHERE c.tenant_id = $1 AND c.action_id = ANY($2)
         ORDER BY c.created_at, c.id"
    ))
    .bind::<SqlUuid, _>(tenant.get())
    .bind::<Array<SqlUuid>, _>(actions)
    .load(conn)?)
}

/// One comment of the CPAS; `lock` takes it for a change.
pub fn one(
    conn: &mut PgConnection,
    tenant: TenantId,
    id: Uuid,
    lock: bool,
) -> DbResult<CommentRow> {
    diesel::sql_query(format!(
        "{COMMENT_SELECT} WHERE c.tenant_id = $1 AND c.id = $2 {}",
        if lock { "FOR UPDATE OF c" } else { "" }
    ))
    .bind::<SqlUuid, _>(tenant.get())
    .bind::<SqlUuid, _>(id)
    .get_result(conn)
    .optional()?
    .ok_or(DbError::NotFound("comment"))
}

/// Writes a comment; another CPAS's action is refused by `comments_action_fk`.
pub fn insert(
    conn: &mut PgConnection,
    tenant: TenantId,
    action: Uuid,
    author: Uuid,
    body: &str,
) -> DbResult<Uuid> {
    Ok(diesel::insert_into(comments::table)
        .values((
            comments::tenant_id.eq(tenant.get()),
            comments::action_id.eq(action),
            comments::author_id.eq(author),
            comments::body.eq(body),
        ))
        .returning(comments::id)
        .get_result(conn)?)
}

/// New words, marked edited.
pub fn edit(conn: &mut PgConnection, id: Uuid, body: &str) -> DbResult<()> {
    diesel::update(comments::table.find(id))
        .set((
            comments::body.eq(Some(body)),
            comments::edited_at.eq(now()),
            comments::version.eq(comments::version + 1),
        ))
        .execute(conn)?;
    Ok(())
}

/// Deleted: the words and the mentions go, the trace stays.
pub fn delete(conn: &mut PgConnection, id: Uuid) -> DbResult<()> {
    diesel::delete(comment_mentions::table.filter(comment_mentions::comment_id.eq(id)))
        .execute(conn)?;
    diesel::update(comments::table.find(id))
        .set((
            comments::body.eq(None::<String>),
            comments::deleted_at.eq(now()),
            comments::version.eq(comments::version + 1),
        ))
        .execute(conn)?;
    Ok(())
}

/// Hidden by `by`, for `reason`.
pub fn hide(conn: &mut PgConnection, id: Uuid, by: Uuid, reason: &str) -> DbResult<()> {
    diesel::update(comments::table.find(id))
        .set((
            comments::hidden_at.eq(now()),
            comments::hidden_by.eq(Some(by)),
            comments::hidden_reason.eq(Some(reason)),
            comments::version.eq(comments::version + 1),
        ))
        .execute(conn)?;
    Ok(())
}

/// The comment's mentions become `people`; those newly mentioned (not `author`) are
/// told. Returns how many were told.
pub fn mention(
    conn: &mut PgConnection,
    tenant: TenantId,
    comment: Uuid,
    author: Uuid,
    people: &[Uuid],
) -> DbResult<usize> {
    diesel::delete(
        comment_mentions::table
            .filter(comment_mentions::comment_id.eq(comment))
            .filter(comment_mentions::user_id.ne_all(people)),
    )
    .execute(conn)?;
    if people.is_empty() {
        return Ok(0);
    }
    // Those already mentioned stay as they are; the others are the newly mentioned.
    let added: Vec<Uuid> = diesel::insert_into(comment_mentions::table)
        .values(
            people
                .iter()
                .map(|user| {
                    (
                        comment_mentions::tenant_id.eq(tenant.get()),
                        comment_mentions::comment_id.eq(comment),
                        comment_mentions::user_id.eq(*user),
                    )
                })
                .collect::<Vec<_>>(),
        )
        .on_conflict_do_nothing()
        .returning(comment_mentions::user_id)
        .get_results(conn)?;
    if added.is_empty() {
        return Ok(0);
    }
    Ok(diesel::sql_query(format!(
        "INSERT INTO notifications (tenant_id, user_id, kind, payload)
         SELECT c.tenant_id, u.id, 'comment_mention', {TOLD_OF_COMMENT}
         JOIN users u ON u.tenant_id = c.tenant_id AND u.id = ANY($3)
         WHERE c.tenant_id = $1 AND c.id = $2 AND u.id <> $4"
    ))
    .bind::<SqlUuid, _>(tenant.get())
    .bind::<SqlUuid, _>(comment)
    .bind::<Array<SqlUuid>, _>(&added)
    .bind::<SqlUuid, _>(author)
    .execute(conn)?)
}

/// What a notification of comment `c` says (its action, author and first words), and the
/// joins it reads them from; the statement goes on with its recipients `u`.
const TOLD_OF_COMMENT: &str = "jsonb_build_object(
        'comment_id', c.id, 'action_id', a.id, 'action_code', a.code, 'action_title', a.title,
        'plan_id', a.plan_id, 'author', au.display_name, 'excerpt', left(c.body, 200))
    FROM comments c JOIN actions a ON a.id = c.action_id
    JOIN users au ON au.id = c.author_id";

/// Tells the people of the organisation that carries (leads) the commented action, or the
/// action a sub-action is a step of, that a comment was written: all but its author and
/// those it mentions (their mention tells them). Returns how many were told.
pub fn tell_carriers(
    conn: &mut PgConnection,
    tenant: TenantId,
    comment: Uuid,
    author: Uuid,
    mentioned: &[Uuid],
) -> DbResult<usize> {
    Ok(diesel::sql_query(format!(
        "INSERT INTO notifications (tenant_id, user_id, kind, payload)
         SELECT DISTINCT ON (u.id) c.tenant_id, u.id, 'comment_added', {TOLD_OF_COMMENT}
         JOIN action_organisations lead ON lead.action_id IN (a.id, a.parent_id)
                                       AND lead.role = $5
         JOIN users u ON u.tenant_id = c.tenant_id AND u.organisation_id = lead.organisation_id
                     AND u.active AND u.kind = 'person'
         WHERE c.tenant_id = $1 AND c.id = $2 AND u.id <> $3 AND u.id <> ALL($4)"
    ))
    .bind::<SqlUuid, _>(tenant.get())
    .bind::<SqlUuid, _>(comment)
    .bind::<SqlUuid, _>(author)
    .bind::<Array<SqlUuid>, _>(mentioned)
    .bind::<Text, _>(super::stored::Stored(wire::OrgRole::Lead))
    .execute(conn)?)
}
