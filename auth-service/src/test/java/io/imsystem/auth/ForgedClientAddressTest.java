package io.imsystem.auth;

import static io.imsystem.auth.Api.json;
import static io.imsystem.auth.Api.newAddress;
import static io.imsystem.auth.Api.newName;
import static org.hamcrest.Matchers.is;

import io.imsystem.common.http.ClientAddress;
import io.imsystem.common.redis.Keys;
import io.imsystem.common.security.InternalCredential;
import io.imsystem.common.testing.ServiceTokens;
import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * auth believes a client address only from the gateway (X-Client-Address with the gateway's service
 * token): X-Forwarded-For, Forwarded, and X-Client-Address without a token, with a forged or expired one
 * or with another service's, all count against the real peer, so a client cannot escape the per-address
 * limit by inventing addresses.
 */
@QuarkusTest
@TestProfile(ForgedClientAddressTest.FewFailures.class)
class ForgedClientAddressTest {

    public static class FewFailures implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("im.auth.login.max-failures-per-address", "6");
        }
    }

    @Inject
    RedisDataSource redis;

    @Inject
    Keys keys;

    @Test
    void addressesNotVouchedForByTheGatewayAreIgnored() {
        String loopbackCounter = keys.of("im:auth:login-failures:address:127.0.0.1");
        redis.key().del(loopbackCounter);
        try {
            Api.Session s = Api.registerUser();
            String gateway = InternalCredential.GATEWAY;
            String auth = InternalCredential.AUTH;
            fail(Map.of("X-Forwarded-For", newAddress()));
            fail(Map.of("Forwarded", "for=" + newAddress()));
            fail(Map.of(ClientAddress.HEADER, newAddress()));
            fail(Map.of(ClientAddress.HEADER, newAddress(), InternalCredential.HEADER, ServiceTokens.forged(gateway, auth, 0)));
            fail(Map.of(ClientAddress.HEADER, newAddress(), InternalCredential.HEADER, ServiceTokens.expired(gateway, auth, 0)));
            // message's token is valid here, but message does not decide client addresses
            fail(Map.of(ClientAddress.HEADER, newAddress(), InternalCredential.HEADER, ServiceTokens.of(InternalCredential.MESSAGE, auth)));
            // six invented addresses, but all six failures counted against the real peer
            json().headers(Map.of("X-Forwarded-For", newAddress())).body(Map.of("usernameOrEmail", s.username(), "password", Api.PASSWORD))
                    .post("/api/v1/users/login").then().statusCode(429).body("error", is("RATE_LIMITED"));
            // the gateway's own word is believed: another address is not limited
            Api.login(s.username(), Api.PASSWORD, newAddress()).then().statusCode(200);
        } finally {
            redis.key().del(loopbackCounter);
        }
    }

    private static void fail(Map<String, String> headers) {
        json().headers(headers).body(Map.of("usernameOrEmail", newName(), "password", "wrong password"))
                .post("/api/v1/users/login").then().statusCode(401);
    }
}
