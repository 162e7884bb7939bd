-- Evidence files (issue 18.2): an attendance sheet, a photo, a signed convention attached
-- to an action or a sub-action, to a proposal on it, or to a comment of its discussion.
-- The bytes are in the object store (`PST_FILE_STORE`), under `storage_key`; the database
-- keeps what the file is and who brought it. A removed file keeps its row (the action's
-- history names it) and loses its bytes.
CREATE TABLE attachments (
    id                uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    tenant_id         uuid NOT NULL REFERENCES tenants (id),
    action_id         uuid NOT NULL,
    change_request_id uuid,
    comment_id        uuid,
    -- Sanitised by the server: one path segment, no control characters.
    name              text NOT NULL
        CONSTRAINT attachments_name_check CHECK (length(name) BETWEEN 1 AND 255),
    -- The type read from the content (magic bytes), not from the name.
    media_type        text NOT NULL,
    size_bytes        bigint NOT NULL CONSTRAINT attachments_size_check CHECK (size_bytes > 0),
    sha256            text NOT NULL CONSTRAINT attachments_sha256_check CHECK (sha256 ~ '^[0-9a-f]{64}$'),
    storage_key       text NOT NULL UNIQUE,
    uploaded_by       uuid NOT NULL,
    uploaded_at       timestamptz NOT NULL DEFAULT now(),
    removed_at        timestamptz,
    removed_by        uuid,
    UNIQUE (tenant_id, id),
    -- Another CPAS's action, proposal, comment or person is not found (composite keys).
    CONSTRAINT attachments_action_fk FOREIGN KEY (tenant_id, action_id)
        REFERENCES actions (tenant_id, id) ON DELETE CASCADE,
    CONSTRAINT attachments_change_request_fk FOREIGN KEY (tenant_id, change_request_id)
        REFERENCES change_requests (tenant_id, id) ON DELETE CASCADE,
    CONSTRAINT attachments_comment_fk FOREIGN KEY (tenant_id, comment_id)
        REFERENCES comments (tenant_id, id) ON DELETE CASCADE,
    CONSTRAINT attachments_uploaded_by_fk FOREIGN KEY (tenant_id, uploaded_by)
        REFERENCES users (tenant_id, id),
    CONSTRAINT attachments_removed_by_fk FOREIGN KEY (tenant_id, removed_by)
        REFERENCES users (tenant_id, id),
    -- A file belongs to the action itself, or to one proposal or one comment on it.
    CONSTRAINT attachments_one_owner CHECK (num_nonnulls(change_request_id, comment_id) <= 1),
    CONSTRAINT attachments_removed CHECK ((removed_at IS NULL) = (removed_by IS NULL))
);
CREATE INDEX attachments_action_idx ON attachments (action_id, uploaded_at);
-- The quota counts the files a CPAS keeps.
CREATE INDEX attachments_tenant_live_idx ON attachments (tenant_id) INCLUDE (size_bytes)
    WHERE removed_at IS NULL;
