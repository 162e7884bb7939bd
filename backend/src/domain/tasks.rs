//! Whom a task is given to.

use uuid::Uuid;

/// A person of the CPAS (they close the task), or one of its organisations (any of its
/// people closes it).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Assignee {
    User(Uuid),
    Organisation(Uuid),
}

impl From<api_types::AssigneeInput> for Assignee {
    fn from(input: api_types::AssigneeInput) -> Self {
        match input.kind {
            api_types::AssigneeKind::User => Self::User(input.id),
            api_types::AssigneeKind::Organisation => Self::Organisation(input.id),
        }
    }
}
