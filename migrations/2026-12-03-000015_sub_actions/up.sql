-- Sub-actions (issue 16.1): the steps of an action, one level below it, with the same
-- follow-up as an action. They are rows of `actions` with a parent, so proposals, history,
-- journal, indicators and organisations work on them as on any action.

ALTER TABLE actions
    ADD COLUMN parent_id uuid,
    -- The share of a sub-action in its action's progress.
    ADD COLUMN weight smallint NOT NULL DEFAULT 1
        CONSTRAINT actions_weight_check CHECK (weight BETWEEN 1 AND 100),
    -- The DG set this action's progress by hand: its sub-actions do not drive it.
    ADD COLUMN progress_by_hand boolean NOT NULL DEFAULT false,
    -- Kept by `pst_roll_up_sub_actions` only: the progress is its sub-actions' (read, never
    -- written, by the application).
    ADD COLUMN progress_from_sub_actions boolean NOT NULL DEFAULT false,
    ADD CONSTRAINT actions_parent_fk FOREIGN KEY (tenant_id, parent_id)
        REFERENCES actions (tenant_id, id);
CREATE INDEX actions_parent_idx ON actions (parent_id, position) WHERE parent_id IS NOT NULL;

-- The progress an action takes from its live sub-actions: their mean weighted by
-- `weight`, rounded to a whole percent (halves up); NULL when it has none.
CREATE FUNCTION pst_sub_actions_progress(action uuid) RETURNS smallint
LANGUAGE sql STABLE PARALLEL SAFE AS $$
    SELECT round(sum(s.progress::numeric * s.weight) / sum(s.weight))::smallint
    FROM actions s
    WHERE s.parent_id = action AND s.archived_at IS NULL
$$;

-- The roll-up rule, on every write of an action: unless the DG set its progress by hand,
-- an action with live sub-actions has their progress.
CREATE FUNCTION pst_roll_up_sub_actions() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    derived smallint;
BEGIN
    IF NEW.parent_id IS NULL AND NOT NEW.progress_by_hand THEN
        derived := pst_sub_actions_progress(NEW.id);
    END IF;
    NEW.progress_from_sub_actions := derived IS NOT NULL;
    IF derived IS NOT NULL THEN
        NEW.progress := derived;
    END IF;
    RETURN NEW;
END;
$$;
CREATE TRIGGER actions_roll_up BEFORE UPDATE ON actions
    FOR EACH ROW EXECUTE FUNCTION pst_roll_up_sub_actions();

-- A sub-action that appears, changes its progress or weight, moves or goes: its action
-- (before and after) is written again, which rolls it up. A report on a sub-action is a
-- report on its action: the action is not stale while its steps are reported on.
CREATE FUNCTION pst_sub_action_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE actions
    SET progress = progress,
        last_reported_at = CASE WHEN id = NEW.parent_id
                                THEN greatest(last_reported_at, NEW.last_reported_at)
                                ELSE last_reported_at END
    WHERE id IN (OLD.parent_id, NEW.parent_id);
    RETURN NULL;
END;
$$;
CREATE TRIGGER actions_sub_action_inserted AFTER INSERT ON actions
    FOR EACH ROW WHEN (NEW.parent_id IS NOT NULL) EXECUTE FUNCTION pst_sub_action_changed();
CREATE TRIGGER actions_sub_action_updated
    AFTER UPDATE OF progress, weight, parent_id, archived_at, last_reported_at ON actions
    FOR EACH ROW WHEN (OLD.parent_id IS NOT NULL OR NEW.parent_id IS NOT NULL)
    EXECUTE FUNCTION pst_sub_action_changed();
CREATE TRIGGER actions_sub_action_deleted AFTER DELETE ON actions
    FOR EACH ROW WHEN (OLD.parent_id IS NOT NULL) EXECUTE FUNCTION pst_sub_action_changed();

-- One level: a sub-action's parent is an action of the same plan that is not itself a
-- sub-action, and an action with sub-actions does not become one (refused as the
-- constraint `actions_sub_action_level`, the trigger's name). A sub-action sits
-- under its action's objective, and follows it when the action moves.
CREATE FUNCTION pst_check_sub_action() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    parent record;
BEGIN
    IF NEW.parent_id IS NULL THEN
        RETURN NEW;
    END IF;
    SELECT a.parent_id, a.plan_id, a.objective_id INTO parent
    FROM actions a WHERE a.id = NEW.parent_id;
    IF NOT FOUND THEN
        RETURN NEW; -- the foreign key answers
    END IF;
    IF parent.parent_id IS NOT NULL OR NEW.parent_id = NEW.id
       OR EXISTS (SELECT 1 FROM actions s WHERE s.parent_id = NEW.id) THEN
        RAISE EXCEPTION 'a sub-action sits under an action, one level only'
            USING ERRCODE = 'check_violation', CONSTRAINT = 'actions_sub_action_level';
    END IF;
    IF parent.plan_id <> NEW.plan_id THEN
        RAISE EXCEPTION 'a sub-action sits in its action''s plan'
            USING ERRCODE = 'check_violation', CONSTRAINT = 'actions_sub_action_level';
    END IF;
    NEW.objective_id := parent.objective_id;
    RETURN NEW;
END;
$$;
CREATE TRIGGER actions_sub_action_level BEFORE INSERT OR UPDATE OF parent_id, objective_id
    ON actions FOR EACH ROW EXECUTE FUNCTION pst_check_sub_action();

CREATE FUNCTION pst_sub_actions_follow() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE actions SET objective_id = NEW.objective_id
    WHERE parent_id = NEW.id AND objective_id <> NEW.objective_id;
    RETURN NULL;
END;
$$;
CREATE TRIGGER actions_sub_actions_follow AFTER UPDATE OF objective_id ON actions
    FOR EACH ROW WHEN (NEW.parent_id IS NULL AND OLD.objective_id <> NEW.objective_id)
    EXECUTE FUNCTION pst_sub_actions_follow();
