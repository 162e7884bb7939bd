ALTER TABLE webhook_endpoints DROP CONSTRAINT webhook_endpoints_events_check;
UPDATE webhook_endpoints
    SET events = array_remove(array_remove(events, 'task.created'), 'task.completed');
DELETE FROM webhook_endpoints WHERE cardinality(events) = 0;
ALTER TABLE webhook_endpoints ADD CONSTRAINT webhook_endpoints_events_check
    CHECK (events <@ ARRAY['change_request.created', 'change_request.approved',
                           'change_request.rejected', 'action.updated', 'plan.adopted']
           AND cardinality(events) > 0);
DELETE FROM notifications WHERE kind IN ('task_assigned', 'task_due_soon', 'task_overdue');
ALTER TABLE notifications DROP CONSTRAINT notifications_kind_check;
ALTER TABLE notifications ADD CONSTRAINT notifications_kind_check
    CHECK (kind IN ('change_request_created', 'change_request_approved',
                    'change_request_rejected', 'action_stale', 'stale_digest'));
DELETE FROM journal_entries WHERE kind <> 'note';
ALTER TABLE journal_entries DROP COLUMN kind;
DROP TABLE tasks;
DROP FUNCTION pst_task_is_due_soon(date, timestamptz, timestamptz);
DROP FUNCTION pst_task_is_overdue(date, timestamptz, timestamptz);
DROP FUNCTION pst_task_reminders_afresh();
DROP FUNCTION pst_check_task_due();
