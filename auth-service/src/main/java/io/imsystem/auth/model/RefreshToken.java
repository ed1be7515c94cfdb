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
import java.util.Optional;

/** One refresh token, stored as its SHA-256 only; all rotations of one login share a family. */
@Entity
@Table(name = "refresh_tokens")
public class RefreshToken extends PanacheEntityBase {

    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    public Long id;

    @Column(name = "token_hash", nullable = false, length = 64)
    public String tokenHash;

    @Column(name = "family_id", nullable = false, length = 36)
    public String familyId;

    @Column(name = "user_id", nullable = false)
    public Long userId;

    @Column(name = "expires_at", nullable = false)
    public Instant expiresAt;

    @Column(name = "created_at", nullable = false)
    public Instant createdAt;

    @Column(name = "used_at")
    public Instant usedAt;

    @Column(name = "revoked_at")
    public Instant revokedAt;

    /** Id of the access token issued with this refresh token, denied when the family is revoked. */
    @Column(name = "access_jti", length = 36)
    public String accessJti;

    @Column(name = "access_expires_at")
    public Instant accessExpiresAt;

    /** The family of the token with this hash, read without loading (and caching) the entity. */
    public static Optional<String> familyOf(String tokenHash) {
        List<?> rows = getEntityManager()
                .createNativeQuery("select family_id from refresh_tokens where token_hash = ?1")
                .setParameter(1, tokenHash).getResultList();
        return rows.isEmpty() ? Optional.empty() : Optional.of(rows.get(0).toString());
    }

    /**
     * Every token of a family, as last committed, locked until the transaction ends. Whoever
     * changes a family locks all of it first, in id order, so concurrent uses queue instead of
     * deadlocking. Native SQL: Hibernate's MySQL "FOR UPDATE OF alias" is not MariaDB syntax.
     */
    @SuppressWarnings("unchecked")
    public static List<RefreshToken> lockFamily(String familyId) {
        return getEntityManager()
                .createNativeQuery("select * from refresh_tokens where family_id = ?1 order by id for update", RefreshToken.class)
                .setParameter(1, familyId).getResultList();
    }

    /** Revokes every still-active token of a family; answers how many. */
    public static int revokeFamily(String familyId, Instant now) {
        return update("revokedAt = ?1 where familyId = ?2 and revokedAt is null", now, familyId);
    }
}
