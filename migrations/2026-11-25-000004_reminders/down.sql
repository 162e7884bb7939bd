ALTER TABLE plans DROP COLUMN digest_sent_at;
ALTER TABLE actions DROP COLUMN reminded_at;
DROP INDEX notifications_email_queue_idx;
ALTER TABLE notifications
    DROP COLUMN email_error,
    DROP COLUMN email_next_at,
    DROP COLUMN email_attempts,
    DROP COLUMN email_status;
