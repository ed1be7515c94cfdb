-- Per-user settings of a conversation (pin, mute, archive) and when each receiver read a message
-- (group read receipts: who read a group message, and when).

-- kind 'u': the conversation with user target_id; 'g': group target_id. Absent row = all off.
CREATE TABLE conversation_settings (
    user_id    BIGINT      NOT NULL,
    kind       CHAR(1)     NOT NULL,
    target_id  BIGINT      NOT NULL,
    pinned     TINYINT(1)  NOT NULL DEFAULT 0,
    muted      TINYINT(1)  NOT NULL DEFAULT 0,
    archived   TINYINT(1)  NOT NULL DEFAULT 0,
    updated_at DATETIME(3) NOT NULL,
    PRIMARY KEY (user_id, kind, target_id)
) ENGINE = InnoDB;

-- Nullable with no default: an instant change on MariaDB 10.3+ and MySQL 8, however big the table.
ALTER TABLE timeline ADD COLUMN read_at DATETIME(3) NULL;
