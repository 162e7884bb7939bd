ALTER TABLE users
    DROP COLUMN civility,
    DROP COLUMN given_name,
    DROP COLUMN family_name,
    DROP COLUMN phone;
