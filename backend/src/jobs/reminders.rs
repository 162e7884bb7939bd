//! The reminders' job: one pass of [`crate::app::reminders`], run on a schedule by
//! [`super::start`].

use diesel::PgConnection;

pub use crate::app::reminders::ReminderReport;

/// Reminds the lead organisations of the stale actions and sends the due digests, once.
pub fn run_once(conn: &mut PgConnection) -> anyhow::Result<ReminderReport> {
    crate::app::reminders::run_pass(conn)
}
