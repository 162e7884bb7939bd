-- A sealed secret cannot be opened in SQL (the key is not in the database). An endpoint
-- whose secret exists only sealed gets a new random one and is paused: the previous version
-- shows the secret in `GET /webhooks/{id}`, so its owner gives it to the receiver and
-- resumes the endpoint; nothing is sent meanwhile with a key the receiver does not know.
ALTER TABLE webhook_endpoints DROP CONSTRAINT webhook_endpoints_secret_kept;
UPDATE webhook_endpoints
   SET secret = 'whsec_' || replace(gen_random_uuid()::text, '-', '')
                         || replace(gen_random_uuid()::text, '-', ''),
       active = false
 WHERE secret IS NULL;
ALTER TABLE webhook_endpoints
    DROP COLUMN secret_sealed,
    DROP COLUMN secret_key_id;
ALTER TABLE webhook_endpoints ALTER COLUMN secret SET NOT NULL;
COMMENT ON COLUMN webhook_endpoints.secret IS NULL;

-- Sealed answers cannot be read back either: forgotten (they are kept 24 hours only, and
-- a retry after this runs its request again).
DELETE FROM idempotency_keys WHERE response_key_id IS NOT NULL;
ALTER TABLE idempotency_keys DROP COLUMN response_key_id;
