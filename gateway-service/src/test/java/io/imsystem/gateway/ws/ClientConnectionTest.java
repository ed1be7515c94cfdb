package io.imsystem.gateway.ws;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The exactly-once bookkeeping of one socket: held frames, replay merge, remembered ids. */
class ClientConnectionTest {

    static ClientConnection connection(int maxHeld) {
        return new ClientConnection("c-1", 7, "jti-1", "family-1", "Bearer x", null, maxHeld, 0);
    }

    @Test
    void liveFramesAreHeldUntilTheReplayEndsThenSentInSeqOrder() {
        ClientConnection c = connection(100);
        assertEquals(ClientConnection.Admit.HELD, c.admitLive(30, 3, "m30"));
        assertEquals(ClientConnection.Admit.HELD, c.admitLive(10, 1, "m10"));
        assertEquals(ClientConnection.Admit.HELD, c.admitLive(20, 2, "m20"));
        assertEquals(List.of("m10", "m20", "m30"), c.goLive().stream().map(ClientConnection.Held::text).toList());
        assertEquals(ClientConnection.Admit.SEND, c.admitLive(40, 4, "m40"), "live now: sent at once");
    }

    @Test
    void aHeldFrameOfAMessageTheReplayPushedIsDropped() {
        ClientConnection c = connection(100);
        c.admitLive(11, 1, "live 11");
        c.admitLive(12, 2, "live 12");
        assertTrue(c.firstPush(11), "the replay pushes 11 first");
        assertEquals(List.of("live 12"), c.goLive().stream().map(ClientConnection.Held::text).toList());
    }

    @Test
    void aMessageIsPushedOnceWhicheverPathBringsItAgain() {
        ClientConnection c = connection(100);
        c.goLive();
        assertEquals(ClientConnection.Admit.SEND, c.admitLive(5, 1, "x"));
        assertEquals(ClientConnection.Admit.DUPLICATE, c.admitLive(5, 1, "x"));
        assertFalse(c.firstPush(5), "a replay of it later is skipped too");
        assertTrue(c.firstPush(0) && c.firstPush(0), "frames that are no message (typing, presence) always pass");
        assertTrue(c.firstPush(ClientConnection.changeKey(6)), "an edit with seq 6 the first time");
        assertFalse(c.firstPush(ClientConnection.changeKey(6)), "the same edit again (replayed and live) is skipped");
        assertTrue(c.firstPush(6), "a message id is another key than a change's seq");
        assertEquals(ClientConnection.Admit.SEND, c.admitLive(0, 0, "typing"));
        assertEquals(ClientConnection.Admit.SEND, c.admitLive(0, 0, "typing"));
    }

    @Test
    void duplicatesAmongHeldFramesLeaveOnce() {
        ClientConnection c = connection(100);
        c.admitLive(9, 1, "first");
        c.admitLive(9, 1, "again");
        assertEquals(1, c.goLive().size());
    }

    @Test
    void theLast4096IdsAreRememberedAndOlderOnesForgotten() {
        ClientConnection c = connection(100);
        for (long id = 1; id <= ClientConnection.REMEMBERED_IDS + 1; id++) {
            assertTrue(c.firstPush(id));
        }
        assertFalse(c.firstPush(ClientConnection.REMEMBERED_IDS + 1));
        assertFalse(c.firstPush(2));
        assertTrue(c.firstPush(1), "the oldest id was forgotten");
    }

    @Test
    void moreHeldThanASocketMayQueueOverflows() {
        ClientConnection c = connection(2);
        c.admitLive(1, 1, "a");
        c.admitLive(2, 2, "b");
        assertEquals(ClientConnection.Admit.OVERFLOW, c.admitLive(3, 3, "c"));
    }

    @Test
    void replayedFramesMadeBeforeTheOpenAreTakenOnce() {
        ClientConnection c = connection(10);
        c.early("one");
        c.early("two");
        assertEquals(List.of("one", "two"), c.takeEarly());
        assertEquals(List.of(), c.takeEarly());
    }

    @Test
    void theFirstRefusalWins() {
        ClientConnection c = connection(10);
        c.refuse(CloseCodes.CONNECTION_LIMIT);
        c.refuse(CloseCodes.UNAVAILABLE);
        assertEquals(CloseCodes.CONNECTION_LIMIT, c.refusal());
    }

    @Test
    void aSocketBelongsToItsSessionOrToItsToken() {
        ClientConnection c = connection(10);
        assertTrue(c.belongsTo("family-1", null));
        assertTrue(c.belongsTo("family-1", "another-jti"));
        assertTrue(c.belongsTo(null, "jti-1"));
        assertTrue(c.belongsTo(null, null), "no session, no token: all of the user's sockets");
        assertFalse(c.belongsTo("family-2", null));
        assertFalse(c.belongsTo("family-2", "jti-2"));
        ClientConnection withoutSession = new ClientConnection("c-2", 7, "jti-9", null, "Bearer y", null, 10, 0);
        assertFalse(withoutSession.belongsTo("family-1", null));
        assertTrue(withoutSession.belongsTo("family-1", "jti-9"));
    }

    @Test
    void framesPerSecondAndBadFramesInARowAreCounted() {
        ClientConnection c = connection(10);
        assertTrue(c.withinRate(2, 1000));
        assertTrue(c.withinRate(2, 1500));
        assertFalse(c.withinRate(2, 1999));
        assertTrue(c.withinRate(2, 2000), "a new second");
        assertTrue(c.toleratesBadFrame(2));
        assertTrue(c.toleratesBadFrame(2));
        c.goodFrame();
        assertTrue(c.toleratesBadFrame(2));
        assertTrue(c.toleratesBadFrame(2));
        assertFalse(c.toleratesBadFrame(2));
    }
}
