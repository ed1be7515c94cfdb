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

/** One direction of a friendship: both directions are written and removed together. */
@Entity
@Table(name = "friendships")
@IdClass(Friendship.Key.class)
public class Friendship extends PanacheEntityBase {

    @Id
    @Column(name = "user_id", nullable = false)
    public Long userId;

    @Id
    @Column(name = "friend_id", nullable = false)
    public Long friendId;

    @Column(nullable = false)
    public Instant since;

    /** Primary key: (user_id, friend_id). */
    public static class Key implements Serializable {
        public Long userId;
        public Long friendId;

        @Override
        public boolean equals(Object o) {
            return o instanceof Key k && Objects.equals(userId, k.userId) && Objects.equals(friendId, k.friendId);
        }

        @Override
        public int hashCode() {
            return Objects.hash(userId, friendId);
        }
    }

    public static boolean exists(long userId, long friendId) {
        return count("userId = ?1 and friendId = ?2", userId, friendId) > 0;
    }

    /** Makes two users friends in both directions, since now. */
    public static Instant link(long a, long b, Instant since) {
        for (long[] direction : new long[][] {{a, b}, {b, a}}) {
            Friendship f = new Friendship();
            f.userId = direction[0];
            f.friendId = direction[1];
            f.since = since;
            f.persist();
        }
        return since;
    }

    /** A friend of a user and since when. */
    public record Row(User friend, Instant since) {
    }

    /** One page of a user's friends, newest friendship first. */
    public static List<Row> friendsOf(long userId, int pageIndex, int pageSize) {
        long offset = (long) pageIndex * pageSize;
        if (offset > Integer.MAX_VALUE) {
            return List.of();
        }
        return getEntityManager()
                .createQuery("select u, f.since from Friendship f join User u on u.id = f.friendId"
                        + " where f.userId = ?1 order by f.since desc, f.friendId desc", Object[].class)
                .setParameter(1, userId)
                .setFirstResult((int) offset).setMaxResults(pageSize)
                .getResultList().stream()
                .map(r -> new Row((User) r[0], (Instant) r[1]))
                .toList();
    }

    /** Ends the friendship of two users in both directions; answers whether there was one. */
    public static boolean unlink(long a, long b) {
        return delete("(userId = ?1 and friendId = ?2) or (userId = ?2 and friendId = ?1)", a, b) > 0;
    }
}
