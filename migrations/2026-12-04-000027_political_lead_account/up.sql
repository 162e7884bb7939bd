-- The mandataire's account (issue 17.4): the eComptes file's `Mandataire` is a person with
-- a civility, a family name, a given name, a telephone and an e-mail, which the free line
-- `political_lead` ("La présidente") cannot give. The management may link an objective,
-- an action or a sub-action to the account of its mandataire (the president, an échevin
-- who signs in); that person's identity ("Mon compte") is then sent. The line stays what
-- the plan shows and the partners propose.
ALTER TABLE objectives
    ADD COLUMN political_lead_user_id uuid,
    -- Another CPAS's person is not found (composite key); a person deleted leaves the
    -- objective without a mandataire's account.
    ADD CONSTRAINT objectives_political_lead_user_fk FOREIGN KEY (tenant_id, political_lead_user_id)
        REFERENCES users (tenant_id, id) ON DELETE SET NULL (political_lead_user_id);

ALTER TABLE actions
    ADD COLUMN political_lead_user_id uuid,
    ADD CONSTRAINT actions_political_lead_user_fk FOREIGN KEY (tenant_id, political_lead_user_id)
        REFERENCES users (tenant_id, id) ON DELETE SET NULL (political_lead_user_id);

-- A person's deletion finds the rows to clear without reading the tables.
CREATE INDEX objectives_political_lead_user_idx ON objectives (political_lead_user_id)
    WHERE political_lead_user_id IS NOT NULL;
CREATE INDEX actions_political_lead_user_idx ON actions (political_lead_user_id)
    WHERE political_lead_user_id IS NOT NULL;
