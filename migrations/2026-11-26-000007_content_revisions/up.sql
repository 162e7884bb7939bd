-- What the plan-tree cache checks (backend/src/cache.rs): one counter per CPAS, raised in
-- every transaction that changes what a plan tree shows. A server keeps a tree's JSON
-- while the counter of its CPAS is unchanged; every instance reads the counter from here,
-- so any number of instances stay correct.
--
-- The triggers are deferred to the commit: the counter's row is locked only for the
-- instant of the commit, never while the transaction still works (which would serialise
-- a CPAS's writers and invite deadlocks).
CREATE TABLE content_revisions (
    -- No foreign key: a deleted tenant's counter is harmless, and the trigger on tenants
    -- runs after the delete.
    tenant_id uuid PRIMARY KEY,
    revision  bigint NOT NULL DEFAULT 0
);

CREATE FUNCTION pst_bump_content_revision() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    tenant uuid;
BEGIN
    IF TG_TABLE_NAME = 'tenants' THEN
        tenant := CASE WHEN TG_OP = 'DELETE' THEN OLD.id ELSE NEW.id END;
    ELSE
        tenant := CASE WHEN TG_OP = 'DELETE' THEN OLD.tenant_id ELSE NEW.tenant_id END;
    END IF;
    INSERT INTO content_revisions AS c (tenant_id, revision) VALUES (tenant, 1)
        ON CONFLICT (tenant_id) DO UPDATE SET revision = c.revision + 1;
    RETURN NULL;
END;
$$;

-- Every table the plan tree is read from.
DO $$
DECLARE
    t text;
BEGIN
    FOREACH t IN ARRAY ARRAY['tenants', 'organisations', 'plans', 'objectives', 'actions',
                             'action_organisations', 'opinions', 'opinion_objectives']
    LOOP
        EXECUTE format(
            'CREATE CONSTRAINT TRIGGER %I AFTER INSERT OR UPDATE OR DELETE ON %I
                 DEFERRABLE INITIALLY DEFERRED
                 FOR EACH ROW EXECUTE FUNCTION pst_bump_content_revision()',
            t || '_content_revision', t);
    END LOOP;
END;
$$;
