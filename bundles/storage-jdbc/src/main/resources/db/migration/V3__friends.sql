-- A friendship is two rows, one per direction, so "my friends" is one index range on user_id.
CREATE TABLE friendships (
    user_id BIGINT NOT NULL,
    friend_id BIGINT NOT NULL,
    since BIGINT NOT NULL,
    PRIMARY KEY (user_id, friend_id)
) DEFAULT CHARSET=utf8mb4;

-- notified: the request reached a device of the receiver; if not, it is pushed at the receiver's next login.
CREATE TABLE friend_requests (
    from_id BIGINT NOT NULL,
    to_id BIGINT NOT NULL,
    note VARCHAR(256) NOT NULL,
    notified BOOLEAN NOT NULL,
    created_at BIGINT NOT NULL,
    PRIMARY KEY (from_id, to_id)
) DEFAULT CHARSET=utf8mb4;

CREATE INDEX ix_friend_requests_to ON friend_requests (to_id, created_at);
