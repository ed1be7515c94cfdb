package io.imsystem.message.model;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;

/**
 * One change of a message, an edit or a recall: it takes the next seq in the timeline of every
 * participant ({@code timeline_changes}), so a device that was away finds it through sync.
 */
@Entity
@Table(name = "message_changes")
public class MessageChange extends PanacheEntityBase {

    public static final String EDITED = "edited";
    public static final String RECALLED = "recalled";

    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    public Long id;

    @Column(name = "message_id", nullable = false)
    public long messageId;

    /** {@link #EDITED} or {@link #RECALLED}. */
    @Column(nullable = false)
    public String kind;

    /** The content an edit set; null for a recall, and wiped from every edit once the message is recalled. */
    @Column(columnDefinition = "TEXT")
    public String content;

    @Column(name = "by_user", nullable = false)
    public long byUser;

    @Column(name = "created_at", nullable = false)
    public Instant createdAt;
}
