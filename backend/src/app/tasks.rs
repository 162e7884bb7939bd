//! Tasks: the management gives dated pieces of work on actions and sub-actions to a person
//! or an organisation of the CPAS; the assignee marks them done (or the management);
//! everyone in the CPAS reads them. A task done is written in its action's journal.

use std::collections::BTreeSet;

use api_types::{self as wire, ProblemCode};
use diesel::{Connection, PgConnection};
use uuid::Uuid;

use super::RequestDb;
use crate::auth::Authenticated;
use crate::authz::{self, Actor, Decision, Permission, Scope};
use crate::db::tasks::{self, NewTaskRow, TaskChange, TaskRow};
use crate::db::{actions, follow_up, integrations, plans};
use crate::domain::calendar;
use crate::domain::tasks::Assignee;
use crate::domain::{ActionId, Label, PlanId, TenantId};
use crate::error::ApiError;

/// The reader's CPAS, after the policy allowed reading it.
fn reader_tenant(actor: &Actor) -> Result<TenantId, ApiError> {
    let tenant = actor.tenant()?;
    authz::ensure(actor, Permission::ReadPlans, Scope::Tenant(tenant))?;
    Ok(tenant)
}

/// The manager's CPAS, after the policy allowed managing its tasks.
fn manager_tenant(actor: &Actor) -> Result<TenantId, ApiError> {
    let tenant = actor.tenant()?;
    authz::ensure(actor, Permission::ManageTasks, Scope::Tenant(tenant))?;
    Ok(tenant)
}

fn close_scope(tenant: TenantId, task: &TaskRow) -> Scope<'static> {
    Scope::Task {
        tenant,
        assignee: task.assignee(),
    }
}

/// The tasks on the wire, each saying whether this actor may close it.
fn to_wire(actor: &Actor, tenant: TenantId, rows: Vec<TaskRow>) -> Vec<wire::Task> {
    rows.into_iter()
        .map(|row| {
            let may_close = authz::decide(actor, Permission::CloseTask, close_scope(tenant, &row))
                == Decision::Allow;
            row.into_wire(may_close)
        })
        .collect()
}

fn parse_title(title: &str, field: &str) -> Result<String, ApiError> {
    Ok(Label::parse(title, field, wire::TASK_TITLE_MAX_CHARS)?
        .as_str()
        .to_owned())
}

/// `tasks` or `task_ids` holds 1 to `max` items.
fn check_count(field: &str, count: usize, max: usize) -> Result<(), ApiError> {
    if count == 0 {
        return Err(ApiError::invalid_field(
            field,
            ProblemCode::Required,
            "at least one",
        ));
    }
    if count > max {
        return Err(ApiError::invalid_field(
            field,
            ProblemCode::OutOfRange,
            format!("at most {max} in one request"),
        ));
    }
    Ok(())
}

/// The tasks of an action and of its sub-actions (the management's and the assignees'
/// list on the action's page).
pub async fn of_action(
    db: &RequestDb,
    auth: &Authenticated,
    action: ActionId,
) -> Result<wire::TaskList, ApiError> {
    db.run_as(auth, move |conn, actor| {
        let tenant = reader_tenant(actor)?;
        let family = actions::with_sub_actions(conn, tenant, action)?;
        let rows = tasks::of_actions(conn, tenant, &family)?;
        Ok(wire::TaskList {
            tasks: to_wire(actor, tenant, rows),
        })
    })
    .await
}

/// The tasks of a plan (the management's view, where it assigns them in batches).
pub async fn of_plan(
    db: &RequestDb,
    auth: &Authenticated,
    plan: PlanId,
    which: wire::TaskFilter,
) -> Result<wire::TaskList, ApiError> {
    db.run_as(auth, move |conn, actor| {
        let tenant = reader_tenant(actor)?;
        plans::plan_exists(conn, tenant, plan)?;
        let rows = tasks::of_plan(conn, tenant, plan.get(), which)?;
        Ok(wire::TaskList {
            tasks: to_wire(actor, tenant, rows),
        })
    })
    .await
}

/// "Mes tâches": the tasks given to the caller or to their organisation.
pub async fn mine(
    db: &RequestDb,
    auth: &Authenticated,
    which: wire::TaskFilter,
) -> Result<wire::TaskList, ApiError> {
    db.run_as(auth, move |conn, actor| {
        let tenant = reader_tenant(actor)?;
        let rows = tasks::assigned_to(conn, tenant, actor.user_id, actor.organisation, which)?;
        Ok(wire::TaskList {
            tasks: to_wire(actor, tenant, rows),
        })
    })
    .await
}

/// The people and organisations of the CPAS a task can be given to.
pub async fn assignees(
    db: &RequestDb,
    auth: &Authenticated,
) -> Result<wire::TaskAssignees, ApiError> {
    db.run_as(auth, move |conn, actor| {
        let tenant = manager_tenant(actor)?;
        Ok(tasks::assignees(conn, tenant)?)
    })
    .await
}

/// Creates tasks, on one action or several, all or none; tells each assignee.
pub async fn create(
    db: &RequestDb,
    auth: &Authenticated,
    input: wire::NewTasks,
) -> Result<wire::TaskList, ApiError> {
    check_count("tasks", input.tasks.len(), wire::TASKS_PER_BATCH_MAX)?;
    let mut parsed = Vec::with_capacity(input.tasks.len());
    for (index, task) in input.tasks.iter().enumerate() {
        let title = parse_title(&task.title, &format!("tasks/{index}/title"))?;
        parsed.push((
            task.action_id,
            title,
            task.due_on.get(),
            task.assignee.map(Assignee::from),
        ));
    }
    db.run_as(auth, move |conn, actor| {
        let tenant = manager_tenant(actor)?;
        let ids = conn.transaction(|conn| {
            let mut ids = Vec::with_capacity(parsed.len());
            for (index, (action, title, due_on, assignee)) in parsed.iter().enumerate() {
                let row = NewTaskRow {
                    action: *action,
                    title,
                    due_on: *due_on,
                    assignee: *assignee,
                };
                let id = tasks::insert(conn, tenant, actor.user_id, &row)
                    .map_err(|e| ApiError::from(e).within(&format!("tasks/{index}")))?;
                if assignee.is_some() {
                    tasks::notify_assigned(conn, tenant, id, actor.user_id)?;
                }
                ids.push(id);
            }
            let created = to_wire(actor, tenant, tasks::by_ids(conn, tenant, &ids)?);
            for task in &created {
                announce(conn, tenant, wire::WebhookEvent::TaskCreated, task)?;
            }
            Ok::<_, ApiError>(created)
        })?;
        Ok(wire::TaskList { tasks: ids })
    })
    .await
}

/// Gives these tasks to one assignee (or to nobody); tells them.
pub async fn assign(
    db: &RequestDb,
    auth: &Authenticated,
    input: wire::TaskAssignment,
) -> Result<wire::TaskList, ApiError> {
    check_count(
        "task_ids",
        input.task_ids.len(),
        wire::TASKS_PER_ASSIGNMENT_MAX,
    )?;
    let ids: Vec<Uuid> = input
        .task_ids
        .iter()
        .copied()
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    let assignee = input.assignee.map(Assignee::from);
    db.run_as(auth, move |conn, actor| {
        let tenant = manager_tenant(actor)?;
        conn.transaction(|conn| {
            let found = tasks::lock_many(conn, tenant, &ids)?;
            if found.len() != ids.len() {
                return Err(ApiError::invalid_field(
                    "task_ids",
                    ProblemCode::UnknownReference,
                    "no such task in this CPAS",
                ));
            }
            for task in &found {
                if task.assignee() == assignee {
                    continue;
                }
                let change = TaskChange {
                    assignee: Some(assignee),
                    ..TaskChange::default()
                };
                tasks::update(conn, task.id, &change)?;
                if assignee.is_some() {
                    tasks::notify_assigned(conn, tenant, task.id, actor.user_id)?;
                }
            }
            Ok::<_, ApiError>(())
        })?;
        Ok(wire::TaskList {
            tasks: to_wire(actor, tenant, tasks::by_ids(conn, tenant, &ids)?),
        })
    })
    .await
}

/// Changes a task: the management any field, the assignee only `done`. Done, it is
/// written in its action's journal and announced (`task.completed`).
pub async fn update(
    db: &RequestDb,
    auth: &Authenticated,
    id: Uuid,
    patch: wire::TaskPatch,
) -> Result<wire::Task, ApiError> {
    let title = patch
        .title
        .as_deref()
        .map(|title| parse_title(title, "title"))
        .transpose()?;
    let manages = title.is_some() || patch.due_on.is_some() || patch.assignee.is_some();
    if !manages && patch.done.is_none() {
        return Err(ApiError::invalid_field(
            "",
            ProblemCode::Empty,
            "nothing to change",
        ));
    }
    db.run_as(auth, move |conn, actor| {
        let tenant = actor.tenant()?;
        if manages {
            authz::ensure(actor, Permission::ManageTasks, Scope::Tenant(tenant))?;
        }
        conn.transaction(|conn| {
            let task = tasks::lock(conn, tenant, id)?;
            if patch.done.is_some() {
                authz::ensure(actor, Permission::CloseTask, close_scope(tenant, &task))?;
            }
            if patch.version != task.version {
                return Err(ApiError::Conflict {
                    code: ProblemCode::StaleVersion,
                    detail: format!("the task is at version {}; reload it", task.version),
                });
            }
            let closes = patch.done == Some(true) && task.done_at.is_none();
            let opens = patch.done == Some(false) && task.done_at.is_some();
            let assignee = patch
                .assignee
                .map(|a| a.map(Assignee::from))
                .filter(|a| *a != task.assignee());
            let change = TaskChange {
                title: title.as_deref(),
                due_on: patch.due_on.map(|d| d.get()),
                assignee,
                done_by: if closes {
                    Some(Some(actor.user_id))
                } else if opens {
                    Some(None)
                } else {
                    None
                },
            };
            tasks::update(conn, task.id, &change)?;
            if closes {
                follow_up::add_journal(
                    conn,
                    tenant,
                    task.action_id,
                    actor.user_id,
                    calendar::today(),
                    wire::JournalKind::TaskDone,
                    &task_title(&task, &title),
                )?;
            }
            if matches!(assignee, Some(Some(_))) {
                tasks::notify_assigned(conn, tenant, task.id, actor.user_id)?;
            }
            let updated = to_wire(actor, tenant, tasks::by_ids(conn, tenant, &[task.id])?)
                .pop()
                .ok_or(ApiError::NotFound { resource: "task" })?;
            if closes {
                announce(conn, tenant, wire::WebhookEvent::TaskCompleted, &updated)?;
            }
            Ok(updated)
        })
    })
    .await
}

fn task_title(task: &TaskRow, new_title: &Option<String>) -> String {
    new_title.clone().unwrap_or_else(|| task.title.clone())
}

/// Deletes a task (the management). Its journal entry, if it was done, stays.
pub async fn delete(db: &RequestDb, auth: &Authenticated, id: Uuid) -> Result<(), ApiError> {
    db.run_as(auth, move |conn, actor| {
        let tenant = manager_tenant(actor)?;
        conn.transaction(|conn| {
            let task = tasks::lock(conn, tenant, id)?;
            tasks::delete(conn, task.id)?;
            Ok::<_, ApiError>(())
        })
    })
    .await
}

/// Queues the task's webhook; in its body, `may_close` is `false` (it speaks to no caller).
fn announce(
    conn: &mut PgConnection,
    tenant: TenantId,
    event: wire::WebhookEvent,
    task: &wire::Task,
) -> Result<(), ApiError> {
    let data = wire::TaskEventData {
        task: wire::Task {
            may_close: false,
            ..task.clone()
        },
    };
    integrations::enqueue(conn, tenant, event, data)?;
    Ok(())
}
