//! Proposals of change to an action's follow-up, their decision, and the direct edit of
//! an action by the management: the approval workflow.
//!
//! Every change of an action goes through [`apply`], inside the use case's transaction and
//! with the action row locked: the version check, the update, the history row and the
//! journal note commit together or not at all.

use std::collections::HashMap;

use api_types::{self as wire, ProblemCode};
use diesel::prelude::*;
use serde_json::{Value, json};
use uuid::Uuid;

use super::RequestDb;
use crate::auth::Authenticated;
use crate::authz::{self, Actor, Permission, Scope};
use crate::db::follow_up::{self, AppliedChange, Closing, NewProposal, ProposalRow};
use crate::db::models::Action;
use crate::db::{DbError, actions, integrations};
use crate::domain::follow_up::{
    ChangeBody, ChangeRequestFilter, FollowUp, FollowUpChanges, check_dates, check_measures,
    check_progress_source, conflict, differences, snapshot,
};
use crate::domain::{ActionId, TenantId, calendar};
use crate::error::ApiError;

/// The unique index that keeps one pending proposal per author and action.
const ONE_PENDING: &str = "change_requests_one_pending_idx";

/// Most proposals one list answers.
const MAX_CHANGE_REQUESTS: i64 = 500;

/// Why a proposal was not recorded: the one-pending rule ([`ONE_PENDING`]), told apart
/// from any other failure so that the answer can name the pending proposal once the
/// failed statement is over.
enum Refusal {
    AlreadyPending,
    Other(ApiError),
}

impl From<DbError> for Refusal {
    fn from(error: DbError) -> Self {
        if error.constraint() == Some(ONE_PENDING) {
            Self::AlreadyPending
        } else {
            Self::Other(error.into())
        }
    }
}

impl From<diesel::result::Error> for Refusal {
    fn from(error: diesel::result::Error) -> Self {
        DbError::from(error).into()
    }
}

impl From<ApiError> for Refusal {
    fn from(error: ApiError) -> Self {
        Self::Other(error)
    }
}

/// Proposes a change against the version the author saw, and tells the managers. A
/// replacement sets its predecessor aside in the same transaction. One author has one
/// pending proposal per action: a second one is refused with `proposal_already_pending`,
/// naming the first.
pub async fn propose(
    db: &RequestDb,
    auth: &Authenticated,
    action: ActionId,
    body: ChangeBody,
) -> Result<wire::ChangeRequest, ApiError> {
    db.run_as(auth, move |conn, actor| {
        let tenant = actor.tenant()?;
        let basis = follow_up::proposal_basis(conn, tenant, action, actor.user_id)?;
        authz::ensure(
            actor,
            Permission::ProposeChange,
            Scope::Action {
                tenant,
                organisations: &basis.carriers,
            },
        )?;
        let action = &basis.action;
        let base_version = body.version.unwrap_or_default();
        if base_version != action.version {
            return Err(ApiError::VersionConflict {
                detail: format!(
                    "the action is at version {} since you read it (version {base_version}); \
                     reload it before proposing",
                    action.version
                ),
                conflict: None,
            });
        }
        let current = FollowUp::from(action);
        check_dates(&current, &body.changes)?;
        check_progress_source(action.progress_from_sub_actions, &body.changes)?;
        check_measures(&basis.measures, &body.changes)?;
        let before =
            crate::domain::follow_up::before(&snapshot(&current, &basis.measures), &body.changes);
        let row = ProposalRow {
            id: Uuid::new_v4(),
            action_id: action.id,
            author_id: basis.author.id,
            base_version,
            changes: body.changes.to_json(),
            before: Value::Object(before),
            note: body.note,
            status: wire::ChangeRequestStatus::Pending,
            decided_by: None,
            decided_at: None,
            reason: None,
            created_at: basis.now,
            replaced_by: None,
        };
        let people = HashMap::from([(basis.author.id, basis.author.clone())]);
        let request =
            follow_up::wire_request(row.clone(), action, &basis.measures, basis.plan_id, &people)?;
        let notification = json!({
            "change_request_id": row.id, "action_id": action.id, "action_code": action.code
        });
        let recipients = authz::manager_roles();
        let new = NewProposal {
            row: &row,
            notification: &notification,
            request: &request,
            recipients: &recipients,
        };
        let recorded = match body.replaces {
            None => follow_up::insert_proposal(conn, tenant, &new).map_err(Refusal::from),
            Some(replaced) => conn.transaction(|conn| {
                set_aside(conn, tenant, &basis, replaced, row.id)?;
                follow_up::insert_proposal(conn, tenant, &new)?;
                Ok::<_, Refusal>(())
            }),
        };
        match recorded {
            Ok(()) => Ok(request),
            Err(Refusal::Other(error)) => Err(error),
            // Read after the failed statement (and its transaction) is over.
            Err(Refusal::AlreadyPending) => {
                match follow_up::pending_of_author(conn, action.id, basis.author.id)? {
                    Some(pending) => Err(ApiError::ProposalPending { pending }),
                    // Decided in between: the author may simply send again.
                    None => Err(ApiError::Conflict {
                        code: ProblemCode::AlreadyDecided,
                        detail: "your pending proposal was decided meanwhile; send yours again"
                            .to_owned(),
                    }),
                }
            }
        }
    })
    .await
}

/// Marks the author's pending proposal `replaced` by `by`, after checking that `replaced`
/// is theirs, on this action, and still pending. Someone else's proposal is answered as an
/// unknown one: proposals are visible to their author and the management only.
fn set_aside(
    conn: &mut PgConnection,
    tenant: TenantId,
    basis: &follow_up::ProposalBasis,
    replaced: Uuid,
    by: Uuid,
) -> Result<(), ApiError> {
    match follow_up::proposal_for_update(conn, tenant, replaced)? {
        Some(found) if found.author_id != basis.author.id => {}
        None => {}
        Some(found) if found.action_id != basis.action.id => {
            return Err(ApiError::invalid_field(
                "replaces",
                ProblemCode::NotReplaceable,
                "your proposal on another action: a proposal replaces one on its own action",
            ));
        }
        Some(found) if found.status != wire::ChangeRequestStatus::Pending => {
            return Err(ApiError::Conflict {
                code: ProblemCode::AlreadyDecided,
                detail: format!(
                    "the proposal named in `replaces` is already {}",
                    found.status.as_str()
                ),
            });
        }
        Some(_) => {
            follow_up::close(conn, replaced, Closing::Replaced { by })?;
            return Ok(());
        }
    }
    Err(ApiError::invalid_field(
        "replaces",
        ProblemCode::UnknownReference,
        "no proposal of yours with this id",
    ))
}

/// The proposals: the management sees all of them (filtered as asked), everyone else
/// their own only. Oldest first, at most [`MAX_CHANGE_REQUESTS`].
pub async fn list(
    db: &RequestDb,
    auth: &Authenticated,
    filter: ChangeRequestFilter,
) -> Result<Vec<wire::ChangeRequest>, ApiError> {
    db.run_as(auth, move |conn, actor| {
        let tenant = actor.tenant()?;
        authz::ensure(actor, Permission::ReadPlans, Scope::Tenant(tenant))?;
        let filter = if is_manager(actor, tenant) {
            filter
        } else {
            ChangeRequestFilter {
                author_id: Some(actor.user_id),
                ..filter
            }
        };
        Ok(follow_up::list(conn, tenant, &filter, MAX_CHANGE_REQUESTS)?)
    })
    .await
}

fn is_manager(actor: &Actor, tenant: TenantId) -> bool {
    authz::decide(actor, Permission::DecideChanges, Scope::Tenant(tenant)) == authz::Decision::Allow
}

/// One proposal, visible to its author and to the management.
pub async fn get(
    db: &RequestDb,
    auth: &Authenticated,
    id: Uuid,
) -> Result<wire::ChangeRequest, ApiError> {
    db.run_as(auth, move |conn, actor| {
        let tenant = actor.tenant()?;
        authz::ensure(actor, Permission::ReadPlans, Scope::Tenant(tenant))?;
        let found = follow_up::get(conn, tenant, id)?;
        if found.author.id != actor.user_id && !is_manager(actor, tenant) {
            return Err(ApiError::Forbidden(
                "a proposal is visible to its author and to the management",
            ));
        }
        Ok(found)
    })
    .await
}

/// The proposal, locked, if it is still pending.
fn pending_for_update(
    conn: &mut PgConnection,
    tenant: TenantId,
    id: Uuid,
) -> Result<ProposalRow, ApiError> {
    let row = follow_up::proposal_for_update(conn, tenant, id)?.ok_or(ApiError::NotFound {
        resource: "change request",
    })?;
    if row.status != wire::ChangeRequestStatus::Pending {
        return Err(ApiError::Conflict {
            code: ProblemCode::AlreadyDecided,
            detail: format!("this proposal is already {}", row.status.as_str()),
        });
    }
    Ok(row)
}

/// Applies a pending proposal, in one transaction. When the action changed since the
/// proposal (or since `over_version`, the version the approver saw the conflict at), the
/// answer is 409 with both versions.
pub async fn approve(
    db: &RequestDb,
    auth: &Authenticated,
    id: Uuid,
    over_version: Option<i32>,
) -> Result<wire::ChangeRequest, ApiError> {
    db.run_as(auth, move |conn, actor| {
        let tenant = actor.tenant()?;
        authz::ensure(actor, Permission::DecideChanges, Scope::Tenant(tenant))?;
        conn.transaction(|conn| {
            let row = pending_for_update(conn, tenant, id)?;
            let action =
                follow_up::action_for_change(conn, tenant, ActionId::new(row.action_id), true)?;
            let changes = FollowUpChanges::from_stored(&row.changes)?;
            let expected = over_version.unwrap_or(row.base_version);
            // A note alone changes no field: nothing of it can conflict.
            let note_only = changes.entries().is_empty();
            if action.version != expected && !note_only {
                let before = row.before.as_object().cloned().unwrap_or_default();
                let measures = follow_up::measures_of(conn, &[action.id])?
                    .remove(&action.id)
                    .unwrap_or_default();
                return Err(ApiError::VersionConflict {
                    detail: format!(
                        "the action changed since the proposal (version {} then, {} now); \
                         approve over version {} to apply it anyway, or reject it",
                        row.base_version, action.version, action.version
                    ),
                    conflict: Some(Box::new(conflict(
                        &snapshot(&FollowUp::from(&action), &measures),
                        action.version,
                        row.base_version,
                        &changes,
                        &before,
                    ))),
                });
            }
            apply(
                conn,
                tenant,
                &action,
                &changes,
                actor.user_id,
                Some((row.author_id, row.id)),
            )?;
            if let Some(note) = &row.note {
                let day = calendar::day_of(row.created_at);
                follow_up::add_journal(
                    conn,
                    tenant,
                    action.id,
                    row.author_id,
                    day,
                    wire::JournalKind::Note,
                    note,
                )?;
            }
            if note_only {
                follow_up::mark_reported(conn, action.id)?;
            }
            follow_up::close(conn, row.id, Closing::Approved { by: actor.user_id })?;
            follow_up::notify(
                conn,
                tenant,
                &[row.author_id],
                "change_request_approved",
                &json!({ "change_request_id": row.id, "action_id": action.id, "action_code": action.code }),
            )?;
            let request = follow_up::get(conn, tenant, row.id)?;
            outbox(conn, tenant, wire::WebhookEvent::ChangeRequestApproved, &request)?;
            Ok(request)
        })
    })
    .await
}

/// Rejects a pending proposal; the reason is sent to its author.
pub async fn reject(
    db: &RequestDb,
    auth: &Authenticated,
    id: Uuid,
    reason: String,
) -> Result<wire::ChangeRequest, ApiError> {
    db.run_as(auth, move |conn, actor| {
        let tenant = actor.tenant()?;
        authz::ensure(actor, Permission::DecideChanges, Scope::Tenant(tenant))?;
        conn.transaction(|conn| {
            let row = pending_for_update(conn, tenant, id)?;
            follow_up::close(
                conn,
                row.id,
                Closing::Rejected {
                    by: actor.user_id,
                    reason: &reason,
                },
            )?;
            let code = follow_up::action_code(conn, row.action_id)?;
            follow_up::notify(
                conn,
                tenant,
                &[row.author_id],
                "change_request_rejected",
                &json!({ "change_request_id": row.id, "action_id": row.action_id, "action_code": code, "reason": reason }),
            )?;
            let request = follow_up::get(conn, tenant, row.id)?;
            outbox(conn, tenant, wire::WebhookEvent::ChangeRequestRejected, &request)?;
            Ok(request)
        })
    })
    .await
}

/// Withdraws a pending proposal; only its author may.
pub async fn withdraw(
    db: &RequestDb,
    auth: &Authenticated,
    id: Uuid,
) -> Result<wire::ChangeRequest, ApiError> {
    db.run_as(auth, move |conn, actor| {
        let tenant = actor.tenant()?;
        authz::ensure(actor, Permission::WithdrawChange, Scope::Tenant(tenant))?;
        conn.transaction(|conn| {
            let row = pending_for_update(conn, tenant, id)?;
            if row.author_id != actor.user_id {
                return Err(ApiError::Forbidden("only its author withdraws a proposal"));
            }
            follow_up::close(conn, row.id, Closing::Withdrawn)?;
            Ok(follow_up::get(conn, tenant, row.id)?)
        })
    })
    .await
}

/// The version a direct edit is made against, and where the client gave it: a stale
/// `If-Match` is answered 412, a stale version in the body 409.
#[derive(Debug, Clone, Copy)]
pub enum ExpectedVersion {
    IfMatch(i32),
    Body(i32),
}

impl ExpectedVersion {
    fn get(self) -> i32 {
        match self {
            Self::IfMatch(version) | Self::Body(version) => version,
        }
    }

    /// The answer when the action is no longer at this version.
    fn stale(self) -> ApiError {
        match self {
            Self::IfMatch(_) => ApiError::PreconditionFailed,
            Self::Body(_) => ApiError::VersionConflict {
                detail: "the action changed since the version you edited; reload it".to_owned(),
                conflict: None,
            },
        }
    }
}

/// Changes an action's follow-up directly (president, DG) if it is still at the expected
/// version, and answers the action as it is then.
pub async fn edit(
    db: &RequestDb,
    auth: &Authenticated,
    action: ActionId,
    expected: ExpectedVersion,
    body: ChangeBody,
) -> Result<wire::ActionDetail, ApiError> {
    db.run_as(auth, move |conn, actor| {
        let tenant = actor.tenant()?;
        authz::ensure(actor, Permission::EditFollowUp, Scope::Tenant(tenant))?;
        conn.transaction(|conn| {
            let found = follow_up::action_for_change(conn, tenant, action, true)?;
            if found.version != expected.get() {
                return Err(expected.stale());
            }
            apply(conn, tenant, &found, &body.changes, actor.user_id, None)?;
            if let Some(note) = &body.note {
                follow_up::add_journal(
                    conn,
                    tenant,
                    found.id,
                    actor.user_id,
                    calendar::today(),
                    wire::JournalKind::Note,
                    note,
                )?;
            }
            if body.changes.entries().is_empty() {
                // A report that changed no field (a note alone) still counts as one: the
                // action is no longer stale.
                follow_up::mark_reported(conn, found.id)?;
            }
            Ok::<_, ApiError>(())
        })?;
        Ok(actions::load_action(conn, tenant, action)?)
    })
    .await
}

/// Applies `changes` to the (locked) action: checks them against it, updates it, bumps
/// its version, writes the history row and queues the `action.updated` webhooks. Fields
/// whose value does not change are left out; a change that changes nothing writes nothing.
fn apply(
    conn: &mut PgConnection,
    tenant: TenantId,
    action: &Action,
    changes: &FollowUpChanges,
    applied_by: Uuid,
    proposal: Option<(Uuid, Uuid)>,
) -> Result<(), ApiError> {
    let current = FollowUp::from(action);
    check_dates(&current, changes)?;
    check_progress_source(action.progress_from_sub_actions, changes)?;
    let measures = follow_up::measures_of(conn, &[action.id])?
        .remove(&action.id)
        .unwrap_or_default();
    check_measures(&measures, changes)?;
    let differences = differences(&snapshot(&current, &measures), changes);
    if differences.is_empty() {
        return Ok(());
    }
    let version = follow_up::record_change(
        conn,
        tenant,
        action.id,
        &AppliedChange {
            changes,
            differences: &differences,
            applied_by,
            proposal,
        },
    )?;
    // A step's change names its action, whose progress it moves.
    let parent_code = action
        .parent_id
        .map(|parent| follow_up::code_of(conn, parent))
        .transpose()?;
    integrations::enqueue(
        conn,
        tenant,
        wire::WebhookEvent::ActionUpdated,
        wire::ActionUpdatedData {
            action_id: action.id,
            action_code: action.code.clone(),
            parent_id: action.parent_id,
            parent_code,
            version,
            changes: differences,
            change_request_id: proposal.map(|(_, id)| id),
        },
    )?;
    Ok(())
}

/// Queues the webhook deliveries of a decision on a proposal, in its transaction.
fn outbox(
    conn: &mut PgConnection,
    tenant: TenantId,
    event: wire::WebhookEvent,
    request: &wire::ChangeRequest,
) -> Result<(), ApiError> {
    let data = wire::ChangeRequestEventData {
        change_request: request.clone(),
    };
    integrations::enqueue(conn, tenant, event, data)?;
    Ok(())
}
