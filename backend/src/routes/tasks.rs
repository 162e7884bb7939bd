//! Tasks: the management gives them, the assignees close them, everyone in the CPAS reads
//! them ("Mes tâches", an action's, a plan's).

use actix_web::{HttpResponse, delete, get, patch, post, web};
use api_types::{
    NewTasks, Problem, Task, TaskAssignees, TaskAssignment, TaskFilter, TaskList, TaskPatch,
};
use serde::Deserialize;
use uuid::Uuid;

use super::problems;
use super::{Json, RequestDb};
use crate::app::tasks;
use crate::auth::Authenticated;
use crate::domain::{ActionId, PlanId};
use crate::error::ApiError;

/// Which tasks a list shows.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct TaskQuery {
    /// `open` (the default), `done` or `all`.
    pub status: Option<TaskFilter>,
}

impl TaskQuery {
    fn filter(&self) -> TaskFilter {
        self.status.unwrap_or(TaskFilter::Open)
    }
}

/// "Mes tâches": the tasks given to the caller or to their organisation, open first by due
/// date.
#[utoipa::path(operation_id = "list_my_tasks", tag = "tasks",
    security(("bearer" = []), ("api_token" = ["plans:read"])),
    params(TaskQuery),
    responses((status = 200, body = TaskList)))]
#[get("/me/tasks")]
pub async fn my_tasks(
    db: RequestDb,
    auth: Authenticated,
    query: web::Query<TaskQuery>,
) -> Result<web::Json<TaskList>, ApiError> {
    Ok(web::Json(tasks::mine(&db, &auth, query.filter()).await?))
}

/// The tasks of an action and of its sub-actions, open first by due date, then the done
/// ones.
#[utoipa::path(operation_id = "list_action_tasks", tag = "tasks",
    security(("bearer" = []), ("api_token" = ["plans:read"])),
    params(("action_id" = Uuid, Path)),
    responses((status = 200, body = TaskList), problems::NotFound))]
#[get("/actions/{action_id}/tasks")]
pub async fn action_tasks(
    db: RequestDb,
    auth: Authenticated,
    action: web::Path<ActionId>,
) -> Result<web::Json<TaskList>, ApiError> {
    Ok(web::Json(
        tasks::of_action(&db, &auth, action.into_inner()).await?,
    ))
}

/// The tasks of a plan's actions and sub-actions.
#[utoipa::path(operation_id = "list_plan_tasks", tag = "tasks",
    security(("bearer" = []), ("api_token" = ["plans:read"])),
    params(("plan_id" = Uuid, Path), TaskQuery),
    responses((status = 200, body = TaskList), problems::NotFound))]
#[get("/plans/{plan_id}/tasks")]
pub async fn plan_tasks(
    db: RequestDb,
    auth: Authenticated,
    plan: web::Path<PlanId>,
    query: web::Query<TaskQuery>,
) -> Result<web::Json<TaskList>, ApiError> {
    Ok(web::Json(
        tasks::of_plan(&db, &auth, plan.into_inner(), query.filter()).await?,
    ))
}

/// Whom the management can give a task to: the CPAS's active people and its
/// organisations.
#[utoipa::path(operation_id = "list_task_assignees", tag = "tasks", security(("bearer" = [])),
    responses((status = 200, body = TaskAssignees)))]
#[get("/tasks/assignees")]
pub async fn assignees(
    db: RequestDb,
    auth: Authenticated,
) -> Result<web::Json<TaskAssignees>, ApiError> {
    Ok(web::Json(tasks::assignees(&db, &auth).await?))
}

/// Creates 1 to 100 tasks, on one action or several, all or none (a refused item is
/// named: `tasks/3/due_on`). Each assignee is notified; each task is announced
/// (`task.created`). A task is due within its plan's years (422 `outside_plan_years`), and
/// given to a person or an organisation of the CPAS (422 `unknown_assignee`).
#[utoipa::path(operation_id = "create_tasks", tag = "tasks", security(("bearer" = [])),
    request_body = NewTasks,
    responses((status = 201, body = TaskList)))]
#[post("/tasks")]
pub async fn create_tasks(
    db: RequestDb,
    auth: Authenticated,
    body: Json<NewTasks>,
) -> Result<HttpResponse, ApiError> {
    let created = tasks::create(&db, &auth, body.into_inner()).await?;
    Ok(HttpResponse::Created().json(created))
}

/// Gives 1 to 200 tasks to one assignee, or to nobody (`null`); the assignee is notified.
#[utoipa::path(operation_id = "assign_tasks", tag = "tasks", security(("bearer" = [])),
    request_body = TaskAssignment,
    responses((status = 200, body = TaskList)))]
#[post("/tasks/assignment")]
pub async fn assign_tasks(
    db: RequestDb,
    auth: Authenticated,
    body: Json<TaskAssignment>,
) -> Result<web::Json<TaskList>, ApiError> {
    Ok(web::Json(
        tasks::assign(&db, &auth, body.into_inner()).await?,
    ))
}

/// Changes a task. The management changes anything; the person or organisation it is
/// given to only marks it done or open again (`done`). Done, it is written in its action's
/// journal and announced (`task.completed`).
#[utoipa::path(operation_id = "update_task", tag = "tasks", security(("bearer" = [])),
    params(("task_id" = Uuid, Path)), request_body = TaskPatch,
    responses((status = 200, body = Task),
        problems::NotFound,
        (status = 409, description = "Stale version", body = Problem, content_type = "application/problem+json")))]
#[patch("/tasks/{task_id}")]
pub async fn update_task(
    db: RequestDb,
    auth: Authenticated,
    id: web::Path<Uuid>,
    body: Json<TaskPatch>,
) -> Result<web::Json<Task>, ApiError> {
    Ok(web::Json(
        tasks::update(&db, &auth, id.into_inner(), body.into_inner()).await?,
    ))
}

/// Deletes a task (the management). A done task's journal entry stays.
#[utoipa::path(operation_id = "delete_task", tag = "tasks", security(("bearer" = [])),
    params(("task_id" = Uuid, Path)),
    responses((status = 204, description = "Deleted"), problems::NotFound))]
#[delete("/tasks/{task_id}")]
pub async fn delete_task(
    db: RequestDb,
    auth: Authenticated,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    tasks::delete(&db, &auth, id.into_inner()).await?;
    Ok(HttpResponse::NoContent().finish())
}
