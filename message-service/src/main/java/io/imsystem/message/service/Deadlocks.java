package io.imsystem.message.service;

import java.sql.SQLException;
import java.util.function.Supplier;
import org.jboss.logging.Logger;

/**
 * Runs a short transaction again when the database chose it as a deadlock victim: an ack and a read of
 * the same user's messages lock timeline rows through different indexes, and InnoDB may then roll one back.
 */
final class Deadlocks {

    private static final Logger LOG = Logger.getLogger(Deadlocks.class);
    private static final int ATTEMPTS = 3;

    private Deadlocks() {
    }

    static <T> T retry(Supplier<T> transaction) {
        for (int attempt = 1; ; attempt++) {
            try {
                return transaction.get();
            } catch (RuntimeException e) {
                if (attempt >= ATTEMPTS || !isDeadlock(e)) {
                    throw e;
                }
                LOG.debugf("deadlock victim, attempt %d of %d", attempt, ATTEMPTS);
            }
        }
    }

    static boolean isDeadlock(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SQLException sql && (sql.getErrorCode() == 1213 || "40001".equals(sql.getSQLState()))) {
                return true;
            }
        }
        return false;
    }
}
