DROP INDEX actions_political_lead_user_idx;
DROP INDEX objectives_political_lead_user_idx;
ALTER TABLE actions
    DROP CONSTRAINT actions_political_lead_user_fk,
    DROP COLUMN political_lead_user_id;
ALTER TABLE objectives
    DROP CONSTRAINT objectives_political_lead_user_fk,
    DROP COLUMN political_lead_user_id;
