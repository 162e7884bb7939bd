-- An action's (and a sub-action's) health: the lead's judgement of how it is going, apart
-- from its eComptes status (issue 16.3). Proposed and approved like the other follow-up
-- fields; NULL means not assessed. The comment's length is the API's rule
-- (HEALTH_COMMENT_MAX_CHARS), checked where the change is parsed.
ALTER TABLE actions
    ADD COLUMN health text
        CONSTRAINT actions_health_check CHECK (health IN ('good', 'at_risk', 'struggling', 'paused')),
    ADD COLUMN health_comment text;
