package io.imsystem.common.http;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.imsystem.common.security.InternalCredential;
import io.imsystem.common.testing.ServiceTokens;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Who the client is: the peer, a trusted proxy's chain read from the right, or the gateway's word with its token. */
class ClientAddressTest {

    static ClientAddress of(String self, List<String> trustedProxies, String header) {
        InternalCredential credential = new InternalCredential(new InternalCredential.Config() {
            @Override
            public Map<String, String> keys() {
                return Map.of(InternalCredential.GATEWAY, new String(ServiceTokens.key(InternalCredential.GATEWAY), StandardCharsets.UTF_8));
            }

            @Override
            public Duration lifetime() {
                return Duration.ofSeconds(60);
            }
        }, self);
        return new ClientAddress(credential, new ClientAddress.Config() {
            @Override
            public Optional<List<String>> trustedProxies() {
                return Optional.of(trustedProxies);
            }

            @Override
            public String forwardedHeader() {
                return header;
            }
        });
    }

    @Test
    void withNoTrustedProxyTheForwardedChainIsIgnored() {
        ClientAddress gateway = of(InternalCredential.GATEWAY, List.of(), "x-forwarded-for");
        assertEquals("203.0.113.9", gateway.decide("203.0.113.9", null, null, List.of("1.2.3.4")));
        assertEquals("203.0.113.9", gateway.decide("203.0.113.9", "1.2.3.4", null, List.of()));
    }

    @Test
    void aTrustedProxysChainIsReadFromTheRightAsFarAsTrustedHopsGo() {
        ClientAddress gateway = of(InternalCredential.GATEWAY, List.of("10.0.0.0/8"), "x-forwarded-for");
        // the ingress appended the client; what the client wrote before it is not believed
        assertEquals("198.51.100.7", gateway.decide("10.1.1.1", null, null, List.of("6.6.6.6, 198.51.100.7")));
        assertEquals("198.51.100.7", gateway.decide("10.1.1.1", null, null, List.of("6.6.6.6", "198.51.100.7")));
        // two trusted hops (an internal load balancer behind the ingress)
        assertEquals("198.51.100.7", gateway.decide("10.1.1.1", null, null, List.of("6.6.6.6, 198.51.100.7, 10.2.2.2")));
        // garbage from the trusted hop: the hop itself is the client
        assertEquals("10.1.1.1", gateway.decide("10.1.1.1", null, null, List.of("evil.example")));
        assertEquals("10.1.1.1", gateway.decide("10.1.1.1", null, null, List.of()));
        // a client outside the trusted range writing the header itself
        assertEquals("198.51.100.8", gateway.decide("198.51.100.8", null, null, List.of("10.0.0.5")));
    }

    @Test
    void rfc7239ForwardedWhenSoSet() {
        ClientAddress gateway = of(InternalCredential.GATEWAY, List.of("10.0.0.0/8"), "forwarded");
        assertEquals("2001:db8:cafe:0:0:0:0:17", gateway.decide("10.1.1.1", null, null,
                List.of("for=6.6.6.6, for=\"[2001:db8:cafe::17]:4711\";proto=https")));
        assertEquals("10.1.1.1", gateway.decide("10.1.1.1", null, null, List.of("for=unknown")));
    }

    @Test
    void aBackendBelievesTheGatewaysWordOnlyWithItsToken() {
        ClientAddress auth = of(InternalCredential.AUTH, List.of(), "x-forwarded-for");
        String gatewayToken = ServiceTokens.of(InternalCredential.GATEWAY, InternalCredential.AUTH);
        assertEquals("198.51.100.7", auth.decide("10.1.1.1", "198.51.100.7", gatewayToken, List.of()));
        assertEquals("10.1.1.1", auth.decide("10.1.1.1", "198.51.100.7", null, List.of()));
        assertEquals("10.1.1.1", auth.decide("10.1.1.1", "198.51.100.7", ServiceTokens.forged(InternalCredential.GATEWAY, InternalCredential.AUTH, 0), List.of()));
        assertEquals("10.1.1.1", auth.decide("10.1.1.1", "198.51.100.7", ServiceTokens.expired(InternalCredential.GATEWAY, InternalCredential.AUTH, 0), List.of()));
        // addressed to another service, or minted for a user: not the gateway's word on an address
        assertEquals("10.1.1.1", auth.decide("10.1.1.1", "198.51.100.7", ServiceTokens.of(InternalCredential.GATEWAY, InternalCredential.MESSAGE), List.of()));
        assertEquals("10.1.1.1", auth.decide("10.1.1.1", "198.51.100.7", ServiceTokens.of(InternalCredential.GATEWAY, InternalCredential.AUTH, 5), List.of()));
        // not an address: the peer
        assertEquals("10.1.1.1", auth.decide("10.1.1.1", "localhost", gatewayToken, List.of()));
    }
}
