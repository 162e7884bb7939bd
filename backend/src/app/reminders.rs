//! Reminders: an action of an adopted plan that was not updated within the plan's cadence
//! is stale. Its lead organisation's users are reminded (once per cadence), and the
//! management gets a weekly digest of the stale actions of the plan. A task's assignee is
//! reminded once when its due date nears, and once when it has passed. An open reporting
//! period's lead organisations are reminded of their actions not reported yet, once before
//! its deadline and once after (the CPAS's numbers of days).

use diesel::prelude::*;
use uuid::Uuid;

use crate::authz;
use crate::db::DbResult;
use crate::db::notifications::{self, Batch};
use crate::db::periods;
use crate::db::tasks::{self, Reminder};

/// What one pass did.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct ReminderReport {
    /// Actions whose lead organisation was reminded.
    pub reminded: usize,
    /// Plans whose management got a digest.
    pub digests: usize,
    /// Tasks whose assignee was told the due date nears.
    pub tasks_due_soon: usize,
    /// Tasks whose assignee was told the due date passed.
    pub tasks_overdue: usize,
    /// Reporting periods whose reminder (before or after the deadline) went.
    pub periods_reminded: usize,
}

/// Actions reminded, or plans digested, per transaction: row locks are held for one short
/// statement, never for the whole federation's pass (approvals of an action wait for them).
const BATCH: i64 = 500;

/// One pass over every CPAS, in batches of [`BATCH`], each its own transaction; stops when
/// another instance is at it.
pub fn run_pass(conn: &mut PgConnection) -> anyhow::Result<ReminderReport> {
    let (reminded, busy) = in_batches(conn, notifications::remind_stale_actions)?;
    if busy {
        return Ok(ReminderReport {
            reminded,
            ..ReminderReport::default()
        });
    }
    let managers = authz::manager_roles();
    let (digests, _) = in_batches(conn, |conn, after, limit| {
        notifications::send_stale_digests(conn, after, limit, &managers)
    })?;
    let (tasks_due_soon, _) = in_batches(conn, |conn, after, limit| {
        tasks::remind(conn, Reminder::DueSoon, after, limit)
    })?;
    let (tasks_overdue, _) = in_batches(conn, |conn, after, limit| {
        tasks::remind(conn, Reminder::Overdue, after, limit)
    })?;
    let mut periods_reminded = 0;
    for which in [
        periods::Reminder::BeforeDeadline,
        periods::Reminder::AfterDeadline,
    ] {
        let (reminded, _) = in_batches(conn, |conn, after, limit| {
            periods::remind(conn, which, after, limit)
        })?;
        periods_reminded += reminded;
    }
    Ok(ReminderReport {
        reminded,
        digests,
        tasks_due_soon,
        tasks_overdue,
        periods_reminded,
    })
}

/// Runs `batch` (which handles at most `limit` rows of ids after `after`, by id) each in a
/// transaction holding the reminders' lock, until it handles fewer; `true` when another
/// instance holds the lock.
fn in_batches(
    conn: &mut PgConnection,
    mut batch: impl FnMut(&mut PgConnection, Uuid, i64) -> DbResult<Batch>,
) -> anyhow::Result<(usize, bool)> {
    let mut total = 0;
    let mut after = Uuid::nil();
    loop {
        let done = conn.transaction(|conn| -> anyhow::Result<Option<Batch>> {
            if !notifications::try_lock_reminders(conn)? {
                return Ok(None);
            }
            Ok(Some(batch(conn, after, BATCH)?))
        })?;
        let Some(done) = done else {
            return Ok((total, true));
        };
        total += usize::try_from(done.handled).unwrap_or(0);
        match done.last {
            Some(last) if done.handled == BATCH => after = last,
            _ => return Ok((total, false)),
        }
    }
}
