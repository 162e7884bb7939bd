ALTER TABLE actions DROP CONSTRAINT actions_planned_start_range;
ALTER TABLE actions DROP CONSTRAINT actions_planned_end_range;
ALTER TABLE actions DROP CONSTRAINT actions_actual_end_range;
ALTER TABLE plans DROP CONSTRAINT plans_adopted_on_range;
ALTER TABLE indicators DROP CONSTRAINT indicators_measured_at_range;
ALTER TABLE journal_entries DROP CONSTRAINT journal_entries_entry_date_range;
ALTER TABLE plan_versions DROP CONSTRAINT plan_versions_adopted_on_range;
ALTER TABLE plan_evaluations DROP CONSTRAINT plan_evaluations_as_of_range;
DROP FUNCTION pst_date_in_range(date);
-- The cleared values are in the report; it goes with the migration.
DROP TABLE data_repairs;
