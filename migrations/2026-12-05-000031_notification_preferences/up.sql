-- Notification preferences (issue 18.4): each person chooses, per topic, whether its
-- notifications are e-mailed at once, gathered in a daily or weekly digest, or kept in the
-- app; the e-mails are written in the person's language, and each carries a signed link
-- that stops that topic's e-mails without logging in.

-- The language of the e-mails a person receives.
ALTER TABLE users ADD COLUMN language text NOT NULL DEFAULT 'fr'
    CHECK (language IN ('fr', 'nl', 'en'));

-- Someone commented on an action that the person's organisation carries (leads).
ALTER TABLE notifications DROP CONSTRAINT notifications_kind_check;
ALTER TABLE notifications ADD CONSTRAINT notifications_kind_check
    CHECK (kind IN ('change_request_created', 'change_request_approved',
                    'change_request_rejected', 'action_stale', 'stale_digest',
                    'task_assigned', 'task_due_soon', 'task_overdue', 'comment_mention',
                    'comment_added', 'period_opened', 'period_reminder'));

-- What a person chooses for: the topic of each kind of notification. The one mapping,
-- used by the trigger below and by the mailer (which names the topic an unsubscribe link
-- stops).
CREATE FUNCTION pst_notification_topic(kind text) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT AS $$
    SELECT CASE kind
        WHEN 'change_request_created' THEN 'proposals'
        WHEN 'change_request_approved' THEN 'decisions'
        WHEN 'change_request_rejected' THEN 'decisions'
        WHEN 'comment_mention' THEN 'mentions'
        WHEN 'comment_added' THEN 'comments'
        WHEN 'task_assigned' THEN 'tasks'
        WHEN 'task_due_soon' THEN 'tasks'
        WHEN 'task_overdue' THEN 'tasks'
        WHEN 'period_opened' THEN 'periods'
        WHEN 'period_reminder' THEN 'periods'
        WHEN 'action_stale' THEN 'stale_actions'
        WHEN 'stale_digest' THEN 'stale_actions'
    END
$$;

-- A person's choice for one topic; no row means `immediately`.
CREATE TABLE notification_preferences (
    user_id  uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    topic    text NOT NULL CHECK (topic IN ('proposals', 'decisions', 'mentions', 'comments',
                                            'tasks', 'periods', 'stale_actions')),
    delivery text NOT NULL CHECK (delivery IN ('immediately', 'daily', 'weekly', 'in_app')),
    PRIMARY KEY (user_id, topic)
);

-- When a digest gathering a notification made at `at` goes: the next 07:00 in Brussels
-- (daily), or the next Monday 07:00 (weekly). STABLE: time zone arithmetic is.
CREATE FUNCTION pst_digest_due_at(delivery text, at timestamptz) RETURNS timestamptz
LANGUAGE sql STABLE PARALLEL SAFE STRICT AS $$
    SELECT (date_trunc(CASE delivery WHEN 'weekly' THEN 'week' ELSE 'day' END,
                       (at AT TIME ZONE 'Europe/Brussels') - interval '7 hours')
            + CASE delivery WHEN 'weekly' THEN interval '7 days 7 hours'
                            ELSE interval '1 day 7 hours' END)
           AT TIME ZONE 'Europe/Brussels'
$$;

-- The outbox learns a fourth state: kept for the digest due at `email_next_at`.
ALTER TABLE notifications DROP CONSTRAINT notifications_email_status_check;
ALTER TABLE notifications ADD CONSTRAINT notifications_email_status_check
    CHECK (email_status IN ('pending', 'digest', 'sent', 'failed', 'skipped'));
CREATE INDEX notifications_digest_queue_idx ON notifications (email_next_at)
    WHERE email_status = 'digest';

-- Every notification's e-mail follows its recipient's choice, whoever wrote the row: the
-- rule lives here once rather than in each of the statements that notify.
CREATE FUNCTION pst_notification_delivery() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    chosen text;
BEGIN
    IF NEW.email_status <> 'pending' THEN
        RETURN NEW;
    END IF;
    SELECT delivery INTO chosen FROM notification_preferences
    WHERE user_id = NEW.user_id AND topic = pst_notification_topic(NEW.kind);
    IF chosen = 'in_app' THEN
        NEW.email_status := 'skipped';
    ELSIF chosen IN ('daily', 'weekly') THEN
        NEW.email_status := 'digest';
        NEW.email_next_at := pst_digest_due_at(chosen, NEW.created_at);
    END IF;
    RETURN NEW;
END;
$$;
CREATE TRIGGER notifications_delivery BEFORE INSERT ON notifications
    FOR EACH ROW EXECUTE FUNCTION pst_notification_delivery();

-- The unsubscribe links that were used: a link (its id is in the signed token) works once.
CREATE TABLE unsubscribe_uses (
    link_id uuid PRIMARY KEY,
    user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    topic   text NOT NULL,
    used_at timestamptz NOT NULL DEFAULT now()
);
