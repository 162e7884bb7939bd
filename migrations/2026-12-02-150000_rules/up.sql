-- Each rule of the follow-up defined once, here, and used by every query (the tree, the
-- actions list, the summary, the reminders, the report): issue 15.2.

-- The CPAS's calendar: the Belgian day of an instant, whatever the server's or the
-- session's time zone (the pool also sets the session's to Europe/Brussels).
CREATE FUNCTION pst_day(at timestamptz) RETURNS date
LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT AS $$
    SELECT (at AT TIME ZONE 'Europe/Brussels')::date
$$;

-- Today, in Brussels.
CREATE FUNCTION pst_today() RETURNS date LANGUAGE sql STABLE PARALLEL SAFE AS $$
    SELECT pst_day(now())
$$;

-- An action that is done or abandoned: nothing more is expected of it.
CREATE FUNCTION pst_status_is_closed(status text) RETURNS boolean
LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT AS $$
    SELECT status IN ('termine', 'annule_abandonne')
$$;

-- Late: the planned end is before the Belgian day of `at` (now by default) and the
-- action is not closed.
CREATE FUNCTION pst_action_is_late(planned_end date, status text, at timestamptz DEFAULT now())
RETURNS boolean LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT coalesce(planned_end < pst_day(at), false) AND NOT pst_status_is_closed(status)
$$;

-- When an action becomes stale without a new report: its last report (or the plan's
-- adoption, at Belgian midnight, or creation) plus the plan's cadence in days of 24 hours;
-- NULL when it never does (a plan not adopted, a closed action). STABLE only because
-- `timestamptz + interval` is declared so; hours make the sum independent of the session.
CREATE FUNCTION pst_stale_deadline(plan_status text, update_cadence_days integer,
                                   adopted_on date, plan_created_at timestamptz,
                                   status text, last_reported_at timestamptz)
RETURNS timestamptz LANGUAGE sql STABLE PARALLEL SAFE AS $$
    SELECT CASE WHEN plan_status = 'adopted' AND NOT pst_status_is_closed(status) THEN
        coalesce(last_reported_at, adopted_on::timestamp AT TIME ZONE 'Europe/Brussels',
                 plan_created_at)
        + make_interval(hours => 24 * update_cadence_days)
    END
$$;

-- Stale: the deadline above has passed at `at` (now by default).
CREATE FUNCTION pst_action_is_stale(plan_status text, update_cadence_days integer,
                                    adopted_on date, plan_created_at timestamptz,
                                    status text, last_reported_at timestamptz,
                                    at timestamptz DEFAULT now())
RETURNS boolean LANGUAGE sql STABLE PARALLEL SAFE AS $$
    SELECT coalesce(pst_stale_deadline(plan_status, update_cadence_days, adopted_on,
                                       plan_created_at, status, last_reported_at) < at, false)
$$;

-- When the Belgian day after `at` starts: the next instant a `late` flag may turn on.
CREATE FUNCTION pst_next_day_start(at timestamptz DEFAULT now()) RETURNS timestamptz
LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT AS $$
    SELECT (pst_day(at) + 1)::timestamp AT TIME ZONE 'Europe/Brussels'
$$;
