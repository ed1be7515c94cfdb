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
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.hibernate.Session;

/**
 * Who received and read a message: its receivers' own timeline rows, found by (user, message) with the
 * receivers listed (the index every timeline query uses), so a 500-member group is 500 index lookups.
 */
@ApplicationScoped
public class ReceiptRepository {

    @Inject
    EntityManager em;

    /** One receiver's state of a message. */
    public record State(long userId, boolean delivered, boolean read, Instant readAt) {
    }

    /** The states of the message in the timelines of {@code receivers} that still hold it. */
    public List<State> states(long messageId, Collection<Long> receivers) {
        List<State> out = new ArrayList<>();
        if (receivers.isEmpty()) {
            return out;
        }
        List<Long> ids = List.copyOf(receivers);
        em.unwrap(Session.class).doWork(connection -> {
            try (PreparedStatement ps = connection.prepareStatement("SELECT user_id, delivered, is_read, read_at FROM timeline WHERE user_id IN ("
                    + Sql.placeholders(ids.size()) + ") AND message_id = ? AND outgoing = 0 AND hidden = 0")) {
                int i = Sql.bind(ps, 1, ids);
                ps.setLong(i, messageId);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        LocalDateTime at = rs.getObject(4, LocalDateTime.class);
                        out.add(new State(rs.getLong(1), rs.getBoolean(2), rs.getBoolean(3), at == null ? null : at.toInstant(ZoneOffset.UTC)));
                    }
                }
            }
        });
        return out;
    }

    /** How many of {@code members} have read each of the messages (messages nobody read are absent). */
    public Map<Long, Long> readCounts(Collection<Long> messageIds, Collection<Long> members) {
        Map<Long, Long> out = new HashMap<>();
        if (messageIds.isEmpty() || members.isEmpty()) {
            return out;
        }
        List<Long> users = List.copyOf(members);
        List<Long> messages = List.copyOf(messageIds);
        em.unwrap(Session.class).doWork(connection -> {
            try (PreparedStatement ps = connection.prepareStatement("SELECT message_id, COUNT(*) FROM timeline WHERE user_id IN ("
                    + Sql.placeholders(users.size()) + ") AND message_id IN (" + Sql.placeholders(messages.size())
                    + ") AND outgoing = 0 AND hidden = 0 AND is_read = 1 GROUP BY message_id")) {
                int i = Sql.bind(ps, 1, users);
                Sql.bind(ps, i, messages);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        out.put(rs.getLong(1), rs.getLong(2));
                    }
                }
            }
        });
        return out;
    }
}
