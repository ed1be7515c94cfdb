-- Rich messages as one model of message relations (docs/ARCHITECTURE.md, "Message relations"):
-- - a change (edit, recall) is a row of message_changes that takes the next seq in each participant's
--   timeline (timeline_changes, the same seq space as timeline), so sync returns it in seq order;
-- - a reply is the message's relation to another message of its conversation (reply_to_id);
-- - a mention is its relation to users (message_mentions, one row per mentioned member; @all: every member);
-- - a reaction is a user's relation to a message (message_reactions), counted per emoji and never a timeline entry.

ALTER TABLE messages
    ADD COLUMN edited_at      DATETIME(3)   NULL,
    ADD COLUMN recalled_at    DATETIME(3)   NULL,
    ADD COLUMN reply_to_id    BIGINT        NULL,
    ADD COLUMN mentions       VARCHAR(1024) NULL,
    ADD COLUMN mention_all    TINYINT(1)    NOT NULL DEFAULT 0,
    -- Reactions of all emoji: a page of history looks the reactions up only for messages that have some.
    ADD COLUMN reaction_count INT           NOT NULL DEFAULT 0;

-- One edit or recall: what it did, who did it. A recall wipes the content of the message's earlier edits.
CREATE TABLE message_changes (
    id         BIGINT      NOT NULL AUTO_INCREMENT,
    message_id BIGINT      NOT NULL,
    kind       VARCHAR(16) NOT NULL,
    content    TEXT        NULL,
    by_user    BIGINT      NOT NULL,
    created_at DATETIME(3) NOT NULL,
    PRIMARY KEY (id),
    KEY idx_message_changes_message (message_id)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_unicode_ci;

-- A change's place in one participant's timeline: the seq it took there (seqs come from user_seq, as
-- for messages, so a user's timeline rows and change rows together number 1, 2, 3, ... without gaps).
CREATE TABLE timeline_changes (
    user_id    BIGINT NOT NULL,
    seq        BIGINT NOT NULL,
    change_id  BIGINT NOT NULL,
    message_id BIGINT NOT NULL,
    PRIMARY KEY (user_id, seq)
) ENGINE = InnoDB;

-- Binary collation: utf8mb4_unicode_ci compares most emoji as equal.
CREATE TABLE message_reactions (
    message_id BIGINT      NOT NULL,
    emoji      VARCHAR(32) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
    user_id    BIGINT      NOT NULL,
    created_at DATETIME(3) NOT NULL,
    PRIMARY KEY (message_id, emoji, user_id)
) ENGINE = InnoDB;

-- Who a group message mentions (every member but the sender for @all): the "mentioned" flag of a
-- conversation is an unread timeline row with such a row.
CREATE TABLE message_mentions (
    user_id    BIGINT NOT NULL,
    message_id BIGINT NOT NULL,
    group_id   BIGINT NOT NULL,
    PRIMARY KEY (user_id, message_id)
) ENGINE = InnoDB;
