-- Messages are stored once; inbox rows point at them, one per owner, numbered per owner by seq.
-- (sender_id, cid) is unique, so a resent message is found, not stored twice. NULL cids (events) never clash.
CREATE TABLE messages (
    id BIGINT AUTO_INCREMENT PRIMARY KEY,
    sender_id BIGINT NOT NULL,
    recipient_id BIGINT NULL,
    group_id BIGINT NULL,
    kind VARCHAR(8) NOT NULL,
    body TEXT NULL,
    event_json TEXT NULL,
    cid VARCHAR(64) NULL,
    created_at BIGINT NOT NULL,
    CONSTRAINT uk_messages_cid UNIQUE (sender_id, cid)
) DEFAULT CHARSET=utf8mb4;

-- peer_id is the other party of a 1:1 message (for HISTORY), group_id the group of a group entry.
CREATE TABLE inbox (
    user_id BIGINT NOT NULL,
    seq BIGINT NOT NULL,
    message_id BIGINT NOT NULL,
    peer_id BIGINT NULL,
    group_id BIGINT NULL,
    PRIMARY KEY (user_id, seq)
) DEFAULT CHARSET=utf8mb4;

CREATE INDEX ix_inbox_peer ON inbox (user_id, peer_id, seq);

CREATE INDEX ix_inbox_group ON inbox (user_id, group_id, seq);

-- The newest seq of each inbox. Appends lock the owner's row, so seqs have no gaps under concurrency.
CREATE TABLE inbox_heads (
    user_id BIGINT NOT NULL PRIMARY KEY,
    last_seq BIGINT NOT NULL
) DEFAULT CHARSET=utf8mb4;

CREATE TABLE inbox_cursors (
    user_id BIGINT NOT NULL,
    device VARCHAR(32) NOT NULL,
    acked BIGINT NOT NULL,
    PRIMARY KEY (user_id, device)
) DEFAULT CHARSET=utf8mb4;
