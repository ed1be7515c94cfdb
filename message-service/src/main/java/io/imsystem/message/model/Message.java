package io.imsystem.message.model;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;

/** One stored message; private when {@code receiverId} is set. Soft-deleted by {@code deletedAt}. */
@Entity
@Table(name = "messages")
public class Message extends PanacheEntityBase {

    public static final String SENT = "sent";
    public static final String DELIVERED = "delivered";
    public static final String READ = "read";

    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    public Long id;

    @Column(name = "sender_id", nullable = false)
    public long senderId;

    @Column(name = "receiver_id")
    public Long receiverId;

    @Column(name = "group_id")
    public Long groupId;

    @Column(nullable = false, columnDefinition = "TEXT")
    public String content;

    @Column(name = "msg_type", nullable = false)
    public String msgType;

    @Column(nullable = false)
    public String status;

    @Column(name = "client_msg_id")
    public String clientMsgId;

    @Column(name = "created_at", nullable = false)
    public Instant createdAt;

    @Column(name = "updated_at", nullable = false)
    public Instant updatedAt;

    @Column(name = "deleted_at")
    public Instant deletedAt;
}
