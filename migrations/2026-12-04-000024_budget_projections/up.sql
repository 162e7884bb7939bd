-- The CPAS's own multi-year projections on an action or a sub-action (issue 17.1): an
-- economic group's amounts over the coming budget years ("Dépenses de personnel": 2026,
-- 2027, 2028), which the DG defines and the eComptes file carries as the element's
-- `Projection`s. They are the CPAS's figures, apart from those eComptes sends back
-- (`ecomptes_projections`), so that the two can be compared.
CREATE TABLE budget_projections (
    id             uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    tenant_id      uuid NOT NULL,
    action_id      uuid NOT NULL,
    service        text NOT NULL CHECK (service IN ('ordinaire', 'extraordinaire')),
    direction      text NOT NULL CHECK (direction IN ('recette', 'depense')),
    economic_group text NOT NULL CHECK (length(economic_group) BETWEEN 1 AND 50),
    label          text CHECK (length(label) <= 200),
    position       integer NOT NULL CHECK (position >= 0),
    created_at     timestamptz NOT NULL DEFAULT now(),
    updated_at     timestamptz NOT NULL DEFAULT now(),
    FOREIGN KEY (tenant_id, action_id) REFERENCES actions (tenant_id, id) ON DELETE CASCADE
);
CREATE INDEX budget_projections_action_idx ON budget_projections (action_id, position);
CREATE TRIGGER budget_projections_updated_at BEFORE UPDATE ON budget_projections
    FOR EACH ROW EXECUTE FUNCTION pst_touch_updated_at();

-- A projection's amount for one budget year.
CREATE TABLE budget_projection_amounts (
    projection_id uuid NOT NULL REFERENCES budget_projections (id) ON DELETE CASCADE,
    year          integer NOT NULL CHECK (year BETWEEN 1990 AND 2200),
    amount_cents  bigint NOT NULL CHECK (amount_cents >= 0),
    PRIMARY KEY (projection_id, year)
);
