package io.imsystem.message.model;

import io.quarkus.hibernate.orm.panache.PanacheRepositoryBase;
import jakarta.enterprise.context.ApplicationScoped;
import java.sql.PreparedStatement;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.hibernate.Session;

/**
 * Groups and their members. The group row orders the writes of a group: a send holds it shared (sends
 * to one group run side by side), a membership change holds it exclusive, so a send sees the member
 * set as it is at commit and a removed member stops receiving at once. Locks are native SQL: Hibernate's
 * MySQL dialect writes "FOR UPDATE OF alias", which MariaDB refuses.
 */
@ApplicationScoped
public class GroupRepository implements PanacheRepositoryBase<ChatGroup, Long> {

    /** Holds the group row shared until commit (a send); false when there is no such group. */
    public boolean lockShared(long groupId) {
        return !getEntityManager().createNativeQuery("SELECT id FROM chat_groups WHERE id = ?1 LOCK IN SHARE MODE")
                .setParameter(1, groupId).getResultList().isEmpty();
    }

    /** Holds the group row exclusive until commit (a membership or name change); empty when there is no such group. */
    public Optional<ChatGroup> lockExclusive(long groupId) {
        boolean found = !getEntityManager().createNativeQuery("SELECT id FROM chat_groups WHERE id = ?1 FOR UPDATE")
                .setParameter(1, groupId).getResultList().isEmpty();
        return found ? Optional.ofNullable(findById(groupId)) : Optional.empty();
    }

    /** The current members' ids in ascending order, read as committed (locking read), for a send. */
    public List<Long> lockMemberIds(long groupId) {
        List<?> raw = getEntityManager().createNativeQuery(
                "SELECT user_id FROM group_members WHERE group_id = ?1 ORDER BY user_id LOCK IN SHARE MODE")
                .setParameter(1, groupId).getResultList();
        return raw.stream().map(r -> ((Number) r).longValue()).toList();
    }

    public List<Long> memberIds(long groupId) {
        return getEntityManager().createQuery("select m.userId from GroupMember m where m.groupId = :g order by m.userId", Long.class)
                .setParameter("g", groupId).getResultList();
    }

    public Optional<GroupMember> member(long groupId, long userId) {
        return Optional.ofNullable(getEntityManager().find(GroupMember.class, new GroupMember.Key(groupId, userId)));
    }

    /** The members, longest-standing first. */
    public List<GroupMember> members(long groupId) {
        return getEntityManager().createQuery("select m from GroupMember m where m.groupId = :g order by m.joinedAt, m.userId", GroupMember.class)
                .setParameter("g", groupId).getResultList();
    }

    public long memberCount(long groupId) {
        return getEntityManager().createQuery("select count(m) from GroupMember m where m.groupId = :g", Long.class)
                .setParameter("g", groupId).getSingleResult();
    }

    /** Member counts of several groups. */
    public Map<Long, Long> memberCounts(Collection<Long> groupIds) {
        Map<Long, Long> counts = new HashMap<>();
        if (groupIds.isEmpty()) {
            return counts;
        }
        for (Object[] row : getEntityManager().createQuery("select m.groupId, count(m) from GroupMember m where m.groupId in :g group by m.groupId",
                Object[].class).setParameter("g", groupIds).getResultList()) {
            counts.put((Long) row[0], (Long) row[1]);
        }
        return counts;
    }

    /** The groups the user belongs to, newest first. */
    public List<ChatGroup> groupsOf(long userId) {
        return getEntityManager().createQuery("select g from ChatGroup g, GroupMember m where m.groupId = g.id and m.userId = :u order by g.id desc",
                ChatGroup.class).setParameter("u", userId).getResultList();
    }

    /** Groups by id (those that still exist). */
    public Map<Long, ChatGroup> byIds(Collection<Long> groupIds) {
        Map<Long, ChatGroup> found = new HashMap<>();
        if (!groupIds.isEmpty()) {
            for (ChatGroup g : list("id in ?1", groupIds)) {
                found.put(g.id, g);
            }
        }
        return found;
    }

    /** Adds members with one role in multi-row INSERTs (a new group can have hundreds). */
    public void addMembers(long groupId, List<Long> userIds, String role, Instant joinedAt) {
        LocalDateTime joined = LocalDateTime.ofInstant(joinedAt, ZoneOffset.UTC);
        getEntityManager().unwrap(Session.class).doWork(connection -> {
            for (int from = 0; from < userIds.size(); from += TimelineRepository.ROWS_PER_INSERT) {
                List<Long> chunk = userIds.subList(from, Math.min(userIds.size(), from + TimelineRepository.ROWS_PER_INSERT));
                String sql = "INSERT INTO group_members (group_id, user_id, role, joined_at) VALUES "
                        + String.join(", ", Collections.nCopies(chunk.size(), "(?, ?, ?, ?)"));
                try (PreparedStatement ps = connection.prepareStatement(sql)) {
                    int i = 1;
                    for (long user : chunk) {
                        ps.setLong(i++, groupId);
                        ps.setLong(i++, user);
                        ps.setString(i++, role);
                        ps.setObject(i++, joined);
                    }
                    ps.executeUpdate();
                }
            }
        });
    }

    /** Who takes over a group whose owner leaves: the longest-standing admin, else the longest-standing member. */
    public Optional<GroupMember> successor(long groupId, long leavingOwner) {
        return getEntityManager().createQuery("select m from GroupMember m where m.groupId = :g and m.userId <> :owner "
                + "order by case when m.role = :admin then 0 else 1 end, m.joinedAt, m.userId", GroupMember.class)
                .setParameter("g", groupId).setParameter("owner", leavingOwner).setParameter("admin", GroupMember.ADMIN)
                .setMaxResults(1).getResultStream().findFirst();
    }
}
