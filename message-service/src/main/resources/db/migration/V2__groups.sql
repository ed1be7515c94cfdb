-- Group chat: groups, their members and roles. A group message is one row in messages (group_id set,
-- receiver_id null) and one timeline row per member at send time, each with that member's own seq.

CREATE TABLE chat_groups (
    id         BIGINT       NOT NULL AUTO_INCREMENT,
    name       VARCHAR(64)  NOT NULL,
    avatar     VARCHAR(512) NULL,
    owner_id   BIGINT       NOT NULL,
    created_at DATETIME(3)  NOT NULL,
    updated_at DATETIME(3)  NOT NULL,
    PRIMARY KEY (id)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_unicode_ci;

-- The group row is the lock that orders sends (shared) against membership changes (exclusive).
CREATE TABLE group_members (
    group_id  BIGINT      NOT NULL,
    user_id   BIGINT      NOT NULL,
    role      VARCHAR(16) NOT NULL,
    joined_at DATETIME(3) NOT NULL,
    PRIMARY KEY (group_id, user_id),
    KEY idx_group_members_user (user_id, group_id)
) ENGINE = InnoDB;

-- A member's rows of one group: group history, per-group unread counts, hiding them on leave.
CREATE INDEX idx_timeline_group ON timeline (user_id, group_id, message_id);
