-- "Mon compte" lists a person's open sessions and lets them end one, or all but the one
-- they use. To tell the sessions apart, each keeps the browser's User-Agent of its sign-in
-- (shortened by the server); and a session its owner ended from another is recorded so.
ALTER TABLE sessions ADD COLUMN user_agent text CHECK (length(user_agent) <= 300);

ALTER TABLE sessions DROP CONSTRAINT sessions_revoked_reason_check;
ALTER TABLE sessions ADD CONSTRAINT sessions_revoked_reason_check
    CHECK (revoked_reason IN ('logout', 'refresh_token_reuse', 'password_changed',
                              'password_reset', 'deactivated', 'ended_by_owner'));
