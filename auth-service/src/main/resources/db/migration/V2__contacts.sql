-- Contacts of auth-service (issue 11): friend requests, friendships and blocks.
-- Every change to the contacts of two users first locks both users' rows (in id order), so the
-- checks and writes of one pair never interleave; the unique key below is the last line of defence.

CREATE TABLE friend_requests (
    id           BIGINT       NOT NULL AUTO_INCREMENT,
    from_user_id BIGINT       NOT NULL,
    to_user_id   BIGINT       NOT NULL,
    message      VARCHAR(200) NOT NULL DEFAULT '',
    -- pending → accepted or rejected (by the addressee) or cancelled (by the requester, or by a block)
    status       VARCHAR(16)  CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
    created_at   DATETIME(6)  NOT NULL,
    updated_at   DATETIME(6)  NOT NULL,
    -- the unordered pair while the request is pending, NULL afterwards (NULLs never collide): at most
    -- one pending request between two users, whichever way it goes
    pending_low  BIGINT AS (CASE WHEN status = 'pending' THEN LEAST(from_user_id, to_user_id) END) STORED,
    pending_high BIGINT AS (CASE WHEN status = 'pending' THEN GREATEST(from_user_id, to_user_id) END) STORED,
    PRIMARY KEY (id),
    CONSTRAINT uk_friend_requests_pending UNIQUE (pending_low, pending_high),
    -- incoming and outgoing pending lists, newest first
    KEY ix_friend_requests_to (to_user_id, status, id),
    KEY ix_friend_requests_from (from_user_id, status, id),
    -- no ON DELETE CASCADE: MySQL 8 refuses it on the base columns of a stored generated column
    CONSTRAINT fk_friend_requests_from FOREIGN KEY (from_user_id) REFERENCES users (id),
    CONSTRAINT fk_friend_requests_to FOREIGN KEY (to_user_id) REFERENCES users (id),
    CONSTRAINT ck_friend_requests_status CHECK (status IN ('pending', 'accepted', 'rejected', 'cancelled')),
    CONSTRAINT ck_friend_requests_pair CHECK (from_user_id <> to_user_id)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_unicode_ci;

-- One row per direction: a friendship of A and B is (A, B) and (B, A), written and removed together,
-- so that "my friends" and "are A and B friends" are each one index range.
CREATE TABLE friendships (
    user_id   BIGINT      NOT NULL,
    friend_id BIGINT      NOT NULL,
    since     DATETIME(6) NOT NULL,
    PRIMARY KEY (user_id, friend_id),
    -- the friend list, newest friendship first
    KEY ix_friendships_list (user_id, since, friend_id),
    KEY ix_friendships_friend (friend_id),
    CONSTRAINT fk_friendships_user FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE,
    CONSTRAINT fk_friendships_friend FOREIGN KEY (friend_id) REFERENCES users (id) ON DELETE CASCADE,
    CONSTRAINT ck_friendships_pair CHECK (user_id <> friend_id)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_unicode_ci;

-- blocker_id has blocked blocked_id: blocked_id's messages and friend requests to blocker_id are refused.
CREATE TABLE blocks (
    blocker_id BIGINT      NOT NULL,
    blocked_id BIGINT      NOT NULL,
    created_at DATETIME(6) NOT NULL,
    PRIMARY KEY (blocker_id, blocked_id),
    -- the block list, newest first
    KEY ix_blocks_list (blocker_id, created_at),
    KEY ix_blocks_blocked (blocked_id),
    CONSTRAINT fk_blocks_blocker FOREIGN KEY (blocker_id) REFERENCES users (id) ON DELETE CASCADE,
    CONSTRAINT fk_blocks_blocked FOREIGN KEY (blocked_id) REFERENCES users (id) ON DELETE CASCADE,
    CONSTRAINT ck_blocks_pair CHECK (blocker_id <> blocked_id)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_unicode_ci;
