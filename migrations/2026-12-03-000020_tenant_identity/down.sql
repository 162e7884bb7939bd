ALTER TABLE tenants
    DROP COLUMN administration_type,
    DROP COLUMN nis_code;
