-- One author has at most one pending proposal per action: a new report replaces the
-- previous one instead of standing beside it (issue 14.2). The rule is this index; the
-- server answers its violation with `proposal_already_pending`, naming the pending one.
--
-- A proposal replaced by its author's newer one is `replaced`, and says by which: the
-- history keeps both, and tells a replacement from a withdrawal.
ALTER TABLE change_requests
    DROP CONSTRAINT change_requests_status_check,
    ADD CONSTRAINT change_requests_status_check
        CHECK (status IN ('pending', 'approved', 'rejected', 'withdrawn', 'replaced')),
    -- Deferred: the replacement is written after its predecessor is set aside (the index
    -- below allows one pending at a time).
    ADD COLUMN replaced_by uuid REFERENCES change_requests (id) DEFERRABLE INITIALLY DEFERRED,
    ADD CONSTRAINT change_requests_replaced_by_set
        CHECK ((status = 'replaced') = (replaced_by IS NOT NULL));

-- Proposals stacked before the rule: the newest of each author on each action stays
-- pending, the older ones are replaced by it.
WITH ranked AS (
    SELECT id,
           first_value(id) OVER newest AS newest_id,
           row_number() OVER newest AS rank
      FROM change_requests
     WHERE status = 'pending'
    WINDOW newest AS (PARTITION BY action_id, author_id ORDER BY created_at DESC, id DESC)
)
UPDATE change_requests c
   SET status = 'replaced', replaced_by = ranked.newest_id, version = c.version + 1
  FROM ranked
 WHERE c.id = ranked.id AND ranked.rank > 1;

CREATE UNIQUE INDEX change_requests_one_pending_idx
    ON change_requests (action_id, author_id) WHERE status = 'pending';
