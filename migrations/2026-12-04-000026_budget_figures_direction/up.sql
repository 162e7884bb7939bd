-- Each budget figure says whether it is an expense or a revenue (a new last column): the
-- roll-ups add up expenses only (a subsidy received is not a cost of the plan), and sums
-- that mixed the two meant nothing.
CREATE OR REPLACE VIEW budget_figures AS
    SELECT b.tenant_id, a.plan_id, a.id AS element_id, oo.id AS oo_id, oo.parent_id AS os_id,
           b.year, b.planned_cents, b.spent_cents, 0::int8 AS ecomptes_cents,
           b.engaged_cents, b.direction
    FROM budget_lines b
    JOIN actions x ON x.id = b.action_id AND x.archived_at IS NULL
    JOIN actions a ON a.id = coalesce(x.parent_id, x.id) AND a.archived_at IS NULL
    JOIN objectives oo ON oo.id = a.objective_id
    WHERE b.archived_at IS NULL
    UNION ALL
    SELECT e.tenant_id, a.plan_id, a.id, oo.id, oo.parent_id,
           e.year, 0::int8, 0::int8, e.amount_cents, 0::int8, e.direction
    FROM ecomptes_articles e
    JOIN actions x ON x.id = e.action_id AND x.archived_at IS NULL
    JOIN actions a ON a.id = coalesce(x.parent_id, x.id) AND a.archived_at IS NULL
    JOIN objectives oo ON oo.id = a.objective_id
    UNION ALL
    SELECT e.tenant_id, o.plan_id, o.id, CASE WHEN o.parent_id IS NOT NULL THEN o.id END,
           coalesce(o.parent_id, o.id), e.year, 0::int8, 0::int8, e.amount_cents, 0::int8,
           e.direction
    FROM ecomptes_articles e
    JOIN objectives o ON o.id = e.objective_id;
