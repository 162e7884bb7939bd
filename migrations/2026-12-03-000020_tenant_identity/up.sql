-- What the Region knows a CPAS by (issue 17.3): the NIS code of its municipality (INS in
-- eComptes, five digits) and whether the administration is a CPAS or a commune
-- (eComptes' TypeAdmin). Set by the platform's administrators; NULL until they do. The
-- code's range is the API's rule (domain::NisCode), checked where the change is parsed.
ALTER TABLE tenants
    ADD COLUMN nis_code integer,
    ADD COLUMN administration_type text NOT NULL DEFAULT 'cpas'
        CONSTRAINT tenants_administration_type_check CHECK (administration_type IN ('cpas', 'commune'));
