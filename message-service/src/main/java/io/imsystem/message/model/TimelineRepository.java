package io.imsystem.message.model;

import io.quarkus.hibernate.orm.panache.PanacheRepositoryBase;
import jakarta.enterprise.context.ApplicationScoped;
import java.sql.PreparedStatement;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.hibernate.Session;

/** Per-user timelines: sync, offline queue, history, unread. Hidden (deleted) rows are never returned. */
@ApplicationScoped
public class TimelineRepository implements PanacheRepositoryBase<TimelineEntry, TimelineEntry.Key> {

    static final int ROWS_PER_INSERT = 500;

    private static final String JOIN = "select t, m from TimelineEntry t, Message m where m.id = t.messageId and t.userId = :user and t.hidden = false";

    public Optional<TimelineRow> findRow(long userId, long messageId) {
        return rows(getEntityManager().createQuery(JOIN + " and t.messageId = :msg", Object[].class)
                .setParameter("user", userId).setParameter("msg", messageId).setMaxResults(1)
                .getResultList()).stream().findFirst();
    }

    /** The timeline after {@code afterSeq}, in seq order. */
    public List<TimelineRow> after(long userId, long afterSeq, int limit) {
        return rows(getEntityManager().createQuery(JOIN + " and t.seq > :after order by t.seq", Object[].class)
                .setParameter("user", userId).setParameter("after", afterSeq).setMaxResults(limit)
                .getResultList());
    }

    /** Undelivered messages of the user after {@code afterSeq}, oldest first. */
    public List<TimelineRow> undelivered(long userId, long afterSeq, int limit) {
        return rows(getEntityManager().createQuery(JOIN + " and t.delivered = false and t.outgoing = false and t.seq > :after order by t.seq", Object[].class)
                .setParameter("user", userId).setParameter("after", afterSeq).setMaxResults(limit)
                .getResultList());
    }

    /** The seq of the {@code n}th newest undelivered incoming message of the user, if there are that many. */
    public java.util.Optional<Long> nthNewestUndeliveredSeq(long userId, int n) {
        return getEntityManager().createQuery("select t.seq from TimelineEntry t where t.userId = :user and t.delivered = false "
                        + "and t.outgoing = false and t.hidden = false order by t.seq desc", Long.class)
                .setParameter("user", userId).setFirstResult(n - 1).setMaxResults(1).getResultStream().findFirst();
    }

    public long countUndelivered(long userId) {
        return count("userId = ?1 and delivered = false and outgoing = false and hidden = false", userId);
    }

    /** Messages of one conversation, newest first, optionally before a message id. */
    public List<TimelineRow> conversation(long userId, long peerId, Long beforeId, int offset, int limit) {
        String q = JOIN + " and t.peerId = :peer" + (beforeId != null ? " and t.messageId < :before" : "") + " order by t.messageId desc";
        var query = getEntityManager().createQuery(q, Object[].class)
                .setParameter("user", userId).setParameter("peer", peerId);
        if (beforeId != null) {
            query.setParameter("before", beforeId);
        }
        return rows(query.setFirstResult(offset).setMaxResults(limit).getResultList());
    }

    /** Messages of one group in the user's timeline, newest first, optionally before a message id. */
    public List<TimelineRow> group(long userId, long groupId, Long beforeId, int limit) {
        String q = JOIN + " and t.groupId = :group" + (beforeId != null ? " and t.messageId < :before" : "") + " order by t.messageId desc";
        var query = getEntityManager().createQuery(q, Object[].class)
                .setParameter("user", userId).setParameter("group", groupId);
        if (beforeId != null) {
            query.setParameter("before", beforeId);
        }
        return rows(query.setMaxResults(limit).getResultList());
    }

    /** Unread incoming messages, oldest first. */
    public List<TimelineRow> unread(long userId, int limit) {
        return rows(getEntityManager().createQuery(JOIN + " and t.read = false and t.outgoing = false order by t.seq", Object[].class)
                .setParameter("user", userId).setMaxResults(limit).getResultList());
    }

    /** Unread incoming messages per peer. */
    public List<Object[]> unreadByPeer(long userId) {
        return getEntityManager().createQuery("select t.peerId, count(t.messageId) from TimelineEntry t where t.userId = :user "
                + "and t.read = false and t.outgoing = false and t.hidden = false and t.peerId is not null group by t.peerId", Object[].class)
                .setParameter("user", userId).getResultList();
    }

    /** Unread incoming group messages per group. */
    public List<Object[]> unreadByGroup(long userId) {
        return getEntityManager().createQuery("select t.groupId, count(t.messageId) from TimelineEntry t where t.userId = :user "
                + "and t.read = false and t.outgoing = false and t.hidden = false and t.groupId is not null group by t.groupId", Object[].class)
                .setParameter("user", userId).getResultList();
    }

    /**
     * An incoming message of a user's timeline: of a private message, who sent it ({@code senderId});
     * of a group message, the group ({@code groupId}, the sender is then not told).
     */
    public record Incoming(long messageId, Long senderId, Long groupId) {

        /** The message ids of the private rows, grouped by their sender (to tell each sender once). */
        public static Map<Long, List<Long>> bySender(List<Incoming> rows) {
            Map<Long, List<Long>> bySender = new TreeMap<>();
            for (Incoming e : rows) {
                if (e.senderId() != null) {
                    bySender.computeIfAbsent(e.senderId(), k -> new ArrayList<>()).add(e.messageId());
                }
            }
            return bySender;
        }

        /** The ids of the private messages among these rows (their own status moves with the receiver's). */
        public static List<Long> privateIds(List<Incoming> rows) {
            return rows.stream().filter(e -> e.senderId() != null).map(Incoming::messageId).toList();
        }
    }

    /**
     * Undelivered incoming messages among {@code messageIds} (all when null), with their rows locked
     * until commit: a concurrent ack of the same messages waits and then no longer finds them.
     */
    public List<Incoming> lockIncomingUndelivered(long userId, Collection<Long> messageIds) {
        return lockIncoming(userId, "delivered = 0", null, null, messageIds);
    }

    /** Unread incoming messages among {@code messageIds}, of {@code peerId} (null filters mean "any"), locked like above. */
    public List<Incoming> lockIncomingUnread(long userId, Long peerId, Collection<Long> messageIds) {
        return lockIncoming(userId, "is_read = 0", peerId, null, messageIds);
    }

    /** Unread incoming messages of one group, locked like above. */
    public List<Incoming> lockIncomingUnreadOfGroup(long userId, long groupId) {
        return lockIncoming(userId, "is_read = 0", null, groupId, null);
    }

    /** An incoming message of some user's timeline: who received it, and who sent it or the group. */
    public record Received(long userId, Incoming incoming) {
    }

    /**
     * Undelivered incoming messages of many users at once ({@code byUser}: user → message ids), locked
     * until commit in ascending user id: one statement for a gateway's acks of many sockets.
     */
    public List<Received> lockUndeliveredOfUsers(Map<Long, ? extends Collection<Long>> byUser) {
        List<Map.Entry<Long, ? extends Collection<Long>>> users = byUser.entrySet().stream()
                .filter(e -> !e.getValue().isEmpty()).sorted(Map.Entry.comparingByKey()).collect(java.util.stream.Collectors.toList());
        if (users.isEmpty()) {
            return List.of();
        }
        String sql = lockUndeliveredSql(users.stream().map(e -> e.getValue().size()).toList());
        List<Received> out = new ArrayList<>();
        getEntityManager().unwrap(Session.class).doWork(connection -> {
            try (PreparedStatement ps = connection.prepareStatement(sql)) {
                int i = 1;
                for (var e : users) {
                    ps.setLong(i++, e.getKey());
                    i = Sql.bind(ps, i, List.copyOf(e.getValue()));
                }
                try (java.sql.ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        out.add(new Received(rs.getLong(1), new Incoming(rs.getLong(2), (Long) rs.getObject(3, Long.class),
                                (Long) rs.getObject(4, Long.class))));
                    }
                }
            }
        });
        return out;
    }

    /** Marks the given rows of many users delivered (rows found by {@link #lockUndeliveredOfUsers}), in one statement. */
    public void markDeliveredOfUsers(List<Received> rows) {
        if (rows.isEmpty()) {
            return;
        }
        String sql = markDeliveredSql(rows.size());
        getEntityManager().unwrap(Session.class).doWork(connection -> {
            try (PreparedStatement ps = connection.prepareStatement(sql)) {
                int i = 1;
                for (Received r : rows) {
                    ps.setLong(i++, r.userId());
                    ps.setLong(i++, r.incoming().messageId());
                }
                ps.executeUpdate();
            }
        });
    }

    /** The statement of {@link #lockUndeliveredOfUsers}: per user (ascending), its id and then that many message ids. */
    public static String lockUndeliveredSql(List<Integer> idsPerUser) {
        StringBuilder sql = new StringBuilder("SELECT user_id, message_id, peer_id, group_id FROM timeline WHERE outgoing = 0 AND hidden = 0 AND delivered = 0 AND (");
        for (int i = 0; i < idsPerUser.size(); i++) {
            sql.append(i == 0 ? "" : " OR ").append("(user_id = ? AND message_id IN (").append(Sql.placeholders(idsPerUser.get(i))).append("))");
        }
        return sql.append(") ORDER BY user_id, seq FOR UPDATE").toString();
    }

    /** The statement of {@link #markDeliveredOfUsers}: {@code pairs} times a user id and a message id. */
    public static String markDeliveredSql(int pairs) {
        StringBuilder sql = new StringBuilder("UPDATE timeline SET delivered = 1 WHERE ");
        for (int i = 0; i < pairs; i++) {
            sql.append(i == 0 ? "" : " OR ").append("(user_id = ? AND message_id = ?)");
        }
        return sql.toString();
    }

    public int markDelivered(long userId, Collection<Long> messageIds) {
        return update("delivered = true where userId = ?1 and messageId in ?2", userId, messageIds);
    }

    public int markRead(long userId, Collection<Long> messageIds) {
        return update("read = true, delivered = true, readAt = ?3 where userId = ?1 and messageId in ?2", userId, messageIds,
                java.time.Instant.now().truncatedTo(java.time.temporal.ChronoUnit.MILLIS));
    }

    // Native: Hibernate's MySQL dialect writes "FOR UPDATE OF alias", which MariaDB refuses.
    private List<Incoming> lockIncoming(long userId, String state, Long peerId, Long groupId, Collection<Long> messageIds) {
        if (messageIds != null && messageIds.isEmpty()) {
            return List.of();
        }
        StringBuilder sql = new StringBuilder("SELECT message_id, peer_id, group_id FROM timeline WHERE user_id = :user AND outgoing = 0 AND hidden = 0 AND ")
                .append(state);
        if (peerId != null) {
            sql.append(" AND peer_id = :peer");
        }
        if (groupId != null) {
            sql.append(" AND group_id = :group");
        }
        if (messageIds != null) {
            sql.append(" AND message_id IN (:ids)");
        }
        sql.append(" ORDER BY seq FOR UPDATE");
        var query = getEntityManager().createNativeQuery(sql.toString()).setParameter("user", userId);
        if (peerId != null) {
            query.setParameter("peer", peerId);
        }
        if (groupId != null) {
            query.setParameter("group", groupId);
        }
        if (messageIds != null) {
            query.setParameter("ids", messageIds);
        }
        List<?> raw = query.getResultList();
        return raw.stream().map(r -> (Object[]) r)
                .map(r -> new Incoming(((Number) r[0]).longValue(), longOrNull(r[1]), longOrNull(r[2]))).toList();
    }

    private static Long longOrNull(Object value) {
        return value == null ? null : ((Number) value).longValue();
    }

    /**
     * Writes new timeline rows (of a batch of sends: every participant's row of every message) in
     * multi-row INSERTs of {@value #ROWS_PER_INSERT} rows, not one round trip per row. Plain JDBC: the
     * entities stay detached.
     */
    public void insertRows(List<TimelineEntry> rows) {
        getEntityManager().unwrap(Session.class).doWork(connection -> {
            for (int from = 0; from < rows.size(); from += ROWS_PER_INSERT) {
                List<TimelineEntry> chunk = rows.subList(from, Math.min(rows.size(), from + ROWS_PER_INSERT));
                String sql = "INSERT INTO timeline (user_id, seq, message_id, peer_id, group_id, outgoing, delivered, is_read, hidden, created_at) VALUES "
                        + String.join(", ", Collections.nCopies(chunk.size(), "(?, ?, ?, ?, ?, ?, ?, ?, 0, ?)"));
                try (PreparedStatement ps = connection.prepareStatement(sql)) {
                    int i = 1;
                    for (TimelineEntry e : chunk) {
                        ps.setLong(i++, e.userId);
                        ps.setLong(i++, e.seq);
                        ps.setLong(i++, e.messageId);
                        ps.setObject(i++, e.peerId);
                        ps.setObject(i++, e.groupId);
                        ps.setBoolean(i++, e.outgoing);
                        ps.setBoolean(i++, e.delivered);
                        ps.setBoolean(i++, e.read);
                        ps.setObject(i++, LocalDateTime.ofInstant(e.createdAt, ZoneOffset.UTC));
                    }
                    ps.executeUpdate();
                }
            }
        });
    }

    /** Hides a user's rows of one group (they left or were removed): gone from their sync, history, unread and lists. */
    public int hideGroup(long userId, long groupId) {
        return getEntityManager().createNativeQuery("UPDATE timeline SET hidden = 1 WHERE user_id = ?1 AND group_id = ?2 AND hidden = 0")
                .setParameter(1, userId).setParameter(2, groupId).executeUpdate();
    }

    /** Hides one message in the timelines of {@code userIds} (a deleted group message). */
    public int hideMessage(Collection<Long> userIds, long messageId) {
        return update("hidden = true where userId in ?1 and messageId = ?2", userIds, messageId);
    }

    /** Both participants' rows of one message. */
    public List<TimelineEntry> entriesOf(Message m) {
        return list("userId in ?1 and messageId = ?2", List.of(m.senderId, m.receiverId), m.id);
    }

    /** The user's conversations: each peer with the id of the newest visible message, newest first. */
    public List<long[]> latestPerPeer(long userId, int limit) {
        List<?> raw = getEntityManager().createNativeQuery("SELECT peer_id, MAX(message_id) AS last_id FROM timeline "
                + "WHERE user_id = ?1 AND hidden = 0 AND peer_id IS NOT NULL GROUP BY peer_id ORDER BY last_id DESC LIMIT ?2")
                .setParameter(1, userId).setParameter(2, limit).getResultList();
        return raw.stream().map(r -> (Object[]) r)
                .map(r -> new long[] {((Number) r[0]).longValue(), ((Number) r[1]).longValue()}).toList();
    }

    /** The user's group conversations: each group with the id of its newest visible message, newest first. */
    public List<long[]> latestPerGroup(long userId, int limit) {
        List<?> raw = getEntityManager().createNativeQuery("SELECT group_id, MAX(message_id) AS last_id FROM timeline "
                + "WHERE user_id = ?1 AND hidden = 0 AND group_id IS NOT NULL GROUP BY group_id ORDER BY last_id DESC LIMIT ?2")
                .setParameter(1, userId).setParameter(2, limit).getResultList();
        return raw.stream().map(r -> (Object[]) r)
                .map(r -> new long[] {((Number) r[0]).longValue(), ((Number) r[1]).longValue()}).toList();
    }

    /** How many groups the user has visible messages of. */
    public long countGroups(long userId) {
        return ((Number) getEntityManager().createNativeQuery("SELECT COUNT(DISTINCT group_id) FROM timeline "
                + "WHERE user_id = ?1 AND hidden = 0 AND group_id IS NOT NULL")
                .setParameter(1, userId).getSingleResult()).longValue();
    }

    /** How many peers the user has a visible conversation with. */
    public long countPeers(long userId) {
        return ((Number) getEntityManager().createNativeQuery("SELECT COUNT(DISTINCT peer_id) FROM timeline "
                + "WHERE user_id = ?1 AND hidden = 0 AND peer_id IS NOT NULL")
                .setParameter(1, userId).getSingleResult()).longValue();
    }

    /** Everyone who ever shared a conversation with the user. */
    public List<Long> peers(long userId) {
        return getEntityManager().createQuery("select distinct t.peerId from TimelineEntry t where t.userId = :user "
                + "and t.peerId is not null order by t.peerId", Long.class)
                .setParameter("user", userId).getResultList();
    }

    private static List<TimelineRow> rows(List<Object[]> raw) {
        return raw.stream().map(r -> new TimelineRow((TimelineEntry) r[0], (Message) r[1])).toList();
    }
}
