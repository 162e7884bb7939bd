ALTER TABLE actions DROP COLUMN health_comment, DROP COLUMN health;
