-- Follow-up of actions: the eComptes fields, indicators, budget, journal; change proposals
-- with approval; the append-only history; the in-app inbox; search.

CREATE EXTENSION IF NOT EXISTS unaccent;
CREATE EXTENSION IF NOT EXISTS pg_trgm;

-- `unaccent` is only STABLE (its dictionary could change); pinning the dictionary makes
-- this wrapper safe to index.
CREATE FUNCTION pst_fold(text) RETURNS text LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT AS $$
    SELECT lower(public.unaccent('public.unaccent'::regdictionary, $1))
$$;

ALTER TABLE plans
    ADD COLUMN update_cadence_days integer NOT NULL DEFAULT 90
        CHECK (update_cadence_days BETWEEN 7 AND 366);

ALTER TABLE actions
    ADD COLUMN political_lead      text CHECK (length(political_lead) <= 200),
    ADD COLUMN administrative_lead text CHECK (length(administrative_lead) <= 200),
    ADD COLUMN staffing_fte        double precision CHECK (staffing_fte >= 0 AND staffing_fte <= 9999),
    ADD COLUMN sdgs                smallint[] NOT NULL DEFAULT '{}'
        CHECK (sdgs <@ ARRAY[1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17]::smallint[]),
    -- When the follow-up was last reported (an applied change); drives the "stale" reminders.
    ADD COLUMN last_reported_at    timestamptz,
    ADD CONSTRAINT actions_actual_end_after_start
        CHECK (actual_end IS NULL OR planned_start IS NULL OR planned_start <= actual_end);

-- Free-text search on code and title, accents and case ignored.
CREATE INDEX actions_search_idx ON actions USING gin (pst_fold(code || ' ' || title) gin_trgm_ops);
CREATE INDEX actions_status_idx ON actions (plan_id, status);
CREATE INDEX organisations_search_idx ON organisations USING gin (pst_fold(name) gin_trgm_ops);

-- Indicators: recurring ones (missions) carry a year, milestones (projets) do not.
CREATE TABLE indicators (
    id            uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    tenant_id     uuid NOT NULL,
    action_id     uuid NOT NULL,
    name          text NOT NULL CHECK (length(btrim(name)) BETWEEN 1 AND 300),
    unit          text CHECK (length(unit) <= 50),
    year          integer CHECK (year BETWEEN 1990 AND 2200),
    baseline      double precision,
    target        double precision,
    current_value double precision,
    measured_at   date,
    position      integer NOT NULL DEFAULT 0 CHECK (position >= 0),
    created_at    timestamptz NOT NULL DEFAULT now(),
    updated_at    timestamptz NOT NULL DEFAULT now(),
    version       integer NOT NULL DEFAULT 1,
    UNIQUE (tenant_id, id),
    FOREIGN KEY (tenant_id, action_id) REFERENCES actions (tenant_id, id) ON DELETE CASCADE
);
CREATE INDEX indicators_action_idx ON indicators (action_id, position);
CREATE TRIGGER indicators_updated_at BEFORE UPDATE ON indicators
    FOR EACH ROW EXECUTE FUNCTION pst_touch_updated_at();

-- Budget lines, amounts in euro cents.
CREATE TABLE budget_lines (
    id             uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    tenant_id      uuid NOT NULL,
    action_id      uuid NOT NULL,
    year           integer NOT NULL CHECK (year BETWEEN 1990 AND 2200),
    service        text NOT NULL CHECK (service IN ('ordinaire', 'extraordinaire')),
    direction      text NOT NULL CHECK (direction IN ('recette', 'depense')),
    article        text CHECK (length(article) <= 50),
    planned_cents  bigint NOT NULL DEFAULT 0 CHECK (planned_cents >= 0),
    spent_cents    bigint NOT NULL DEFAULT 0 CHECK (spent_cents >= 0),
    funding_source text CHECK (length(funding_source) <= 200),
    position       integer NOT NULL DEFAULT 0 CHECK (position >= 0),
    created_at     timestamptz NOT NULL DEFAULT now(),
    updated_at     timestamptz NOT NULL DEFAULT now(),
    version        integer NOT NULL DEFAULT 1,
    UNIQUE (tenant_id, id),
    FOREIGN KEY (tenant_id, action_id) REFERENCES actions (tenant_id, id) ON DELETE CASCADE
);
CREATE INDEX budget_lines_action_idx ON budget_lines (action_id, year, position);
CREATE TRIGGER budget_lines_updated_at BEFORE UPDATE ON budget_lines
    FOR EACH ROW EXECUTE FUNCTION pst_touch_updated_at();

-- Dated notes on an action.
CREATE TABLE journal_entries (
    id         uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    tenant_id  uuid NOT NULL,
    action_id  uuid NOT NULL,
    author_id  uuid NOT NULL REFERENCES users (id),
    entry_date date NOT NULL DEFAULT current_date,
    body       text NOT NULL CHECK (length(btrim(body)) BETWEEN 1 AND 10000),
    created_at timestamptz NOT NULL DEFAULT now(),
    UNIQUE (tenant_id, id),
    FOREIGN KEY (tenant_id, action_id) REFERENCES actions (tenant_id, id) ON DELETE CASCADE
);
CREATE INDEX journal_entries_action_idx ON journal_entries (action_id, entry_date DESC, created_at DESC);

-- Proposals of a change of an action's follow-up, decided by the president or the DG.
CREATE TABLE change_requests (
    id           uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    tenant_id    uuid NOT NULL,
    action_id    uuid NOT NULL,
    author_id    uuid NOT NULL REFERENCES users (id),
    base_version integer NOT NULL,
    -- The proposed values, by field, and the values they replace when proposed.
    changes      jsonb NOT NULL CHECK (jsonb_typeof(changes) = 'object'),
    before       jsonb NOT NULL CHECK (jsonb_typeof(before) = 'object'),
    note         text CHECK (length(note) <= 10000),
    status       text NOT NULL DEFAULT 'pending'
                     CHECK (status IN ('pending', 'approved', 'rejected', 'withdrawn')),
    decided_by   uuid REFERENCES users (id),
    decided_at   timestamptz,
    reason       text CHECK (length(reason) <= 5000),
    created_at   timestamptz NOT NULL DEFAULT now(),
    updated_at   timestamptz NOT NULL DEFAULT now(),
    version      integer NOT NULL DEFAULT 1,
    UNIQUE (tenant_id, id),
    FOREIGN KEY (tenant_id, action_id) REFERENCES actions (tenant_id, id),
    CHECK ((status IN ('approved', 'rejected')) = (decided_by IS NOT NULL AND decided_at IS NOT NULL)),
    CHECK (status <> 'rejected' OR length(btrim(reason)) > 0)
);
CREATE INDEX change_requests_queue_idx ON change_requests (tenant_id, status, created_at);
CREATE INDEX change_requests_action_idx ON change_requests (action_id, created_at);
CREATE INDEX change_requests_author_idx ON change_requests (author_id, created_at);
CREATE TRIGGER change_requests_updated_at BEFORE UPDATE ON change_requests
    FOR EACH ROW EXECUTE FUNCTION pst_touch_updated_at();

-- Every applied change of an action: who, when, each field before and after, and the
-- proposal it came from. Append-only: the trigger below refuses any UPDATE, DELETE or
-- TRUNCATE, whatever the role.
CREATE TABLE action_history (
    id                bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    tenant_id         uuid NOT NULL,
    action_id         uuid NOT NULL,
    applied_by        uuid NOT NULL REFERENCES users (id),
    proposed_by       uuid REFERENCES users (id),
    change_request_id uuid REFERENCES change_requests (id),
    at                timestamptz NOT NULL DEFAULT now(),
    version           integer NOT NULL,
    changes           jsonb NOT NULL CHECK (jsonb_typeof(changes) = 'array'),
    FOREIGN KEY (tenant_id, action_id) REFERENCES actions (tenant_id, id)
);
CREATE INDEX action_history_action_idx ON action_history (action_id, at, id);
CREATE INDEX action_history_tenant_idx ON action_history (tenant_id, at);

CREATE FUNCTION pst_refuse_history_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'action_history is append-only'
        USING ERRCODE = 'insufficient_privilege';
END;
$$;
CREATE TRIGGER action_history_append_only BEFORE UPDATE OR DELETE ON action_history
    FOR EACH ROW EXECUTE FUNCTION pst_refuse_history_change();
CREATE TRIGGER action_history_no_truncate BEFORE TRUNCATE ON action_history
    FOR EACH STATEMENT EXECUTE FUNCTION pst_refuse_history_change();

-- The in-app inbox.
CREATE TABLE notifications (
    id         uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    tenant_id  uuid NOT NULL REFERENCES tenants (id),
    user_id    uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    kind       text NOT NULL CHECK (kind IN ('change_request_created', 'change_request_approved',
                                             'change_request_rejected', 'action_stale', 'stale_digest')),
    payload    jsonb NOT NULL DEFAULT '{}',
    created_at timestamptz NOT NULL DEFAULT now(),
    read_at    timestamptz
);
CREATE INDEX notifications_inbox_idx ON notifications (user_id, created_at DESC);
CREATE INDEX notifications_unread_idx ON notifications (user_id) WHERE read_at IS NULL;
