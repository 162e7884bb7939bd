-- Reporting periods (issue 18.3): the DG opens a period of a plan ("T1 2027", from, to,
-- deadline); each action that is still expected to move gets an update request, addressed
-- to its lead organisation; reminders go before and after the deadline; at the close the
-- period is frozen: what the report and the workbook show as at its end is kept.

-- How many days before and after a period's deadline its reminders go (0: none), per CPAS.
ALTER TABLE tenants
    ADD COLUMN period_reminder_days_before smallint NOT NULL DEFAULT 7
        CONSTRAINT tenants_period_reminder_days_before_check
        CHECK (period_reminder_days_before BETWEEN 0 AND 60),
    ADD COLUMN period_reminder_days_after smallint NOT NULL DEFAULT 3
        CONSTRAINT tenants_period_reminder_days_after_check
        CHECK (period_reminder_days_after BETWEEN 0 AND 60);

CREATE TABLE reporting_periods (
    id                 uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    tenant_id          uuid NOT NULL REFERENCES tenants (id),
    plan_id            uuid NOT NULL,
    label              text NOT NULL
        CONSTRAINT reporting_periods_label_check CHECK (length(label) BETWEEN 1 AND 80),
    starts_on          date NOT NULL,
    ends_on            date NOT NULL,
    deadline           date NOT NULL,
    opened_by          uuid NOT NULL,
    opened_at          timestamptz NOT NULL DEFAULT now(),
    closed_by          uuid,
    closed_at          timestamptz,
    -- The plan as at the close: tree, indicators, budget lines, latest notes, decisions of
    -- the period and budget by year (what the report and the workbook are made of).
    snapshot           jsonb,
    reminded_before_at timestamptz,
    reminded_after_at  timestamptz,
    UNIQUE (tenant_id, id),
    CONSTRAINT reporting_periods_label_unique UNIQUE (plan_id, label),
    CONSTRAINT reporting_periods_plan_fk FOREIGN KEY (tenant_id, plan_id)
        REFERENCES plans (tenant_id, id) ON DELETE CASCADE,
    CONSTRAINT reporting_periods_opened_by_fk FOREIGN KEY (tenant_id, opened_by)
        REFERENCES users (tenant_id, id),
    CONSTRAINT reporting_periods_closed_by_fk FOREIGN KEY (tenant_id, closed_by)
        REFERENCES users (tenant_id, id),
    CONSTRAINT reporting_periods_order CHECK (starts_on <= ends_on),
    CONSTRAINT reporting_periods_deadline CHECK (deadline >= starts_on),
    CONSTRAINT reporting_periods_closed CHECK (
        (closed_at IS NULL) = (closed_by IS NULL) AND (closed_at IS NULL) = (snapshot IS NULL))
);
-- One period of a plan is open at a time: the reports made meanwhile belong to it.
CREATE UNIQUE INDEX reporting_periods_one_open ON reporting_periods (plan_id)
    WHERE closed_at IS NULL;
CREATE INDEX reporting_periods_plan_idx ON reporting_periods (plan_id, ends_on);

-- An action's update request in a period, addressed to the organisation that led it at
-- the opening (none: the CPAS's own people report it).
CREATE TABLE period_requests (
    period_id       uuid NOT NULL,
    action_id       uuid NOT NULL,
    tenant_id       uuid NOT NULL,
    organisation_id uuid,
    -- When the action was reported while the period was open (set by the trigger below).
    reported_at     timestamptz,
    PRIMARY KEY (period_id, action_id),
    CONSTRAINT period_requests_period_fk FOREIGN KEY (tenant_id, period_id)
        REFERENCES reporting_periods (tenant_id, id) ON DELETE CASCADE,
    CONSTRAINT period_requests_action_fk FOREIGN KEY (tenant_id, action_id)
        REFERENCES actions (tenant_id, id) ON DELETE CASCADE,
    CONSTRAINT period_requests_organisation_fk FOREIGN KEY (tenant_id, organisation_id)
        REFERENCES organisations (tenant_id, id) ON DELETE SET NULL (organisation_id)
);
CREATE INDEX period_requests_waiting_idx ON period_requests (action_id) WHERE reported_at IS NULL;

-- "Reported in the period": the action was reported (an approved proposal, a direct edit,
-- a note in its journal: `actions.last_reported_at`) while the period was open. Defined
-- here once; a closed period no longer changes, so a later report belongs to the next one.
CREATE FUNCTION pst_period_reported() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE period_requests r SET reported_at = NEW.last_reported_at
    FROM reporting_periods p
    WHERE r.action_id = NEW.id AND r.reported_at IS NULL
      AND p.id = r.period_id AND p.closed_at IS NULL;
    RETURN NULL;
END;
$$;
CREATE TRIGGER actions_reported_in_period AFTER UPDATE OF last_reported_at ON actions
    FOR EACH ROW WHEN (NEW.last_reported_at IS NOT NULL
                       AND NEW.last_reported_at IS DISTINCT FROM OLD.last_reported_at)
    EXECUTE FUNCTION pst_period_reported();

-- Whether a period's reminder is due today (Brussels), `before` or `after` its deadline,
-- with the CPAS's number of days (0: never). A period opened within the days before its
-- deadline gets no "before" reminder: its requests are that fresh.
CREATE FUNCTION pst_period_reminder_due(after boolean, deadline date, days smallint,
                                        opened_at timestamptz)
    RETURNS boolean LANGUAGE sql STABLE PARALLEL SAFE
    RETURN days > 0 AND CASE
        WHEN after THEN pst_today() >= deadline + days
        ELSE pst_today() BETWEEN deadline - days AND deadline
             AND pst_day(opened_at) < deadline - days
    END;

-- A period's requests and reminders reach people through their inbox.
ALTER TABLE notifications DROP CONSTRAINT notifications_kind_check;
ALTER TABLE notifications ADD CONSTRAINT notifications_kind_check
    CHECK (kind IN ('change_request_created', 'change_request_approved',
                    'change_request_rejected', 'action_stale', 'stale_digest',
                    'task_assigned', 'task_due_soon', 'task_overdue', 'comment_mention',
                    'period_opened', 'period_reminder'));
