-- Accounts and login tokens. Usernames are unique case-insensitively through username_key (lower case),
-- so H2 and MySQL agree whatever their collation. Times are epoch milliseconds.
CREATE TABLE accounts (
    id BIGINT AUTO_INCREMENT PRIMARY KEY,
    username VARCHAR(32) NOT NULL,
    username_key VARCHAR(32) NOT NULL,
    password_hash VARCHAR(255) NOT NULL,
    nickname VARCHAR(64) NOT NULL,
    signature VARCHAR(256) NOT NULL,
    avatar VARCHAR(512) NOT NULL,
    created_at BIGINT NOT NULL,
    CONSTRAINT uk_accounts_username UNIQUE (username_key)
) DEFAULT CHARSET=utf8mb4;

CREATE TABLE tokens (
    token_id VARCHAR(64) NOT NULL PRIMARY KEY,
    user_id BIGINT NOT NULL,
    device VARCHAR(64) NOT NULL,
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL
) DEFAULT CHARSET=utf8mb4;

CREATE INDEX ix_tokens_user ON tokens (user_id);

CREATE INDEX ix_tokens_expires ON tokens (expires_at);
