DROP TABLE notifications;
DROP TABLE action_history;
DROP FUNCTION pst_refuse_history_change();
DROP TABLE change_requests;
DROP TABLE journal_entries;
DROP TABLE budget_lines;
DROP TABLE indicators;
DROP INDEX organisations_search_idx;
DROP INDEX actions_status_idx;
DROP INDEX actions_search_idx;
ALTER TABLE actions
    DROP CONSTRAINT actions_actual_end_after_start,
    DROP COLUMN last_reported_at,
    DROP COLUMN sdgs,
    DROP COLUMN staffing_fte,
    DROP COLUMN administrative_lead,
    DROP COLUMN political_lead;
ALTER TABLE plans DROP COLUMN update_cadence_days;
DROP FUNCTION pst_fold(text);
DROP EXTENSION IF EXISTS pg_trgm;
DROP EXTENSION IF EXISTS unaccent;
