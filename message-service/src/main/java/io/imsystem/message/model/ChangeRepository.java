package io.imsystem.message.model;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.hibernate.Session;

/**
 * Changes of messages (edits, recalls) and their places in the participants' timelines. Plain JDBC for
 * the multi-row statements: a change of a group message has one row per member.
 */
@ApplicationScoped
public class ChangeRepository {

    @Inject
    EntityManager em;

    /** A change as one user's timeline holds it: the seq it took there. */
    public record Row(long seq, long changeId, long messageId, String kind, String content, long byUser, Instant createdAt) {
    }

    /** Holds the message row exclusive until commit; false when there is no such message. */
    public boolean lockMessage(long messageId) {
        return !em.createNativeQuery("SELECT id FROM messages WHERE id = ?1 FOR UPDATE").setParameter(1, messageId)
                .getResultList().isEmpty();
    }

    public void persist(MessageChange change) {
        em.persist(change);
        em.flush();
    }

    /** The change's row in each user's timeline ({@code seqs}: user → the seq it took there). */
    public void insertEntries(MessageChange change, Map<Long, Long> seqs) {
        List<Map.Entry<Long, Long>> rows = List.copyOf(seqs.entrySet());
        em.unwrap(Session.class).doWork(connection -> {
            for (int from = 0; from < rows.size(); from += TimelineRepository.ROWS_PER_INSERT) {
                List<Map.Entry<Long, Long>> chunk = rows.subList(from, Math.min(rows.size(), from + TimelineRepository.ROWS_PER_INSERT));
                String sql = "INSERT INTO timeline_changes (user_id, seq, change_id, message_id) VALUES "
                        + String.join(", ", Collections.nCopies(chunk.size(), "(?, ?, ?, ?)"));
                try (PreparedStatement ps = connection.prepareStatement(sql)) {
                    int i = 1;
                    for (Map.Entry<Long, Long> e : chunk) {
                        ps.setLong(i++, e.getKey());
                        ps.setLong(i++, e.getValue());
                        ps.setLong(i++, change.id);
                        ps.setLong(i++, change.messageId);
                    }
                    ps.executeUpdate();
                }
            }
        });
    }

    /**
     * The user's changes after {@code afterSeq}, in seq order, of messages the user still sees (a deleted
     * message, or a group the user left, takes its changes along).
     */
    public List<Row> after(long userId, long afterSeq, int limit) {
        List<Row> out = new ArrayList<>();
        em.unwrap(Session.class).doWork(connection -> {
            try (PreparedStatement ps = connection.prepareStatement("SELECT tc.seq, c.id, c.message_id, c.kind, c.content, c.by_user, c.created_at "
                    + "FROM timeline_changes tc JOIN message_changes c ON c.id = tc.change_id "
                    + "JOIN timeline t ON t.user_id = tc.user_id AND t.message_id = tc.message_id "
                    + "WHERE tc.user_id = ? AND tc.seq > ? AND t.hidden = 0 ORDER BY tc.seq LIMIT ?")) {
                ps.setLong(1, userId);
                ps.setLong(2, afterSeq);
                ps.setInt(3, limit);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        out.add(new Row(rs.getLong(1), rs.getLong(2), rs.getLong(3), rs.getString(4), rs.getString(5), rs.getLong(6),
                                rs.getObject(7, LocalDateTime.class).toInstant(ZoneOffset.UTC)));
                    }
                }
            }
        });
        return out;
    }

    /** A recall takes the content of the message's earlier edits along. */
    public int wipeContents(long messageId) {
        return em.createNativeQuery("UPDATE message_changes SET content = NULL WHERE message_id = ?1 AND content IS NOT NULL")
                .setParameter(1, messageId).executeUpdate();
    }

    /**
     * Who among {@code candidates} (a group's members) still has the message in their timeline: the
     * members who were there when it was sent and have not left since.
     */
    public List<Long> holders(long messageId, Collection<Long> candidates) {
        if (candidates.isEmpty()) {
            return List.of();
        }
        List<Long> ids = List.copyOf(candidates);
        List<Long> out = new ArrayList<>();
        em.unwrap(Session.class).doWork(connection -> {
            try (PreparedStatement ps = connection.prepareStatement("SELECT user_id FROM timeline WHERE user_id IN ("
                    + Sql.placeholders(ids.size()) + ") AND message_id = ? AND hidden = 0 ORDER BY user_id")) {
                int i = Sql.bind(ps, 1, ids);
                ps.setLong(i, messageId);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        out.add(rs.getLong(1));
                    }
                }
            }
        });
        return out;
    }

    /**
     * A recalled message no longer counts as unread: marks it read in the timelines of those of
     * {@code users} who received it; answers how many rows were unread.
     */
    public int markReadOnRecall(Collection<Long> users, long messageId) {
        if (users.isEmpty()) {
            return 0;
        }
        return em.createNativeQuery("UPDATE timeline SET is_read = 1 WHERE user_id IN (:users) AND message_id = :msg AND outgoing = 0 AND is_read = 0")
                .setParameter("users", users).setParameter("msg", messageId).executeUpdate();
    }
}
