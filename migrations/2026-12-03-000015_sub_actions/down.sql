DROP TRIGGER actions_sub_actions_follow ON actions;
DROP FUNCTION pst_sub_actions_follow();
DROP TRIGGER actions_sub_action_level ON actions;
DROP FUNCTION pst_check_sub_action();
DROP TRIGGER actions_sub_action_deleted ON actions;
DROP TRIGGER actions_sub_action_updated ON actions;
DROP TRIGGER actions_sub_action_inserted ON actions;
DROP FUNCTION pst_sub_action_changed();
DROP TRIGGER actions_roll_up ON actions;
DROP FUNCTION pst_roll_up_sub_actions();
DROP FUNCTION pst_sub_actions_progress(uuid);
DROP INDEX actions_parent_idx;
ALTER TABLE actions
    DROP CONSTRAINT actions_parent_fk,
    DROP COLUMN progress_from_sub_actions,
    DROP COLUMN progress_by_hand,
    DROP COLUMN weight,
    DROP COLUMN parent_id;
