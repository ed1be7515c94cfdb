package io.imsystem.common.api;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.sql.SQLException;
import org.junit.jupiter.api.Test;

/** Which failures answer 503 (a store is unreachable, retry) rather than 500 (our fault). */
class UnreachableStoreTest {

    @Test
    void aRefusedConnectionDeepInTheCauseChainIsUnavailability() throws IOException {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        IOException refused = null;
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 1000);
        } catch (IOException e) {
            refused = e;
        }
        assertNotNull(refused, "nothing listens on a port just closed");
        RuntimeException wrapped = new IllegalStateException("could not open", new RuntimeException(refused));
        assertSame(refused, ErrorMapper.unreachable(wrapped));
    }

    @Test
    void connectionSqlStatesAndThePoolTimeoutAreUnavailability() {
        assertNotNull(ErrorMapper.unreachable(new RuntimeException(new SQLException("Communications link failure", "08S01"))));
        assertNotNull(ErrorMapper.unreachable(new RuntimeException(new SQLException("Sorry, acquisition timeout!"))));
    }

    @Test
    void aRedisCommandOnALostConnectionIsUnavailability() {
        assertNotNull(ErrorMapper.unreachable(new java.util.concurrent.CompletionException(
                new io.vertx.core.impl.NoStackTraceThrowable("Connection is closed"))));
        assertNotNull(ErrorMapper.unreachable(new io.quarkus.security.AuthenticationFailedException(
                new io.vertx.core.impl.NoStackTraceThrowable("Connection is closed"))));
    }

    @Test
    void aCommitThatLostItsConnectionIsUnavailability() {
        RuntimeException commit = new IllegalStateException("Could not commit transaction.");
        Exception xa = new Exception("Error trying to transactionCommit local transaction",
                new java.sql.SQLRecoverableException("Communications link failure"));
        commit.addSuppressed(xa);
        assertNotNull(ErrorMapper.unreachable(new RuntimeException("Error invoking subclass method", commit)));
    }

    @Test
    void otherFailuresAreNot() {
        assertNull(ErrorMapper.unreachable(new io.vertx.core.impl.NoStackTraceThrowable("ERR wrong number of arguments")));
        assertNull(ErrorMapper.unreachable(new IllegalStateException("bug")));
        assertNull(ErrorMapper.unreachable(new RuntimeException(new SQLException("Duplicate entry", "23000"))));
    }
}
