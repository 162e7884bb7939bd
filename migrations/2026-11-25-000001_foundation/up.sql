-- Foundation of the PST schema.
--
-- Multi-tenancy: every tenant-owned table carries `tenant_id`, and every reference between
-- tenant-owned rows is a composite foreign key that includes it, so a row can never point
-- into another CPAS. That is also what a distribution by tenant (Citus) needs.

CREATE FUNCTION pst_touch_updated_at() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NEW IS DISTINCT FROM OLD THEN
        NEW.updated_at := now();
    END IF;
    RETURN NEW;
END;
$$;

-- A CPAS using the product.
CREATE TABLE tenants (
    id          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    slug        text NOT NULL UNIQUE CHECK (slug ~ '^[a-z0-9]+(-[a-z0-9]+)*$' AND length(slug) <= 63),
    name        text NOT NULL CHECK (length(btrim(name)) BETWEEN 1 AND 200),
    description text,
    created_at  timestamptz NOT NULL DEFAULT now(),
    updated_at  timestamptz NOT NULL DEFAULT now(),
    version     integer NOT NULL DEFAULT 1
);
CREATE TRIGGER tenants_updated_at BEFORE UPDATE ON tenants
    FOR EACH ROW EXECUTE FUNCTION pst_touch_updated_at();

-- The CPAS itself and its partners (the commune's PCS, DEFITS, ADMR…), per tenant.
CREATE TABLE organisations (
    id         uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    tenant_id  uuid NOT NULL REFERENCES tenants (id),
    name       text NOT NULL CHECK (length(btrim(name)) BETWEEN 1 AND 200),
    kind       text NOT NULL CHECK (kind IN ('cpas', 'commune', 'association', 'other')),
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    version    integer NOT NULL DEFAULT 1,
    UNIQUE (tenant_id, id),
    UNIQUE (tenant_id, name)
);
CREATE TRIGGER organisations_updated_at BEFORE UPDATE ON organisations
    FOR EACH ROW EXECUTE FUNCTION pst_touch_updated_at();

CREATE TABLE plans (
    id              uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    tenant_id       uuid NOT NULL REFERENCES tenants (id),
    title           text NOT NULL CHECK (length(btrim(title)) BETWEEN 1 AND 500),
    start_year      integer CHECK (start_year BETWEEN 1990 AND 2200),
    end_year        integer CHECK (end_year BETWEEN 1990 AND 2200),
    status          text NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'adopted', 'closed')),
    adopted_on      date,
    opinion_title   text,
    source_document text,
    created_at      timestamptz NOT NULL DEFAULT now(),
    updated_at      timestamptz NOT NULL DEFAULT now(),
    version         integer NOT NULL DEFAULT 1,
    UNIQUE (tenant_id, id),
    CHECK (start_year IS NULL OR end_year IS NULL OR start_year <= end_year),
    CHECK (status <> 'draft' OR adopted_on IS NULL)
);
CREATE INDEX plans_tenant_idx ON plans (tenant_id, created_at);
CREATE TRIGGER plans_updated_at BEFORE UPDATE ON plans
    FOR EACH ROW EXECUTE FUNCTION pst_touch_updated_at();

-- Strategic (OS, no parent) and operational (OO, under an OS of the same plan) objectives.
CREATE TABLE objectives (
    id         uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    tenant_id  uuid NOT NULL,
    plan_id    uuid NOT NULL,
    parent_id  uuid,
    level      text NOT NULL CHECK (level IN ('strategic', 'operational')),
    volet      text NOT NULL CHECK (volet IN ('externe', 'interne')),
    code       text NOT NULL CHECK (code ~ '^[A-Za-z0-9][A-Za-z0-9._-]{0,31}$'),
    title      text NOT NULL CHECK (length(btrim(title)) BETWEEN 1 AND 1000),
    position   integer NOT NULL CHECK (position >= 0),
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    version    integer NOT NULL DEFAULT 1,
    UNIQUE (tenant_id, id),
    UNIQUE (tenant_id, plan_id, id),
    -- Codes are unique within a plan; deferrable so that a swap of two codes can commit.
    CONSTRAINT objectives_code_unique UNIQUE (plan_id, code) DEFERRABLE INITIALLY IMMEDIATE,
    FOREIGN KEY (tenant_id, plan_id) REFERENCES plans (tenant_id, id) ON DELETE CASCADE,
    FOREIGN KEY (tenant_id, plan_id, parent_id) REFERENCES objectives (tenant_id, plan_id, id),
    CHECK ((level = 'strategic') = (parent_id IS NULL))
);
CREATE INDEX objectives_plan_idx ON objectives (plan_id, position);
CREATE INDEX objectives_parent_idx ON objectives (parent_id) WHERE parent_id IS NOT NULL;
CREATE TRIGGER objectives_updated_at BEFORE UPDATE ON objectives
    FOR EACH ROW EXECUTE FUNCTION pst_touch_updated_at();

CREATE TABLE actions (
    id            uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    tenant_id     uuid NOT NULL,
    plan_id       uuid NOT NULL,
    objective_id  uuid NOT NULL,
    code          text NOT NULL CHECK (code ~ '^[A-Za-z0-9][A-Za-z0-9._-]{0,31}$'),
    kind          text CHECK (kind IN ('mission', 'projet')),
    title         text NOT NULL CHECK (length(btrim(title)) BETWEEN 1 AND 1000),
    description   text CHECK (length(description) <= 10000),
    reservation   text CHECK (length(reservation) <= 2000),
    transversal   boolean NOT NULL DEFAULT false,
    status        text NOT NULL DEFAULT 'non_commence' CHECK (status IN
                      ('non_commence', 'en_cours', 'en_attente', 'probleme', 'termine', 'annule_abandonne')),
    progress      smallint NOT NULL DEFAULT 0 CHECK (progress BETWEEN 0 AND 100),
    planned_start date,
    planned_end   date,
    actual_end    date,
    position      integer NOT NULL CHECK (position >= 0),
    archived_at   timestamptz,
    created_at    timestamptz NOT NULL DEFAULT now(),
    updated_at    timestamptz NOT NULL DEFAULT now(),
    version       integer NOT NULL DEFAULT 1,
    UNIQUE (tenant_id, id),
    CONSTRAINT actions_code_unique UNIQUE (plan_id, code) DEFERRABLE INITIALLY IMMEDIATE,
    FOREIGN KEY (tenant_id, plan_id) REFERENCES plans (tenant_id, id) ON DELETE CASCADE,
    FOREIGN KEY (tenant_id, plan_id, objective_id) REFERENCES objectives (tenant_id, plan_id, id),
    CHECK (planned_start IS NULL OR planned_end IS NULL OR planned_start <= planned_end)
);
CREATE INDEX actions_plan_idx ON actions (plan_id, position);
CREATE INDEX actions_objective_idx ON actions (objective_id, position);
CREATE TRIGGER actions_updated_at BEFORE UPDATE ON actions
    FOR EACH ROW EXECUTE FUNCTION pst_touch_updated_at();

-- Actions hang under operational objectives only; the tree has exactly two levels.
CREATE FUNCTION pst_check_action_objective() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM objectives o
                   WHERE o.id = NEW.objective_id AND o.level = 'operational') THEN
        RAISE EXCEPTION 'an action must belong to an operational objective'
            USING ERRCODE = 'check_violation', CONSTRAINT = 'actions_objective_operational';
    END IF;
    RETURN NEW;
END;
$$;
CREATE TRIGGER actions_objective_operational BEFORE INSERT OR UPDATE OF objective_id ON actions
    FOR EACH ROW EXECUTE FUNCTION pst_check_action_objective();

CREATE FUNCTION pst_check_objective_parent() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.parent_id IS NOT NULL AND NOT EXISTS (
        SELECT 1 FROM objectives o WHERE o.id = NEW.parent_id AND o.level = 'strategic') THEN
        RAISE EXCEPTION 'an operational objective must sit under a strategic objective'
            USING ERRCODE = 'check_violation', CONSTRAINT = 'objectives_parent_strategic';
    END IF;
    RETURN NEW;
END;
$$;
CREATE TRIGGER objectives_parent_strategic BEFORE INSERT OR UPDATE OF parent_id, level ON objectives
    FOR EACH ROW EXECUTE FUNCTION pst_check_objective_parent();

-- Lead entity and collaborating organisations of an action.
CREATE TABLE action_organisations (
    tenant_id       uuid NOT NULL,
    action_id       uuid NOT NULL,
    organisation_id uuid NOT NULL,
    role            text NOT NULL CHECK (role IN ('lead', 'collaborator')),
    position        integer NOT NULL DEFAULT 0 CHECK (position >= 0),
    created_at      timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (action_id, organisation_id),
    FOREIGN KEY (tenant_id, action_id) REFERENCES actions (tenant_id, id) ON DELETE CASCADE,
    FOREIGN KEY (tenant_id, organisation_id) REFERENCES organisations (tenant_id, id)
);
-- At most one lead entity per action.
CREATE UNIQUE INDEX action_organisations_one_lead ON action_organisations (action_id) WHERE role = 'lead';
-- "My actions" of a partner organisation.
CREATE INDEX action_organisations_org_idx ON action_organisations (organisation_id);

-- Opinions ("avis") of the Directeur général.
CREATE TABLE opinions (
    id         uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    tenant_id  uuid NOT NULL,
    plan_id    uuid NOT NULL,
    heading    text CHECK (length(heading) <= 1000),
    body       text NOT NULL CHECK (length(btrim(body)) BETWEEN 1 AND 50000),
    position   integer NOT NULL CHECK (position >= 0),
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    version    integer NOT NULL DEFAULT 1,
    UNIQUE (tenant_id, id),
    UNIQUE (tenant_id, plan_id, id),
    FOREIGN KEY (tenant_id, plan_id) REFERENCES plans (tenant_id, id) ON DELETE CASCADE
);
CREATE INDEX opinions_plan_idx ON opinions (plan_id, position);
CREATE TRIGGER opinions_updated_at BEFORE UPDATE ON opinions
    FOR EACH ROW EXECUTE FUNCTION pst_touch_updated_at();

-- The objectives an opinion discusses (none: the opinion is on the whole plan). Both sides
-- belong to the same plan by construction of the foreign keys.
CREATE TABLE opinion_objectives (
    tenant_id    uuid NOT NULL,
    plan_id      uuid NOT NULL,
    opinion_id   uuid NOT NULL,
    objective_id uuid NOT NULL,
    position     integer NOT NULL DEFAULT 0 CHECK (position >= 0),
    PRIMARY KEY (opinion_id, objective_id),
    FOREIGN KEY (tenant_id, plan_id, opinion_id) REFERENCES opinions (tenant_id, plan_id, id) ON DELETE CASCADE,
    FOREIGN KEY (tenant_id, plan_id, objective_id) REFERENCES objectives (tenant_id, plan_id, id) ON DELETE CASCADE
);
CREATE INDEX opinion_objectives_objective_idx ON opinion_objectives (objective_id);
