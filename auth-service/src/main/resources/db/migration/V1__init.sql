-- Accounts and refresh tokens of auth-service (schema im_auth). Friendships, friend requests and
-- blocks (issue 11) come in a later migration and reference users(id).

CREATE TABLE users (
    id             BIGINT       NOT NULL AUTO_INCREMENT,
    username       VARCHAR(32)  NOT NULL,
    -- lower-cased copy of username: uniqueness and lookups are case-insensitive whatever the collation
    username_lower VARCHAR(32)  CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
    email          VARCHAR(254) NULL,
    password_hash  VARCHAR(100) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
    nickname       VARCHAR(64)  NOT NULL,
    avatar         VARCHAR(512) NOT NULL DEFAULT '',
    status         VARCHAR(16)  NOT NULL DEFAULT 'offline',
    last_seen      DATETIME(6)  NULL,
    created_at     DATETIME(6)  NOT NULL,
    updated_at     DATETIME(6)  NOT NULL,
    PRIMARY KEY (id),
    CONSTRAINT uk_users_username_lower UNIQUE (username_lower),
    -- the column collation is case-insensitive, so is email uniqueness; NULLs never collide
    CONSTRAINT uk_users_email UNIQUE (email)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_unicode_ci;

CREATE TABLE refresh_tokens (
    id          BIGINT      NOT NULL AUTO_INCREMENT,
    -- SHA-256 of the opaque token, hex; the token itself is never stored
    token_hash  CHAR(64)    CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
    -- one family per login: every rotation stays in it; it is the access token's `sid`
    family_id   CHAR(36)    CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
    user_id     BIGINT      NOT NULL,
    expires_at  DATETIME(6) NOT NULL,
    created_at  DATETIME(6) NOT NULL,
    used_at     DATETIME(6) NULL,
    revoked_at  DATETIME(6) NULL,
    -- the access token issued together with this refresh token: denied too when the family is revoked
    access_jti        CHAR(36)    CHARACTER SET ascii COLLATE ascii_bin NULL,
    access_expires_at DATETIME(6) NULL,
    PRIMARY KEY (id),
    CONSTRAINT uk_refresh_tokens_hash UNIQUE (token_hash),
    KEY ix_refresh_tokens_family (family_id),
    KEY ix_refresh_tokens_user (user_id),
    CONSTRAINT fk_refresh_tokens_user FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_unicode_ci;
