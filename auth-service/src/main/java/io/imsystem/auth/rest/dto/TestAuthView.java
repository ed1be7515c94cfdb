package io.imsystem.auth.rest.dto;

import java.time.Instant;

/** Answer of GET /api/v1/users/test-auth: who the token says the caller is. */
public record TestAuthView(long userId, String username, TokenInfo tokenInfo) {

    public record TokenInfo(String issuer, Instant issuedAt, Instant expiresAt) {
    }
}
