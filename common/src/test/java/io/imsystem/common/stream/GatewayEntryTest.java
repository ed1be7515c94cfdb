package io.imsystem.common.stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Pins the entries of a gateway's stream as every service writes them and the gateway reads them. */
class GatewayEntryTest {

    @Test
    void deliverIsWrittenInOneShapeAndReadBack() {
        Map<Long, Long> seqs = new LinkedHashMap<>();
        seqs.put(7L, 41L);
        seqs.put(9L, 3L);
        GatewayEntry.Deliver d = new GatewayEntry.Deliver("{\"type\":\"chat\"}", List.of(7L, 9L), seqs, "conn-1");

        Map<String, String> fields = d.fields();
        assertEquals(List.of("type", "frame", "users", "seqs", "exclude_conn"), List.copyOf(fields.keySet()));
        assertEquals("deliver", fields.get("type"));
        assertEquals("{\"type\":\"chat\"}", fields.get("frame"));
        assertEquals("7,9", fields.get("users"));
        assertEquals("{\"7\":41,\"9\":3}", fields.get("seqs"));
        assertEquals("conn-1", fields.get("exclude_conn"));
        assertEquals(d, GatewayEntry.parse(fields));
    }

    @Test
    void aFrameWithoutSeqsOrExclusionCarriesNeither() {
        Map<String, String> fields = GatewayEntry.Deliver.of("{\"type\":\"typing\"}", List.of(5L)).fields();
        assertEquals(Map.of("type", "deliver", "frame", "{\"type\":\"typing\"}", "users", "5"), fields);
    }

    @Test
    void eachGatewayGetsOnlyItsUsersAndTheirSeqs() {
        GatewayEntry.Deliver d = new GatewayEntry.Deliver("{}", List.of(1L, 2L, 3L), Map.of(1L, 10L, 2L, 20L, 3L, 30L), null);
        Map<String, String> fields = d.forUsers(List.of(3L, 1L)).fields();
        assertEquals("3,1", fields.get("users"));
        assertEquals("{\"3\":30,\"1\":10}", fields.get("seqs"));
        assertNull(fields.get("exclude_conn"));
    }

    @Test
    void closeNamesTheSessionOrTheToken() {
        GatewayEntry.Close c = new GatewayEntry.Close(12L, "fam-1", " ", "logged out");
        Map<String, String> fields = c.fields();
        assertEquals(Map.of("type", "close", "user", "12", "reason", "logged out", "session", "fam-1"), fields);
        assertEquals(c, GatewayEntry.parse(fields));
        assertEquals(new GatewayEntry.Close(12L, null, "jti-9", "refresh reused"),
                GatewayEntry.parse(Map.of("type", "close", "user", "12", "jti", "jti-9", "reason", "refresh reused")));
    }

    @Test
    void malformedEntriesAreRefusedAndUnknownTypesSkipped() {
        assertThrows(IllegalArgumentException.class,
                () -> GatewayEntry.parse(Map.of("type", "deliver", "frame", "{}", "users", "1", "seqs", "[1,2]")));
        assertThrows(IllegalArgumentException.class,
                () -> GatewayEntry.parse(Map.of("type", "deliver", "frame", "{}", "users", "1,x")));
        assertThrows(IllegalArgumentException.class, () -> GatewayEntry.parse(Map.of("type", "deliver", "users", "1")));
        assertThrows(IllegalArgumentException.class, () -> GatewayEntry.parse(Map.of("type", "close", "user", "me")));
        assertNull(GatewayEntry.parse(Map.of("type", "something-newer")));
        assertNull(GatewayEntry.parse(null));
    }
}
