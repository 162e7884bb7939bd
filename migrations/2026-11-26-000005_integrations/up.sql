-- Integrations: API tokens, webhooks (with their outbox), idempotent POSTs.

-- An integration acts through an account of its own (`kind = 'integration'`), so every
-- proposal it makes is traced to it like any person's; it cannot log in with a password.
ALTER TABLE users ADD COLUMN kind text NOT NULL DEFAULT 'person'
    CHECK (kind IN ('person', 'integration'));

CREATE TABLE api_tokens (
    id              uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    tenant_id       uuid NOT NULL REFERENCES tenants (id),
    organisation_id uuid NOT NULL,
    -- The integration's account: the author of what the token does.
    user_id         uuid NOT NULL,
    name            text NOT NULL CHECK (length(btrim(name)) BETWEEN 1 AND 200),
    -- SHA-256 of the secret: the secret itself is shown once and never stored.
    token_hash      bytea NOT NULL UNIQUE,
    -- The first characters of the secret, to recognise it in a list.
    prefix          text NOT NULL,
    scopes          text[] NOT NULL CHECK (scopes <@ ARRAY['plans:read', 'actions:propose', 'webhooks:manage']
                                           AND cardinality(scopes) > 0),
    created_by      uuid REFERENCES users (id),
    created_at      timestamptz NOT NULL DEFAULT now(),
    expires_at      timestamptz,
    revoked_at      timestamptz,
    last_used_at    timestamptz,
    UNIQUE (tenant_id, id),
    FOREIGN KEY (tenant_id, organisation_id) REFERENCES organisations (tenant_id, id),
    FOREIGN KEY (tenant_id, user_id) REFERENCES users (tenant_id, id)
);
CREATE INDEX api_tokens_tenant_idx ON api_tokens (tenant_id, created_at DESC);

-- Requests per token and minute, for the rate limit (shared by every instance).
CREATE TABLE api_token_usage (
    tenant_id    uuid NOT NULL REFERENCES tenants (id),
    token_id     uuid NOT NULL,
    window_start timestamptz NOT NULL,
    requests     integer NOT NULL,
    PRIMARY KEY (tenant_id, token_id, window_start),
    FOREIGN KEY (tenant_id, token_id) REFERENCES api_tokens (tenant_id, id) ON DELETE CASCADE
);

CREATE TABLE webhook_endpoints (
    id          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    tenant_id   uuid NOT NULL REFERENCES tenants (id),
    url         text NOT NULL CHECK (length(url) <= 2000),
    description text CHECK (length(description) <= 500),
    -- The HMAC key of the signatures; the receiver holds it too.
    secret      text NOT NULL,
    events      text[] NOT NULL CHECK (events <@ ARRAY['change_request.created', 'change_request.approved',
                                                      'change_request.rejected', 'action.updated', 'plan.adopted']
                                       AND cardinality(events) > 0),
    active      boolean NOT NULL DEFAULT true,
    created_by  uuid REFERENCES users (id),
    created_at  timestamptz NOT NULL DEFAULT now(),
    updated_at  timestamptz NOT NULL DEFAULT now(),
    version     integer NOT NULL DEFAULT 1,
    UNIQUE (tenant_id, id)
);

-- The outbox: one row per event and endpoint, written in the transaction of the change,
-- sent by a worker afterwards (claimed with FOR UPDATE SKIP LOCKED), kept as the log.
CREATE TABLE webhook_deliveries (
    id               uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    tenant_id        uuid NOT NULL REFERENCES tenants (id),
    endpoint_id      uuid NOT NULL,
    event_id         uuid NOT NULL,
    event_type       text NOT NULL,
    payload          jsonb NOT NULL,
    status           text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'delivered', 'failed')),
    attempts         integer NOT NULL DEFAULT 0 CHECK (attempts >= 0),
    next_attempt_at  timestamptz NOT NULL DEFAULT now(),
    locked_until     timestamptz,
    last_attempt_at  timestamptz,
    response_status  integer,
    last_error       text,
    delivered_at     timestamptz,
    created_at       timestamptz NOT NULL DEFAULT now(),
    UNIQUE (tenant_id, id),
    FOREIGN KEY (tenant_id, endpoint_id) REFERENCES webhook_endpoints (tenant_id, id) ON DELETE CASCADE
);
CREATE INDEX webhook_deliveries_queue_idx ON webhook_deliveries (next_attempt_at) WHERE status = 'pending';
CREATE INDEX webhook_deliveries_log_idx ON webhook_deliveries (endpoint_id, created_at DESC);

-- Answers to POSTs sent with an `Idempotency-Key`, replayed when the same request comes
-- again (24 hours).
CREATE TABLE idempotency_keys (
    principal      text NOT NULL,
    key            text NOT NULL CHECK (length(key) BETWEEN 1 AND 255),
    tenant_id      uuid REFERENCES tenants (id),
    request_hash   bytea NOT NULL,
    status_code    integer,
    content_type   text,
    location       text,
    response_body  bytea,
    created_at     timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (principal, key)
);
CREATE INDEX idempotency_keys_age_idx ON idempotency_keys (created_at);
