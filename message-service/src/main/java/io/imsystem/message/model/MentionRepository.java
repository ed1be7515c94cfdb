package io.imsystem.message.model;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import java.sql.PreparedStatement;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.hibernate.Session;

/** Who group messages mention: the rows behind a conversation's {@code mentioned} flag. */
@ApplicationScoped
public class MentionRepository {

    @Inject
    EntityManager em;

    /** A mention of {@code userId} by message {@code messageId} of group {@code groupId}. */
    public record Row(long userId, long messageId, long groupId) {
    }

    /** Writes the mentions of a batch of sends in multi-row INSERTs. */
    public void insertRows(List<Row> rows) {
        if (rows.isEmpty()) {
            return;
        }
        em.unwrap(Session.class).doWork(connection -> {
            for (int from = 0; from < rows.size(); from += TimelineRepository.ROWS_PER_INSERT) {
                List<Row> chunk = rows.subList(from, Math.min(rows.size(), from + TimelineRepository.ROWS_PER_INSERT));
                String sql = "INSERT IGNORE INTO message_mentions (user_id, message_id, group_id) VALUES "
                        + String.join(", ", Collections.nCopies(chunk.size(), "(?, ?, ?)"));
                try (PreparedStatement ps = connection.prepareStatement(sql)) {
                    int i = 1;
                    for (Row r : chunk) {
                        ps.setLong(i++, r.userId());
                        ps.setLong(i++, r.messageId());
                        ps.setLong(i++, r.groupId());
                    }
                    ps.executeUpdate();
                }
            }
        });
    }

    /** Per group, how many of the user's unread messages mention them (or all). */
    public Map<Long, Long> unreadMentionsByGroup(long userId) {
        Map<Long, Long> out = new HashMap<>();
        List<?> raw = em.createNativeQuery("SELECT mm.group_id, COUNT(*) FROM message_mentions mm "
                + "JOIN timeline t ON t.user_id = mm.user_id AND t.message_id = mm.message_id "
                + "WHERE mm.user_id = ?1 AND t.is_read = 0 AND t.hidden = 0 GROUP BY mm.group_id")
                .setParameter(1, userId).getResultList();
        for (Object r : raw) {
            Object[] row = (Object[]) r;
            out.put(((Number) row[0]).longValue(), ((Number) row[1]).longValue());
        }
        return out;
    }
}
