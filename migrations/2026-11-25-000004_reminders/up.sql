-- Reminders of stale actions, and e-mail of notifications.

-- The notifications table is also the e-mail outbox: a notification is written in the
-- transaction of the change it reports, and a worker sends it afterwards (leasing rows
-- with FOR UPDATE SKIP LOCKED, so several instances share the work).
ALTER TABLE notifications
    ADD COLUMN email_status   text NOT NULL DEFAULT 'pending'
        CHECK (email_status IN ('pending', 'sent', 'failed', 'skipped')),
    ADD COLUMN email_attempts integer NOT NULL DEFAULT 0 CHECK (email_attempts >= 0),
    ADD COLUMN email_next_at  timestamptz NOT NULL DEFAULT now(),
    ADD COLUMN email_error    text;
CREATE INDEX notifications_email_queue_idx ON notifications (email_next_at)
    WHERE email_status = 'pending';

-- When the lead organisation was last reminded that the action waits for an update.
ALTER TABLE actions ADD COLUMN reminded_at timestamptz;
-- When the management last received the digest of stale actions of the plan.
ALTER TABLE plans ADD COLUMN digest_sent_at timestamptz;
