//! Follow-up of actions: proposals, decisions, direct edits, history, journal, inbox.
//!
//! Every change of an action goes through [`apply`], inside the caller's transaction and
//! with the action row locked: the version check, the update, the history row and the
//! journal note commit together or not at all.

use std::collections::{HashMap, HashSet};

use api_types as wire;
use api_types::ProblemCode;
use chrono::{DateTime, NaiveDate, Utc};
use diesel::dsl::sql;
use diesel::prelude::*;
use diesel::sql_types::{
    Array, BigInt, Date, Float8, Integer, Jsonb, Nullable, Record, Text, Timestamptz,
    Uuid as SqlUuid,
};
use serde_json::{Map, Value, json};
use uuid::Uuid;

use super::models::Action;
use super::schema::{
    action_history, action_organisations, actions, budget_lines, change_requests, indicators,
    journal_entries, notifications, organisations, users,
};
use super::stored::Stored;
use crate::domain::follow_up::{FollowUpChanges, Measures, snapshot};
use crate::domain::{ActionId, TenantId, calendar};
use crate::error::ApiError;

/// An action row of the CPAS, with the organisations that carry it; locked when asked.
pub fn action_for_change(
    conn: &mut PgConnection,
    tenant: TenantId,
    id: ActionId,
    lock: bool,
) -> Result<(Action, Vec<Uuid>), ApiError> {
    let query = actions::table
        .filter(actions::id.eq(id.get()))
        .filter(actions::tenant_id.eq(tenant.get()))
        .filter(actions::archived_at.is_null())
        .select(Action::as_select());
    let action = if lock {
        query.for_update().first(conn).optional()?
    } else {
        query.first(conn).optional()?
    }
    .ok_or(ApiError::NotFound { resource: "action" })?;
    let carriers = action_organisations::table
        .filter(action_organisations::action_id.eq(action.id))
        .select(action_organisations::organisation_id)
        .load(conn)?;
    Ok((action, carriers))
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = change_requests, check_for_backend(diesel::pg::Pg))]
struct ChangeRequestRow {
    id: Uuid,
    action_id: Uuid,
    author_id: Uuid,
    base_version: i32,
    changes: Value,
    before: Value,
    note: Option<String>,
    #[diesel(deserialize_as = Stored<wire::ChangeRequestStatus>)]
    status: wire::ChangeRequestStatus,
    decided_by: Option<Uuid>,
    decided_at: Option<DateTime<Utc>>,
    reason: Option<String>,
    created_at: DateTime<Utc>,
    replaced_by: Option<Uuid>,
}

/// What a proposal is checked against and answers with, read in one statement.
pub struct ProposalBasis {
    /// The action (not archived), as read: a proposal does not lock it.
    pub action: Action,
    plan_id: Uuid,
    /// The organisations carrying it, for the authorization.
    pub carriers: Vec<Uuid>,
    measures: Measures,
    /// The author, as proposals show them.
    author: wire::PersonRef,
    /// The database's clock: the proposal's creation time.
    now: DateTime<Utc>,
}

/// Reads the action of a proposal, its carriers, its measures and the author in one
/// statement (four before: one round trip each).
pub fn proposal_basis(
    conn: &mut PgConnection,
    tenant: TenantId,
    id: ActionId,
    author: Uuid,
) -> Result<ProposalBasis, ApiError> {
    type Row = (
        Action,
        Uuid,
        Vec<Uuid>,
        Vec<(Uuid, Option<f64>, Option<NaiveDate>)>,
        Vec<(Uuid, i64)>,
        Option<(String, Option<String>)>,
        DateTime<Utc>,
    );
    let row: Option<Row> = actions::table
        .filter(actions::id.eq(id.get()))
        .filter(actions::tenant_id.eq(tenant.get()))
        .filter(actions::archived_at.is_null())
        .select((
            Action::as_select(),
            actions::plan_id,
            sql::<Array<SqlUuid>>(
                "ARRAY(SELECT ao.organisation_id FROM action_organisations ao \
                 WHERE ao.action_id = actions.id)",
            ),
            sql::<Array<Record<(SqlUuid, Nullable<Float8>, Nullable<Date>)>>>(
                "ARRAY(SELECT ROW(i.id, i.current_value, i.measured_at) FROM indicators i \
                 WHERE i.action_id = actions.id AND i.archived_at IS NULL)",
            ),
            sql::<Array<Record<(SqlUuid, BigInt)>>>(
                "ARRAY(SELECT ROW(b.id, b.spent_cents) FROM budget_lines b \
                 WHERE b.action_id = actions.id AND b.archived_at IS NULL)",
            ),
            sql::<Nullable<Record<(Text, Nullable<Text>)>>>(
                "(SELECT ROW(u.display_name, o.name) FROM users u \
                 LEFT JOIN organisations o ON o.id = u.organisation_id WHERE u.id = ",
            )
            .bind::<SqlUuid, _>(author)
            .sql(")"),
            sql::<Timestamptz>("now()"),
        ))
        .first(conn)
        .optional()?;
    let (action, plan_id, carriers, indicators, budget_lines, shown, now) =
        row.ok_or(ApiError::NotFound { resource: "action" })?;
    let measures = Measures {
        indicators: indicators
            .into_iter()
            .map(|(id, value, at)| (id, (value, at)))
            .collect(),
        budget_lines: budget_lines.into_iter().collect(),
    };
    let author = match shown {
        Some((display_name, organisation)) => wire::PersonRef {
            id: author,
            display_name,
            organisation,
        },
        // As `people` shows an account it cannot find.
        None => person(&HashMap::new(), author),
    };
    Ok(ProposalBasis {
        action,
        plan_id,
        carriers,
        measures,
        author,
        now,
    })
}

/// A proposal to record.
pub struct Proposal<'a> {
    /// The action's version the author saw.
    pub base_version: i32,
    /// Empty for a note alone.
    pub changes: &'a FollowUpChanges,
    pub note: Option<&'a str>,
    /// The author's pending proposal on this action that this one replaces.
    pub replaces: Option<Uuid>,
}

/// Why a proposal was not recorded: the one-pending rule (the unique index
/// `change_requests_one_pending_idx`), told apart from any other failure so that the
/// answer can name the pending proposal once the failed statement is over.
enum Refusal {
    AlreadyPending,
    Other(ApiError),
}

impl From<diesel::result::Error> for Refusal {
    fn from(error: diesel::result::Error) -> Self {
        use diesel::result::{DatabaseErrorKind, Error};
        match &error {
            Error::DatabaseError(DatabaseErrorKind::UniqueViolation, info)
                if info.constraint_name() == Some("change_requests_one_pending_idx") =>
            {
                Self::AlreadyPending
            }
            _ => Self::Other(error.into()),
        }
    }
}

impl From<ApiError> for Refusal {
    fn from(error: ApiError) -> Self {
        Self::Other(error)
    }
}

/// Records a proposal against the version the author saw, and tells the managers: the
/// proposal, the managers' notifications and the webhook outbox rows are written by one
/// statement, so a new proposal needs no transaction of its own. A replacement sets its
/// predecessor aside in the same transaction. One author has one pending proposal per
/// action: a second one is refused with `proposal_already_pending`, naming the first.
pub fn propose(
    conn: &mut PgConnection,
    tenant: TenantId,
    basis: &ProposalBasis,
    proposal: &Proposal<'_>,
) -> Result<wire::ChangeRequest, ApiError> {
    let Proposal {
        base_version,
        changes,
        note,
        replaces,
    } = *proposal;
    let action = &basis.action;
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
    check_dates(action, changes)?;
    check_measures(&basis.measures, changes)?;
    let current = snapshot(action, &basis.measures);
    let before: Map<String, Value> = changes
        .entries()
        .into_iter()
        .map(|(field, _)| {
            let value = current.get(&field).cloned().unwrap_or(Value::Null);
            (field, value)
        })
        .collect();
    let row = ChangeRequestRow {
        id: Uuid::new_v4(),
        action_id: action.id,
        author_id: basis.author.id,
        base_version,
        changes: changes.to_json(),
        before: Value::Object(before),
        note: note.map(str::to_owned),
        status: wire::ChangeRequestStatus::Pending,
        decided_by: None,
        decided_at: None,
        reason: None,
        created_at: basis.now,
        replaced_by: None,
    };
    let people = HashMap::from([(basis.author.id, basis.author.clone())]);
    let request = wire_request(row.clone(), action, &basis.measures, basis.plan_id, &people)?;
    let notification =
        json!({ "change_request_id": row.id, "action_id": action.id, "action_code": action.code });
    let event = wire::WebhookEvent::ChangeRequestCreated;
    let (event_id, payload) = super::integrations::event_payload(
        tenant,
        event,
        wire::ChangeRequestEventData {
            change_request: request.clone(),
        },
    );
    // The managers and the subscribed endpoints are those of `notify` and
    // `integrations::enqueue`.
    let insert = diesel::sql_query(
        "WITH request AS ( \
             INSERT INTO change_requests (id, tenant_id, action_id, author_id, base_version, \
                                          changes, before, note, created_at, updated_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $9)), \
         inbox AS ( \
             INSERT INTO notifications (tenant_id, user_id, kind, payload) \
             SELECT $2, u.id, 'change_request_created', $10 FROM users u \
             WHERE u.tenant_id = $2 AND u.role = ANY($14) AND u.active) \
         INSERT INTO webhook_deliveries (tenant_id, endpoint_id, event_id, event_type, payload) \
         SELECT e.tenant_id, e.id, $11, $12, $13 FROM webhook_endpoints e \
         WHERE e.tenant_id = $2 AND e.active AND e.events @> ARRAY[$12]",
    )
    .bind::<SqlUuid, _>(row.id)
    .bind::<SqlUuid, _>(tenant.get())
    .bind::<SqlUuid, _>(row.action_id)
    .bind::<SqlUuid, _>(row.author_id)
    .bind::<Integer, _>(row.base_version)
    .bind::<Jsonb, _>(&row.changes)
    .bind::<Jsonb, _>(&row.before)
    .bind::<Nullable<Text>, _>(row.note.as_deref())
    .bind::<Timestamptz, _>(row.created_at)
    .bind::<Jsonb, _>(&notification)
    .bind::<SqlUuid, _>(event_id)
    .bind::<Text, _>(event.as_str())
    .bind::<Jsonb, _>(&payload)
    .bind::<Array<Text>, _>(crate::authz::manager_roles());
    let recorded = match replaces {
        None => insert.execute(conn).map(drop).map_err(Refusal::from),
        Some(replaced) => conn.transaction(|conn| {
            set_aside(conn, tenant, basis, replaced, row.id)?;
            insert.execute(conn)?;
            Ok::<_, Refusal>(())
        }),
    };
    match recorded {
        Ok(()) => Ok(request),
        Err(Refusal::Other(error)) => Err(error),
        // Read after the failed statement (and its transaction) is over.
        Err(Refusal::AlreadyPending) => {
            let pending: Option<Uuid> = change_requests::table
                .filter(change_requests::action_id.eq(action.id))
                .filter(change_requests::author_id.eq(basis.author.id))
                .filter(change_requests::status.eq(Stored(wire::ChangeRequestStatus::Pending)))
                .select(change_requests::id)
                .first(conn)
                .optional()?;
            match pending {
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
}

/// Marks the author's pending proposal `replaced` by `by`, after checking that `replaced`
/// is theirs, on this action, and still pending. Someone else's proposal is answered as an
/// unknown one: proposals are visible to their author and the management only.
fn set_aside(
    conn: &mut PgConnection,
    tenant: TenantId,
    basis: &ProposalBasis,
    replaced: Uuid,
    by: Uuid,
) -> Result<(), ApiError> {
    let found: Option<(Uuid, Uuid, Stored<wire::ChangeRequestStatus>)> = change_requests::table
        .filter(change_requests::id.eq(replaced))
        .filter(change_requests::tenant_id.eq(tenant.get()))
        .select((
            change_requests::action_id,
            change_requests::author_id,
            change_requests::status,
        ))
        .for_update()
        .first(conn)
        .optional()?;
    match found {
        Some((_, author, _)) if author != basis.author.id => {}
        None => {}
        Some((action, _, _)) if action != basis.action.id => {
            return Err(ApiError::invalid_field(
                "replaces",
                ProblemCode::NotReplaceable,
                "your proposal on another action: a proposal replaces one on its own action",
            ));
        }
        Some((_, _, Stored(status))) if status != wire::ChangeRequestStatus::Pending => {
            return Err(ApiError::Conflict {
                code: ProblemCode::AlreadyDecided,
                detail: format!(
                    "the proposal named in `replaces` is already {}",
                    status.as_str()
                ),
            });
        }
        Some(_) => {
            diesel::update(change_requests::table.find(replaced))
                .set((
                    change_requests::status.eq(Stored(wire::ChangeRequestStatus::Replaced)),
                    change_requests::replaced_by.eq(by),
                    change_requests::version.eq(change_requests::version + 1),
                ))
                .execute(conn)?;
            return Ok(());
        }
    }
    Err(ApiError::invalid_field(
        "replaces",
        ProblemCode::UnknownReference,
        "no proposal of yours with this id",
    ))
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
    super::integrations::enqueue(conn, tenant, event, data)
}

/// One proposal of the CPAS.
pub fn get(
    conn: &mut PgConnection,
    tenant: TenantId,
    id: Uuid,
) -> Result<wire::ChangeRequest, ApiError> {
    let row: ChangeRequestRow = change_requests::table
        .filter(change_requests::id.eq(id))
        .filter(change_requests::tenant_id.eq(tenant.get()))
        .select(ChangeRequestRow::as_select())
        .first(conn)
        .optional()?
        .ok_or(ApiError::NotFound {
            resource: "change request",
        })?;
    Ok(to_wire(conn, vec![row])?.remove(0))
}

/// Filters of the proposals list.
#[derive(Debug, Clone, Default)]
pub struct ChangeRequestFilter {
    pub status: Option<wire::ChangeRequestStatus>,
    pub plan_id: Option<Uuid>,
    pub action_id: Option<Uuid>,
    pub author_id: Option<Uuid>,
    /// The author's organisation.
    pub organisation_id: Option<Uuid>,
}

/// Proposals of the CPAS, oldest first (a queue), at most `limit`.
pub fn list(
    conn: &mut PgConnection,
    tenant: TenantId,
    filter: &ChangeRequestFilter,
    limit: i64,
) -> Result<Vec<wire::ChangeRequest>, ApiError> {
    let mut query = change_requests::table
        .inner_join(actions::table.on(actions::id.eq(change_requests::action_id)))
        .inner_join(users::table.on(users::id.eq(change_requests::author_id)))
        .filter(change_requests::tenant_id.eq(tenant.get()))
        .select(ChangeRequestRow::as_select())
        .order((change_requests::created_at, change_requests::id))
        .limit(limit)
        .into_boxed();
    if let Some(status) = filter.status {
        query = query.filter(change_requests::status.eq(Stored(status)));
    }
    if let Some(plan) = filter.plan_id {
        query = query.filter(actions::plan_id.eq(plan));
    }
    if let Some(action) = filter.action_id {
        query = query.filter(change_requests::action_id.eq(action));
    }
    if let Some(author) = filter.author_id {
        query = query.filter(change_requests::author_id.eq(author));
    }
    if let Some(organisation) = filter.organisation_id {
        query = query.filter(users::organisation_id.eq(organisation));
    }
    let rows = query.load(conn)?;
    to_wire(conn, rows)
}

/// The proposal, locked, if it is still pending.
fn pending_for_update(
    conn: &mut PgConnection,
    tenant: TenantId,
    id: Uuid,
) -> Result<ChangeRequestRow, ApiError> {
    let row: ChangeRequestRow = change_requests::table
        .filter(change_requests::id.eq(id))
        .filter(change_requests::tenant_id.eq(tenant.get()))
        .select(ChangeRequestRow::as_select())
        .for_update()
        .first(conn)
        .optional()?
        .ok_or(ApiError::NotFound {
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
pub fn approve(
    conn: &mut PgConnection,
    tenant: TenantId,
    approver: Uuid,
    id: Uuid,
    over_version: Option<i32>,
) -> Result<wire::ChangeRequest, ApiError> {
    conn.transaction(|conn| {
        let row = pending_for_update(conn, tenant, id)?;
        let (action, _) = action_for_change(conn, tenant, ActionId::new(row.action_id), true)?;
        let changes = FollowUpChanges::from_stored(&row.changes)?;
        let expected = over_version.unwrap_or(row.base_version);
        // A note alone changes no field: nothing of it can conflict.
        let note_only = changes.entries().is_empty();
        if action.version != expected && !note_only {
            let before = row.before.as_object().cloned().unwrap_or_default();
            return Err(ApiError::VersionConflict {
                detail: format!(
                    "the action changed since the proposal (version {} then, {} now); \
                     approve over version {} to apply it anyway, or reject it",
                    row.base_version, action.version, action.version
                ),
                conflict: Some(Box::new(conflict_of(
                    &action,
                    &measures_of(conn, &[action.id])?.remove(&action.id).unwrap_or_default(),
                    row.base_version,
                    &changes,
                    &before,
                ))),
            });
        }
        apply(conn, tenant, &action, &changes, approver, Some((row.author_id, row.id)))?;
        if let Some(note) = &row.note {
            let day = calendar::day_of(row.created_at);
            add_journal(conn, tenant, action.id, row.author_id, day, note)?;
        }
        if note_only {
            mark_reported(conn, action.id)?;
        }
        diesel::update(change_requests::table.find(row.id))
            .set((
                change_requests::status.eq(Stored(wire::ChangeRequestStatus::Approved)),
                change_requests::decided_by.eq(approver),
                change_requests::decided_at.eq(Utc::now()),
                change_requests::version.eq(change_requests::version + 1),
            ))
            .execute(conn)?;
        notify(
            conn,
            tenant,
            &[row.author_id],
            "change_request_approved",
            &json!({ "change_request_id": row.id, "action_id": action.id, "action_code": action.code }),
        )?;
        let request = get(conn, tenant, row.id)?;
        outbox(conn, tenant, wire::WebhookEvent::ChangeRequestApproved, &request)?;
        Ok(request)
    })
}

pub fn reject(
    conn: &mut PgConnection,
    tenant: TenantId,
    decider: Uuid,
    id: Uuid,
    reason: &str,
) -> Result<wire::ChangeRequest, ApiError> {
    conn.transaction(|conn| {
        let row = pending_for_update(conn, tenant, id)?;
        diesel::update(change_requests::table.find(row.id))
            .set((
                change_requests::status.eq(Stored(wire::ChangeRequestStatus::Rejected)),
                change_requests::decided_by.eq(decider),
                change_requests::decided_at.eq(Utc::now()),
                change_requests::reason.eq(reason),
                change_requests::version.eq(change_requests::version + 1),
            ))
            .execute(conn)?;
        let code: String = actions::table
            .find(row.action_id)
            .select(actions::code)
            .first(conn)?;
        notify(
            conn,
            tenant,
            &[row.author_id],
            "change_request_rejected",
            &json!({ "change_request_id": row.id, "action_id": row.action_id, "action_code": code, "reason": reason }),
        )?;
        let request = get(conn, tenant, row.id)?;
        outbox(conn, tenant, wire::WebhookEvent::ChangeRequestRejected, &request)?;
        Ok(request)
    })
}

/// Withdraws a pending proposal; only its author may.
pub fn withdraw(
    conn: &mut PgConnection,
    tenant: TenantId,
    actor: Uuid,
    id: Uuid,
) -> Result<wire::ChangeRequest, ApiError> {
    conn.transaction(|conn| {
        let row = pending_for_update(conn, tenant, id)?;
        if row.author_id != actor {
            return Err(ApiError::Forbidden("only its author withdraws a proposal"));
        }
        diesel::update(change_requests::table.find(row.id))
            .set((
                change_requests::status.eq(Stored(wire::ChangeRequestStatus::Withdrawn)),
                change_requests::version.eq(change_requests::version + 1),
            ))
            .execute(conn)?;
        get(conn, tenant, row.id)
    })
}

/// A direct edit of an action.
pub struct Edit<'a> {
    pub action: ActionId,
    /// The version the editor saw.
    pub expected_version: i32,
    pub changes: &'a FollowUpChanges,
    pub note: Option<&'a str>,
    /// The error when the action is no longer at `expected_version` (409 or 412).
    pub stale: ApiError,
}

/// Applies a direct edit (president, DG) if the action is still at the expected version.
pub fn edit(
    conn: &mut PgConnection,
    tenant: TenantId,
    editor: Uuid,
    edit: Edit<'_>,
) -> Result<(), ApiError> {
    conn.transaction(|conn| {
        let (action, _) = action_for_change(conn, tenant, edit.action, true)?;
        if action.version != edit.expected_version {
            return Err(edit.stale);
        }
        apply(conn, tenant, &action, edit.changes, editor, None)?;
        if let Some(note) = edit.note {
            add_journal(conn, tenant, action.id, editor, calendar::today(), note)?;
        }
        if edit.changes.entries().is_empty() {
            mark_reported(conn, action.id)?;
        }
        Ok(())
    })
}

#[derive(Debug, AsChangeset)]
#[diesel(table_name = actions)]
struct FollowUpChangeset {
    status: Option<Stored<wire::ActionStatus>>,
    progress: Option<i16>,
    planned_start: Option<Option<NaiveDate>>,
    planned_end: Option<Option<NaiveDate>>,
    actual_end: Option<Option<NaiveDate>>,
    political_lead: Option<Option<String>>,
    administrative_lead: Option<Option<String>>,
    staffing_fte: Option<Option<f64>>,
    sdgs: Option<Vec<i16>>,
}

/// Updates the (locked) action, bumps its version and writes the history row. Fields whose
/// value does not change are left out; a change that changes nothing writes nothing.
fn apply(
    conn: &mut PgConnection,
    tenant: TenantId,
    action: &Action,
    changes: &FollowUpChanges,
    applied_by: Uuid,
    proposal: Option<(Uuid, Uuid)>,
) -> Result<(), ApiError> {
    check_dates(action, changes)?;
    let measures = measures_of(conn, &[action.id])?
        .remove(&action.id)
        .unwrap_or_default();
    check_measures(&measures, changes)?;
    let c = changes.get();
    let before = snapshot(action, &measures);
    let differences: Vec<wire::FieldChange> = changes
        .entries()
        .into_iter()
        .filter(|(field, after)| before.get(field) != Some(after))
        .map(|(field, after)| wire::FieldChange {
            before: before.get(&field).cloned().unwrap_or(Value::Null),
            field,
            after,
        })
        .collect();
    if differences.is_empty() {
        return Ok(());
    }
    let version: i32 = diesel::update(actions::table.find(action.id))
        .set((
            &FollowUpChangeset {
                status: c.status.map(Stored),
                progress: c.progress,
                planned_start: stored_date(c.planned_start),
                planned_end: stored_date(c.planned_end),
                actual_end: stored_date(c.actual_end),
                political_lead: c.political_lead.clone(),
                administrative_lead: c.administrative_lead.clone(),
                staffing_fte: c.staffing_fte,
                sdgs: c.sdgs.clone(),
            },
            actions::version.eq(actions::version + 1),
            actions::last_reported_at.eq(Utc::now()),
        ))
        .returning(actions::version)
        .get_result(conn)?;
    for measure in &c.indicators {
        diesel::update(indicators::table.find(measure.id))
            .set((
                indicators::current_value.eq(measure.current_value),
                indicators::measured_at.eq(measure.measured_at),
                indicators::version.eq(indicators::version + 1),
            ))
            .execute(conn)?;
    }
    for spent in &c.budget_lines {
        diesel::update(budget_lines::table.find(spent.id))
            .set((
                budget_lines::spent_cents.eq(spent.spent_cents),
                budget_lines::version.eq(budget_lines::version + 1),
            ))
            .execute(conn)?;
    }
    diesel::insert_into(action_history::table)
        .values((
            action_history::tenant_id.eq(tenant.get()),
            action_history::action_id.eq(action.id),
            action_history::applied_by.eq(applied_by),
            action_history::proposed_by.eq(proposal.map(|(author, _)| author)),
            action_history::change_request_id.eq(proposal.map(|(_, id)| id)),
            action_history::version.eq(version),
            action_history::changes
                .eq(serde_json::to_value(&differences).map_err(|e| ApiError::Internal(e.into()))?),
        ))
        .execute(conn)?;
    super::integrations::enqueue(
        conn,
        tenant,
        wire::WebhookEvent::ActionUpdated,
        wire::ActionUpdatedData {
            action_id: action.id,
            action_code: action.code.clone(),
            version,
            changes: differences,
            change_request_id: proposal.map(|(_, id)| id),
        },
    )
}

/// A date change as the column stores it (unchanged, cleared or set).
fn stored_date(change: Option<Option<api_types::PlanDate>>) -> Option<Option<NaiveDate>> {
    change.map(|date| date.map(api_types::PlanDate::get))
}

/// The dates the action would have after `changes` must be in order.
fn check_dates(action: &Action, changes: &FollowUpChanges) -> Result<(), ApiError> {
    let c = changes.get();
    let start = stored_date(c.planned_start).unwrap_or(action.planned_start);
    let end = stored_date(c.planned_end).unwrap_or(action.planned_end);
    let actual = stored_date(c.actual_end).unwrap_or(action.actual_end);
    if let (Some(start), Some(end)) = (start, end)
        && end < start
    {
        return Err(ApiError::invalid_field(
            "changes/planned_end",
            ProblemCode::BeforeStart,
            "the planned end comes before the planned start",
        ));
    }
    if let (Some(start), Some(actual)) = (start, actual)
        && actual < start
    {
        return Err(ApiError::invalid_field(
            "changes/actual_end",
            ProblemCode::BeforeStart,
            "the actual end comes before the planned start",
        ));
    }
    Ok(())
}

/// A report that changed no field (a note alone) still counts as one: the action is no
/// longer stale. Its version, which guards the follow-up fields, stays.
fn mark_reported(conn: &mut PgConnection, action: Uuid) -> Result<(), ApiError> {
    diesel::update(actions::table.find(action))
        .set(actions::last_reported_at.eq(Utc::now()))
        .execute(conn)?;
    Ok(())
}

fn add_journal(
    conn: &mut PgConnection,
    tenant: TenantId,
    action: Uuid,
    author: Uuid,
    date: NaiveDate,
    body: &str,
) -> Result<(), ApiError> {
    diesel::insert_into(journal_entries::table)
        .values((
            journal_entries::tenant_id.eq(tenant.get()),
            journal_entries::action_id.eq(action),
            journal_entries::author_id.eq(author),
            journal_entries::entry_date.eq(date),
            journal_entries::body.eq(body),
        ))
        .execute(conn)?;
    Ok(())
}

/// Puts a notification in each recipient's inbox (and so in the e-mail outbox), in the
/// caller's transaction.
pub(crate) fn notify(
    conn: &mut PgConnection,
    tenant: TenantId,
    recipients: &[Uuid],
    kind: &str,
    payload: &Value,
) -> Result<(), ApiError> {
    let rows: Vec<_> = recipients
        .iter()
        .map(|user| {
            (
                notifications::tenant_id.eq(tenant.get()),
                notifications::user_id.eq(*user),
                notifications::kind.eq(kind),
                notifications::payload.eq(payload.clone()),
            )
        })
        .collect();
    diesel::insert_into(notifications::table)
        .values(&rows)
        .execute(conn)?;
    Ok(())
}

fn conflict_of(
    action: &Action,
    measures: &Measures,
    base_version: i32,
    changes: &FollowUpChanges,
    before: &Map<String, Value>,
) -> wire::Conflict {
    let current = snapshot(action, measures);
    wire::Conflict {
        base_version,
        current_version: action.version,
        diff: changes
            .entries()
            .into_iter()
            .map(|(field, proposed)| wire::FieldDiff {
                before: before.get(&field).cloned().unwrap_or(Value::Null),
                current: current.get(&field).cloned().unwrap_or(Value::Null),
                field,
                proposed,
            })
            .collect(),
    }
}

/// People by id, with their organisation's name. One statement.
pub fn people(
    conn: &mut PgConnection,
    ids: impl IntoIterator<Item = Uuid>,
) -> Result<HashMap<Uuid, wire::PersonRef>, ApiError> {
    let ids: Vec<Uuid> = ids
        .into_iter()
        .collect::<HashSet<_>>()
        .into_iter()
        .collect();
    let rows: Vec<(Uuid, String, Option<String>)> = users::table
        .left_join(organisations::table.on(organisations::id.nullable().eq(users::organisation_id)))
        .filter(users::id.eq_any(&ids))
        .select((
            users::id,
            users::display_name,
            organisations::name.nullable(),
        ))
        .load(conn)?;
    Ok(rows
        .into_iter()
        .map(|(id, display_name, organisation)| {
            (
                id,
                wire::PersonRef {
                    id,
                    display_name,
                    organisation,
                },
            )
        })
        .collect())
}

fn person(people: &HashMap<Uuid, wire::PersonRef>, id: Uuid) -> wire::PersonRef {
    people.get(&id).cloned().unwrap_or(wire::PersonRef {
        id,
        display_name: String::new(),
        organisation: None,
    })
}

fn to_wire(
    conn: &mut PgConnection,
    rows: Vec<ChangeRequestRow>,
) -> Result<Vec<wire::ChangeRequest>, ApiError> {
    let action_ids: Vec<Uuid> = rows.iter().map(|r| r.action_id).collect();
    let measures = measures_of(conn, &action_ids)?;
    let actions: HashMap<Uuid, Action> = actions::table
        .filter(actions::id.eq_any(&action_ids))
        .select(Action::as_select())
        .load(conn)?
        .into_iter()
        .map(|a: Action| (a.id, a))
        .collect();
    let plans: HashMap<Uuid, Uuid> = actions::table
        .filter(actions::id.eq_any(&action_ids))
        .select((actions::id, actions::plan_id))
        .load::<(Uuid, Uuid)>(conn)?
        .into_iter()
        .collect();
    let people = people(
        conn,
        rows.iter()
            .flat_map(|r| std::iter::once(r.author_id).chain(r.decided_by)),
    )?;
    rows.into_iter()
        .map(|row| {
            let action = actions
                .get(&row.action_id)
                .ok_or_else(|| ApiError::Internal(anyhow::anyhow!("proposal without action")))?;
            wire_request(
                row,
                action,
                &measures.get(&action.id).cloned().unwrap_or_default(),
                plans.get(&action.id).copied().unwrap_or_default(),
                &people,
            )
        })
        .collect()
}

/// A proposal as the API shows it, with its per-field diff against the action now.
fn wire_request(
    row: ChangeRequestRow,
    action: &Action,
    measures: &Measures,
    plan_id: Uuid,
    people: &HashMap<Uuid, wire::PersonRef>,
) -> Result<wire::ChangeRequest, ApiError> {
    let changes = FollowUpChanges::from_stored(&row.changes)?;
    let before = row.before.as_object().cloned().unwrap_or_default();
    let conflict = conflict_of(action, measures, row.base_version, &changes, &before);
    Ok(wire::ChangeRequest {
        id: row.id,
        action_id: action.id,
        action_code: action.code.clone(),
        action_title: action.title.clone(),
        plan_id,
        author: person(people, row.author_id),
        status: row.status,
        base_version: row.base_version,
        current_version: action.version,
        note: row.note,
        diff: conflict.diff,
        created_at: row.created_at,
        decided_by: row.decided_by.map(|id| person(people, id)),
        decided_at: row.decided_at,
        reason: row.reason,
        replaced_by: row.replaced_by,
    })
}

/// The history of an action, oldest first.
pub fn history(conn: &mut PgConnection, action: Uuid) -> Result<Vec<wire::HistoryEntry>, ApiError> {
    type Row = (
        i64,
        DateTime<Utc>,
        i32,
        Uuid,
        Option<Uuid>,
        Option<Uuid>,
        Value,
    );
    let rows: Vec<Row> = action_history::table
        .filter(action_history::action_id.eq(action))
        .order((action_history::at, action_history::id))
        .select((
            action_history::id,
            action_history::at,
            action_history::version,
            action_history::applied_by,
            action_history::proposed_by,
            action_history::change_request_id,
            action_history::changes,
        ))
        .load(conn)?;
    let people = people(
        conn,
        rows.iter().flat_map(|r| std::iter::once(r.3).chain(r.4)),
    )?;
    rows.into_iter()
        .map(
            |(id, at, version, applied_by, proposed_by, change_request_id, changes)| {
                Ok(wire::HistoryEntry {
                    id,
                    at,
                    version,
                    applied_by: person(&people, applied_by),
                    proposed_by: proposed_by.map(|p| person(&people, p)),
                    change_request_id,
                    changes: serde_json::from_value(changes).map_err(|e| {
                        ApiError::Internal(anyhow::anyhow!("history row unreadable: {e}"))
                    })?,
                })
            },
        )
        .collect()
}

/// Journal notes of an action, newest first.
pub fn journal(conn: &mut PgConnection, action: Uuid) -> Result<Vec<wire::JournalEntry>, ApiError> {
    let rows: Vec<(Uuid, NaiveDate, Uuid, String)> = journal_entries::table
        .filter(journal_entries::action_id.eq(action))
        .order((
            journal_entries::entry_date.desc(),
            journal_entries::created_at.desc(),
        ))
        .select((
            journal_entries::id,
            journal_entries::entry_date,
            journal_entries::author_id,
            journal_entries::body,
        ))
        .load(conn)?;
    let people = people(conn, rows.iter().map(|r| r.2))?;
    Ok(rows
        .into_iter()
        .map(|(id, entry_date, author, body)| wire::JournalEntry {
            id,
            entry_date,
            author: person(&people, author),
            body,
        })
        .collect())
}

/// Indicator measurements and budget spending of these actions. Two statements.
pub fn measures_of(
    conn: &mut PgConnection,
    actions: &[Uuid],
) -> Result<HashMap<Uuid, Measures>, ApiError> {
    let mut measures: HashMap<Uuid, Measures> = HashMap::new();
    let rows: Vec<(Uuid, Uuid, Option<f64>, Option<NaiveDate>)> = indicators::table
        .filter(indicators::action_id.eq_any(actions))
        .filter(indicators::archived_at.is_null())
        .select((
            indicators::action_id,
            indicators::id,
            indicators::current_value,
            indicators::measured_at,
        ))
        .load(conn)?;
    for (action, id, value, at) in rows {
        measures
            .entry(action)
            .or_default()
            .indicators
            .insert(id, (value, at));
    }
    let rows: Vec<(Uuid, Uuid, i64)> = budget_lines::table
        .filter(budget_lines::action_id.eq_any(actions))
        .filter(budget_lines::archived_at.is_null())
        .select((
            budget_lines::action_id,
            budget_lines::id,
            budget_lines::spent_cents,
        ))
        .load(conn)?;
    for (action, id, cents) in rows {
        measures
            .entry(action)
            .or_default()
            .budget_lines
            .insert(id, cents);
    }
    Ok(measures)
}

/// The measured indicators and budget lines must be the action's own.
fn check_measures(measures: &Measures, changes: &FollowUpChanges) -> Result<(), ApiError> {
    let c = changes.get();
    if c.indicators
        .iter()
        .any(|m| !measures.indicators.contains_key(&m.id))
    {
        return Err(ApiError::invalid_field(
            "changes/indicators",
            ProblemCode::UnknownIndicator,
            "an indicator of another action",
        ));
    }
    if c.budget_lines
        .iter()
        .any(|b| !measures.budget_lines.contains_key(&b.id))
    {
        return Err(ApiError::invalid_field(
            "changes/budget_lines",
            ProblemCode::UnknownBudgetLine,
            "a budget line of another action",
        ));
    }
    Ok(())
}

/// Ids of the pending proposals of an action.
pub fn pending_of(conn: &mut PgConnection, action: Uuid) -> Result<Vec<Uuid>, ApiError> {
    Ok(change_requests::table
        .filter(change_requests::action_id.eq(action))
        .filter(change_requests::status.eq(Stored(wire::ChangeRequestStatus::Pending)))
        .order(change_requests::created_at)
        .select(change_requests::id)
        .load(conn)?)
}

/// A user's inbox, newest first.
pub fn inbox(
    conn: &mut PgConnection,
    user: Uuid,
    unread_only: bool,
    limit: i64,
) -> Result<Vec<wire::Notification>, ApiError> {
    let mut query = notifications::table
        .filter(notifications::user_id.eq(user))
        .order((notifications::created_at.desc(), notifications::id))
        .limit(limit)
        .select((
            notifications::id,
            notifications::kind,
            notifications::payload,
            notifications::created_at,
            notifications::read_at,
        ))
        .into_boxed();
    if unread_only {
        query = query.filter(notifications::read_at.is_null());
    }
    type Row = (Uuid, String, Value, DateTime<Utc>, Option<DateTime<Utc>>);
    let rows: Vec<Row> = query.load(conn)?;
    Ok(rows
        .into_iter()
        .map(
            |(id, kind, payload, created_at, read_at)| wire::Notification {
                id,
                kind,
                payload,
                created_at,
                read_at,
            },
        )
        .collect())
}

/// A weak validator of what [`inbox`] answers for this user: notifications are only
/// added or marked read, so their number, the unread ones, the newest and the last read
/// change whenever the list does. One indexed aggregate.
pub fn inbox_etag(
    conn: &mut PgConnection,
    user: Uuid,
    unread_only: bool,
) -> Result<String, ApiError> {
    use sha2::{Digest, Sha256};
    type Row = (i64, i64, Option<DateTime<Utc>>, Option<DateTime<Utc>>);
    let (count, unread, newest, last_read): Row = notifications::table
        .filter(notifications::user_id.eq(user))
        .select(sql::<(
            BigInt,
            BigInt,
            Nullable<Timestamptz>,
            Nullable<Timestamptz>,
        )>(
            "count(*), count(*) FILTER (WHERE read_at IS NULL), max(created_at), max(read_at)",
        ))
        .first(conn)?;
    let state = format!(
        "{unread_only}:{count}:{unread}:{:?}:{:?}",
        newest.map(|t| t.timestamp_micros()),
        last_read.map(|t| t.timestamp_micros())
    );
    let digest = Sha256::digest(state.as_bytes());
    let hex: String = digest[..8].iter().map(|b| format!("{b:02x}")).collect();
    Ok(format!("W/\"{hex}\""))
}

/// Marks one notification (`Some`) or all of a user's (`None`) as read.
pub fn mark_read(conn: &mut PgConnection, user: Uuid, id: Option<Uuid>) -> Result<usize, ApiError> {
    let mut query = diesel::update(notifications::table)
        .filter(notifications::user_id.eq(user))
        .filter(notifications::read_at.is_null())
        .into_boxed();
    if let Some(id) = id {
        query = query.filter(notifications::id.eq(id));
    }
    Ok(query
        .set(notifications::read_at.eq(Utc::now()))
        .execute(conn)?)
}
