DELETE FROM notifications WHERE kind IN ('period_opened', 'period_reminder');
ALTER TABLE notifications DROP CONSTRAINT notifications_kind_check;
ALTER TABLE notifications ADD CONSTRAINT notifications_kind_check
    CHECK (kind IN ('change_request_created', 'change_request_approved',
                    'change_request_rejected', 'action_stale', 'stale_digest',
                    'task_assigned', 'task_due_soon', 'task_overdue', 'comment_mention'));
DROP FUNCTION pst_period_reminder_due(boolean, date, smallint, timestamptz);
DROP TRIGGER actions_reported_in_period ON actions;
DROP FUNCTION pst_period_reported();
DROP TABLE period_requests;
DROP TABLE reporting_periods;
ALTER TABLE tenants
    DROP COLUMN period_reminder_days_before,
    DROP COLUMN period_reminder_days_after;
