CREATE INDEX actions_search_idx ON actions USING gin (pst_fold(code || ' ' || title) gin_trgm_ops);
ALTER TABLE actions DROP COLUMN search_text;
