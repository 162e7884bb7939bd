-- Two-step sign-in for local accounts (issue 19.2): a code from an authenticator app
-- (TOTP, RFC 6238) after the password, or one of ten single-use recovery codes; the DG may
-- require it of the CPAS's management.

-- A person's authenticator: its secret sealed with the server's keyring (as the webhook
-- secrets are), NULL `confirmed_at` while enrolling (the first code confirms it), and the
-- TOTP time step last accepted: a code is accepted once, never again in its window.
CREATE TABLE second_factors (
    user_id        uuid PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
    secret_sealed  bytea NOT NULL,
    secret_key_id  text NOT NULL,
    confirmed_at   timestamptz,
    last_used_step bigint,
    created_at     timestamptz NOT NULL DEFAULT now()
);

-- The recovery codes: random, so a SHA-256 of each is kept (as for refresh tokens).
CREATE TABLE recovery_codes (
    user_id   uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    code_hash bytea NOT NULL,
    used_at   timestamptz,
    PRIMARY KEY (user_id, code_hash)
);

-- The DG requires the second step of the CPAS's president and DG.
ALTER TABLE tenants ADD COLUMN second_factor_required boolean NOT NULL DEFAULT false;

-- How a session was opened, for the person's list of sessions; and whether the person must
-- first enrol an authenticator (they signed in while the CPAS required one and had none).
ALTER TABLE sessions
    ADD COLUMN signed_in_with text NOT NULL DEFAULT 'password'
        CHECK (signed_in_with IN ('password', 'second_factor', 'recovery_code')),
    ADD COLUMN second_factor_pending boolean NOT NULL DEFAULT false;
