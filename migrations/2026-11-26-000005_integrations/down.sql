DROP TABLE idempotency_keys;
DROP TABLE webhook_deliveries;
DROP TABLE webhook_endpoints;
DROP TABLE api_token_usage;
DROP TABLE api_tokens;
ALTER TABLE users DROP COLUMN kind;
