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

    // A batch's user without a row: k seqs at once in one round trip, the new last seq coming back as the
    // statement's insert id (LAST_INSERT_ID(expr), the same on MySQL and MariaDB).
    private static final String ADD = "INSERT INTO user_seq (user_id, last_seq) VALUES (?, LAST_INSERT_ID(?)) "
            + "ON DUPLICATE KEY UPDATE last_seq = LAST_INSERT_ID(last_seq + ?)";

    @Inject
    EntityManager em;

    /** Users known to have a seq row (rows are never deleted): their sends skip the existence check. */
    private final Set<Long> known = java.util.concurrent.ConcurrentHashMap.newKeySet();

    /**
     * Hands out {@code counts.get(u)} consecutive seqs to every user {@code u} of a batch of sends, and
     * answers each user's last seq before them (the batch's first seq of {@code u} is that + 1). Three
     * statements whatever the batch: the rows are locked in ascending user id by one SELECT ... FOR
     * UPDATE (the order every send takes, so two batches or a batch and a group send never deadlock),
     * raised by one multi-row upsert. Users without a row get one first, outside the transaction
     * ({@link #ensureRows}), so that the locking read never takes a gap lock. Call inside a transaction.
     */
    public Map<Long, Long> allocate(Map<Long, Integer> counts) {
        List<Long> ids = List.copyOf(new TreeSet<>(counts.keySet()));
        Map<Long, Long> before = new TreeMap<>();
        if (ids.isEmpty()) {
            return before;
        }
        em.unwrap(Session.class).doWork(connection -> {
            try (PreparedStatement ps = connection.prepareStatement(
                    "SELECT user_id, last_seq FROM user_seq WHERE user_id IN (" + Sql.placeholders(ids.size()) + ") ORDER BY user_id FOR UPDATE")) {
                Sql.bind(ps, 1, ids);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        before.put(rs.getLong(1), rs.getLong(2));
                    }
                }
            }
            List<Long> found = List.copyOf(before.keySet());
            // A user without a row yet (ensureRows missed them): their row is created or raised on its own.
            for (long id : ids) {
                if (!before.containsKey(id)) {
                    try (PreparedStatement ps = connection.prepareStatement(ADD, Statement.RETURN_GENERATED_KEYS)) {
                        ps.setLong(1, id);
                        ps.setLong(2, counts.get(id));
                        ps.setLong(3, counts.get(id));
                        ps.executeUpdate();
                        try (ResultSet keys = ps.getGeneratedKeys()) {
                            keys.next();
                            before.put(id, keys.getLong(1) - counts.get(id));
                        }
                    }
                }
            }
            if (found.isEmpty()) {
                return;
            }
            try (PreparedStatement ps = connection.prepareStatement("INSERT INTO user_seq (user_id, last_seq) VALUES "
                    + String.join(", ", Collections.nCopies(found.size(), "(?, ?)")) + " ON DUPLICATE KEY UPDATE last_seq = VALUES(last_seq)")) {
                int i = 1;
                for (long id : found) {
                    ps.setLong(i++, id);
                    ps.setLong(i++, before.get(id) + counts.get(id));
                }
                ps.executeUpdate();
            }
        });
        return before;
    }

    /** {@link #ensureRows} for the users not yet known here to have a row. */
    public void ensureRowsOnce(Collection<Long> userIds) {
        List<Long> unknown = userIds.stream().filter(id -> !known.contains(id)).toList();
        if (unknown.isEmpty()) {
            return;
        }
        ensureRows(unknown);
        if (known.size() > 1_000_000) {
            known.clear();
        }
        known.addAll(unknown);
    }

    /**
     * Creates the seq rows that are missing among {@code userIds} (last seq 0), so that {@link #allocate}
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
