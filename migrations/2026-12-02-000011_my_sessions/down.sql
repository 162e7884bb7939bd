-- A session its owner ended reads as a logout in the previous version: ended all the same.
UPDATE sessions SET revoked_reason = 'logout' WHERE revoked_reason = 'ended_by_owner';
ALTER TABLE sessions DROP CONSTRAINT sessions_revoked_reason_check;
ALTER TABLE sessions ADD CONSTRAINT sessions_revoked_reason_check
    CHECK (revoked_reason IN ('logout', 'refresh_token_reuse', 'password_changed',
                              'password_reset', 'deactivated'));

ALTER TABLE sessions DROP COLUMN user_agent;
