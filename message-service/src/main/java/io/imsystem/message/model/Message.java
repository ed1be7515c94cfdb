package io.imsystem.message.model;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import jakarta.persistence.Transient;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * One stored message; private when {@code receiverId} is set. Soft-deleted by {@code deletedAt}; edited
 * ({@code editedAt}) and recalled ({@code recalledAt}, content then empty) by its changes; a reply to
 * {@code replyToId}; mentioning {@code mentions} or all ({@code mentionAll}).
 */
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

    @Column(name = "edited_at")
    public Instant editedAt;

    @Column(name = "recalled_at")
    public Instant recalledAt;

    @Column(name = "reply_to_id")
    public Long replyToId;

    /** The mentioned user ids, comma-separated (null: none). */
    public String mentions;

    @Column(name = "mention_all")
    public boolean mentionAll;

    /** Reactions of every emoji: only messages with some are looked up in message_reactions. */
    @Column(name = "reaction_count")
    public int reactionCount;

    /** The quoted message as the send found it (set on a new message, so its answer and frame need no look-up). */
    @Transient
    public Quote quote;

    public boolean recalled() {
        return recalledAt != null;
    }

    public List<Long> mentionIds() {
        return parseIds(mentions);
    }

    /** The ids of a {@code mentions} column. */
    public static List<Long> parseIds(String csv) {
        List<Long> ids = new ArrayList<>();
        if (csv != null && !csv.isBlank()) {
            for (String id : csv.split(",")) {
                ids.add(Long.parseLong(id.trim()));
            }
        }
        return ids;
    }

    /** The {@code mentions} column of some ids (null when none). */
    public static String joinIds(List<Long> ids) {
        return ids == null || ids.isEmpty() ? null : String.join(",", ids.stream().map(String::valueOf).toList());
    }
}
