package io.imsystem.message.model;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.IdClass;
import jakarta.persistence.Table;
import java.io.Serializable;
import java.time.Instant;
import java.util.Objects;

/** One user's settings of one conversation (with a user, kind {@code u}, or a group, kind {@code g}); no row means all off. */
@Entity
@Table(name = "conversation_settings")
@IdClass(ConversationSettings.Key.class)
public class ConversationSettings extends PanacheEntityBase {

    public static final String PEER = "u";
    public static final String GROUP = "g";

    @Id
    @Column(name = "user_id")
    public long userId;

    @Id
    public String kind;

    @Id
    @Column(name = "target_id")
    public long targetId;

    public boolean pinned;

    public boolean muted;

    public boolean archived;

    @Column(name = "updated_at", nullable = false)
    public Instant updatedAt;

    /** Composite key (user_id, kind, target_id). */
    public static class Key implements Serializable {
        public long userId;
        public String kind;
        public long targetId;

        public Key() {
        }

        public Key(long userId, String kind, long targetId) {
            this.userId = userId;
            this.kind = kind;
            this.targetId = targetId;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Key k && k.userId == userId && k.targetId == targetId && Objects.equals(k.kind, kind);
        }

        @Override
        public int hashCode() {
            return Objects.hash(userId, kind, targetId);
        }
    }
}
