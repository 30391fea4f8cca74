-- Usernames that look alike (io.parley.api.account.Usernames.lookAlike) share username_look_alike, and
-- REGISTER refuses a name whose form an account has. Filled here for the accounts made before; the index is
-- not unique, so two such names registered earlier both stay. The REPLACE chain is lookAlike, step by step.
ALTER TABLE accounts ADD COLUMN username_look_alike VARCHAR(32);
UPDATE accounts SET username_look_alike =
    REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(
        LOWER(username), '0', 'o'), '1', 'l'), 'i', 'l'), '.', '_'), '-', '_'), 'rn', 'm'), 'vv', 'w'), 'cl', 'd');
CREATE INDEX ix_accounts_look_alike ON accounts (username_look_alike);
