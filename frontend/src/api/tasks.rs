//! The endpoints of tasks: used only by the tasks' own WASM chunk.

use api_types::{NewTasks, Task, TaskAssignees, TaskAssignment, TaskFilter, TaskList, TaskPatch};
use gloo_net::http::Method;

use super::{ApiFailure, exchange, get, post, send};

/// `GET /api/v1/me/tasks`: the caller's and their organisation's.
pub async fn mine(token: &str, which: TaskFilter) -> Result<TaskList, ApiFailure> {
    get(
        &format!("/api/v1/me/tasks?status={}", which.as_str()),
        token,
    )
    .await
}

/// `GET /api/v1/actions/{id}/tasks`: an action's and its sub-actions'.
pub async fn of_action(token: &str, action: &str) -> Result<TaskList, ApiFailure> {
    get(&format!("/api/v1/actions/{action}/tasks"), token).await
}

/// `GET /api/v1/plans/{id}/tasks`.
pub async fn of_plan(token: &str, plan: &str, which: TaskFilter) -> Result<TaskList, ApiFailure> {
    get(
        &format!("/api/v1/plans/{plan}/tasks?status={}", which.as_str()),
        token,
    )
    .await
}

pub async fn assignees(token: &str) -> Result<TaskAssignees, ApiFailure> {
    get("/api/v1/tasks/assignees", token).await
}

pub async fn create(token: &str, tasks: &NewTasks) -> Result<TaskList, ApiFailure> {
    post("/api/v1/tasks", token, tasks).await
}

pub async fn assign(token: &str, assignment: &TaskAssignment) -> Result<TaskList, ApiFailure> {
    post("/api/v1/tasks/assignment", token, assignment).await
}

/// Marks a task done, or open again.
pub async fn set_done(token: &str, task: &Task, done: bool) -> Result<Task, ApiFailure> {
    #[derive(serde::Serialize)]
    struct Done {
        version: i32,
        done: bool,
    }
    let body = Done {
        version: task.version,
        done,
    };
    send(
        Method::PATCH,
        &format!("/api/v1/tasks/{}", task.id),
        token,
        &body,
    )
    .await
}

/// `PATCH /api/v1/tasks/{id}`: the management changes its title, due date or assignee.
pub async fn update(token: &str, task: &Task, patch: &TaskPatch) -> Result<Task, ApiFailure> {
    send(
        Method::PATCH,
        &format!("/api/v1/tasks/{}", task.id),
        token,
        patch,
    )
    .await
}

/// `DELETE /api/v1/tasks/{id}`.
pub async fn delete(token: &str, task: &Task) -> Result<(), ApiFailure> {
    exchange(
        Method::DELETE,
        &format!("/api/v1/tasks/{}", task.id),
        Some(token),
        None,
    )
    .await
    .map(drop)
}
