-- What eComptes sends back for the elements of a plan (issue 17.5): the budget articles
-- and the multi-year projections the Region's application attached to an objective or an
-- action. They are the Region's figures, kept apart from the CPAS's own budget lines
-- (which the DG edits and partners report on) so that the two can be reconciled; an
-- import replaces an element's articles for the years its file brings, and its
-- projections made for the file's budget year.
CREATE TABLE ecomptes_articles (
    id           uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    tenant_id    uuid NOT NULL,
    plan_id      uuid NOT NULL,
    -- Exactly one of the two: the element eComptes attached the article to.
    objective_id uuid,
    action_id    uuid,
    year         integer NOT NULL CHECK (year BETWEEN 1990 AND 2200),
    service      text NOT NULL CHECK (service IN ('ordinaire', 'extraordinaire')),
    direction    text NOT NULL CHECK (direction IN ('recette', 'depense')),
    code         text NOT NULL CHECK (length(code) BETWEEN 1 AND 50),
    label        text NOT NULL CHECK (length(label) <= 255),
    amount_cents bigint NOT NULL,
    position     integer NOT NULL CHECK (position >= 0),
    imported_at  timestamptz NOT NULL DEFAULT now(),
    imported_by  uuid REFERENCES users (id),
    CHECK (num_nonnulls(objective_id, action_id) = 1),
    FOREIGN KEY (tenant_id, plan_id) REFERENCES plans (tenant_id, id) ON DELETE CASCADE,
    FOREIGN KEY (tenant_id, plan_id, objective_id) REFERENCES objectives (tenant_id, plan_id, id) ON DELETE CASCADE,
    FOREIGN KEY (tenant_id, action_id) REFERENCES actions (tenant_id, id) ON DELETE CASCADE
);
CREATE INDEX ecomptes_articles_action_idx ON ecomptes_articles (action_id, year) WHERE action_id IS NOT NULL;
CREATE INDEX ecomptes_articles_objective_idx ON ecomptes_articles (objective_id, year) WHERE objective_id IS NOT NULL;
CREATE INDEX ecomptes_articles_plan_idx ON ecomptes_articles (plan_id);

-- A projection: one economic group's amounts over the coming years, as projected for the
-- budget year `exercice`.
CREATE TABLE ecomptes_projections (
    id             uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    tenant_id      uuid NOT NULL,
    plan_id        uuid NOT NULL,
    objective_id   uuid,
    action_id      uuid,
    exercice       integer NOT NULL CHECK (exercice BETWEEN 1990 AND 2200),
    service        text NOT NULL CHECK (service IN ('ordinaire', 'extraordinaire')),
    direction      text NOT NULL CHECK (direction IN ('recette', 'depense')),
    economic_group text NOT NULL CHECK (length(economic_group) <= 50),
    label          text NOT NULL CHECK (length(label) <= 255),
    position       integer NOT NULL CHECK (position >= 0),
    imported_at    timestamptz NOT NULL DEFAULT now(),
    imported_by    uuid REFERENCES users (id),
    CHECK (num_nonnulls(objective_id, action_id) = 1),
    FOREIGN KEY (tenant_id, plan_id) REFERENCES plans (tenant_id, id) ON DELETE CASCADE,
    FOREIGN KEY (tenant_id, plan_id, objective_id) REFERENCES objectives (tenant_id, plan_id, id) ON DELETE CASCADE,
    FOREIGN KEY (tenant_id, action_id) REFERENCES actions (tenant_id, id) ON DELETE CASCADE
);
CREATE INDEX ecomptes_projections_action_idx ON ecomptes_projections (action_id) WHERE action_id IS NOT NULL;
CREATE INDEX ecomptes_projections_objective_idx ON ecomptes_projections (objective_id) WHERE objective_id IS NOT NULL;
CREATE INDEX ecomptes_projections_plan_idx ON ecomptes_projections (plan_id);

-- A projection's amount for one of its years.
CREATE TABLE ecomptes_projection_amounts (
    projection_id uuid NOT NULL REFERENCES ecomptes_projections (id) ON DELETE CASCADE,
    year          integer NOT NULL CHECK (year BETWEEN 1990 AND 2200),
    amount_cents  bigint NOT NULL,
    PRIMARY KEY (projection_id, year)
);

-- The budget figures of a plan, one row per amount, each at the action it counts for (a
-- sub-action's for its action) with that action's operational and strategic objectives:
-- the CPAS's live budget lines of live actions (planned, spent), and eComptes' articles
-- (of an action, or of an objective, then `element_id` is the objective and `oo_id` is
-- NULL for a strategic one). The one place this rule is written: the plan's roll-ups and
-- the reconciliation read it.
CREATE VIEW budget_figures AS
    SELECT b.tenant_id, a.plan_id, a.id AS element_id, oo.id AS oo_id, oo.parent_id AS os_id,
           b.year, b.planned_cents, b.spent_cents, 0::int8 AS ecomptes_cents
    FROM budget_lines b
    JOIN actions x ON x.id = b.action_id AND x.archived_at IS NULL
    JOIN actions a ON a.id = coalesce(x.parent_id, x.id) AND a.archived_at IS NULL
    JOIN objectives oo ON oo.id = a.objective_id
    WHERE b.archived_at IS NULL
    UNION ALL
    SELECT e.tenant_id, a.plan_id, a.id, oo.id, oo.parent_id,
           e.year, 0::int8, 0::int8, e.amount_cents
    FROM ecomptes_articles e
    JOIN actions x ON x.id = e.action_id AND x.archived_at IS NULL
    JOIN actions a ON a.id = coalesce(x.parent_id, x.id) AND a.archived_at IS NULL
    JOIN objectives oo ON oo.id = a.objective_id
    UNION ALL
    SELECT e.tenant_id, o.plan_id, o.id, CASE WHEN o.parent_id IS NOT NULL THEN o.id END,
           coalesce(o.parent_id, o.id), e.year, 0::int8, 0::int8, e.amount_cents
    FROM ecomptes_articles e
    JOIN objectives o ON o.id = e.objective_id;
