-- Replaced proposals read as withdrawn ones (their author set them aside).
DROP INDEX change_requests_one_pending_idx;
ALTER TABLE change_requests DROP CONSTRAINT change_requests_replaced_by_set;
UPDATE change_requests SET status = 'withdrawn' WHERE status = 'replaced';
ALTER TABLE change_requests
    DROP COLUMN replaced_by,
    DROP CONSTRAINT change_requests_status_check,
    ADD CONSTRAINT change_requests_status_check
        CHECK (status IN ('pending', 'approved', 'rejected', 'withdrawn'));
