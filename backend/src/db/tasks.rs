//! Tasks as data: their rows, the lists people read them in (one statement each), and
//! the reminders before and after their due date. Who may do what is the use cases'
//! (`app::tasks`); the rules on dates are SQL (`pst_task_is_overdue`,
//! `pst_task_is_due_soon`, the trigger `tasks_due_in_plan`).

use api_types as wire;
use chrono::{DateTime, NaiveDate, Utc};
use diesel::prelude::*;
use diesel::sql_types::{
    Array, BigInt, Bool, Date, Integer, Nullable, Text, Timestamptz, Uuid as SqlUuid,
};
use uuid::Uuid;

use super::notifications::Batch;
use super::schema::{organisations, tasks};
use super::stored::Stored;
use super::{DbError, DbResult};
use crate::domain::TenantId;
use crate::domain::tasks::Assignee;

/// The assignee's columns: the person's, the organisation's.
fn assignee_columns(assignee: Option<Assignee>) -> (Option<Uuid>, Option<Uuid>) {
    match assignee {
        Some(Assignee::User(id)) => (Some(id), None),
        Some(Assignee::Organisation(id)) => (None, Some(id)),
        None => (None, None),
    }
}

/// A task as the lists read it, with the names around it; `may_close` is the use case's.
#[derive(Debug, Clone, QueryableByName)]
pub struct TaskRow {
    #[diesel(sql_type = SqlUuid)]
    pub id: Uuid,
    #[diesel(sql_type = SqlUuid)]
    pub action_id: Uuid,
    #[diesel(sql_type = Text)]
    pub action_code: String,
    #[diesel(sql_type = Text)]
    pub action_title: String,
    #[diesel(sql_type = SqlUuid)]
    pub plan_id: Uuid,
    #[diesel(sql_type = Text)]
    pub title: String,
    #[diesel(sql_type = Date)]
    pub due_on: NaiveDate,
    #[diesel(sql_type = Nullable<SqlUuid>)]
    pub assignee_user_id: Option<Uuid>,
    #[diesel(sql_type = Nullable<Text>)]
    pub assignee_user_name: Option<String>,
    #[diesel(sql_type = Nullable<SqlUuid>)]
    pub assignee_organisation_id: Option<Uuid>,
    #[diesel(sql_type = Nullable<Text>)]
    pub assignee_organisation_name: Option<String>,
    #[diesel(sql_type = Nullable<Timestamptz>)]
    pub done_at: Option<DateTime<Utc>>,
    #[diesel(sql_type = Nullable<SqlUuid>)]
    pub done_by: Option<Uuid>,
    #[diesel(sql_type = Nullable<Text>)]
    pub done_by_name: Option<String>,
    #[diesel(sql_type = Nullable<Text>)]
    pub done_by_organisation: Option<String>,
    #[diesel(sql_type = Bool)]
    pub overdue: bool,
    #[diesel(sql_type = SqlUuid)]
    pub created_by: Uuid,
    #[diesel(sql_type = Text)]
    pub created_by_name: String,
    #[diesel(sql_type = Nullable<Text>)]
    pub created_by_organisation: Option<String>,
    #[diesel(sql_type = Timestamptz)]
    pub created_at: DateTime<Utc>,
    #[diesel(sql_type = Integer)]
    pub version: i32,
}

impl TaskRow {
    /// Whom it is given to, as keys (for the policy).
    pub fn assignee(&self) -> Option<Assignee> {
        match (self.assignee_user_id, self.assignee_organisation_id) {
            (Some(user), _) => Some(Assignee::User(user)),
            (None, Some(organisation)) => Some(Assignee::Organisation(organisation)),
            (None, None) => None,
        }
    }

    /// The task on the wire.
    pub fn into_wire(self, may_close: bool) -> wire::Task {
        let assignee = match (self.assignee_user_id, self.assignee_organisation_id) {
            (Some(id), _) => Some(wire::Assignee::User {
                id,
                display_name: self.assignee_user_name.unwrap_or_default(),
            }),
            (None, Some(id)) => Some(wire::Assignee::Organisation {
                id,
                name: self.assignee_organisation_name.unwrap_or_default(),
            }),
            (None, None) => None,
        };
        wire::Task {
            id: self.id,
            action: wire::ActionLink {
                id: self.action_id,
                code: self.action_code,
                title: self.action_title,
            },
            plan_id: self.plan_id,
            title: self.title,
            due_on: self.due_on,
            assignee,
            done_at: self.done_at,
            done_by: self.done_by.map(|id| wire::PersonRef {
                id,
                display_name: self.done_by_name.unwrap_or_default(),
                organisation: self.done_by_organisation,
            }),
            overdue: self.overdue,
            may_close,
            created_by: wire::PersonRef {
                id: self.created_by,
                display_name: self.created_by_name,
                organisation: self.created_by_organisation,
            },
            created_at: self.created_at,
            version: self.version,
        }
    }
}

/// The columns of a [`TaskRow`], over `tasks t` joined as below, and the joins.
const TASK_SELECT: &str =
    "SELECT t.id, t.action_id, a.code AS action_code, a.title AS action_title,
        a.plan_id, t.title, t.due_on,
        t.assignee_user_id, au.display_name AS assignee_user_name,
        t.assignee_organisation_id, ao.name AS assignee_organisation_name,
        t.done_at, t.done_by, du.display_name AS done_by_name, duo.name AS done_by_organisation,
        pst_task_is_overdue(t.due_on, t.done_at) AS overdue,
        t.created_by, cu.display_name AS created_by_name, cuo.name AS created_by_organisation,
        t.created_at, t.version
    FROM tasks t
    JOIN actions a ON a.id = t.action_id
    LEFT JOIN users au ON au.id = t.assignee_user_id
    LEFT JOIN organisations ao ON ao.id = t.assignee_organisation_id
    LEFT JOIN users du ON du.id = t.done_by
    LEFT JOIN organisations duo ON duo.id = du.organisation_id
    JOIN users cu ON cu.id = t.created_by
    LEFT JOIN organisations cuo ON cuo.id = cu.organisation_id";

/// The condition of a list's filter, over `tasks t`.
fn condition(which: wire::TaskFilter) -> &'static str {
    match which {
        wire::TaskFilter::Open => "t.done_at IS NULL",
        wire::TaskFilter::Done => "t.done_at IS NOT NULL",
        wire::TaskFilter::All => "true",
    }
}

/// The order of every list: open first, by due date, then the most recently closed.
const TASK_ORDER: &str = "ORDER BY t.done_at IS NOT NULL, t.due_on, a.code, t.created_at, t.id";

/// The tasks of these actions (an action and its sub-actions), in the CPAS. One statement.
pub fn of_actions(
    conn: &mut PgConnection,
    tenant: TenantId,
    actions: &[Uuid],
) -> DbResult<Vec<TaskRow>> {
    Ok(diesel::sql_query(format!(
        "{TASK_SELECT} WHERE t.tenant_id = $1 AND t.action_id = ANY($2) {TASK_ORDER}"
    ))
    .bind::<SqlUuid, _>(tenant.get())
    .bind::<Array<SqlUuid>, _>(actions)
    .load(conn)?)
}

/// The tasks of a plan's live actions and sub-actions. One statement.
pub fn of_plan(
    conn: &mut PgConnection,
    tenant: TenantId,
    plan: Uuid,
    which: wire::TaskFilter,
) -> DbResult<Vec<TaskRow>> {
    Ok(diesel::sql_query(format!(
        "{TASK_SELECT} WHERE t.tenant_id = $1 AND a.plan_id = $2 AND a.archived_at IS NULL
           AND {} {TASK_ORDER}",
        condition(which)
    ))
    .bind::<SqlUuid, _>(tenant.get())
    .bind::<SqlUuid, _>(plan)
    .load(conn)?)
}

/// The tasks given to this person or to their organisation, on live actions. One
/// statement.
pub fn assigned_to(
    conn: &mut PgConnection,
    tenant: TenantId,
    user: Uuid,
    organisation: Option<Uuid>,
    which: wire::TaskFilter,
) -> DbResult<Vec<TaskRow>> {
    Ok(diesel::sql_query(format!(
        "{TASK_SELECT} WHERE t.tenant_id = $1 AND a.archived_at IS NULL
           AND (t.assignee_user_id = $2 OR t.assignee_organisation_id = $3)
           AND {} {TASK_ORDER}",
        condition(which)
    ))
    .bind::<SqlUuid, _>(tenant.get())
    .bind::<SqlUuid, _>(user)
    .bind::<Nullable<SqlUuid>, _>(organisation)
    .load(conn)?)
}

/// These tasks of the CPAS, in the lists' order. One statement.
pub fn by_ids(conn: &mut PgConnection, tenant: TenantId, ids: &[Uuid]) -> DbResult<Vec<TaskRow>> {
    Ok(diesel::sql_query(format!(
        "{TASK_SELECT} WHERE t.tenant_id = $1 AND t.id = ANY($2) {TASK_ORDER}"
    ))
    .bind::<SqlUuid, _>(tenant.get())
    .bind::<Array<SqlUuid>, _>(ids)
    .load(conn)?)
}

/// One task of the CPAS, locked for a change.
pub fn lock(conn: &mut PgConnection, tenant: TenantId, id: Uuid) -> DbResult<TaskRow> {
    diesel::sql_query(format!(
        "{TASK_SELECT} WHERE t.tenant_id = $1 AND t.id = $2 FOR UPDATE OF t"
    ))
    .bind::<SqlUuid, _>(tenant.get())
    .bind::<SqlUuid, _>(id)
    .get_result(conn)
    .optional()?
    .ok_or(DbError::NotFound("task"))
}

/// These tasks of the CPAS, locked for a change (those of other CPAS are not found).
pub fn lock_many(
    conn: &mut PgConnection,
    tenant: TenantId,
    ids: &[Uuid],
) -> DbResult<Vec<TaskRow>> {
    Ok(diesel::sql_query(format!(
        "{TASK_SELECT} WHERE t.tenant_id = $1 AND t.id = ANY($2) ORDER BY t.id FOR UPDATE OF t"
    ))
    .bind::<SqlUuid, _>(tenant.get())
    .bind::<Array<SqlUuid>, _>(ids)
    .load(conn)?)
}

/// The active people and the organisations of the CPAS, by name. Two statements.
pub fn assignees(conn: &mut PgConnection, tenant: TenantId) -> DbResult<wire::TaskAssignees> {
    let organisations: Vec<(Uuid, String, Stored<wire::OrganisationKind>)> = organisations::table
        .filter(organisations::tenant_id.eq(tenant.get()))
        .order((organisations::name, organisations::id))
        .select((organisations::id, organisations::name, organisations::kind))
        .load(conn)?;
    Ok(wire::TaskAssignees {
        users: super::accounts::active_people(conn, tenant)?,
        organisations: organisations
            .into_iter()
            .map(|(id, name, Stored(kind))| wire::OrganisationRef { id, name, kind })
            .collect(),
    })
}

/// A task to write.
pub struct NewTaskRow<'a> {
    pub action: Uuid,
    pub title: &'a str,
    pub due_on: NaiveDate,
    pub assignee: Option<Assignee>,
}

pub fn insert(
    conn: &mut PgConnection,
    tenant: TenantId,
    created_by: Uuid,
    task: &NewTaskRow<'_>,
) -> DbResult<Uuid> {
    let (user, organisation) = assignee_columns(task.assignee);
    Ok(diesel::insert_into(tasks::table)
        .values((
            tasks::tenant_id.eq(tenant.get()),
            tasks::action_id.eq(task.action),
            tasks::title.eq(task.title),
            tasks::due_on.eq(task.due_on),
            tasks::assignee_user_id.eq(user),
            tasks::assignee_organisation_id.eq(organisation),
            tasks::created_by.eq(created_by),
        ))
        .returning(tasks::id)
        .get_result(conn)?)
}

/// What a change writes on a task (each `None` leaves its column).
#[derive(Debug, Default)]
pub struct TaskChange<'a> {
    pub title: Option<&'a str>,
    pub due_on: Option<NaiveDate>,
    pub assignee: Option<Option<Assignee>>,
    /// Done by this person now (`Some(Some)`), or open again (`Some(None)`).
    pub done_by: Option<Option<Uuid>>,
}

/// Writes the change and raises the version.
pub fn update(conn: &mut PgConnection, id: Uuid, change: &TaskChange<'_>) -> DbResult<()> {
    #[derive(AsChangeset)]
    #[diesel(table_name = tasks)]
    struct Columns<'a> {
        title: Option<&'a str>,
        due_on: Option<NaiveDate>,
        assignee_user_id: Option<Option<Uuid>>,
        assignee_organisation_id: Option<Option<Uuid>>,
        done_by: Option<Option<Uuid>>,
        done_at: Option<Option<DateTime<Utc>>>,
    }
    let (user, organisation) = match change.assignee {
        Some(assignee) => {
            let (user, organisation) = assignee_columns(assignee);
            (Some(user), Some(organisation))
        }
        None => (None, None),
    };
    let columns = Columns {
        title: change.title,
        due_on: change.due_on,
        assignee_user_id: user,
        assignee_organisation_id: organisation,
        done_by: change.done_by,
        done_at: change.done_by.map(|by| by.map(|_| Utc::now())),
    };
    diesel::update(tasks::table.filter(tasks::id.eq(id)))
        .set((columns, tasks::version.eq(tasks::version + 1)))
        .execute(conn)?;
    Ok(())
}

pub fn delete(conn: &mut PgConnection, id: Uuid) -> DbResult<()> {
    diesel::delete(tasks::table.filter(tasks::id.eq(id))).execute(conn)?;
    Ok(())
}

/// Tells the task's assignee (the person, or the active people of the organisation) that
/// it was given to them, unless it is `actor` themself.
pub fn notify_assigned(
    conn: &mut PgConnection,
    tenant: TenantId,
    task: Uuid,
    actor: Uuid,
) -> DbResult<()> {
    diesel::sql_query(format!(
        "INSERT INTO notifications (tenant_id, user_id, kind, payload)
         SELECT t.tenant_id, u.id, 'task_assigned', {PAYLOAD}
         FROM tasks t JOIN actions a ON a.id = t.action_id
         JOIN users u ON u.active AND u.kind = 'person' AND u.tenant_id = t.tenant_id
                     AND (u.id = t.assignee_user_id OR u.organisation_id = t.assignee_organisation_id)
         WHERE t.tenant_id = $1 AND t.id = $2 AND u.id <> $3"
    ))
    .bind::<SqlUuid, _>(tenant.get())
    .bind::<SqlUuid, _>(task)
    .bind::<SqlUuid, _>(actor)
    .execute(conn)?;
    Ok(())
}

/// The payload of a task's notifications, over `tasks t` joined to `actions a`.
const PAYLOAD: &str = "jsonb_build_object('task_id', t.id, 'task_title', t.title,
    'due_on', t.due_on, 'action_id', a.id, 'action_code', a.code, 'action_title', a.title,
    'plan_id', a.plan_id)";

/// Which reminder of a task.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reminder {
    /// The due date is near (`pst_task_is_due_soon`).
    DueSoon,
    /// The due date passed (`pst_task_is_overdue`).
    Overdue,
}

/// Reminds the assignees (the person, the active people of the organisation, or, for a
/// task given to nobody, its creator) of up to `limit` due open tasks with ids after
/// `after`, once each: the mark is written in the same statement. Rows being changed
/// meanwhile are skipped and left to the next pass.
pub fn remind(
    conn: &mut PgConnection,
    reminder: Reminder,
    after: Uuid,
    limit: i64,
) -> DbResult<Batch> {
    let (due, mark, kind) = match reminder {
        Reminder::DueSoon => (
            "pst_task_is_due_soon(t.due_on, t.done_at) AND t.reminded_soon_at IS NULL",
            "reminded_soon_at",
            "task_due_soon",
        ),
        Reminder::Overdue => (
            "pst_task_is_overdue(t.due_on, t.done_at) AND t.reminded_overdue_at IS NULL",
            "reminded_overdue_at",
            "task_overdue",
        ),
    };
    let statement = format!(
        "WITH due AS (
             SELECT t.id FROM tasks t JOIN actions a ON a.id = t.action_id
             WHERE t.done_at IS NULL AND a.archived_at IS NULL AND {due} AND t.id > $2
             ORDER BY t.id
             LIMIT $1
             FOR UPDATE OF t SKIP LOCKED),
         notified AS (
             INSERT INTO notifications (tenant_id, user_id, kind, payload)
             SELECT t.tenant_id, u.id, '{kind}', {PAYLOAD}
             FROM due JOIN tasks t ON t.id = due.id JOIN actions a ON a.id = t.action_id
             JOIN users u ON u.active AND u.kind = 'person' AND u.tenant_id = t.tenant_id
                AND (u.id = t.assignee_user_id
                     OR u.organisation_id = t.assignee_organisation_id
                     OR (t.assignee_user_id IS NULL AND t.assignee_organisation_id IS NULL
                         AND u.id = t.created_by))),
         marked AS (
             UPDATE tasks SET {mark} = now() FROM due WHERE tasks.id = due.id
             RETURNING 1)
         SELECT (SELECT count(*) FROM marked) AS handled,
                (SELECT max(id::text)::uuid FROM due) AS last"
    );
    Ok(diesel::sql_query(statement)
        .bind::<BigInt, _>(limit)
        .bind::<SqlUuid, _>(after)
        .get_result(conn)?)
}
