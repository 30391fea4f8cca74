-- An operator's ban (admin command users.ban): when it began, and why; null when the account is not banned.
ALTER TABLE accounts ADD COLUMN banned_at BIGINT NULL;

ALTER TABLE accounts ADD COLUMN banned_reason VARCHAR(256) NULL;
