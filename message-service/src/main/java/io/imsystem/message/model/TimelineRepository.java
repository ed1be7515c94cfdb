package io.imsystem.message.model;

import io.quarkus.hibernate.orm.panache.PanacheRepositoryBase;
import io.quarkus.panache.common.Parameters;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/** Per-user timelines: sync, offline queue, history, unread. Hidden (deleted) rows are never returned. */
@ApplicationScoped
public class TimelineRepository implements PanacheRepositoryBase<TimelineEntry, TimelineEntry.Key> {

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

    /** An incoming message of a user's timeline and who sent it. */
    public record Incoming(long messageId, long senderId) {

        /** The message ids of these rows, grouped by their sender (to tell each sender once). */
        public static Map<Long, List<Long>> bySender(List<Incoming> rows) {
            Map<Long, List<Long>> bySender = new TreeMap<>();
            for (Incoming e : rows) {
                bySender.computeIfAbsent(e.senderId(), k -> new ArrayList<>()).add(e.messageId());
            }
            return bySender;
        }
    }

    /**
     * Undelivered incoming messages among {@code messageIds} (all when null), with their rows locked
     * until commit: a concurrent ack of the same messages waits and then no longer finds them.
     */
    public List<Incoming> lockIncomingUndelivered(long userId, Collection<Long> messageIds) {
        return lockIncoming(userId, "delivered = 0", null, messageIds);
    }

    /** Unread incoming messages among {@code messageIds}, of {@code peerId} (null filters mean "any"), locked like above. */
    public List<Incoming> lockIncomingUnread(long userId, Long peerId, Collection<Long> messageIds) {
        return lockIncoming(userId, "is_read = 0", peerId, messageIds);
    }

    public int markDelivered(long userId, Collection<Long> messageIds) {
        return update("delivered = true where userId = ?1 and messageId in ?2", userId, messageIds);
    }

    public int markRead(long userId, Collection<Long> messageIds) {
        return update("read = true, delivered = true where userId = ?1 and messageId in ?2", userId, messageIds);
    }

    // Native: Hibernate's MySQL dialect writes "FOR UPDATE OF alias", which MariaDB refuses.
    private List<Incoming> lockIncoming(long userId, String state, Long peerId, Collection<Long> messageIds) {
        if (messageIds != null && messageIds.isEmpty()) {
            return List.of();
        }
        StringBuilder sql = new StringBuilder("SELECT message_id, peer_id FROM timeline WHERE user_id = :user AND outgoing = 0 AND hidden = 0 AND ")
                .append(state);
        if (peerId != null) {
            sql.append(" AND peer_id = :peer");
        }
        if (messageIds != null) {
            sql.append(" AND message_id IN (:ids)");
        }
        sql.append(" ORDER BY seq FOR UPDATE");
        var query = getEntityManager().createNativeQuery(sql.toString()).setParameter("user", userId);
        if (peerId != null) {
            query.setParameter("peer", peerId);
        }
        if (messageIds != null) {
            query.setParameter("ids", messageIds);
        }
        List<?> raw = query.getResultList();
        return raw.stream().map(r -> (Object[]) r)
                .map(r -> new Incoming(((Number) r[0]).longValue(), ((Number) r[1]).longValue())).toList();
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
