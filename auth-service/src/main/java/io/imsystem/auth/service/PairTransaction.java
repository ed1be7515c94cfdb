package io.imsystem.auth.service;

import io.imsystem.auth.model.User;
import io.imsystem.common.api.ApiException;
import io.quarkus.narayana.jta.QuarkusTransaction;
import java.util.List;
import java.util.function.Supplier;

/**
 * Runs a change to the contacts of two users in its own transaction that starts by locking both
 * users' rows ({@link User#lockPair}). Changes of one pair therefore queue, and each one's reads see
 * what the one before committed (the read snapshot is taken after the lock). The caller tells the
 * other side (frames) only after this returns, that is after the commit.
 */
final class PairTransaction {

    private PairTransaction() {
    }

    /** Runs {@code change} with the pair locked; 404 when either user does not exist. */
    static <T> T run(long a, long b, Supplier<T> change) {
        long expected = a == b ? 1 : 2;
        // Checked before locking: a locking read of an absent id would lock the gap where new users
        // are inserted, so unknown ids would hold up registrations.
        if (QuarkusTransaction.requiringNew().call(() -> User.count("id in ?1", List.of(a, b))) != expected) {
            throw ApiException.notFound("user");
        }
        return QuarkusTransaction.requiringNew().call(() -> {
            if (User.lockPair(a, b).size() != expected) {
                throw ApiException.notFound("user");
            }
            return change.get();
        });
    }
}
