package io.imsystem.auth.model;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;
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
}
