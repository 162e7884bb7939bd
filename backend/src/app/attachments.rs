//! Evidence files: the people who carry an action (and the management, and social workers)
//! attach what shows the work done to the action, to their proposal on it, or to their
//! comment in its discussion; everyone who reads the plans downloads them. The content
//! decides the type (`domain::evidence`); the CPAS's quota and the server's size limit
//! bound what is kept. Adding and removing a file are rows of the action's history.
//!
//! The bytes go to the file store before the row is written, and are deleted again when
//! the row is not: a file is never listed without its bytes. A crash between the two
//! leaves bytes no row names (see the README: `PST_FILE_STORE`).

use api_types::{self as wire, ProblemCode};
use bytes::Bytes;
use diesel::{Connection, PgConnection};
use sha2::{Digest, Sha256};
use uuid::Uuid;

use super::RequestDb;
use crate::auth::Authenticated;
use crate::authz::{self, Actor, Decision, Permission, Scope};
use crate::db::actions;
use crate::db::attachments::{self, AttachTarget, AttachmentRow, NewAttachment};
use crate::domain::evidence::{self, Evidence};
use crate::domain::{ActionId, TenantId};
use crate::error::ApiError;
use crate::file_store::{FileStore, StoreError};

/// What the server accepts: the largest file, and what one CPAS keeps in all.
#[derive(Debug, Clone, Copy)]
pub struct FileLimits {
    pub max_file_bytes: u64,
    pub quota_bytes: u64,
}

/// Where an instance keeps evidence files, and the limits they meet.
#[derive(Debug, Clone)]
pub struct EvidenceFiles {
    pub store: FileStore,
    pub limits: FileLimits,
}

/// What a file is attached to, besides its action.
#[derive(Debug, Clone, Copy, Default)]
pub struct Owner {
    pub change_request: Option<Uuid>,
    pub comment: Option<Uuid>,
}

/// An upload the policy allowed, before its bytes are read.
#[derive(Debug, Clone, Copy)]
pub struct Permit {
    tenant: TenantId,
    action: ActionId,
    owner: Owner,
}

/// May the actor attach to this action, and to this proposal or comment of theirs on it?
fn check(
    conn: &mut PgConnection,
    actor: &Actor,
    tenant: TenantId,
    action: ActionId,
    owner: Owner,
) -> Result<(), ApiError> {
    let target = attachments::target(conn, tenant, action.get())?;
    authz::ensure(actor, Permission::AttachEvidence, on(tenant, &target))?;
    if let Some(id) = owner.change_request {
        match attachments::proposal_owner(conn, tenant, id)? {
            Some((on, _, _)) if on != action.get() => return Err(unknown("change_request_id")),
            None => return Err(unknown("change_request_id")),
            Some((_, author, _)) if author != actor.user_id => {
                return Err(ApiError::Forbidden(
                    "only its author attaches files to a proposal",
                ));
            }
            Some((_, _, false)) => {
                return Err(ApiError::Conflict {
                    code: ProblemCode::AlreadyDecided,
                    detail: "the proposal was already decided or withdrawn".to_owned(),
                });
            }
            Some(_) => {}
        }
    }
    if let Some(id) = owner.comment {
        match attachments::comment_owner(conn, tenant, id)? {
            Some((on, author)) if on == action.get() => {
                if author != actor.user_id {
                    return Err(ApiError::Forbidden(
                        "only its author attaches files to a comment",
                    ));
                }
            }
            _ => return Err(unknown("comment_id")),
        }
    }
    Ok(())
}

/// The policy's scope for a file on this action: who carries it.
fn on(tenant: TenantId, target: &AttachTarget) -> Scope<'_> {
    Scope::Action {
        tenant,
        organisations: &target.carriers,
    }
}

fn unknown(field: &str) -> ApiError {
    ApiError::invalid_field(
        field,
        ProblemCode::UnknownReference,
        "no such item on this action",
    )
}

fn over_quota(limits: FileLimits, used: i64, size: usize) -> Result<(), ApiError> {
    let used = u64::try_from(used).unwrap_or(0);
    if used.saturating_add(size as u64) > limits.quota_bytes {
        return Err(ApiError::QuotaExceeded {
            detail: format!(
                "the CPAS keeps {used} bytes of files and its quota is {} bytes: this file \
                 ({size} bytes) does not fit; remove files or ask for more",
                limits.quota_bytes
            ),
        });
    }
    Ok(())
}

/// Settles, before a byte is read, that the caller may attach a file here and that the
/// CPAS has room for `announced` bytes.
pub async fn authorize(
    db: &RequestDb,
    auth: &Authenticated,
    limits: FileLimits,
    action: ActionId,
    owner: Owner,
    announced: Option<usize>,
) -> Result<Permit, ApiError> {
    db.run_as(auth, move |conn, actor| {
        let tenant = actor.tenant()?;
        check(conn, actor, tenant, action, owner)?;
        if let Some(size) = announced {
            over_quota(limits, attachments::used_bytes(conn, tenant, false)?, size)?;
        }
        Ok(Permit {
            tenant,
            action,
            owner,
        })
    })
    .await
}

fn store_failed(error: StoreError) -> ApiError {
    ApiError::Internal(anyhow::Error::from(error))
}

/// Keeps a file: its type read from its content (415 when it is not one the server keeps,
/// or its name says another), its bytes in the store, its row and its history row in one
/// transaction that checks the quota (422 `quota_exceeded`).
pub async fn upload(
    db: &RequestDb,
    auth: &Authenticated,
    files: &EvidenceFiles,
    permit: Permit,
    name: &str,
    content: Bytes,
) -> Result<wire::Attachment, ApiError> {
    let (store, limits) = (&files.store, files.limits);
    if content.is_empty() {
        return Err(ApiError::invalid_field(
            "body",
            ProblemCode::Required,
            "the file is empty",
        ));
    }
    let Evidence {
        name,
        media_type,
        kind,
    } = evidence::classify(name, &content)?;
    let sha256: String = Sha256::digest(&content)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    let id = Uuid::new_v4();
    let key = format!("{}/{id}", permit.tenant.get());
    let size = content.len();
    store.put(&key, content).await.map_err(store_failed)?;
    let stored_key = key.clone();
    let written = db
        .run_as(auth, move |conn, actor| {
            let Permit {
                tenant,
                action,
                owner,
            } = permit;
            if actor.tenant()? != tenant {
                return Err(ApiError::NotFound { resource: "action" });
            }
            conn.transaction(|conn| {
                check(conn, actor, tenant, action, owner)?;
                over_quota(limits, attachments::used_bytes(conn, tenant, true)?, size)?;
                attachments::insert(
                    conn,
                    tenant,
                    &NewAttachment {
                        id,
                        action: action.get(),
                        change_request: owner.change_request,
                        comment: owner.comment,
                        name: &name,
                        media_type,
                        size_bytes: size as i64,
                        sha256: &sha256,
                        storage_key: &stored_key,
                        uploaded_by: actor.user_id,
                    },
                )?;
                attachments::record_in_history(
                    conn,
                    tenant,
                    action.get(),
                    actor.user_id,
                    &wire::FieldChange {
                        field: "attachment".to_owned(),
                        before: serde_json::Value::Null,
                        after: serde_json::Value::String(name.clone()),
                    },
                )?;
                let row = attachments::one(conn, tenant, id, false)?;
                Ok(row.into_wire(kind, true))
            })
        })
        .await;
    if written.is_err() {
        // Not kept: its bytes go too.
        if let Err(error) = store.delete(&key).await {
            tracing::warn!(%key, %error, "an upload that was refused left its bytes in the store");
        }
    }
    written
}

/// Whether the actor may remove this file: its own, or the management.
fn may_remove(actor: &Actor, tenant: TenantId, row: &AttachmentRow) -> bool {
    row.uploaded_by == actor.user_id
        || authz::decide(actor, Permission::ModerateEvidence, Scope::Tenant(tenant))
            == Decision::Allow
}

/// The files of an action and of its sub-actions, oldest first, with the limits.
pub async fn of_action(
    db: &RequestDb,
    auth: &Authenticated,
    limits: FileLimits,
    action: ActionId,
) -> Result<wire::AttachmentList, ApiError> {
    db.run_as(auth, move |conn, actor| {
        let tenant = actor.tenant()?;
        authz::ensure(actor, Permission::ReadPlans, Scope::Tenant(tenant))?;
        let family = actions::with_sub_actions(conn, tenant, action)?;
        let target = attachments::target(conn, tenant, action.get())?;
        let may_attach = authz::decide(actor, Permission::AttachEvidence, on(tenant, &target))
            == Decision::Allow;
        let rows = attachments::of_actions(conn, tenant, &family)?;
        let files = rows
            .into_iter()
            .map(|row| {
                // As `remove` decides: attaching here, and its own or the management.
                let remove = may_attach && may_remove(actor, tenant, &row);
                let kind = evidence::kind_of(&row.media_type);
                row.into_wire(kind, remove)
            })
            .collect();
        Ok(wire::AttachmentList {
            attachments: files,
            max_file_bytes: limits.max_file_bytes,
            quota_bytes: limits.quota_bytes,
            used_bytes: u64::try_from(attachments::used_bytes(conn, tenant, false)?).unwrap_or(0),
            may_attach,
        })
    })
    .await
}

/// A file's bytes, for whoever reads the plans of its CPAS.
pub struct Download {
    pub name: String,
    pub media_type: String,
    pub kind: wire::EvidenceKind,
    pub content: Bytes,
}

pub async fn download(
    db: &RequestDb,
    auth: &Authenticated,
    store: &FileStore,
    id: Uuid,
) -> Result<Download, ApiError> {
    let row = db
        .run_as(auth, move |conn, actor| {
            let tenant = actor.tenant()?;
            authz::ensure(actor, Permission::ReadPlans, Scope::Tenant(tenant))?;
            Ok(attachments::one(conn, tenant, id, false)?)
        })
        .await?;
    let content = match store.get(&row.storage_key).await {
        Ok(content) => content,
        Err(StoreError::Missing(key)) => {
            tracing::error!(%key, attachment = %id, "a listed file has no bytes in the store");
            return Err(ApiError::NotFound {
                resource: "attachment",
            });
        }
        Err(other) => return Err(store_failed(other)),
    };
    Ok(Download {
        kind: evidence::kind_of(&row.media_type),
        name: row.name,
        media_type: row.media_type,
        content,
    })
}

/// Removes a file: its row stays for the history (which names it), its bytes go.
pub async fn remove(
    db: &RequestDb,
    auth: &Authenticated,
    store: &FileStore,
    id: Uuid,
) -> Result<(), ApiError> {
    let key = db
        .run_as(auth, move |conn, actor| {
            let tenant = actor.tenant()?;
            conn.transaction(|conn| {
                let row = attachments::one(conn, tenant, id, true)?;
                let target = attachments::target(conn, tenant, row.action_id)?;
                authz::ensure(actor, Permission::AttachEvidence, on(tenant, &target))?;
                if !may_remove(actor, tenant, &row) {
                    return Err(ApiError::Forbidden(
                        "only the person who attached a file, and the management, remove it",
                    ));
                }
                attachments::remove(conn, id, actor.user_id)?;
                attachments::record_in_history(
                    conn,
                    tenant,
                    row.action_id,
                    actor.user_id,
                    &wire::FieldChange {
                        field: "attachment".to_owned(),
                        before: serde_json::Value::String(row.name.clone()),
                        after: serde_json::Value::Null,
                    },
                )?;
                Ok(row.storage_key)
            })
        })
        .await?;
    if let Err(error) = store.delete(&key).await {
        tracing::warn!(%key, %error, "a removed file's bytes stayed in the store");
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_quota_counts_what_is_kept_and_the_new_file() {
        let limits = FileLimits {
            max_file_bytes: 10,
            quota_bytes: 100,
        };
        assert!(over_quota(limits, 90, 10).is_ok());
        assert!(matches!(
            over_quota(limits, 91, 10),
            Err(ApiError::QuotaExceeded { .. })
        ));
    }
}
