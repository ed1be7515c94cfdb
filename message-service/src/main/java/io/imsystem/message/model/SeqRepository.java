package io.imsystem.message.model;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import org.hibernate.Session;

/** Hands out each user's next seq inside the caller's transaction (the user's row stays locked until commit). */
@ApplicationScoped
public class SeqRepository {

    // One round trip: the new value travels back as the statement's insert id (LAST_INSERT_ID(expr)),
    // the same on MySQL and MariaDB; the upsert locks the user's row until commit.
    private static final String NEXT = "INSERT INTO user_seq (user_id, last_seq) VALUES (?, LAST_INSERT_ID(1)) "
            + "ON DUPLICATE KEY UPDATE last_seq = LAST_INSERT_ID(last_seq + 1)";

    @Inject
    EntityManager em;

    /** The next seq of {@code userId}; gap-free because a rollback gives it back. Call inside a transaction. */
    public long next(long userId) {
        return em.unwrap(Session.class).doReturningWork(connection -> {
            try (PreparedStatement ps = connection.prepareStatement(NEXT, Statement.RETURN_GENERATED_KEYS)) {
                ps.setLong(1, userId);
                ps.executeUpdate();
                try (ResultSet keys = ps.getGeneratedKeys()) {
                    if (!keys.next()) {
                        throw new IllegalStateException("no seq returned for user " + userId);
                    }
                    return keys.getLong(1);
                }
            }
        });
    }
}
