-- message-service schema: messages, per-user timelines with gap-free seq, read/delivered state.

CREATE TABLE messages (
    id            BIGINT       NOT NULL AUTO_INCREMENT,
    sender_id     BIGINT       NOT NULL,
    receiver_id   BIGINT       NULL,
    group_id      BIGINT       NULL,
    content       TEXT         NOT NULL,
    msg_type      VARCHAR(20)  NOT NULL DEFAULT 'text',
    status        VARCHAR(16)  NOT NULL DEFAULT 'sent',
    client_msg_id VARCHAR(64)  NULL,
    created_at    DATETIME(3)  NOT NULL,
    updated_at    DATETIME(3)  NOT NULL,
    deleted_at    DATETIME(3)  NULL,
    PRIMARY KEY (id),
    UNIQUE KEY uk_messages_sender_client (sender_id, client_msg_id),
    KEY idx_messages_receiver (receiver_id, status)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_unicode_ci;

-- The last seq handed out per user; its row is locked by the sending transaction.
CREATE TABLE user_seq (
    user_id  BIGINT NOT NULL,
    last_seq BIGINT NOT NULL,
    PRIMARY KEY (user_id)
) ENGINE = InnoDB;

-- One row per participant of a message: that user's seq, the peer, and that user's state of it.
CREATE TABLE timeline (
    user_id    BIGINT     NOT NULL,
    seq        BIGINT     NOT NULL,
    message_id BIGINT     NOT NULL,
    peer_id    BIGINT     NULL,
    group_id   BIGINT     NULL,
    outgoing   TINYINT(1) NOT NULL,
    delivered  TINYINT(1) NOT NULL DEFAULT 0,
    is_read    TINYINT(1) NOT NULL DEFAULT 0,
    hidden     TINYINT(1) NOT NULL DEFAULT 0,
    created_at DATETIME(3) NOT NULL,
    PRIMARY KEY (user_id, seq),
    KEY idx_timeline_message (user_id, message_id),
    KEY idx_timeline_peer (user_id, peer_id, message_id),
    KEY idx_timeline_undelivered (user_id, delivered, seq),
    KEY idx_timeline_unread (user_id, is_read, peer_id)
) ENGINE = InnoDB;
