DELETE FROM notifications WHERE kind = 'comment_mention';
ALTER TABLE notifications DROP CONSTRAINT notifications_kind_check;
ALTER TABLE notifications ADD CONSTRAINT notifications_kind_check
    CHECK (kind IN ('change_request_created', 'change_request_approved',
                    'change_request_rejected', 'action_stale', 'stale_digest',
                    'task_assigned', 'task_due_soon', 'task_overdue'));
DROP FUNCTION pst_comment_editable;
DROP TABLE comment_mentions;
DROP TABLE comments;
