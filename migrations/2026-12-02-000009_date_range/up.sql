-- Dates outside 1900-01-01 .. 2999-12-31 (issue 13): the API's `PlanDate` is the rule and
-- refuses them on the way in; these CHECKs are only the guard of last resort, so that no
-- other path (psql, a restore, a future bug) stores a date that breaks `format: date`.
--
-- Rows stored before the rule are reported in `data_repairs`, never guessed: an optional
-- date becomes NULL (its old value kept in the report); a required date (journal entry,
-- version, evaluation) is only reported, and its CHECK is NOT VALID, so it stays as it is
-- until a person corrects it.
CREATE TABLE data_repairs (
    id bigserial PRIMARY KEY,
    migration text NOT NULL,
    table_name text NOT NULL,
    row_id text NOT NULL,
    column_name text NOT NULL,
    old_value text NOT NULL,
    action text NOT NULL CHECK (action IN ('cleared', 'reported')),
    recorded_at timestamptz NOT NULL DEFAULT now()
);
COMMENT ON TABLE data_repairs IS
    'Values a migration found outside the rules: what it changed (cleared) or left for a person (reported).';

CREATE FUNCTION pst_date_in_range(d date) RETURNS boolean
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    RETURN d IS NULL OR d BETWEEN DATE '1900-01-01' AND DATE '2999-12-31';

DO $$
DECLARE
    target record;
    found bigint;
BEGIN
    FOR target IN
        SELECT * FROM (VALUES
            ('actions', 'id', 'planned_start', true),
            ('actions', 'id', 'planned_end', true),
            ('actions', 'id', 'actual_end', true),
            ('plans', 'id', 'adopted_on', true),
            ('indicators', 'id', 'measured_at', true),
            ('journal_entries', 'id', 'entry_date', false),
            ('plan_versions', 'id', 'adopted_on', false),
            ('plan_evaluations', 'id', 'as_of', false)
        ) AS t(table_name, row_key, column_name, nullable)
    LOOP
        EXECUTE format(
            'INSERT INTO data_repairs (migration, table_name, row_id, column_name, old_value, action)
             SELECT %L, %L, (%s)::text, %L, %I::text, %L FROM %I WHERE NOT pst_date_in_range(%I)',
            '2026-12-02-000009_date_range', target.table_name, target.row_key,
            target.column_name, target.column_name,
            CASE WHEN target.nullable THEN 'cleared' ELSE 'reported' END,
            target.table_name, target.column_name);
        GET DIAGNOSTICS found = ROW_COUNT;
        IF found > 0 THEN
            RAISE NOTICE '%.%: % date(s) outside 1900-2999 (see data_repairs)',
                target.table_name, target.column_name, found;
        END IF;
        IF target.nullable THEN
            EXECUTE format('UPDATE %I SET %I = NULL WHERE NOT pst_date_in_range(%I)',
                target.table_name, target.column_name, target.column_name);
        END IF;
    END LOOP;
END
$$;

-- The updates above fire the deferred triggers of the history; they run before the
-- tables are altered.
SET CONSTRAINTS ALL IMMEDIATE;

ALTER TABLE actions ADD CONSTRAINT actions_planned_start_range CHECK (pst_date_in_range(planned_start));
ALTER TABLE actions ADD CONSTRAINT actions_planned_end_range CHECK (pst_date_in_range(planned_end));
ALTER TABLE actions ADD CONSTRAINT actions_actual_end_range CHECK (pst_date_in_range(actual_end));
ALTER TABLE plans ADD CONSTRAINT plans_adopted_on_range CHECK (pst_date_in_range(adopted_on));
ALTER TABLE indicators ADD CONSTRAINT indicators_measured_at_range CHECK (pst_date_in_range(measured_at));
ALTER TABLE journal_entries ADD CONSTRAINT journal_entries_entry_date_range
    CHECK (pst_date_in_range(entry_date)) NOT VALID;
ALTER TABLE plan_versions ADD CONSTRAINT plan_versions_adopted_on_range
    CHECK (pst_date_in_range(adopted_on)) NOT VALID;
ALTER TABLE plan_evaluations ADD CONSTRAINT plan_evaluations_as_of_range
    CHECK (pst_date_in_range(as_of)) NOT VALID;
