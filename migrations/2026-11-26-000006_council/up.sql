-- The council's side of a plan: its publication, its adopted versions, its evaluations.

-- A published plan is on the public transparency page; NULL: not published.
ALTER TABLE plans ADD COLUMN published_at timestamptz;

-- Each adoption by the council freezes the plan as it then stood: version 1 at the first
-- adoption, then one per "actualisation" the DG has re-adopted.
CREATE TABLE plan_versions (
    id           uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    tenant_id    uuid NOT NULL REFERENCES tenants (id),
    plan_id      uuid NOT NULL,
    number       integer NOT NULL CHECK (number >= 1),
    adopted_on   date NOT NULL,
    -- The reference of the council's deliberation, e.g. "CAS 2025/014".
    deliberation text CHECK (length(deliberation) <= 200),
    -- The plan tree (JSON of the API's PlanTree) at adoption.
    snapshot     jsonb NOT NULL,
    created_by   uuid REFERENCES users (id),
    created_at   timestamptz NOT NULL DEFAULT now(),
    UNIQUE (tenant_id, id),
    UNIQUE (plan_id, number),
    FOREIGN KEY (tenant_id, plan_id) REFERENCES plans (tenant_id, id) ON DELETE CASCADE
);

-- Mid-term and final evaluations: the follow-up data frozen at a date.
CREATE TABLE plan_evaluations (
    id         uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    tenant_id  uuid NOT NULL REFERENCES tenants (id),
    plan_id    uuid NOT NULL,
    kind       text NOT NULL CHECK (kind IN ('mid_term', 'final')),
    as_of      date NOT NULL,
    snapshot   jsonb NOT NULL,
    created_by uuid REFERENCES users (id),
    created_at timestamptz NOT NULL DEFAULT now(),
    UNIQUE (tenant_id, id),
    UNIQUE (plan_id, kind),
    FOREIGN KEY (tenant_id, plan_id) REFERENCES plans (tenant_id, id) ON DELETE CASCADE
);
