-- Discussions (issue 18.1): the people of a CPAS comment on its actions and sub-actions,
-- mention each other (the person mentioned is told), change their words for a quarter of
-- an hour, delete them (a trace stays); the DG hides a comment with a reason. Never on the
-- public page.
CREATE TABLE comments (
    id            uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    tenant_id     uuid NOT NULL REFERENCES tenants (id),
    action_id     uuid NOT NULL,
    author_id     uuid NOT NULL,
    -- `NULL` once its author deleted it: the trace stays, the words do not.
    body          text
        CONSTRAINT comments_body_check CHECK (length(btrim(body)) BETWEEN 1 AND 5000),
    created_at    timestamptz NOT NULL DEFAULT now(),
    edited_at     timestamptz,
    deleted_at    timestamptz,
    -- Hidden by the DG: the words stay in the database (what was hidden, and why, can be
    -- shown to an auditor), the discussion shows the reason.
    hidden_at     timestamptz,
    hidden_by     uuid,
    hidden_reason text
        CONSTRAINT comments_hidden_reason_check CHECK (length(btrim(hidden_reason)) BETWEEN 1 AND 500),
    version       integer NOT NULL DEFAULT 1,
    UNIQUE (tenant_id, id),
    -- Another CPAS's action or person is not found (composite keys).
    CONSTRAINT comments_action_fk FOREIGN KEY (tenant_id, action_id)
        REFERENCES actions (tenant_id, id) ON DELETE CASCADE,
    CONSTRAINT comments_author_fk FOREIGN KEY (tenant_id, author_id)
        REFERENCES users (tenant_id, id),
    CONSTRAINT comments_hidden_by_fk FOREIGN KEY (tenant_id, hidden_by)
        REFERENCES users (tenant_id, id),
    CONSTRAINT comments_deleted CHECK ((deleted_at IS NULL) = (body IS NOT NULL)),
    CONSTRAINT comments_hidden CHECK (
        (hidden_at IS NULL) = (hidden_by IS NULL)
        AND (hidden_at IS NULL) = (hidden_reason IS NULL))
);
CREATE INDEX comments_action_idx ON comments (action_id, created_at);

-- Whom a comment mentions: people of its CPAS.
CREATE TABLE comment_mentions (
    tenant_id  uuid NOT NULL,
    comment_id uuid NOT NULL,
    user_id    uuid NOT NULL,
    PRIMARY KEY (comment_id, user_id),
    CONSTRAINT comment_mentions_comment_fk FOREIGN KEY (tenant_id, comment_id)
        REFERENCES comments (tenant_id, id) ON DELETE CASCADE,
    CONSTRAINT comment_mentions_user_fk FOREIGN KEY (tenant_id, user_id)
        REFERENCES users (tenant_id, id) ON DELETE CASCADE
);
CREATE INDEX comment_mentions_user_idx ON comment_mentions (user_id);

-- The one rule of the edit window: its author changes a comment within 15 minutes of
-- writing it (the list's `may_edit` and the change's check both ask this function).
CREATE FUNCTION pst_comment_editable(created_at timestamptz, at timestamptz DEFAULT now())
    RETURNS boolean LANGUAGE sql STABLE PARALLEL SAFE
    RETURN at < created_at + interval '15 minutes';

ALTER TABLE notifications DROP CONSTRAINT notifications_kind_check;
ALTER TABLE notifications ADD CONSTRAINT notifications_kind_check
    CHECK (kind IN ('change_request_created', 'change_request_approved',
                    'change_request_rejected', 'action_stale', 'stale_digest',
                    'task_assigned', 'task_due_soon', 'task_overdue', 'comment_mention'));
