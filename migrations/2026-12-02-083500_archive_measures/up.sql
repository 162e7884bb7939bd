-- An indicator or a budget line the DG stops following is archived, not deleted: its row
-- stays, so the values the history recorded for it keep their name, and the council can
-- still be told what was followed and dropped. Archived ones leave the action, its
-- documents and its proposals.
ALTER TABLE indicators ADD COLUMN archived_at timestamptz;
ALTER TABLE budget_lines ADD COLUMN archived_at timestamptz;
