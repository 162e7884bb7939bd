ALTER TABLE webhook_endpoints DROP CONSTRAINT webhook_endpoints_events_check;
UPDATE webhook_endpoints SET events = array_remove(events, 'sub_action.created');
DELETE FROM webhook_endpoints WHERE cardinality(events) = 0;
ALTER TABLE webhook_endpoints ADD CONSTRAINT webhook_endpoints_events_check
    CHECK (events <@ ARRAY['change_request.created', 'change_request.approved',
                           'change_request.rejected', 'action.updated', 'plan.adopted',
                           'task.created', 'task.completed']
           AND cardinality(events) > 0);
