-- Accounts, sessions and login throttling.

-- A person using the product. Platform administrators belong to no tenant; everyone else
-- belongs to exactly one CPAS, and partners to one of its organisations.
CREATE TABLE users (
    id                   uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    tenant_id            uuid REFERENCES tenants (id),
    organisation_id      uuid,
    email                text NOT NULL CHECK (email = lower(email) AND length(email) <= 254
                                              AND email ~ '^[^@[:space:]]+@[^@[:space:]]+$'),
    display_name         text NOT NULL CHECK (length(btrim(display_name)) BETWEEN 1 AND 200),
    role                 text NOT NULL CHECK (role IN ('admin', 'president', 'dg', 'social_worker', 'partner')),
    password_hash        text NOT NULL,
    must_change_password boolean NOT NULL DEFAULT false,
    active               boolean NOT NULL DEFAULT true,
    last_login_at        timestamptz,
    created_at           timestamptz NOT NULL DEFAULT now(),
    updated_at           timestamptz NOT NULL DEFAULT now(),
    version              integer NOT NULL DEFAULT 1,
    -- One account per e-mail on the whole platform (stored lowercased).
    CONSTRAINT users_email_unique UNIQUE (email),
    UNIQUE (tenant_id, id),
    FOREIGN KEY (tenant_id, organisation_id) REFERENCES organisations (tenant_id, id),
    CHECK ((role = 'admin') = (tenant_id IS NULL)),
    CHECK (role <> 'partner' OR organisation_id IS NOT NULL)
);
CREATE INDEX users_tenant_idx ON users (tenant_id, display_name);
CREATE INDEX users_organisation_idx ON users (organisation_id) WHERE organisation_id IS NOT NULL;
CREATE TRIGGER users_updated_at BEFORE UPDATE ON users
    FOR EACH ROW EXECUTE FUNCTION pst_touch_updated_at();

-- One login on one device. Access tokens name their session, so revoking it (logout,
-- refresh-token reuse) refuses them at once.
CREATE TABLE sessions (
    id             uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    user_id        uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    tenant_id      uuid REFERENCES tenants (id),
    created_at     timestamptz NOT NULL DEFAULT now(),
    refreshed_at   timestamptz NOT NULL DEFAULT now(),
    expires_at     timestamptz NOT NULL,
    revoked_at     timestamptz,
    revoked_reason text CHECK (revoked_reason IN ('logout', 'refresh_token_reuse', 'password_changed', 'password_reset', 'deactivated'))
);
CREATE INDEX sessions_user_idx ON sessions (user_id) WHERE revoked_at IS NULL;

-- Refresh tokens, stored as SHA-256 hashes, each usable once.
CREATE TABLE refresh_tokens (
    token_hash bytea PRIMARY KEY CHECK (length(token_hash) = 32),
    session_id uuid NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
    tenant_id  uuid REFERENCES tenants (id),
    created_at timestamptz NOT NULL DEFAULT now(),
    expires_at timestamptz NOT NULL,
    used_at    timestamptz
);
CREATE INDEX refresh_tokens_session_idx ON refresh_tokens (session_id);

-- Failed logins of the last minutes, to throttle guessing per account and per address.
-- Kept in PostgreSQL so that every instance behind a load balancer sees the same counts.
CREATE TABLE login_failures (
    id        bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    at        timestamptz NOT NULL DEFAULT now(),
    email     text NOT NULL,
    client_ip text NOT NULL
);
CREATE INDEX login_failures_email_idx ON login_failures (email, at);
CREATE INDEX login_failures_ip_idx ON login_failures (client_ip, at);
