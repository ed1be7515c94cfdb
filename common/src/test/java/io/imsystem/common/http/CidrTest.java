package io.imsystem.common.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Address literals and ranges, and the forwarded headers' hop syntax; never a name lookup. */
class CidrTest {

    @Test
    void literalsAreParsedAndNamesAreNot() {
        assertEquals(4, Cidr.literal("192.0.2.1").length);
        assertEquals(16, Cidr.literal("2001:db8::1").length);
        assertEquals(16, Cidr.literal("[2001:db8::1]").length);
        assertNull(Cidr.literal("localhost"));
        assertNull(Cidr.literal("example.com"));
        assertNull(Cidr.literal("abc"));
        assertNull(Cidr.literal("256.1.1.1"));
        assertNull(Cidr.literal("1.2.3"));
        assertNull(Cidr.literal("unknown"));
        assertNull(Cidr.literal(""));
        assertNull(Cidr.literal(null));
    }

    @Test
    void rangesContainTheirAddresses() {
        List<Cidr> trusted = Cidr.parseAll(List.of("10.0.0.0/8", "192.0.2.7", " ", "fd00::/8"));
        assertTrue(Cidr.any(trusted, Cidr.literal("10.1.2.3")));
        assertTrue(Cidr.any(trusted, Cidr.literal("192.0.2.7")));
        assertFalse(Cidr.any(trusted, Cidr.literal("192.0.2.8")));
        assertTrue(Cidr.any(trusted, Cidr.literal("fd12::1")));
        assertTrue(Cidr.any(trusted, Cidr.literal("::ffff:10.9.9.9")));
        assertFalse(Cidr.any(trusted, null));
        assertThrows(IllegalArgumentException.class, () -> Cidr.parse("10.0.0.0/33"));
        assertThrows(IllegalArgumentException.class, () -> Cidr.parse("ingress.local"));
    }

    @Test
    void forwardedElementsAndPorts() {
        assertEquals(List.of("192.0.2.60", "[2001:db8:cafe::17]:4711", "unknown", ""),
                ClientAddress.forwardedFor(List.of("for=192.0.2.60;proto=http;by=203.0.113.43, For=\"[2001:db8:cafe::17]:4711\"", "for=unknown, proto=https")));
        assertEquals("192.0.2.60", ClientAddress.stripPort("192.0.2.60:4711"));
        assertEquals("[2001:db8::1]", ClientAddress.stripPort("[2001:db8::1]:80"));
        assertEquals("2001:db8::1", ClientAddress.stripPort("2001:db8::1"));
    }
}
