package io.imsystem.message.model;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.hibernate.Session;

/**
 * Reactions: one row per user, emoji and message. They are not timeline entries: a reaction in a
 * 500-member group is one row here and one frame per gateway, never 500 seqs.
 */
@ApplicationScoped
public class ReactionRepository {

    @Inject
    EntityManager em;

    /** One emoji on one message: how many users put it there and whether the reader is one. */
    public record Summary(String emoji, long count, boolean mine) {
    }

    /** Whether the message is deleted ([0]) or recalled ([1]); read inside the caller's lock of its row. */
    public boolean[] deletedOrRecalled(long messageId) {
        Object[] row = (Object[]) em.createNativeQuery("SELECT deleted_at IS NOT NULL, recalled_at IS NOT NULL FROM messages WHERE id = ?1")
                .setParameter(1, messageId).getSingleResult();
        return new boolean[] {((Number) row[0]).intValue() == 1, ((Number) row[1]).intValue() == 1};
    }

    /** Moves the message's count of reactions (of every emoji) by {@code delta}. */
    public void bumpCount(long messageId, int delta) {
        em.createNativeQuery("UPDATE messages SET reaction_count = GREATEST(0, reaction_count + ?1) WHERE id = ?2")
                .setParameter(1, delta).setParameter(2, messageId).executeUpdate();
    }

    /** False when the user had already put this emoji on the message. */
    public boolean add(long messageId, String emoji, long userId) {
        return em.createNativeQuery("INSERT IGNORE INTO message_reactions (message_id, emoji, user_id, created_at) "
                + "VALUES (?1, ?2, ?3, UTC_TIMESTAMP(3))")
                .setParameter(1, messageId).setParameter(2, emoji).setParameter(3, userId).executeUpdate() == 1;
    }

    /** False when the user had not put this emoji on the message. */
    public boolean remove(long messageId, String emoji, long userId) {
        return em.createNativeQuery("DELETE FROM message_reactions WHERE message_id = ?1 AND emoji = ?2 AND user_id = ?3")
                .setParameter(1, messageId).setParameter(2, emoji).setParameter(3, userId).executeUpdate() == 1;
    }

    /** A recall takes the message's reactions along. */
    public int removeAll(long messageId) {
        return em.createNativeQuery("DELETE FROM message_reactions WHERE message_id = ?1").setParameter(1, messageId).executeUpdate();
    }

    public long count(long messageId, String emoji) {
        return ((Number) em.createNativeQuery("SELECT COUNT(*) FROM message_reactions WHERE message_id = ?1 AND emoji = ?2")
                .setParameter(1, messageId).setParameter(2, emoji).getSingleResult()).longValue();
    }

    /** How many different emoji the user has on the message. */
    public long countOfUser(long messageId, long userId) {
        return ((Number) em.createNativeQuery("SELECT COUNT(*) FROM message_reactions WHERE message_id = ?1 AND user_id = ?2")
                .setParameter(1, messageId).setParameter(2, userId).getSingleResult()).longValue();
    }

    /**
     * The reactions of each of the messages as {@code reader} sees them, emoji in the order they were
     * first used: one query for a whole page.
     */
    public Map<Long, List<Summary>> summaries(Collection<Long> messageIds, long reader) {
        Map<Long, List<Summary>> out = new LinkedHashMap<>();
        if (messageIds.isEmpty()) {
            return out;
        }
        List<Long> ids = List.copyOf(messageIds);
        em.unwrap(Session.class).doWork(connection -> {
            try (PreparedStatement ps = connection.prepareStatement("SELECT message_id, emoji, COUNT(*), MAX(user_id = ?), MIN(created_at) AS first "
                    + "FROM message_reactions WHERE message_id IN (" + Sql.placeholders(ids.size()) + ") "
                    + "GROUP BY message_id, emoji ORDER BY message_id, first, emoji")) {
                ps.setLong(1, reader);
                Sql.bind(ps, 2, ids);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        out.computeIfAbsent(rs.getLong(1), k -> new ArrayList<>())
                                .add(new Summary(rs.getString(2), rs.getLong(3), rs.getInt(4) == 1));
                    }
                }
            }
        });
        return out;
    }
}
