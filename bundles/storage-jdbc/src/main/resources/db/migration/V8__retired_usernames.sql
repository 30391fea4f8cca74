-- The names of deleted accounts (admin command users.delete). A name is never given to a second account: every
-- node remembers which id a name has, and a friend's old conversation must not reach a stranger.
CREATE TABLE retired_usernames (
    username_key VARCHAR(32) NOT NULL PRIMARY KEY,
    user_id BIGINT NOT NULL,
    deleted_at BIGINT NOT NULL
);
