-- Single sign-on (issue 19.1): a CPAS signs its people in through the identity providers it
-- already uses (iMio's Keycloak, CSAM/FAS, Microsoft Entra ID…), with OpenID Connect's
-- authorization code flow and PKCE.

-- A CPAS's identity provider: its issuer (the rest is discovered from it), our client's id
-- and secret at that provider (the secret sealed with the server's keyring, as webhook
-- secrets are; none for a public client), and whether people unknown here get an account
-- at their first sign-in (off unless the DG turns it on, with the role and organisation
-- they get and the e-mail domain they must have).
CREATE TABLE identity_providers (
    id                     uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    tenant_id              uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    label                  text NOT NULL CHECK (length(label) BETWEEN 1 AND 80),
    issuer                 text NOT NULL CHECK (length(issuer) BETWEEN 1 AND 500),
    client_id              text NOT NULL CHECK (length(client_id) BETWEEN 1 AND 200),
    client_secret_sealed   bytea,
    client_secret_key_id   text,
    scopes                 text NOT NULL DEFAULT 'openid email profile'
                               CHECK (length(scopes) BETWEEN 6 AND 300),
    enabled                boolean NOT NULL DEFAULT true,
    new_accounts           boolean NOT NULL DEFAULT false,
    new_account_role       text NOT NULL DEFAULT 'social_worker'
                               CHECK (new_account_role IN ('president', 'dg', 'social_worker', 'partner')),
    new_account_organisation_id uuid,
    new_account_domain     text CHECK (length(new_account_domain) <= 253),
    created_at             timestamptz NOT NULL DEFAULT now(),
    updated_at             timestamptz NOT NULL DEFAULT now(),
    version                integer NOT NULL DEFAULT 1,
    UNIQUE (tenant_id, label),
    FOREIGN KEY (tenant_id, new_account_organisation_id) REFERENCES organisations (tenant_id, id),
    CHECK ((client_secret_sealed IS NULL) = (client_secret_key_id IS NULL)),
    CONSTRAINT identity_providers_partner_organisation
        CHECK (new_account_role <> 'partner' OR new_account_organisation_id IS NOT NULL),
    CONSTRAINT identity_providers_new_account_domain
        CHECK (NOT new_accounts OR new_account_domain IS NOT NULL)
);

-- Who a provider's subject is here: linked at their first sign-in (by verified e-mail, or
-- when their account was made then); later sign-ins follow the subject, whatever the
-- e-mail became at the provider.
CREATE TABLE user_identities (
    provider_id  uuid NOT NULL REFERENCES identity_providers (id) ON DELETE CASCADE,
    subject      text NOT NULL CHECK (length(subject) BETWEEN 1 AND 255),
    user_id      uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    linked_at    timestamptz NOT NULL DEFAULT now(),
    last_used_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (provider_id, subject),
    UNIQUE (provider_id, user_id)
);
CREATE INDEX user_identities_user_idx ON user_identities (user_id);

-- A sign-in under way, between the redirect to the provider and the way back: the state
-- the provider hands back (kept as its SHA-256), the nonce its ID token must carry, and
-- the PKCE verifier. Used once, for ten minutes; in the database, so that the way back may
-- reach another instance than the way out.
CREATE TABLE oidc_logins (
    state_hash    bytea PRIMARY KEY,
    provider_id   uuid NOT NULL REFERENCES identity_providers (id) ON DELETE CASCADE,
    nonce         text NOT NULL,
    pkce_verifier text NOT NULL,
    expires_at    timestamptz NOT NULL
);
CREATE INDEX oidc_logins_expiry_idx ON oidc_logins (expires_at);

-- A session opened through a provider says which, and where to sign out there too (the
-- provider's end-session endpoint, with the ID token as hint), given back at logout.
ALTER TABLE sessions DROP CONSTRAINT sessions_signed_in_with_check;
ALTER TABLE sessions
    ADD CONSTRAINT sessions_signed_in_with_check
        CHECK (signed_in_with IN ('password', 'second_factor', 'recovery_code', 'oidc')),
    ADD COLUMN identity_provider_id uuid REFERENCES identity_providers (id) ON DELETE SET NULL,
    ADD COLUMN end_session_url text CHECK (length(end_session_url) <= 16384);
