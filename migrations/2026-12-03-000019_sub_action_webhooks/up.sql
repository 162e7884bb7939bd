-- Webhooks may subscribe to `sub_action.created` (issue 16.7): a step added under an action.
ALTER TABLE webhook_endpoints DROP CONSTRAINT webhook_endpoints_events_check;
ALTER TABLE webhook_endpoints ADD CONSTRAINT webhook_endpoints_events_check
    CHECK (events <@ ARRAY['change_request.created', 'change_request.approved',
                           'change_request.rejected', 'action.updated', 'plan.adopted',
                           'task.created', 'task.completed', 'sub_action.created']
           AND cardinality(events) > 0);
