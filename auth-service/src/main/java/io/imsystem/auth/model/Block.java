package io.imsystem.auth.model;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.IdClass;
import jakarta.persistence.Table;
import java.io.Serializable;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/** A block: {@code blockerId} refuses messages and friend requests from {@code blockedId}. */
@Entity
@Table(name = "blocks")
@IdClass(Block.Key.class)
public class Block extends PanacheEntityBase {

    @Id
    @Column(name = "blocker_id", nullable = false)
    public Long blockerId;

    @Id
    @Column(name = "blocked_id", nullable = false)
    public Long blockedId;

    @Column(name = "created_at", nullable = false)
    public Instant createdAt;

    /** Primary key: (blocker_id, blocked_id). */
    public static class Key implements Serializable {
        public Long blockerId;
        public Long blockedId;

        @Override
        public boolean equals(Object o) {
            return o instanceof Key k && Objects.equals(blockerId, k.blockerId) && Objects.equals(blockedId, k.blockedId);
        }

        @Override
        public int hashCode() {
            return Objects.hash(blockerId, blockedId);
        }
    }

    public static boolean exists(long blockerId, long blockedId) {
        return count("blockerId = ?1 and blockedId = ?2", blockerId, blockedId) > 0;
    }

    /** A user someone has blocked, and since when. */
    public record Row(User user, Instant blockedAt) {
    }

    /** Whether the receiver has blocked the sender, and whether the two are friends. */
    public record Relation(boolean blocked, boolean friends) {
    }

    /** The users a user has blocked, newest block first. */
    public static List<Row> blockedBy(long blockerId) {
        return getEntityManager()
                .createQuery("select u, b.createdAt from Block b join User u on u.id = b.blockedId"
                        + " where b.blockerId = ?1 order by b.createdAt desc, b.blockedId desc", Object[].class)
                .setParameter(1, blockerId)
                .getResultList().stream()
                .map(r -> new Row((User) r[0], (Instant) r[1]))
                .toList();
    }

    /** Ids of everyone {@code blockerId} has blocked (what message-service checks a send against). */
    public static List<Long> blockedIds(long blockerId) {
        return getEntityManager().createQuery("select b.blockedId from Block b where b.blockerId = ?1", Long.class)
                .setParameter(1, blockerId).getResultList();
    }

    /**
     * Whether {@code to} has blocked {@code from} and whether the two are friends, in one query of
     * two primary-key lookups (message-service asks on every private send).
     */
    public static Relation relation(long from, long to) {
        Object[] row = (Object[]) getEntityManager()
                .createNativeQuery("select exists(select 1 from blocks where blocker_id = ?1 and blocked_id = ?2),"
                        + " exists(select 1 from friendships where user_id = ?1 and friend_id = ?2)")
                .setParameter(1, to).setParameter(2, from)
                .getSingleResult();
        return new Relation(truth(row[0]), truth(row[1]));
    }

    private static boolean truth(Object value) {
        return value instanceof Boolean b ? b : ((Number) value).longValue() != 0;
    }
}
