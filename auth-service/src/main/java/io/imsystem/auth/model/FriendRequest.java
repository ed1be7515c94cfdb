package io.imsystem.auth.model;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import io.quarkus.panache.common.Page;
import io.quarkus.panache.common.Sort;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * A friend request from one user to another. The table's generated columns {@code pending_low}
 * and {@code pending_high} (not mapped) keep at most one pending request per pair of users.
 */
@Entity
@Table(name = "friend_requests")
public class FriendRequest extends PanacheEntityBase {

    public static final String PENDING = "pending";
    public static final String ACCEPTED = "accepted";
    public static final String REJECTED = "rejected";
    public static final String CANCELLED = "cancelled";
    /** Name of the unique key that refuses a second pending request between two users. */
    public static final String PENDING_KEY = "uk_friend_requests_pending";

    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    public Long id;

    @Column(name = "from_user_id", nullable = false)
    public Long fromUserId;

    @Column(name = "to_user_id", nullable = false)
    public Long toUserId;

    @Column(nullable = false, length = 200)
    public String message = "";

    @Column(nullable = false, length = 16)
    public String status = PENDING;

    @Column(name = "created_at", nullable = false)
    public Instant createdAt;

    @Column(name = "updated_at", nullable = false)
    public Instant updatedAt;

    public boolean isPending() {
        return PENDING.equals(status);
    }

    /** Moves a pending request to its final status. */
    public void close(String finalStatus, Instant now) {
        status = finalStatus;
        updatedAt = now;
    }

    /** The pending request between two users, whichever of them asked (one lookup of the unique key). */
    @SuppressWarnings("unchecked")
    public static Optional<FriendRequest> pendingBetween(long a, long b) {
        List<FriendRequest> rows = getEntityManager()
                .createNativeQuery("select * from friend_requests where pending_low = ?1 and pending_high = ?2",
                        FriendRequest.class)
                .setParameter(1, Math.min(a, b)).setParameter(2, Math.max(a, b)).getResultList();
        return rows.stream().findFirst();
    }

    /** Pending requests to (incoming) or from (outgoing) a user, newest first, below an id when given. */
    public static List<FriendRequest> pending(long userId, boolean incoming, Long beforeId, int limit) {
        String party = incoming ? "toUserId" : "fromUserId";
        String query = party + " = ?1 and status = ?2" + (beforeId == null ? "" : " and id < ?3");
        var found = beforeId == null
                ? find(query, Sort.descending("id"), userId, PENDING)
                : find(query, Sort.descending("id"), userId, PENDING, beforeId);
        return found.page(Page.ofSize(limit)).list();
    }
}
