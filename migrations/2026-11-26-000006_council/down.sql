DROP TABLE plan_evaluations;
DROP TABLE plan_versions;
ALTER TABLE plans DROP COLUMN published_at;
