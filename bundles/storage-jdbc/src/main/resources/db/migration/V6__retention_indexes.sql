-- Retention deletes the oldest messages (by created_at) and the inbox rows that point at them (by message_id);
-- erasure finds the messages no inbox holds any more. Without these, each would scan a whole table.
CREATE INDEX ix_messages_created ON messages (created_at);

CREATE INDEX ix_inbox_message ON inbox (message_id);
