package io.imsystem.common.security;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.imsystem.common.api.ApiException;
import io.imsystem.common.api.ErrorCodes;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import jakarta.enterprise.context.ApplicationScoped;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * The credential of every call from one service to another (docs/SECURITY.md, "Network edge and
 * service calls"): a short-lived JWT (JWS compact, HS256) in {@value #HEADER}, signed with the key of
 * the calling service. Claims: {@code iss} the calling service, {@code aud} the service called,
 * {@code iat}/{@code exp} ({@code im.internal.lifetime}, 60 s), and what the call acts for:
 * {@code sub} the one user it acts for, or {@code bh} the SHA-256 of the body it carries (the gateway's
 * batched frames, which act for the users the body names).
 *
 * <p>Each service holds its own key (to sign) and the keys of the services that call it (to verify),
 * never others': the gateway, the one service exposed to the internet, cannot sign as message or
 * presence. A token is verified with the key of its {@code iss}; a service unknown here is refused.
 *
 * <p>Cheap on the hot path: a caller reuses a token for three quarters of its life (one HMAC per
 * audience and user every 45 s), and a verifier remembers the tokens it has verified until they expire
 * (a map lookup per call). A body-bound token is new for each call: one SHA-256 over the body and one
 * HMAC over about 250 bytes on each side.
 */
@ApplicationScoped
public class InternalCredential {

    /** The header that carries the token. */
    public static final String HEADER = "X-Service-Token";

    public static final String AUTH = "auth-service";
    public static final String MESSAGE = "message-service";
    public static final String PRESENCE = "presence-service";
    public static final String GATEWAY = "gateway-service";

    /** Settings of the service credential. */
    @ConfigMapping(prefix = "im.internal")
    public interface Config {
        /**
         * HMAC keys by service name (at least 32 characters each): this service's own, to sign its calls,
         * and those of the services that call it, to verify theirs. A blank one counts as absent.
         */
        Map<String, String> keys();

        /** How long a token is valid; a caller reuses one for three quarters of that. */
        @WithDefault("60s")
        Duration lifetime();
    }

    /** Who called, as a verified token says: the service, and the user or the body it acts for. */
    public record Caller(String service, String audience, long userId, String bodyHash, long expiresAtSeconds) {
        /** Whether the token was minted for this one user. */
        public boolean actsFor(long user) {
            return userId > 0 && userId == user;
        }
    }

    private record Minted(String token, long renewAtMillis) {
    }

    /** Clock skew allowed between two services. */
    static final long LEEWAY_SECONDS = 5;
    /** No token is accepted for longer than this, whatever it says. */
    static final long MAX_LIFETIME_SECONDS = 300;
    static final int MAX_TOKEN_LENGTH = 2048;
    /** Past this many remembered tokens (minted or verified) the memory starts over. */
    static final int MAX_REMEMBERED = 20_000;

    private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();
    private static final Base64.Decoder B64D = Base64.getUrlDecoder();
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern NAME = Pattern.compile("[a-z][a-z0-9-]{0,62}");
    /** The one header we sign and accept: no other alg, no kid, nothing to negotiate. */
    static final String JOSE = B64.encodeToString("{\"alg\":\"HS256\",\"typ\":\"JWT\"}".getBytes(StandardCharsets.US_ASCII));

    private final String self;
    private final long lifetimeSeconds;
    private final Map<String, byte[]> keys;
    private final Map<String, ThreadLocal<Mac>> macs = new HashMap<>();
    private final ConcurrentHashMap<String, Minted> minted = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, Caller> verified = new ConcurrentHashMap<>();

    public InternalCredential(Config config, @ConfigProperty(name = "quarkus.application.name") String self) {
        this.self = self;
        this.lifetimeSeconds = Math.max(10, Math.min(MAX_LIFETIME_SECONDS, config.lifetime().toSeconds()));
        Map<String, byte[]> k = new HashMap<>();
        config.keys().forEach((service, key) -> {
            if (key != null && !key.isBlank()) {
                byte[] bytes = key.strip().getBytes(StandardCharsets.UTF_8);
                k.put(service, bytes);
                macs.put(service, ThreadLocal.withInitial(() -> mac(bytes)));
            }
        });
        this.keys = Map.copyOf(k);
    }

    /** This service's name: the {@code iss} of its calls, the {@code aud} it accepts. */
    public String self() {
        return self;
    }

    /** Whether this service holds the key of {@code service}. */
    public boolean knows(String service) {
        return keys.containsKey(service);
    }

    // ---- calling another service ---------------------------------------------------------------

    /** A token for a call to {@code audience} that acts for no one user (reused for most of its life). */
    public String token(String audience) {
        return cached(audience, 0);
    }

    /** A token for a call to {@code audience} acting for {@code userId} (reused for most of its life). */
    public String token(String audience, long userId) {
        if (userId <= 0) {
            throw new IllegalArgumentException("a user id is positive");
        }
        return cached(audience, userId);
    }

    /** A token for one call to {@code audience} that carries {@code body}: valid for that body alone. */
    public String tokenForBody(String audience, byte[] body) {
        long now = nowSeconds();
        return sign(self, audience, 0, sha256(body), now, now + lifetimeSeconds, ownKey());
    }

    private String cached(String audience, long userId) {
        String slot = userId == 0 ? audience : audience + '|' + userId;
        long nowMillis = System.currentTimeMillis();
        Minted m = minted.get(slot);
        if (m != null && nowMillis < m.renewAtMillis()) {
            return m.token();
        }
        long now = nowMillis / 1000;
        String token = sign(self, audience, userId, null, now, now + lifetimeSeconds, ownKey());
        if (minted.size() >= MAX_REMEMBERED) {
            minted.clear();
        }
        minted.put(slot, new Minted(token, nowMillis + lifetimeSeconds * 750));
        return token;
    }

    private byte[] ownKey() {
        byte[] key = keys.get(self);
        if (key == null) {
            throw new IllegalStateException(self + " has no service key (im.internal.keys." + self + "): it cannot call other services");
        }
        return key;
    }

    /**
     * The compact HS256 JWT of these claims (also what tests use to forge one).
     *
     * @param userId   0 for none
     * @param bodyHash SHA-256 of the body the token is bound to, or null
     */
    public static String sign(String issuer, String audience, long userId, byte[] bodyHash, long issuedAt, long expiresAt, byte[] key) {
        if (!NAME.matcher(issuer).matches() || !NAME.matcher(audience).matches()) {
            throw new IllegalArgumentException("service names are lowercase words joined by dashes");
        }
        StringBuilder claims = new StringBuilder(160).append("{\"iss\":\"").append(issuer).append("\",\"aud\":\"").append(audience)
                .append("\",\"iat\":").append(issuedAt).append(",\"exp\":").append(expiresAt);
        if (userId > 0) {
            claims.append(",\"sub\":\"").append(userId).append('"');
        }
        if (bodyHash != null) {
            claims.append(",\"bh\":\"").append(B64.encodeToString(bodyHash)).append('"');
        }
        claims.append('}');
        String signingInput = JOSE + '.' + B64.encodeToString(claims.toString().getBytes(StandardCharsets.US_ASCII));
        return signingInput + '.' + B64.encodeToString(mac(key).doFinal(signingInput.getBytes(StandardCharsets.US_ASCII)));
    }

    // ---- being called ----------------------------------------------------------------------------

    /**
     * The caller of a token addressed to this service: 401 when there is none, or it is malformed, signed
     * with another key (or by a service whose key this one does not hold) or expired; 403 when it is
     * addressed to another service. What the call acts for is the route's to check
     * ({@link #requireUser}, {@link #requireBody}).
     */
    public Caller verifyCaller(String token) {
        return verifyAny(token, self);
    }

    /** As {@link #verifyCaller}, for a token addressed to {@code audience} (a test stub standing in for it). */
    public Caller verifyCallerAs(String token, String audience) {
        return verifyAny(token, audience);
    }

    /** 403 unless the token was minted for this one user. */
    public static void requireUser(Caller caller, long userId) {
        if (!caller.actsFor(userId)) {
            throw ApiException.forbidden("service token: minted for another user");
        }
    }

    /** 403 unless the token is bound to this body (its {@code bh} claim). */
    public static void requireBody(Caller caller, byte[] body) {
        if (caller.bodyHash() == null || !MessageDigest.isEqual(caller.bodyHash().getBytes(StandardCharsets.US_ASCII),
                B64.encodeToString(sha256(body)).getBytes(StandardCharsets.US_ASCII))) {
            throw ApiException.forbidden("service token: not bound to this body");
        }
    }

    /** Whether {@code token} is a valid token of {@code service} for this one, acting for no user or body (never throws). */
    public boolean isFrom(String token, String service) {
        if (token == null || token.isEmpty()) {
            return false;
        }
        try {
            Caller c = verifyAny(token, self);
            return c.service().equals(service) && c.userId() == 0 && c.bodyHash() == null;
        } catch (ApiException e) {
            return false;
        }
    }

    private Caller verifyAny(String token, String audience) {
        if (token == null || token.isEmpty()) {
            throw ApiException.unauthorized(ErrorCodes.UNAUTHORIZED, "internal route: a service token (" + HEADER + ") is required");
        }
        long now = nowSeconds();
        Caller known = verified.get(token);
        if (known != null && known.audience().equals(audience)) {
            if (now > known.expiresAtSeconds() + LEEWAY_SECONDS) {
                verified.remove(token);
                throw invalid("expired");
            }
            return known;
        }
        Caller caller = check(token, now, audience);
        if (caller.bodyHash() == null) {
            if (verified.size() >= MAX_REMEMBERED) {
                verified.clear();
            }
            verified.put(token, caller);
        }
        return caller;
    }

    private Caller check(String token, long now, String audience) {
        if (token.length() > MAX_TOKEN_LENGTH) {
            throw invalid("malformed");
        }
        int first = token.indexOf('.');
        int second = token.indexOf('.', first + 1);
        if (first < 0 || second < 0 || token.indexOf('.', second + 1) >= 0 || !token.regionMatches(0, JOSE, 0, first)
                || first != JOSE.length()) {
            throw invalid("malformed");
        }
        JsonNode claims;
        byte[] signature;
        try {
            claims = JSON.readTree(B64D.decode(token.substring(first + 1, second)));
            signature = B64D.decode(token.substring(second + 1));
        } catch (IllegalArgumentException | java.io.IOException e) {
            throw invalid("malformed");
        }
        if (claims == null || !claims.isObject()) {
            throw invalid("malformed");
        }
        String issuer = claims.path("iss").asText("");
        ThreadLocal<Mac> mac = macs.get(issuer);
        if (mac == null) {
            throw invalid("from a service this one does not know");
        }
        byte[] expected = mac.get().doFinal(token.substring(0, second).getBytes(StandardCharsets.US_ASCII));
        if (!MessageDigest.isEqual(expected, signature)) {
            throw invalid("bad signature");
        }
        long issuedAt = claims.path("iat").asLong(0);
        long expiresAt = claims.path("exp").asLong(0);
        if (expiresAt <= 0 || now > expiresAt + LEEWAY_SECONDS) {
            throw invalid("expired");
        }
        if (issuedAt > now + LEEWAY_SECONDS || expiresAt - issuedAt > MAX_LIFETIME_SECONDS) {
            throw invalid("not valid now");
        }
        if (!audience.equals(claims.path("aud").asText(""))) {
            throw ApiException.forbidden("service token: addressed to another service");
        }
        long userId = 0;
        if (claims.has("sub")) {
            try {
                userId = Long.parseLong(claims.get("sub").asText());
            } catch (NumberFormatException e) {
                throw invalid("malformed");
            }
        }
        String bodyHash = claims.has("bh") ? claims.get("bh").asText() : null;
        return new Caller(issuer, audience, userId, bodyHash, expiresAt);
    }

    private static ApiException invalid(String why) {
        return ApiException.unauthorized(ErrorCodes.TOKEN_INVALID, "service token: " + why);
    }

    // ---- helpers ----------------------------------------------------------------------------------

    private static long nowSeconds() {
        return System.currentTimeMillis() / 1000;
    }

    private static Mac mac(byte[] key) {
        try {
            Mac m = Mac.getInstance("HmacSHA256");
            m.init(new SecretKeySpec(key, "HmacSHA256"));
            return m;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** SHA-256 of a body. */
    public static byte[] sha256(byte[] body) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(body);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
