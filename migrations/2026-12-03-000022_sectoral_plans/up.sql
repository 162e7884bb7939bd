-- The sectoral plans a CPAS's PST federates (issue 17.2): the commune's PCS, the staff
-- training plan, the PCDR, the housing plan… A list per CPAS, which the DG keeps; any
-- objective, action or sub-action may be tagged with any of them.
CREATE TABLE sectoral_plans (
    id         uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    tenant_id  uuid NOT NULL REFERENCES tenants (id),
    name       text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    created_at timestamptz NOT NULL DEFAULT now(),
    UNIQUE (tenant_id, id)
);
-- A name once per CPAS, whatever its case.
CREATE UNIQUE INDEX sectoral_plans_name_idx ON sectoral_plans (tenant_id, lower(name));

CREATE TABLE objective_sectoral_plans (
    tenant_id        uuid NOT NULL,
    objective_id     uuid NOT NULL,
    sectoral_plan_id uuid NOT NULL,
    PRIMARY KEY (objective_id, sectoral_plan_id),
    FOREIGN KEY (tenant_id, objective_id) REFERENCES objectives (tenant_id, id) ON DELETE CASCADE,
    FOREIGN KEY (tenant_id, sectoral_plan_id) REFERENCES sectoral_plans (tenant_id, id) ON DELETE CASCADE
);
CREATE INDEX objective_sectoral_plans_plan_idx ON objective_sectoral_plans (sectoral_plan_id);

CREATE TABLE action_sectoral_plans (
    tenant_id        uuid NOT NULL,
    action_id        uuid NOT NULL,
    sectoral_plan_id uuid NOT NULL,
    PRIMARY KEY (action_id, sectoral_plan_id),
    FOREIGN KEY (tenant_id, action_id) REFERENCES actions (tenant_id, id) ON DELETE CASCADE,
    FOREIGN KEY (tenant_id, sectoral_plan_id) REFERENCES sectoral_plans (tenant_id, id) ON DELETE CASCADE
);
CREATE INDEX action_sectoral_plans_plan_idx ON action_sectoral_plans (sectoral_plan_id);

-- The plan trees show the tags and the list's names: their changes raise the CPAS's
-- content revision, as the tree's other tables do (migration …000007).
DO $$
DECLARE
    t text;
BEGIN
    FOREACH t IN ARRAY ARRAY['sectoral_plans', 'objective_sectoral_plans', 'action_sectoral_plans']
    LOOP
        EXECUTE format(
            'CREATE CONSTRAINT TRIGGER %I AFTER INSERT OR UPDATE OR DELETE ON %I
                 DEFERRABLE INITIALLY DEFERRED
                 FOR EACH ROW EXECUTE FUNCTION pst_bump_content_revision()',
            t || '_content_revision', t);
    END LOOP;
END;
$$;

-- Which actions belong to a sectoral plan: those tagged with it, those one of whose
-- sub-actions is, and those of an objective (operational or strategic) that is. The one
-- place this rule is written: the actions list's filter, the plan tree and the dashboard
-- read it.
CREATE VIEW sectoral_plan_actions AS
    SELECT t.tenant_id, t.sectoral_plan_id, coalesce(x.parent_id, x.id) AS action_id
    FROM action_sectoral_plans t JOIN actions x ON x.id = t.action_id
    UNION
    SELECT t.tenant_id, t.sectoral_plan_id, a.id
    FROM objective_sectoral_plans t
    JOIN objectives o ON o.id = t.objective_id
    JOIN objectives oo ON oo.id = o.id OR oo.parent_id = o.id
    JOIN actions a ON a.objective_id = oo.id AND a.parent_id IS NULL;
