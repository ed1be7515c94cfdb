package io.imsystem.auth.service;

import io.imsystem.auth.config.AuthConfig;
import io.imsystem.auth.model.RefreshToken;
import io.imsystem.auth.model.User;
import io.imsystem.auth.stream.AuthEventsPublisher;
import io.imsystem.common.api.ApiException;
import io.imsystem.common.api.ErrorCodes;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.UUID;
import org.jboss.logging.Logger;

/**
 * Refresh tokens: one family per login, rotated on every use. A token presented a second time
 * means it was copied, so the whole family is revoked (theft detection).
 */
@ApplicationScoped
public class SessionService {

    private static final Logger LOG = Logger.getLogger(SessionService.class);
    private static final SecureRandom RANDOM = new SecureRandom();

    private final Duration lifetime;
    private final TokenService tokens;
    private final TokenDenylist denylist;
    private final AuthEventsPublisher events;

    /** A token pair just issued: the refresh value is handed to the client once and never stored. */
    public record Session(long userId, String username, String familyId, String refreshToken,
            TokenService.AccessToken access) {
    }

    public SessionService(AuthConfig config, TokenService tokens, TokenDenylist denylist, AuthEventsPublisher events) {
        this.events = events;
        this.lifetime = config.refreshTokenLifetime();
        this.tokens = tokens;
        this.denylist = denylist;
    }

    /** Opens a new family for a user who just proved who they are. */
    @Transactional
    public Session start(long userId, String username) {
        return issue(userId, username, UUID.randomUUID().toString(), Instant.now());
    }

    /** Spends a refresh token and issues its successor in the same family. */
    @Transactional(dontRollbackOn = ApiException.class)
    public Session rotate(String refreshToken) {
        String hash = Hashes.sha256Hex(refreshToken);
        String familyId = RefreshToken.familyOf(hash).orElseThrow(SessionService::invalid);
        List<RefreshToken> family = RefreshToken.lockFamily(familyId);
        RefreshToken token = family.stream().filter(t -> t.tokenHash.equals(hash)).findFirst()
                .orElseThrow(SessionService::invalid);
        Instant now = Instant.now();
        if (token.usedAt != null || token.revokedAt != null) {
            throw reused(token, family, now);
        }
        if (!token.expiresAt.isAfter(now)) {
            throw ApiException.unauthorized(ErrorCodes.TOKEN_EXPIRED, "refresh token expired, log in again");
        }
        User user = User.findById(token.userId);
        if (user == null) {
            throw invalid();
        }
        token.usedAt = now;
        return issue(user.id, user.username, token.familyId, now);
    }

    /**
     * Ends a session: no refresh token of the family works any more, nor any access token issued
     * in it (an older one from before a refresh included).
     */
    @Transactional
    public void revoke(long userId, String familyId) {
        List<RefreshToken> family = RefreshToken.lockFamily(familyId);
        if (family.isEmpty() || family.get(0).userId != userId) {
            return;
        }
        Instant now = Instant.now();
        denyAccess(family);
        RefreshToken.revokeFamily(familyId, now);
    }

    private Session issue(long userId, String username, String familyId, Instant now) {
        TokenService.AccessToken access = tokens.issue(userId, username, familyId);
        byte[] bytes = new byte[32];
        RANDOM.nextBytes(bytes);
        String value = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
        RefreshToken token = new RefreshToken();
        token.tokenHash = Hashes.sha256Hex(value);
        token.familyId = familyId;
        token.userId = userId;
        token.createdAt = now;
        token.expiresAt = now.plus(lifetime);
        token.accessJti = access.jti();
        token.accessExpiresAt = access.expiresAt();
        token.persist();
        return new Session(userId, username, familyId, value, access);
    }

    /**
     * A spent or revoked token came back: whoever holds the family may be a thief, so it dies,
     * with the access tokens issued in it and the sockets opened with them (thief's and victim's alike:
     * both log in again).
     */
    private ApiException reused(RefreshToken token, List<RefreshToken> family, Instant now) {
        denyAccess(family);
        int revoked = RefreshToken.revokeFamily(token.familyId, now);
        if (revoked > 0) {
            LOG.warnf("spent refresh token presented again: revoked its session user=%d tokens=%d", token.userId, revoked);
        }
        closeSockets(token.userId, token.familyId);
        return invalid();
    }

    /** The tokens are denied already; a Redis failure here must not hide the refusal from the caller. */
    private void closeSockets(long userId, String familyId) {
        try {
            events.closeSession(userId, familyId, null, "session revoked");
        } catch (RuntimeException e) {
            LOG.warnf("could not ask the gateways to close the sockets of a revoked session user=%d: %s", userId, e.toString());
        }
    }

    private void denyAccess(List<RefreshToken> family) {
        for (RefreshToken t : family) {
            if (t.accessJti != null && t.accessExpiresAt != null) {
                denylist.deny(t.accessJti, t.accessExpiresAt);
            }
        }
    }

    private static ApiException invalid() {
        return ApiException.unauthorized(ErrorCodes.TOKEN_INVALID, "refresh token invalid or already used");
    }
}
