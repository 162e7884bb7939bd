DROP TABLE unsubscribe_uses;
DROP TRIGGER notifications_delivery ON notifications;
DROP FUNCTION pst_notification_delivery();
DROP INDEX notifications_digest_queue_idx;
UPDATE notifications SET email_status = 'skipped' WHERE email_status = 'digest';
ALTER TABLE notifications DROP CONSTRAINT notifications_email_status_check;
ALTER TABLE notifications ADD CONSTRAINT notifications_email_status_check
    CHECK (email_status IN ('pending', 'sent', 'failed', 'skipped'));
DROP FUNCTION pst_digest_due_at(text, timestamptz);
DROP TABLE notification_preferences;
DROP FUNCTION pst_notification_topic(text);
DELETE FROM notifications WHERE kind = 'comment_added';
ALTER TABLE notifications DROP CONSTRAINT notifications_kind_check;
ALTER TABLE notifications ADD CONSTRAINT notifications_kind_check
    CHECK (kind IN ('change_request_created', 'change_request_approved',
                    'change_request_rejected', 'action_stale', 'stale_digest',
                    'task_assigned', 'task_due_soon', 'task_overdue', 'comment_mention',
                    'period_opened', 'period_reminder'));
ALTER TABLE users DROP COLUMN language;
