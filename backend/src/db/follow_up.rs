//! Follow-up of actions, as stored: proposals, the changes applied to an action, its
//! history and journal, the inbox. Data access only: whether a change may be made, and
//! what is answered, the use cases of `app::proposals` decide, in their transaction.

use std::collections::{HashMap, HashSet};

use api_types as wire;
use chrono::{DateTime, NaiveDate, Utc};
use diesel::dsl::sql;
use diesel::prelude::*;
use diesel::sql_types::{
    Array, BigInt, Date, Float8, Integer, Jsonb, Nullable, Record, Text, Timestamptz,
    Uuid as SqlUuid,
};
use serde_json::Value;
use uuid::Uuid;

use super::models::Action;
use super::schema::{
    action_history, actions, budget_lines, change_requests, indicators, journal_entries,
    notifications, organisations, users,
};
use super::stored::{Column, Stored};
use super::{DbError, DbResult};
use crate::domain::follow_up::{
    BudgetAmounts, ChangeRequestFilter, FollowUp, FollowUpChanges, KeptAs, Measures, conflict,
    snapshot,
};
use crate::domain::{ActionId, TenantId};

/// An action row of the CPAS (not archived), locked when asked.
pub fn action_for_change(
    conn: &mut PgConnection,
    tenant: TenantId,
    id: ActionId,
    lock: bool,
) -> DbResult<Action> {
    let query = actions::table
        .filter(actions::id.eq(id.get()))
        .filter(actions::tenant_id.eq(tenant.get()))
        .filter(actions::archived_at.is_null())
        .select(Action::as_select());
    if lock {
        query.for_update().first(conn).optional()?
    } else {
        query.first(conn).optional()?
    }
    .ok_or(DbError::NotFound("action"))
}

/// A proposal as stored.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = change_requests, check_for_backend(diesel::pg::Pg))]
pub struct ProposalRow {
    pub id: Uuid,
    pub action_id: Uuid,
    pub author_id: Uuid,
    pub base_version: i32,
    pub changes: Value,
    pub before: Value,
    pub note: Option<String>,
    #[diesel(deserialize_as = Stored<wire::ChangeRequestStatus>)]
    pub status: wire::ChangeRequestStatus,
    pub decided_by: Option<Uuid>,
    pub decided_at: Option<DateTime<Utc>>,
    pub reason: Option<String>,
    pub created_at: DateTime<Utc>,
    pub replaced_by: Option<Uuid>,
}

/// What a proposal is checked against and answers with, read in one statement.
pub struct ProposalBasis {
    /// The action (not archived), as read: a proposal does not lock it.
    pub action: Action,
    pub plan_id: Uuid,
    /// The organisations carrying it (a sub-action's: its own and its action's), for the
    /// authorization.
    pub carriers: Vec<Uuid>,
    pub measures: Measures,
    /// The author, as proposals show them.
    pub author: wire::PersonRef,
    /// The database's clock: the proposal's creation time.
    pub now: DateTime<Utc>,
}

/// Reads the action of a proposal, its carriers, its measures and the author in one
/// statement (four before: one round trip each).
pub fn proposal_basis(
    conn: &mut PgConnection,
    tenant: TenantId,
    id: ActionId,
    author: Uuid,
) -> DbResult<ProposalBasis> {
    type Row = (
        Action,
        Uuid,
        Vec<Uuid>,
        Vec<(Uuid, Option<f64>, Option<NaiveDate>)>,
        Vec<(Uuid, i64, i64)>,
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
                 WHERE ao.action_id = actions.id OR ao.action_id = actions.parent_id)",
            ),
            sql::<Array<Record<(SqlUuid, Nullable<Float8>, Nullable<Date>)>>>(
                "ARRAY(SELECT ROW(i.id, i.current_value, i.measured_at) FROM indicators i \
                 WHERE i.action_id = actions.id AND i.archived_at IS NULL)",
            ),
            sql::<Array<Record<(SqlUuid, BigInt, BigInt)>>>(
                "ARRAY(SELECT ROW(b.id, b.spent_cents, b.engaged_cents) FROM budget_lines b \
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
        row.ok_or(DbError::NotFound("action"))?;
    let measures = Measures {
        indicators: indicators
            .into_iter()
            .map(|(id, value, at)| (id, (value, at)))
            .collect(),
        budget_lines: budget_lines
            .into_iter()
            .map(|(id, spent, engaged)| (id, BudgetAmounts { spent, engaged }))
            .collect(),
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

/// A new proposal and who is told of it.
pub struct NewProposal<'a> {
    /// The proposal, pending.
    pub row: &'a ProposalRow,
    /// The payload of the managers' notifications.
    pub notification: &'a Value,
    /// The proposal as the API shows it, for the webhook deliveries.
    pub request: &'a wire::ChangeRequest,
    /// The roles whose active users are notified.
    pub recipients: &'a [&'a str],
}

/// Records a proposal, the notifications of the users of `recipients` roles and the
/// webhook outbox rows in one statement, so a new proposal needs no transaction of its
/// own. The subscribed endpoints are those of `integrations::enqueue`. The unique index
/// `change_requests_one_pending_idx` refuses a second pending proposal of one author on
/// one action.
pub fn insert_proposal(
    conn: &mut PgConnection,
    tenant: TenantId,
    new: &NewProposal<'_>,
) -> DbResult<()> {
    let row = new.row;
    let event = wire::WebhookEvent::ChangeRequestCreated;
    let (event_id, payload) = super::integrations::event_payload(
        tenant,
        event,
        wire::ChangeRequestEventData {
            change_request: new.request.clone(),
        },
    );
    diesel::sql_query(
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
    .bind::<Jsonb, _>(new.notification)
    .bind::<SqlUuid, _>(event_id)
    .bind::<Text, _>(event.as_str())
    .bind::<Jsonb, _>(&payload)
    .bind::<Array<Text>, _>(new.recipients)
    .execute(conn)?;
    Ok(())
}

/// The id of the author's pending proposal on the action, if any.
pub fn pending_of_author(
    conn: &mut PgConnection,
    action: Uuid,
    author: Uuid,
) -> DbResult<Option<Uuid>> {
    Ok(change_requests::table
        .filter(change_requests::action_id.eq(action))
        .filter(change_requests::author_id.eq(author))
        .filter(change_requests::status.eq(Stored(wire::ChangeRequestStatus::Pending)))
        .select(change_requests::id)
        .first(conn)
        .optional()?)
}

/// A proposal of the CPAS, locked, whatever its status.
pub fn proposal_for_update(
    conn: &mut PgConnection,
    tenant: TenantId,
    id: Uuid,
) -> DbResult<Option<ProposalRow>> {
    Ok(change_requests::table
        .filter(change_requests::id.eq(id))
        .filter(change_requests::tenant_id.eq(tenant.get()))
        .select(ProposalRow::as_select())
        .for_update()
        .first(conn)
        .optional()?)
}

/// How a pending proposal ends.
#[derive(Debug, Clone, Copy)]
pub enum Closing<'a> {
    /// Set aside by the author's proposal `by`.
    Replaced {
        by: Uuid,
    },
    Approved {
        by: Uuid,
    },
    Rejected {
        by: Uuid,
        reason: &'a str,
    },
    Withdrawn,
}

#[derive(AsChangeset)]
#[diesel(table_name = change_requests)]
struct ClosingChangeset<'a> {
    status: Stored<wire::ChangeRequestStatus>,
    replaced_by: Option<Uuid>,
    decided_by: Option<Uuid>,
    decided_at: Option<DateTime<Utc>>,
    reason: Option<&'a str>,
}

/// Ends a proposal, and bumps its version.
pub fn close(conn: &mut PgConnection, id: Uuid, closing: Closing<'_>) -> DbResult<()> {
    use wire::ChangeRequestStatus as S;
    let unset = |status| ClosingChangeset {
        status: Stored(status),
        replaced_by: None,
        decided_by: None,
        decided_at: None,
        reason: None,
    };
    let changeset = match closing {
        Closing::Replaced { by } => ClosingChangeset {
            replaced_by: Some(by),
            ..unset(S::Replaced)
        },
        Closing::Approved { by } => ClosingChangeset {
            decided_by: Some(by),
            decided_at: Some(Utc::now()),
            ..unset(S::Approved)
        },
        Closing::Rejected { by, reason } => ClosingChangeset {
            decided_by: Some(by),
            decided_at: Some(Utc::now()),
            reason: Some(reason),
            ..unset(S::Rejected)
        },
        Closing::Withdrawn => unset(S::Withdrawn),
    };
    diesel::update(change_requests::table.find(id))
        .set((
            &changeset,
            change_requests::version.eq(change_requests::version + 1),
        ))
        .execute(conn)?;
    Ok(())
}

/// One proposal of the CPAS.
pub fn get(conn: &mut PgConnection, tenant: TenantId, id: Uuid) -> DbResult<wire::ChangeRequest> {
    let row: ProposalRow = change_requests::table
        .filter(change_requests::id.eq(id))
        .filter(change_requests::tenant_id.eq(tenant.get()))
        .select(ProposalRow::as_select())
        .first(conn)
        .optional()?
        .ok_or(DbError::NotFound("change request"))?;
    Ok(to_wire(conn, vec![row])?.remove(0))
}

/// Proposals of the CPAS, oldest first (a queue), at most `limit`.
pub fn list(
    conn: &mut PgConnection,
    tenant: TenantId,
    filter: &ChangeRequestFilter,
    limit: i64,
) -> DbResult<Vec<wire::ChangeRequest>> {
    let mut query = change_requests::table
        .inner_join(actions::table.on(actions::id.eq(change_requests::action_id)))
        .inner_join(users::table.on(users::id.eq(change_requests::author_id)))
        .filter(change_requests::tenant_id.eq(tenant.get()))
        .select(ProposalRow::as_select())
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

/// Makes, from the rows of `api_types::follow_up_fields!`, the update of the action's
/// columns by a change and the reading of their values from a row.
macro_rules! follow_up_columns {
    ($( $(#[$attr:meta])* $field:ident : $variant:ident ($ty:ty) ),+ $(,)?) => {
        /// The columns a change sets; an absent field is left as it is.
        #[derive(Debug, AsChangeset)]
        #[diesel(table_name = actions)]
        struct FollowUpChangeset {
            $($field: Option<<<$ty as KeptAs>::Kept as Column>::Column>,)+
        }

        impl FollowUpChangeset {
            fn new(changes: &wire::ActionChanges) -> Self {
                Self {
                    $($field: changes.$field.clone().map(|value| value.kept().column()),)+
                }
            }
        }

        impl From<&Action> for FollowUp {
            fn from(action: &Action) -> Self {
                Self {
                    $($field: action.$field.clone(),)+
                }
            }
        }
    };
}

api_types::follow_up_fields!(follow_up_columns);

/// A change applied to an action: who applied it, and the proposal (author, id) it comes
/// from if any.
pub struct AppliedChange<'a> {
    pub changes: &'a FollowUpChanges,
    /// The fields it changes, before and after: the history row.
    pub differences: &'a [wire::FieldChange],
    pub applied_by: Uuid,
    pub proposal: Option<(Uuid, Uuid)>,
}

/// Updates the (locked) action, its indicators and budget lines, bumps its version and
/// writes the history row. Returns the action's new version.
pub fn record_change(
    conn: &mut PgConnection,
    tenant: TenantId,
    action: Uuid,
    applied: &AppliedChange<'_>,
) -> DbResult<i32> {
    let c = applied.changes.get();
    let version: i32 = diesel::update(actions::table.find(action))
        .set((
            &FollowUpChangeset::new(c),
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
                // Not given: that amount stays.
                spent
                    .spent_cents
                    .map(|cents| budget_lines::spent_cents.eq(cents)),
                spent
                    .engaged_cents
                    .map(|cents| budget_lines::engaged_cents.eq(cents)),
                budget_lines::version.eq(budget_lines::version + 1),
            ))
            .execute(conn)?;
    }
    diesel::insert_into(action_history::table)
        .values((
            action_history::tenant_id.eq(tenant.get()),
            action_history::action_id.eq(action),
            action_history::applied_by.eq(applied.applied_by),
            action_history::proposed_by.eq(applied.proposal.map(|(author, _)| author)),
            action_history::change_request_id.eq(applied.proposal.map(|(_, id)| id)),
            action_history::version.eq(version),
            action_history::changes
                .eq(serde_json::to_value(applied.differences).map_err(anyhow::Error::from)?),
        ))
        .execute(conn)?;
    Ok(version)
}

/// Marks the action reported now, leaving its version (which guards the follow-up fields).
pub fn mark_reported(conn: &mut PgConnection, action: Uuid) -> DbResult<()> {
    diesel::update(actions::table.find(action))
        .set(actions::last_reported_at.eq(Utc::now()))
        .execute(conn)?;
    Ok(())
}

/// The code of an action.
pub fn action_code(conn: &mut PgConnection, action: Uuid) -> DbResult<String> {
    Ok(actions::table
        .find(action)
        .select(actions::code)
        .first(conn)?)
}

/// Adds an entry to the action's journal: a note, or a task done (its body the task's
/// title).
pub fn add_journal(
    conn: &mut PgConnection,
    tenant: TenantId,
    action: Uuid,
    author: Uuid,
    date: NaiveDate,
    kind: wire::JournalKind,
    body: &str,
) -> DbResult<()> {
    diesel::insert_into(journal_entries::table)
        .values((
            journal_entries::tenant_id.eq(tenant.get()),
            journal_entries::action_id.eq(action),
            journal_entries::author_id.eq(author),
            journal_entries::entry_date.eq(date),
            journal_entries::kind.eq(Stored(kind)),
            journal_entries::body.eq(body),
        ))
        .execute(conn)?;
    Ok(())
}

/// Puts a notification in each recipient's inbox (and so in the e-mail outbox), in the
/// caller's transaction.
pub fn notify(
    conn: &mut PgConnection,
    tenant: TenantId,
    recipients: &[Uuid],
    kind: &str,
    payload: &Value,
) -> DbResult<()> {
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

/// People by id, with their organisation's name. One statement.
pub fn people(
    conn: &mut PgConnection,
    ids: impl IntoIterator<Item = Uuid>,
) -> DbResult<HashMap<Uuid, wire::PersonRef>> {
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

fn to_wire(conn: &mut PgConnection, rows: Vec<ProposalRow>) -> DbResult<Vec<wire::ChangeRequest>> {
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
                .ok_or_else(|| anyhow::anyhow!("proposal without action"))?;
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
pub fn wire_request(
    row: ProposalRow,
    action: &Action,
    measures: &Measures,
    plan_id: Uuid,
    people: &HashMap<Uuid, wire::PersonRef>,
) -> DbResult<wire::ChangeRequest> {
    let changes = FollowUpChanges::from_stored(&row.changes)?;
    let before = row.before.as_object().cloned().unwrap_or_default();
    let current = snapshot(&FollowUp::from(action), measures);
    let conflict = conflict(
        &current,
        action.version,
        row.base_version,
        &changes,
        &before,
    );
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

/// An action's code.
pub fn code_of(conn: &mut PgConnection, action: Uuid) -> DbResult<String> {
    Ok(actions::table
        .find(action)
        .select(actions::code)
        .get_result(conn)?)
}

/// The history of an action with its sub-actions' changes, oldest first.
pub fn history(conn: &mut PgConnection, action: Uuid) -> DbResult<Vec<wire::HistoryEntry>> {
    type Row = (
        i64,
        Uuid,
        DateTime<Utc>,
        i32,
        Uuid,
        Option<Uuid>,
        Option<Uuid>,
        Value,
    );
    // The action and its sub-actions: a step's change shows on its action's page too.
    let steps: HashMap<Uuid, wire::ActionLink> = actions::table
        .filter(actions::parent_id.eq(action))
        .select((actions::id, actions::code, actions::title))
        .load::<(Uuid, String, String)>(conn)?
        .into_iter()
        .map(|(id, code, title)| (id, wire::ActionLink { id, code, title }))
        .collect();
    let rows: Vec<Row> = action_history::table
        .filter(
            action_history::action_id
                .eq(action)
                .or(action_history::action_id.eq_any(steps.keys().copied().collect::<Vec<_>>())),
        )
        .order((action_history::at, action_history::id))
        .select((
            action_history::id,
            action_history::action_id,
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
        rows.iter().flat_map(|r| std::iter::once(r.4).chain(r.5)),
    )?;
    rows.into_iter()
        .map(
            |(id, of, at, version, applied_by, proposed_by, change_request_id, changes)| {
                Ok(wire::HistoryEntry {
                    sub_action: steps.get(&of).cloned(),
                    id,
                    at,
                    version,
                    applied_by: person(&people, applied_by),
                    proposed_by: proposed_by.map(|p| person(&people, p)),
                    change_request_id,
                    changes: serde_json::from_value(changes)
                        .map_err(|e| anyhow::anyhow!("history row unreadable: {e}"))?,
                })
            },
        )
        .collect()
}

/// Journal notes of an action, newest first.
pub fn journal(conn: &mut PgConnection, action: Uuid) -> DbResult<Vec<wire::JournalEntry>> {
    let rows: Vec<(Uuid, Stored<wire::JournalKind>, NaiveDate, Uuid, String)> =
        journal_entries::table
            .filter(journal_entries::action_id.eq(action))
            .order((
                journal_entries::entry_date.desc(),
                journal_entries::created_at.desc(),
            ))
            .select((
                journal_entries::id,
                journal_entries::kind,
                journal_entries::entry_date,
                journal_entries::author_id,
                journal_entries::body,
            ))
            .load(conn)?;
    let people = people(conn, rows.iter().map(|r| r.3))?;
    Ok(rows
        .into_iter()
        .map(
            |(id, Stored(kind), entry_date, author, body)| wire::JournalEntry {
                id,
                kind,
                entry_date,
                author: person(&people, author),
                body,
            },
        )
        .collect())
}

/// Indicator measurements and budget spending of these actions. Two statements.
pub fn measures_of(conn: &mut PgConnection, actions: &[Uuid]) -> DbResult<HashMap<Uuid, Measures>> {
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
    let rows: Vec<(Uuid, Uuid, i64, i64)> = budget_lines::table
        .filter(budget_lines::action_id.eq_any(actions))
        .filter(budget_lines::archived_at.is_null())
        .select((
            budget_lines::action_id,
            budget_lines::id,
            budget_lines::spent_cents,
            budget_lines::engaged_cents,
        ))
        .load(conn)?;
    for (action, id, spent, engaged) in rows {
        measures
            .entry(action)
            .or_default()
            .budget_lines
            .insert(id, BudgetAmounts { spent, engaged });
    }
    Ok(measures)
}

/// Ids of the pending proposals of an action.
pub fn pending_of(conn: &mut PgConnection, action: Uuid) -> DbResult<Vec<Uuid>> {
    Ok(change_requests::table
        .filter(change_requests::action_id.eq(action))
        .filter(change_requests::status.eq(Stored(wire::ChangeRequestStatus::Pending)))
        .order(change_requests::created_at)
        .select(change_requests::id)
        .load(conn)?)
}
