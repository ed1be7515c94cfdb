package io.imsystem.message.model;

import io.quarkus.hibernate.orm.panache.PanacheRepositoryBase;
import jakarta.enterprise.context.ApplicationScoped;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import org.hibernate.Session;

/** Stored messages. */
@ApplicationScoped
public class MessageRepository implements PanacheRepositoryBase<Message, Long> {

    public Optional<Message> findByClientMsgId(long senderId, String clientMsgId) {
        return find("senderId = ?1 and clientMsgId = ?2", senderId, clientMsgId).firstResultOptional();
    }

    /** A sender's client_msg_id: the idempotency key of a send. */
    public record ClientKey(long senderId, String clientMsgId) {
    }

    /**
     * The stored messages among {@code keys} (one query for a whole batch of sends). Plain JDBC: an HQL
     * query of a different length per batch was parsed anew each time (the largest CPU cost of a batch).
     */
    public List<Message> findByClientKeys(List<ClientKey> keys) {
        if (keys.isEmpty()) {
            return List.of();
        }
        String sql = "SELECT id, sender_id, receiver_id, group_id, content, msg_type, status, client_msg_id, created_at, updated_at, deleted_at, "
                + "edited_at, recalled_at, reply_to_id, mentions, mention_all, reaction_count "
                + "FROM messages WHERE " + String.join(" OR ", Collections.nCopies(keys.size(), "(sender_id = ? AND client_msg_id = ?)"));
        List<Message> found = new ArrayList<>();
        getEntityManager().unwrap(Session.class).doWork(connection -> {
            try (PreparedStatement ps = connection.prepareStatement(sql)) {
                int i = 1;
                for (ClientKey k : keys) {
                    ps.setLong(i++, k.senderId());
                    ps.setString(i++, k.clientMsgId());
                }
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        Message m = new Message();
                        m.id = rs.getLong(1);
                        m.senderId = rs.getLong(2);
                        m.receiverId = rs.getObject(3, Long.class);
                        m.groupId = rs.getObject(4, Long.class);
                        m.content = rs.getString(5);
                        m.msgType = rs.getString(6);
                        m.status = rs.getString(7);
                        m.clientMsgId = rs.getString(8);
                        m.createdAt = instant(rs.getObject(9, LocalDateTime.class));
                        m.updatedAt = instant(rs.getObject(10, LocalDateTime.class));
                        m.deletedAt = instant(rs.getObject(11, LocalDateTime.class));
                        m.editedAt = instant(rs.getObject(12, LocalDateTime.class));
                        m.recalledAt = instant(rs.getObject(13, LocalDateTime.class));
                        m.replyToId = rs.getObject(14, Long.class);
                        m.mentions = rs.getString(15);
                        m.mentionAll = rs.getBoolean(16);
                        m.reactionCount = rs.getInt(17);
                        found.add(m);
                    }
                }
            }
        });
        return found;
    }

    private static java.time.Instant instant(LocalDateTime utc) {
        return utc == null ? null : utc.toInstant(ZoneOffset.UTC);
    }

    /**
     * Inserts new messages in one multi-row statement and sets their ids (consecutive, in list
     * order: the driver derives them from the first generated key, as InnoDB hands a multi-row
     * insert consecutive values). Plain JDBC: the entities stay detached, nothing is flushed later.
     */
    public void insertAll(List<Message> rows) {
        if (rows.isEmpty()) {
            return;
        }
        getEntityManager().unwrap(Session.class).doWork(connection -> {
            String sql = "INSERT INTO messages (sender_id, receiver_id, group_id, content, msg_type, status, client_msg_id, created_at, updated_at, "
                    + "reply_to_id, mentions, mention_all) VALUES "
                    + String.join(", ", Collections.nCopies(rows.size(), "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"));
            try (PreparedStatement ps = connection.prepareStatement(sql, Statement.RETURN_GENERATED_KEYS)) {
                int i = 1;
                for (Message m : rows) {
                    LocalDateTime created = LocalDateTime.ofInstant(m.createdAt, ZoneOffset.UTC);
                    ps.setLong(i++, m.senderId);
                    ps.setObject(i++, m.receiverId);
                    ps.setObject(i++, m.groupId);
                    ps.setString(i++, m.content);
                    ps.setString(i++, m.msgType);
                    ps.setString(i++, m.status);
                    ps.setString(i++, m.clientMsgId);
                    ps.setObject(i++, created);
                    ps.setObject(i++, LocalDateTime.ofInstant(m.updatedAt, ZoneOffset.UTC));
                    ps.setObject(i++, m.replyToId);
                    ps.setString(i++, m.mentions);
                    ps.setBoolean(i++, m.mentionAll);
                }
                ps.executeUpdate();
                List<Long> ids = new ArrayList<>(rows.size());
                try (ResultSet keys = ps.getGeneratedKeys()) {
                    while (keys.next()) {
                        ids.add(keys.getLong(1));
                    }
                }
                if (ids.size() != rows.size()) {
                    throw new IllegalStateException("expected " + rows.size() + " message ids, got " + ids.size());
                }
                for (int k = 0; k < rows.size(); k++) {
                    rows.get(k).id = ids.get(k);
                }
            }
        });
    }
}
