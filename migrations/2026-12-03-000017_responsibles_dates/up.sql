-- Responsibles and derived dates (issue 16.4 and 16.5).
--
-- Objectives (OS and OO), actions and sub-actions name their political representative
-- (the "mandataire": an échevin or the president, by name and function) and their
-- administrative responsible, a person of the CPAS. An action's mandataire's name is its
-- follow-up field `political_lead` (proposed and approved); its function and its
-- responsible are part of its definition, set by the management.
--
-- Objectives may be given their own planned start and end; without them, the plan tree
-- derives them from their actions (an OO) or their operational objectives (an OS): the
-- rule is `api_types::ObjectiveDates::derive`, in one place.

ALTER TABLE objectives
    ADD COLUMN political_lead      text
        CONSTRAINT objectives_political_lead_check CHECK (length(political_lead) <= 200),
    ADD COLUMN political_function  text
        CONSTRAINT objectives_political_function_check CHECK (length(political_function) <= 200),
    ADD COLUMN responsible_user_id uuid,
    ADD COLUMN planned_start       date
        CONSTRAINT objectives_planned_start_range CHECK (pst_date_in_range(planned_start)),
    ADD COLUMN planned_end         date
        CONSTRAINT objectives_planned_end_range CHECK (pst_date_in_range(planned_end)),
    -- Another CPAS's person is not found (composite key); a person deleted leaves the
    -- objective without a responsible, never without its CPAS.
    ADD CONSTRAINT objectives_responsible_fk FOREIGN KEY (tenant_id, responsible_user_id)
        REFERENCES users (tenant_id, id) ON DELETE SET NULL (responsible_user_id),
    -- The one rule on the dates an objective is given: in order (refused as 422 on
    -- `planned_end`, CONSTRAINT_REFUSALS).
    ADD CONSTRAINT objectives_dates_order CHECK (planned_end >= planned_start);

ALTER TABLE actions
    ADD COLUMN political_function  text
        CONSTRAINT actions_political_function_check CHECK (length(political_function) <= 200),
    ADD COLUMN responsible_user_id uuid,
    ADD CONSTRAINT actions_responsible_fk FOREIGN KEY (tenant_id, responsible_user_id)
        REFERENCES users (tenant_id, id) ON DELETE SET NULL (responsible_user_id);

CREATE INDEX objectives_responsible_idx ON objectives (responsible_user_id)
    WHERE responsible_user_id IS NOT NULL;
CREATE INDEX actions_responsible_idx ON actions (responsible_user_id)
    WHERE responsible_user_id IS NOT NULL;

-- The plan tree shows the responsible's name: a renamed person changes it, so the tree's
-- cache follows (objectives and actions already bump it).
CREATE CONSTRAINT TRIGGER users_content_revision AFTER UPDATE OF display_name ON users
    DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW
    WHEN (NEW.tenant_id IS NOT NULL AND OLD.display_name IS DISTINCT FROM NEW.display_name)
    EXECUTE FUNCTION pst_bump_content_revision();
