ALTER TABLE sessions DROP COLUMN end_session_url, DROP COLUMN identity_provider_id;
DELETE FROM sessions WHERE signed_in_with = 'oidc';
ALTER TABLE sessions DROP CONSTRAINT sessions_signed_in_with_check;
ALTER TABLE sessions
    ADD CONSTRAINT sessions_signed_in_with_check
        CHECK (signed_in_with IN ('password', 'second_factor', 'recovery_code'));
DROP TABLE oidc_logins;
DROP TABLE user_identities;
DROP TABLE identity_providers;
