//! Tasks: dated pieces of work on an action or a sub-action, given to a person or an
//! organisation of the CPAS.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::{ActionLink, PersonRef, PlanDate};

/// The longest title of a task, in characters.
pub const TASK_TITLE_MAX_CHARS: usize = 300;
/// The most tasks one `POST /api/v1/tasks` creates.
pub const TASKS_PER_BATCH_MAX: usize = 100;
/// The most tasks one `POST /api/v1/tasks/assignment` gives.
pub const TASKS_PER_ASSIGNMENT_MAX: usize = 200;

/// Whom a task is given to, as a request names them: a person or an organisation of the
/// CPAS (another CPAS's: 422 `unknown_assignee`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct AssigneeInput {
    pub kind: crate::AssigneeKind,
    /// The person's or the organisation's id.
    pub id: Uuid,
}

/// Whom a task is given to, named.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Assignee {
    /// A person: they close it.
    User { id: Uuid, display_name: String },
    /// An organisation: any of its people closes it.
    Organisation { id: Uuid, name: String },
}

impl Assignee {
    /// The person's or the organisation's name.
    pub fn name(&self) -> &str {
        match self {
            Self::User { display_name, .. } => display_name,
            Self::Organisation { name, .. } => name,
        }
    }
}

/// A task.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Task {
    pub id: Uuid,
    /// The action or sub-action it is on.
    pub action: ActionLink,
    pub plan_id: Uuid,
    pub title: String,
    #[serde(deserialize_with = "crate::wire_time::date")]
    pub due_on: NaiveDate,
    /// `null`: nobody yet (its creator is reminded).
    pub assignee: Option<Assignee>,
    /// When it was marked done; `null` while open.
    #[serde(default, deserialize_with = "crate::wire_time::optional_instant")]
    pub done_at: Option<DateTime<Utc>>,
    pub done_by: Option<PersonRef>,
    /// Open, and its due date has passed (on the Belgian calendar). Derived, never stored.
    pub overdue: bool,
    /// The caller may mark it done or open again (its assignee, or the management).
    pub may_close: bool,
    pub created_by: PersonRef,
    #[serde(deserialize_with = "crate::wire_time::instant")]
    pub created_at: DateTime<Utc>,
    pub version: i32,
}

/// A task to create.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct NewTask {
    /// The action or sub-action it is on.
    pub action_id: Uuid,
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::limits::label::<{ TASK_TITLE_MAX_CHARS }>))]
    pub title: String,
    /// Within the plan's years (422 `outside_plan_years` otherwise).
    pub due_on: PlanDate,
    #[serde(default)]
    pub assignee: Option<AssigneeInput>,
}

/// `POST /api/v1/tasks`: tasks to create, on one action or several; all or none.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct NewTasks {
    #[cfg_attr(feature = "openapi", schema(min_items = 1, max_items = 100))]
    pub tasks: Vec<NewTask>,
}

/// `POST /api/v1/tasks/assignment`: gives these tasks to one assignee (or to nobody).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct TaskAssignment {
    #[cfg_attr(feature = "openapi", schema(min_items = 1, max_items = 200))]
    pub task_ids: Vec<Uuid>,
    pub assignee: Option<AssigneeInput>,
}

/// `PATCH /api/v1/tasks/{id}`: what changes. The assignee may only send `done`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct TaskPatch {
    /// The version read (409 `stale_version` when it moved on).
    pub version: i32,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::limits::label_or_null::<{ TASK_TITLE_MAX_CHARS }>))]
    pub title: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub due_on: Option<PlanDate>,
    /// `null` gives it to nobody.
    #[serde(
        default,
        with = "crate::double_option",
        skip_serializing_if = "Option::is_none"
    )]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<AssigneeInput>))]
    pub assignee: Option<Option<AssigneeInput>>,
    /// Marks it done (`true`) or open again (`false`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub done: Option<bool>,
}

/// `GET /api/v1/tasks/assignees`: whom the management can give a task to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TaskAssignees {
    /// The active people of the CPAS, by name.
    pub users: Vec<PersonRef>,
    /// The organisations of the CPAS, by name.
    pub organisations: Vec<crate::OrganisationRef>,
}

/// Data of the `task.created` and `task.completed` webhooks.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct TaskEventData {
    pub task: Task,
}

/// A list of tasks.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TaskList {
    pub tasks: Vec<Task>,
}
