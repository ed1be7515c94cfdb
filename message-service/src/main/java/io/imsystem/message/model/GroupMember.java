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

/** A user's membership of a group and their role in it. */
@Entity
@Table(name = "group_members")
@IdClass(GroupMember.Key.class)
public class GroupMember extends PanacheEntityBase {

    public static final String OWNER = "owner";
    public static final String ADMIN = "admin";
    public static final String MEMBER = "member";

    @Id
    @Column(name = "group_id")
    public long groupId;

    @Id
    @Column(name = "user_id")
    public long userId;

    @Column(nullable = false)
    public String role;

    @Column(name = "joined_at", nullable = false)
    public Instant joinedAt;

    /** Owner or admin: may rename the group and add or remove members. */
    public boolean manages() {
        return OWNER.equals(role) || ADMIN.equals(role);
    }

    /** Composite key (group_id, user_id). */
    public static class Key implements Serializable {
        public long groupId;
        public long userId;

        public Key() {
        }

        public Key(long groupId, long userId) {
            this.groupId = groupId;
            this.userId = userId;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Key k && k.groupId == groupId && k.userId == userId;
        }

        @Override
        public int hashCode() {
            return Objects.hash(groupId, userId);
        }
    }
}
