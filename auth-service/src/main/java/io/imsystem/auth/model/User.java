package io.imsystem.auth.model;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/** An account: identity, password hash and public profile. */
@Entity
@Table(name = "users")
public class User extends PanacheEntityBase {

    public static final String ONLINE = "online";
    public static final String OFFLINE = "offline";

    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    public Long id;

    @Column(nullable = false, length = 32)
    public String username;

    @Column(name = "username_lower", nullable = false, length = 32)
    public String usernameLower;

    @Column(length = 254)
    public String email;

    @Column(name = "password_hash", nullable = false, length = 100)
    public String passwordHash;

    @Column(nullable = false, length = 64)
    public String nickname;

    @Column(nullable = false, length = 512)
    public String avatar = "";

    @Column(nullable = false, length = 16)
    public String status = OFFLINE;

    @Column(name = "last_seen")
    public Instant lastSeen;

    @Column(name = "created_at", nullable = false)
    public Instant createdAt;

    @Column(name = "updated_at", nullable = false)
    public Instant updatedAt;

    public static Optional<User> findByUsername(String username) {
        return find("usernameLower", username.toLowerCase(Locale.ROOT)).firstResultOptional();
    }

    public static Optional<User> findByEmail(String email) {
        return find("email", email).firstResultOptional();
    }

    /**
     * Locks the rows of two users until the transaction ends and answers the ids among them that
     * exist. Every change to the contacts of a pair starts with this, in id order, so concurrent
     * changes of one pair queue instead of interleaving, and the reads after it see what the
     * previous holder committed. Native SQL: Hibernate's "FOR UPDATE OF alias" is not MariaDB syntax.
     */
    @SuppressWarnings("unchecked")
    public static List<Long> lockPair(long a, long b) {
        List<Number> ids = getEntityManager()
                .createNativeQuery("select id from users where id in (?1, ?2) order by id for update")
                .setParameter(1, Math.min(a, b)).setParameter(2, Math.max(a, b)).getResultList();
        return ids.stream().map(Number::longValue).toList();
    }
}
