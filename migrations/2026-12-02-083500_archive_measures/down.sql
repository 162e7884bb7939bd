-- Before archiving, the API deleted: the archived rows go as they would have.
DELETE FROM indicators WHERE archived_at IS NOT NULL;
DELETE FROM budget_lines WHERE archived_at IS NOT NULL;
ALTER TABLE indicators DROP COLUMN archived_at;
ALTER TABLE budget_lines DROP COLUMN archived_at;
