ALTER TABLE sessions DROP COLUMN second_factor_pending, DROP COLUMN signed_in_with;
ALTER TABLE tenants DROP COLUMN second_factor_required;
DROP TABLE recovery_codes;
DROP TABLE second_factors;
