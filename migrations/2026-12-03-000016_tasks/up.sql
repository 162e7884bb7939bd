-- Tasks (issue 16.2): dated pieces of work on an action or a sub-action, given to a person
-- or an organisation of the CPAS, closed by them (or the management), reminded before and
-- after their due date.

CREATE TABLE tasks (
    id                       uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    tenant_id                uuid NOT NULL REFERENCES tenants (id),
    action_id                uuid NOT NULL,
    title                    text NOT NULL
        CONSTRAINT tasks_title_check CHECK (length(btrim(title)) BETWEEN 1 AND 300),
    -- A person, or an organisation (any of its people may close the task), or nobody yet.
    assignee_user_id         uuid,
    assignee_organisation_id uuid,
    due_on                   date NOT NULL
        CONSTRAINT tasks_due_on_range CHECK (pst_date_in_range(due_on)),
    done_at                  timestamptz,
    done_by                  uuid REFERENCES users (id),
    created_by               uuid NOT NULL REFERENCES users (id),
    created_at               timestamptz NOT NULL DEFAULT now(),
    updated_at               timestamptz NOT NULL DEFAULT now(),
    version                  integer NOT NULL DEFAULT 1,
    -- When the assignee was told that the due date is near, and that it passed: once each
    -- (both forgotten when the due date or the assignee changes).
    reminded_soon_at         timestamptz,
    reminded_overdue_at      timestamptz,
    UNIQUE (tenant_id, id),
    CONSTRAINT tasks_action_fk FOREIGN KEY (tenant_id, action_id)
        REFERENCES actions (tenant_id, id) ON DELETE CASCADE,
    -- Another CPAS's person or organisation is not found (composite keys: zero leakage
    -- holds in the schema, whatever the code above it does).
    CONSTRAINT tasks_assignee_user_fk FOREIGN KEY (tenant_id, assignee_user_id)
        REFERENCES users (tenant_id, id),
    CONSTRAINT tasks_assignee_organisation_fk FOREIGN KEY (tenant_id, assignee_organisation_id)
        REFERENCES organisations (tenant_id, id),
    CONSTRAINT tasks_one_assignee
        CHECK (assignee_user_id IS NULL OR assignee_organisation_id IS NULL),
    CONSTRAINT tasks_done_by CHECK ((done_at IS NULL) = (done_by IS NULL))
);
CREATE INDEX tasks_action_idx ON tasks (action_id, due_on);
CREATE INDEX tasks_user_open_idx ON tasks (assignee_user_id, due_on)
    WHERE done_at IS NULL AND assignee_user_id IS NOT NULL;
CREATE INDEX tasks_organisation_open_idx ON tasks (assignee_organisation_id, due_on)
    WHERE done_at IS NULL AND assignee_organisation_id IS NOT NULL;
-- The reminders' scan: open tasks by due date.
CREATE INDEX tasks_open_due_idx ON tasks (due_on) WHERE done_at IS NULL;

CREATE TRIGGER tasks_updated_at BEFORE UPDATE ON tasks
    FOR EACH ROW EXECUTE FUNCTION pst_touch_updated_at();
-- The plan tree counts open and overdue tasks: its cache follows them.
CREATE CONSTRAINT TRIGGER tasks_content_revision AFTER INSERT OR UPDATE OR DELETE ON tasks
    DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW EXECUTE FUNCTION pst_bump_content_revision();

-- A task is due within its plan's years (when the plan has them): refused as the
-- constraint `tasks_due_in_plan`, the trigger's name.
CREATE FUNCTION pst_check_task_due() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    years record;
BEGIN
    -- Within the task's CPAS: another CPAS's action is the foreign key's to refuse.
    SELECT p.start_year, p.end_year INTO years
    FROM actions a JOIN plans p ON p.id = a.plan_id
    WHERE a.id = NEW.action_id AND a.tenant_id = NEW.tenant_id;
    IF NOT FOUND THEN
        RETURN NEW;
    END IF;
    IF NEW.due_on < make_date(years.start_year, 1, 1)
       OR NEW.due_on > make_date(years.end_year, 12, 31) THEN
        RAISE EXCEPTION 'a task is due within its plan''s years (% to %)',
                years.start_year, years.end_year
            USING ERRCODE = 'check_violation', CONSTRAINT = 'tasks_due_in_plan';
    END IF;
    RETURN NEW;
END;
$$;
CREATE TRIGGER tasks_due_in_plan BEFORE INSERT OR UPDATE OF due_on, action_id ON tasks
    FOR EACH ROW EXECUTE FUNCTION pst_check_task_due();

-- A new due date or a new assignee is reminded afresh.
CREATE FUNCTION pst_task_reminders_afresh() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    NEW.reminded_soon_at := NULL;
    NEW.reminded_overdue_at := NULL;
    RETURN NEW;
END;
$$;
CREATE TRIGGER tasks_reminders_afresh BEFORE UPDATE OF due_on, assignee_user_id,
    assignee_organisation_id ON tasks
    FOR EACH ROW WHEN (OLD.due_on IS DISTINCT FROM NEW.due_on
                       OR OLD.assignee_user_id IS DISTINCT FROM NEW.assignee_user_id
                       OR OLD.assignee_organisation_id IS DISTINCT FROM NEW.assignee_organisation_id)
    EXECUTE FUNCTION pst_task_reminders_afresh();

-- Overdue: open, and its due date is before the Belgian day of `at` (now by default).
CREATE FUNCTION pst_task_is_overdue(due_on date, done_at timestamptz, at timestamptz DEFAULT now())
    RETURNS boolean LANGUAGE sql STABLE PARALLEL SAFE
    RETURN done_at IS NULL AND due_on < pst_day(at);

-- Due soon: open, and due within the next three days of the Belgian calendar (today
-- included): the assignee's reminder before the due date.
CREATE FUNCTION pst_task_is_due_soon(due_on date, done_at timestamptz, at timestamptz DEFAULT now())
    RETURNS boolean LANGUAGE sql STABLE PARALLEL SAFE
    RETURN done_at IS NULL AND due_on BETWEEN pst_day(at) AND pst_day(at) + 3;

-- A closed task is written in its action's journal; the entry says what it is (a note,
-- or a task done: its body is the task's title), so each reader sees it in their language.
ALTER TABLE journal_entries
    ADD COLUMN kind text NOT NULL DEFAULT 'note'
        CONSTRAINT journal_entries_kind_check CHECK (kind IN ('note', 'task_done'));

ALTER TABLE notifications DROP CONSTRAINT notifications_kind_check;
ALTER TABLE notifications ADD CONSTRAINT notifications_kind_check
    CHECK (kind IN ('change_request_created', 'change_request_approved',
                    'change_request_rejected', 'action_stale', 'stale_digest',
                    'task_assigned', 'task_due_soon', 'task_overdue'));

ALTER TABLE webhook_endpoints DROP CONSTRAINT webhook_endpoints_events_check;
ALTER TABLE webhook_endpoints ADD CONSTRAINT webhook_endpoints_events_check
    CHECK (events <@ ARRAY['change_request.created', 'change_request.approved',
                           'change_request.rejected', 'action.updated', 'plan.adopted',
                           'task.created', 'task.completed']
           AND cardinality(events) > 0);
