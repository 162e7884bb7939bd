//! Discussions: the people of a CPAS comment on its actions and sub-actions and mention
//! each other (the person mentioned is told in their inbox and by e-mail). Its author
//! changes a comment within 15 minutes (`pst_comment_editable`) and deletes it (a trace
//! stays); the DG hides one with a reason. Never on the public page.

use api_types::{self as wire, ProblemCode};
use diesel::{Connection, PgConnection};
use uuid::Uuid;

use super::RequestDb;
use crate::auth::Authenticated;
use crate::authz::{self, Actor, Decision, Permission, Scope};
use crate::db::comments::{self, CommentRights, CommentRow};
use crate::db::{accounts, actions};
use crate::domain::{ActionId, Label, TenantId};
use crate::error::ApiError;

/// The commenter's CPAS, after the policy allowed commenting there.
fn commenter_tenant(actor: &Actor) -> Result<TenantId, ApiError> {
    let tenant = actor.tenant()?;
    authz::ensure(actor, Permission::Comment, Scope::Tenant(tenant))?;
    Ok(tenant)
}

/// A comment as the actor reads it, after a change.
fn read_back(
    conn: &mut PgConnection,
    actor: &Actor,
    tenant: TenantId,
    id: Uuid,
) -> Result<wire::Comment, ApiError> {
    to_wire(actor, tenant, comments::one(conn, tenant, id, false)?)
}

/// What this actor may do with this comment.
fn rights(actor: &Actor, tenant: TenantId, row: &CommentRow) -> CommentRights {
    let own = row.author_id == actor.user_id;
    let live = row.deleted_at.is_none() && row.hidden_at.is_none();
    let moderates =
        authz::decide(actor, Permission::HideComments, Scope::Tenant(tenant)) == Decision::Allow;
    CommentRights {
        edit: own && live && row.editable,
        delete: own && row.deleted_at.is_none(),
        hide: moderates && live,
    }
}

fn to_wire(actor: &Actor, tenant: TenantId, row: CommentRow) -> Result<wire::Comment, ApiError> {
    let rights = rights(actor, tenant, &row);
    Ok(row.into_wire(rights)?)
}

/// The words of a comment, and whom it mentions (each once, at most 20).
fn parse_input(body: &str, mentions: &[Uuid]) -> Result<(String, Vec<Uuid>), ApiError> {
    let body = Label::parse_text(body, "body", wire::COMMENT_MAX_CHARS)?;
    if mentions.len() > wire::COMMENT_MENTIONS_MAX {
        return Err(ApiError::invalid_field(
            "mentions",
            ProblemCode::OutOfRange,
            format!("at most {} people", wire::COMMENT_MENTIONS_MAX),
        ));
    }
    let mut people: Vec<Uuid> = Vec::with_capacity(mentions.len());
    for person in mentions {
        if !people.contains(person) {
            people.push(*person);
        }
    }
    Ok((body, people))
}

/// Each of the mentions is an active person of the CPAS (they read the action); the first
/// that is not is named.
fn check_mentionable(
    conn: &mut PgConnection,
    tenant: TenantId,
    mentions: &[Uuid],
) -> Result<(), ApiError> {
    let people = accounts::active_people(conn, tenant)?;
    if let Some(index) = mentions
        .iter()
        .position(|m| !people.iter().any(|p| p.id == *m))
    {
        return Err(ApiError::invalid_field(
            format!("mentions/{index}"),
            ProblemCode::UnknownReference,
            "no such person in this CPAS",
        ));
    }
    Ok(())
}

/// The discussion of an action and of its sub-actions, oldest first, and whom a comment
/// may mention.
pub async fn of_action(
    db: &RequestDb,
    auth: &Authenticated,
    action: ActionId,
) -> Result<wire::CommentList, ApiError> {
    db.run_as(auth, move |conn, actor| {
        let tenant = actor.tenant()?;
        authz::ensure(actor, Permission::ReadPlans, Scope::Tenant(tenant))?;
        let family = actions::with_sub_actions(conn, tenant, action)?;
        let comments = comments::of_actions(conn, tenant, &family)?
            .into_iter()
            .map(|row| to_wire(actor, tenant, row))
            .collect::<Result<_, _>>()?;
        Ok(wire::CommentList {
            comments,
            mentionable: accounts::active_people(conn, tenant)?,
        })
    })
    .await
}

/// Writes a comment on an action or a sub-action; tells the people it mentions, and the
/// other people of the organisation that carries the action.
pub async fn create(
    db: &RequestDb,
    auth: &Authenticated,
    action: ActionId,
    input: wire::CommentInput,
) -> Result<wire::Comment, ApiError> {
    let (body, people) = parse_input(&input.body, &input.mentions)?;
    db.run_as(auth, move |conn, actor| {
        let tenant = commenter_tenant(actor)?;
        conn.transaction(|conn| {
            // A live action of the CPAS (another's, or an archived one, is not found).
            actions::with_sub_actions(conn, tenant, action)?;
            check_mentionable(conn, tenant, &input.mentions)?;
            let id = comments::insert(conn, tenant, action.get(), actor.user_id, &body)?;
            comments::mention(conn, tenant, id, actor.user_id, &people)?;
            comments::tell_carriers(conn, tenant, id, actor.user_id, &people)?;
            read_back(conn, actor, tenant, id)
        })
    })
    .await
}

/// Its author changes a comment, within 15 minutes of writing it; people newly mentioned
/// are told.
pub async fn update(
    db: &RequestDb,
    auth: &Authenticated,
    id: Uuid,
    patch: wire::CommentPatch,
) -> Result<wire::Comment, ApiError> {
    let (body, people) = parse_input(&patch.body, &patch.mentions)?;
    db.run_as(auth, move |conn, actor| {
        let tenant = commenter_tenant(actor)?;
        conn.transaction(|conn| {
            let comment = comments::one(conn, tenant, id, true)?;
            if comment.author_id != actor.user_id {
                return Err(ApiError::Forbidden("only its author changes a comment"));
            }
            if comment.deleted_at.is_some() || comment.hidden_at.is_some() || !comment.editable {
                return Err(ApiError::Conflict {
                    code: ProblemCode::EditWindowClosed,
                    detail: "a comment is changed within 15 minutes of being written, \
                             while it is shown"
                        .to_owned(),
                });
            }
            if patch.version != comment.version {
                return Err(ApiError::Conflict {
                    code: ProblemCode::StaleVersion,
                    detail: format!("the comment is at version {}; reload it", comment.version),
                });
            }
            check_mentionable(conn, tenant, &patch.mentions)?;
            comments::edit(conn, id, &body)?;
            comments::mention(conn, tenant, id, actor.user_id, &people)?;
            read_back(conn, actor, tenant, id)
        })
    })
    .await
}

/// Its author deletes a comment: a trace stays ("supprimé"), without its words.
pub async fn delete(db: &RequestDb, auth: &Authenticated, id: Uuid) -> Result<(), ApiError> {
    db.run_as(auth, move |conn, actor| {
        let tenant = commenter_tenant(actor)?;
        conn.transaction(|conn| {
            let comment = comments::one(conn, tenant, id, true)?;
            if comment.author_id != actor.user_id {
                return Err(ApiError::Forbidden("only its author deletes a comment"));
            }
            if comment.deleted_at.is_none() {
                comments::delete(conn, id)?;
            }
            Ok(())
        })
    })
    .await
}

/// The DG hides a comment, with a reason the discussion shows in its place.
pub async fn hide(
    db: &RequestDb,
    auth: &Authenticated,
    id: Uuid,
    input: wire::CommentHide,
) -> Result<wire::Comment, ApiError> {
    let reason = Label::parse_text(&input.reason, "reason", wire::COMMENT_HIDE_REASON_MAX_CHARS)?;
    db.run_as(auth, move |conn, actor| {
        let tenant = actor.tenant()?;
        authz::ensure(actor, Permission::HideComments, Scope::Tenant(tenant))?;
        conn.transaction(|conn| {
            let comment = comments::one(conn, tenant, id, true)?;
            if comment.hidden_at.is_none() && comment.deleted_at.is_none() {
                comments::hide(conn, id, actor.user_id, &reason)?;
            }
            read_back(conn, actor, tenant, id)
        })
    })
    .await
}
