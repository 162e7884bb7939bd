DROP TRIGGER users_content_revision ON users;
DROP INDEX actions_responsible_idx;
DROP INDEX objectives_responsible_idx;
ALTER TABLE actions
    DROP CONSTRAINT actions_responsible_fk,
    DROP COLUMN responsible_user_id,
    DROP COLUMN political_function;
ALTER TABLE objectives
    DROP CONSTRAINT objectives_dates_order,
    DROP CONSTRAINT objectives_responsible_fk,
    DROP COLUMN planned_end,
    DROP COLUMN planned_start,
    DROP COLUMN responsible_user_id,
    DROP COLUMN political_function,
    DROP COLUMN political_lead;
