package io.imsystem.message.model;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
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

    /**
     * The next seq of every one of {@code userIds} (a group's members), in two statements whatever
     * their number: the rows are locked in ascending user id by one SELECT ... FOR UPDATE (the order of
     * private sends too, so the two never deadlock), raised by one multi-row upsert, and the new values computed
     * here. Users without a row yet (see {@link #ensureRows}) fall back to {@link #next}. Call inside a
     * transaction.
     */
    public Map<Long, Long> nextAll(Collection<Long> userIds) {
        List<Long> ids = List.copyOf(new TreeSet<>(userIds));
        Map<Long, Long> seqs = new TreeMap<>();
        if (ids.isEmpty()) {
            return seqs;
        }
        em.unwrap(Session.class).doWork(connection -> {
            String in = Sql.placeholders(ids.size());
            try (PreparedStatement ps = connection.prepareStatement(
                    "SELECT user_id, last_seq FROM user_seq WHERE user_id IN (" + in + ") ORDER BY user_id FOR UPDATE")) {
                Sql.bind(ps, 1, ids);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        seqs.put(rs.getLong(1), rs.getLong(2) + 1);
                    }
                }
            }
            if (!seqs.isEmpty()) {
                List<Long> found = List.copyOf(seqs.keySet());
                // An upsert of rows we hold: each row is found by its key, where an UPDATE ... IN may scan (and lock) the table.
                try (PreparedStatement ps = connection.prepareStatement("INSERT INTO user_seq (user_id, last_seq) VALUES "
                        + String.join(", ", Collections.nCopies(found.size(), "(?, 1)")) + " ON DUPLICATE KEY UPDATE last_seq = last_seq + 1")) {
                    Sql.bind(ps, 1, found);
                    ps.executeUpdate();
                }
            }
        });
        for (long id : ids) {
            if (!seqs.containsKey(id)) {
                seqs.put(id, next(id));
            }
        }
        return seqs;
    }

    /**
     * Creates the seq rows that are missing among {@code userIds} (last seq 0), so that {@link #nextAll}
     * finds every member's row: inserting rows there would take gap locks that concurrent group sends
     * deadlock on. Only the missing rows are written, so no lock is taken on existing ones.
     */
    public void ensureRows(Collection<Long> userIds) {
        List<Long> ids = List.copyOf(new TreeSet<>(userIds));
        if (ids.isEmpty()) {
            return;
        }
        em.unwrap(Session.class).doWork(connection -> {
            Set<Long> existing = new HashSet<>();
            try (PreparedStatement ps = connection.prepareStatement(
                    "SELECT user_id FROM user_seq WHERE user_id IN (" + Sql.placeholders(ids.size()) + ")")) {
                Sql.bind(ps, 1, ids);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        existing.add(rs.getLong(1));
                    }
                }
            }
            List<Long> missing = new ArrayList<>();
            for (long id : ids) {
                if (!existing.contains(id)) {
                    missing.add(id);
                }
            }
            if (missing.isEmpty()) {
                return;
            }
            try (PreparedStatement ps = connection.prepareStatement("INSERT IGNORE INTO user_seq (user_id, last_seq) VALUES "
                    + String.join(",", Collections.nCopies(missing.size(), "(?, 0)")))) {
                Sql.bind(ps, 1, missing);
                ps.executeUpdate();
            }
        });
    }
}
