DO $$
DECLARE
    t text;
BEGIN
    FOREACH t IN ARRAY ARRAY['tenants', 'organisations', 'plans', 'objectives', 'actions',
                             'action_organisations', 'opinions', 'opinion_objectives']
    LOOP
        EXECUTE format('DROP TRIGGER IF EXISTS %I ON %I', t || '_content_revision', t);
    END LOOP;
END;
$$;
DROP FUNCTION pst_bump_content_revision();
DROP TABLE content_revisions;
