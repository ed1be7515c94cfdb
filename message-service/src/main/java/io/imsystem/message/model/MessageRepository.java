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

    /** The stored messages among {@code keys} (one query for a whole batch of sends). */
    public List<Message> findByClientKeys(List<ClientKey> keys) {
        if (keys.isEmpty()) {
            return List.of();
        }
        StringBuilder q = new StringBuilder("select m from Message m where ");
        for (int i = 0; i < keys.size(); i++) {
            q.append(i == 0 ? "" : " or ").append("(m.senderId = ?").append(2 * i + 1).append(" and m.clientMsgId = ?").append(2 * i + 2).append(')');
        }
        var query = getEntityManager().createQuery(q.toString(), Message.class);
        for (int i = 0; i < keys.size(); i++) {
            query.setParameter(2 * i + 1, keys.get(i).senderId()).setParameter(2 * i + 2, keys.get(i).clientMsgId());
        }
        return query.getResultList();
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
            String sql = "INSERT INTO messages (sender_id, receiver_id, group_id, content, msg_type, status, client_msg_id, created_at, updated_at) VALUES "
                    + String.join(", ", Collections.nCopies(rows.size(), "(?, ?, ?, ?, ?, ?, ?, ?, ?)"));
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
