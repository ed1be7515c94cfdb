package io.imsystem.auth;

import static io.imsystem.auth.Api.login;
import static io.imsystem.auth.Api.newAddress;
import static io.imsystem.auth.Api.newName;
import static org.hamcrest.Matchers.is;

import io.imsystem.common.redis.Keys;
import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * X-Forwarded-For is believed only from trusted proxies: here loopback is not one, so a client
 * cannot escape the per-address limit by inventing addresses.
 */
@QuarkusTest
@TestProfile(UntrustedProxyTest.LoopbackNotTrusted.class)
class UntrustedProxyTest {

    public static class LoopbackNotTrusted implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("quarkus.http.proxy.trusted-proxies", "192.0.2.1",
                    "im.auth.login.max-failures-per-address", "2");
        }
    }

    @Inject
    RedisDataSource redis;

    @Inject
    Keys keys;

    @Test
    void forwardedForFromAnUntrustedPeerIsIgnored() {
        String loopbackCounter = keys.of("im:auth:login-failures:address:127.0.0.1");
        redis.key().del(loopbackCounter);
        try {
            Api.Session s = Api.registerUser();
            login(newName(), "wrong password", newAddress()).then().statusCode(401);
            login(newName(), "wrong password", newAddress()).then().statusCode(401);
            // two invented addresses, but both failures counted against the real peer
            login(s.username(), Api.PASSWORD, newAddress()).then().statusCode(429).body("error", is("RATE_LIMITED"));
        } finally {
            redis.key().del(loopbackCounter);
        }
    }
}
