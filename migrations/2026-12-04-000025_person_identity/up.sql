-- A person as official documents name them (issue 17.4): the eComptes file's
-- `Responsable` needs a civility, a family name and a given name apart (the display name
-- is one free line), and has a place for a telephone number. Each person gives their own.
ALTER TABLE users
    ADD COLUMN civility    text CHECK (civility IN ('madame', 'monsieur')),
    ADD COLUMN given_name  text CHECK (length(given_name) <= 50),
    ADD COLUMN family_name text CHECK (length(family_name) <= 100),
    ADD COLUMN phone       text CHECK (length(phone) <= 15);
