-- "groups" is a reserved word in MySQL 8, hence chat_groups. A dissolved group stays (inboxes refer to it).
CREATE TABLE chat_groups (
    id BIGINT AUTO_INCREMENT PRIMARY KEY,
    name VARCHAR(64) NOT NULL,
    owner_id BIGINT NOT NULL,
    created_at BIGINT NOT NULL,
    dissolved BOOLEAN NOT NULL
) DEFAULT CHARSET=utf8mb4;

CREATE TABLE group_members (
    group_id BIGINT NOT NULL,
    user_id BIGINT NOT NULL,
    joined_at BIGINT NOT NULL,
    PRIMARY KEY (group_id, user_id)
) DEFAULT CHARSET=utf8mb4;

CREATE INDEX ix_group_members_user ON group_members (user_id);

-- Features' own data (roles, mutes, settings); user_id 0 is the group itself.
CREATE TABLE group_attributes (
    namespace VARCHAR(64) NOT NULL,
    group_id BIGINT NOT NULL,
    user_id BIGINT NOT NULL,
    name VARCHAR(64) NOT NULL,
    attr_value VARCHAR(1024) NOT NULL,
    PRIMARY KEY (namespace, group_id, user_id, name)
) DEFAULT CHARSET=utf8mb4;
