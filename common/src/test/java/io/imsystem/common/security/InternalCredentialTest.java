package io.imsystem.common.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.imsystem.common.api.ApiException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import org.jose4j.jwa.AlgorithmConstraints;
import org.jose4j.jws.AlgorithmIdentifiers;
import org.jose4j.jwt.JwtClaims;
import org.jose4j.jwt.consumer.JwtConsumerBuilder;
import org.jose4j.keys.HmacKey;
import org.junit.jupiter.api.Test;

/** Tokens of one service for another: what is accepted, what is refused and with which status. */
class InternalCredentialTest {

    static final String GATEWAY_KEY = "gateway-key-0123456789abcdef0123456789abcdef";
    static final String MESSAGE_KEY = "message-key-0123456789abcdef0123456789abcdef";

    static InternalCredential service(String self, Map<String, String> keys) {
        return new InternalCredential(new InternalCredential.Config() {
            @Override
            public Map<String, String> keys() {
                return keys;
            }

            @Override
            public Duration lifetime() {
                return Duration.ofSeconds(60);
            }
        }, self);
    }

    final InternalCredential gateway = service("gateway-service", Map.of("gateway-service", GATEWAY_KEY));
    final InternalCredential message = service("message-service", Map.of("message-service", MESSAGE_KEY, "gateway-service", GATEWAY_KEY));
    final InternalCredential presence = service("presence-service", Map.of("gateway-service", GATEWAY_KEY));

    @Test
    void aTokenIsReusedAndVerifiedAsItsCallerForItsAudienceAlone() {
        String token = gateway.token("message-service");
        assertSame(token, gateway.token("message-service"), "reused, not signed again");
        InternalCredential.Caller caller = message.verifyCaller(token);
        assertEquals("gateway-service", caller.service());
        assertEquals(0, caller.userId());
        assertEquals(403, status(() -> presence.verifyCaller(token)), "addressed to message-service");
        assertTrue(message.isFrom(token, "gateway-service"));
        assertFalse(message.isFrom(token, "presence-service"));
        assertFalse(presence.isFrom(token, "gateway-service"));
    }

    @Test
    void missingMalformedForgedAndUnknownIssuersAre401() {
        assertEquals(401, status(() -> message.verifyCaller(null)));
        assertEquals(401, status(() -> message.verifyCaller("")));
        assertEquals(401, status(() -> message.verifyCaller("not a token")));
        assertEquals(401, status(() -> message.verifyCaller("a.b.c")));
        long now = System.currentTimeMillis() / 1000;
        byte[] wrong = "another-key-0123456789abcdef0123456789abcdef".getBytes(StandardCharsets.UTF_8);
        assertEquals(401, status(() -> message.verifyCaller(InternalCredential.sign("gateway-service", "message-service", 0, null, now, now + 60, wrong))));
        // presence's key is not one message holds: whoever signs as presence is not believed.
        assertEquals(401, status(() -> message.verifyCaller(InternalCredential.sign("presence-service", "message-service", 0, null, now, now + 60,
                GATEWAY_KEY.getBytes(StandardCharsets.UTF_8)))));
        // A valid token with one byte of its claims changed.
        String good = gateway.token("message-service");
        String[] parts = good.split("\\.");
        String claims = new String(Base64.getUrlDecoder().decode(parts[1]), StandardCharsets.US_ASCII).replace("gateway-service\",\"aud", "gateway-service\",\"sub\":\"7\",\"aud");
        String tampered = parts[0] + "." + Base64.getUrlEncoder().withoutPadding().encodeToString(claims.getBytes(StandardCharsets.US_ASCII)) + "." + parts[2];
        assertEquals(401, status(() -> message.verifyCaller(tampered)));
        // alg none, and another header.
        String none = Base64.getUrlEncoder().withoutPadding().encodeToString("{\"alg\":\"none\"}".getBytes(StandardCharsets.US_ASCII)) + "." + parts[1] + ".";
        assertEquals(401, status(() -> message.verifyCaller(none)));
    }

    @Test
    void expiredAndOverlongTokensAre401() {
        byte[] key = GATEWAY_KEY.getBytes(StandardCharsets.UTF_8);
        long now = System.currentTimeMillis() / 1000;
        assertEquals(401, status(() -> message.verifyCaller(InternalCredential.sign("gateway-service", "message-service", 0, null, now - 120, now - 60, key))));
        assertEquals(401, status(() -> message.verifyCaller(InternalCredential.sign("gateway-service", "message-service", 0, null, now, now + 86400, key))));
        assertEquals(401, status(() -> message.verifyCaller(InternalCredential.sign("gateway-service", "message-service", 0, null, now + 600, now + 620, key))));
    }

    @Test
    void aUserTokenActsForItsUserAndABodyTokenForItsBody() {
        String forSeven = gateway.token("message-service", 7);
        assertSame(forSeven, gateway.token("message-service", 7));
        assertNotEquals(forSeven, gateway.token("message-service", 8));
        InternalCredential.Caller caller = message.verifyCaller(forSeven);
        InternalCredential.requireUser(caller, 7);
        assertEquals(403, status(() -> InternalCredential.requireUser(caller, 8)));
        assertEquals(403, status(() -> InternalCredential.requireUser(message.verifyCaller(gateway.token("message-service")), 7)),
                "a token for no user acts for none");

        byte[] body = "{\"items\":[{\"user_id\":7}]}".getBytes(StandardCharsets.UTF_8);
        InternalCredential.Caller batch = message.verifyCaller(gateway.tokenForBody("message-service", body));
        InternalCredential.requireBody(batch, body);
        assertEquals(403, status(() -> InternalCredential.requireBody(batch, "{\"items\":[{\"user_id\":8}]}".getBytes(StandardCharsets.UTF_8))));
        assertEquals(403, status(() -> InternalCredential.requireBody(caller, body)), "a token of no body");
    }

    @Test
    void anyJwtLibraryReadsTheTokens() throws Exception {
        String token = gateway.token("message-service", 42);
        JwtClaims claims = new JwtConsumerBuilder().setVerificationKey(new HmacKey(GATEWAY_KEY.getBytes(StandardCharsets.UTF_8)))
                .setJwsAlgorithmConstraints(AlgorithmConstraints.ConstraintType.PERMIT, AlgorithmIdentifiers.HMAC_SHA256)
                .setExpectedAudience("message-service").setExpectedIssuer("gateway-service").setRequireExpirationTime()
                .build().processToClaims(token);
        assertEquals("42", claims.getSubject());
        assertTrue(claims.getExpirationTime().getValue() - claims.getIssuedAt().getValue() <= 60);
    }

    @Test
    void aServiceWithoutItsOwnKeyCannotCall() {
        assertThrows(IllegalStateException.class, () -> presence.token("message-service"));
    }

    private static int status(Runnable r) {
        try {
            r.run();
        } catch (ApiException e) {
            return e.status();
        }
        return 200;
    }
}
