-- Secrets at rest: a webhook's signing key and the answers kept for idempotent replays
-- (which hold the secrets of created tokens and webhooks) are sealed with the server's key,
-- PST_SECRETS_KEY (XChaCha20-Poly1305, see backend/src/secrets.rs), stored beside the id of
-- the key that sealed them. That key is not in the database, so SQL cannot seal what is
-- already stored: the server seals it at start and clears the plaintext, and re-seals what a
-- previous key sealed (the rotation).

ALTER TABLE webhook_endpoints ALTER COLUMN secret DROP NOT NULL;
ALTER TABLE webhook_endpoints
    ADD COLUMN secret_sealed bytea,
    ADD COLUMN secret_key_id text,
    -- Exactly one form: plaintext (a row from before, until the server seals it) or sealed.
    ADD CONSTRAINT webhook_endpoints_secret_kept CHECK (
        (secret_sealed IS NULL) = (secret_key_id IS NULL)
        AND (secret IS NULL) <> (secret_sealed IS NULL));
COMMENT ON COLUMN webhook_endpoints.secret IS
    'Plaintext signing key of an endpoint registered before secrets were sealed; the server seals it at start and clears this column';

-- NULL with a body: an answer stored in clear before this migration (sealed at start).
ALTER TABLE idempotency_keys ADD COLUMN response_key_id text;
