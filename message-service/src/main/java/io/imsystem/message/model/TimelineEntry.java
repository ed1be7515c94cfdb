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

/** A message's place in one user's timeline: that user's seq and that user's state of the message. */
@Entity
@Table(name = "timeline")
@IdClass(TimelineEntry.Key.class)
public class TimelineEntry extends PanacheEntityBase {

    @Id
    @Column(name = "user_id")
    public long userId;

    @Id
    public long seq;

    @Column(name = "message_id", nullable = false)
    public long messageId;

    @Column(name = "peer_id")
    public Long peerId;

    @Column(name = "group_id")
    public Long groupId;

    public boolean outgoing;

    public boolean delivered;

    @Column(name = "is_read")
    public boolean read;

    public boolean hidden;

    /** When its owner read it (null until read; rows read before this column existed have none). */
    @Column(name = "read_at")
    public Instant readAt;

    @Column(name = "created_at", nullable = false)
    public Instant createdAt;

    /** Composite key (user_id, seq). */
    public static class Key implements Serializable {
        public long userId;
        public long seq;

        public Key() {
        }

        public Key(long userId, long seq) {
            this.userId = userId;
            this.seq = seq;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Key k && k.userId == userId && k.seq == seq;
        }

        @Override
        public int hashCode() {
            return Objects.hash(userId, seq);
        }
    }
}
