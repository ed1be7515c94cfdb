package io.imsystem.message.service;

import io.imsystem.common.api.ApiException;
import io.imsystem.common.api.ErrorCodes;
import io.imsystem.message.client.UserSummary;
import io.imsystem.message.config.MessageConfig;
import io.imsystem.message.model.ChatGroup;
import io.imsystem.message.model.GroupMember;
import io.imsystem.message.model.GroupRepository;
import io.imsystem.message.model.SeqRepository;
import io.imsystem.message.model.TimelineRepository;
import io.imsystem.message.rest.dto.CreateGroupRequest;
import io.imsystem.message.rest.dto.GroupView;
import io.imsystem.message.rest.dto.MemberView;
import io.imsystem.message.rest.dto.UpdateGroupRequest;
import io.imsystem.message.stream.DeliveryPublisher;
import io.imsystem.message.stream.Frames;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.jboss.logging.Logger;

/**
 * Groups and their members: create, list, rename, add, remove, leave, roles. Non-members get 404 for
 * everything of a group, so that group ids cannot be probed; members who may not do something get 403.
 * Every change tells the members (and the user who left or was removed) with a {@code group} frame.
 */
@ApplicationScoped
public class GroupService {

    private static final Logger LOG = Logger.getLogger(GroupService.class);
    static final int MAX_NAME = 64;

    @Inject
    GroupRepository groups;

    @Inject
    SeqRepository seqs;

    @Inject
    TimelineRepository timeline;

    @Inject
    UserDirectory users;

    @Inject
    MessageConfig config;

    @Inject
    DeliveryPublisher delivery;

    @Inject
    MessageCache cache;

    /** What a change left behind: the group afterwards (as it was, when its last member left), its members, who it concerns. */
    record Change(ChatGroup group, List<Long> members, List<Long> affected) {

        long memberCount() {
            return members.size();
        }
    }

    /** A new group owned by its creator, with the listed users as members. */
    public GroupView create(long ownerId, CreateGroupRequest request) {
        String name = name(request.name());
        Set<Long> invited = new TreeSet<>(request.memberIds() == null ? List.of() : request.memberIds());
        invited.remove(ownerId);
        if (invited.size() + 1 > config.groupMaxMembers()) {
            throw full();
        }
        requireUsers("member_ids", invited);
        Change c = createInTx(ownerId, name, List.copyOf(invited));
        LOG.debugf("group %s created by %s with %s members", c.group().id, (Object) ownerId, (Object) c.memberCount());
        tell("created", c, c.members(), ownerId);
        return GroupView.of(c.group(), c.memberCount());
    }

    /** The groups the caller belongs to, newest first. */
    public List<GroupView> mine(long userId) {
        List<ChatGroup> mine = groups.groupsOf(userId);
        Map<Long, Long> counts = groups.memberCounts(mine.stream().map(g -> g.id).toList());
        return mine.stream().map(g -> GroupView.of(g, counts.getOrDefault(g.id, 0L))).toList();
    }

    /** One group with its members (and their names when auth-service can tell them); 404 unless a member. */
    public GroupView get(long userId, long groupId) {
        ChatGroup g = groups.findById(groupId);
        if (g == null || groups.member(groupId, userId).isEmpty()) {
            throw ApiException.notFound("group");
        }
        List<GroupMember> members = groups.members(groupId);
        Map<Long, UserSummary> names = names(members.stream().map(m -> m.userId).toList());
        return GroupView.of(g, members.size(), members.stream().map(m -> view(m, names)).toList());
    }

    /** Renames the group or changes its avatar: owner or admin (403), members only (404). */
    public GroupView update(long userId, long groupId, UpdateGroupRequest request) {
        if (request.name() == null && request.avatar() == null) {
            throw ApiException.invalidField("name", "give a name or an avatar");
        }
        String name = request.name() == null ? null : name(request.name());
        String avatar = request.avatar() == null ? null : request.avatar().strip();
        Change c = updateInTx(userId, groupId, name, avatar);
        // Conversation entries carry the group's name and avatar.
        cache.usersChanged(c.members());
        tell("updated", c, c.members(), userId);
        return GroupView.of(c.group(), c.memberCount());
    }

    /** Adds users as members: owner or admin (403), members only (404), at most the configured size (409). */
    public GroupView addMembers(long userId, long groupId, List<Long> userIds) {
        if (groups.member(groupId, userId).isEmpty()) {
            throw ApiException.notFound("group");
        }
        Set<Long> wanted = new TreeSet<>(userIds);
        if (wanted.size() > config.groupMaxMembers()) {
            throw full();
        }
        requireUsers("user_ids", wanted);
        Change c = addInTx(userId, groupId, wanted);
        if (!c.affected().isEmpty()) {
            tell("joined", c, c.members(), userId);
        }
        return GroupView.of(c.group(), c.memberCount());
    }

    /**
     * Removes a member (owner or admin; an admin cannot remove the owner or another admin), or the
     * caller themself (leave). The owner who leaves hands the group to the longest-standing admin, else
     * member; the last member who leaves deletes it. The one who goes no longer sees the group's messages.
     */
    public void removeMember(long userId, long groupId, long memberId) {
        boolean leaving = userId == memberId;
        Change c = Deadlocks.retry(() -> removeInTx(userId, groupId, memberId));
        cache.userChanged(memberId);
        List<Long> told = new ArrayList<>(c.members());
        told.add(memberId);
        tell(leaving ? "left" : "removed", c, told, userId);
    }

    /** Makes a member an admin or a member again: owner only (403). */
    public MemberView setRole(long userId, long groupId, long memberId, String role) {
        Change c = roleInTx(userId, groupId, memberId, role);
        tell("updated", c, c.members(), userId);
        GroupMember m = groups.member(groupId, memberId).orElseThrow(() -> ApiException.notFound("member"));
        return view(m, names(List.of(memberId)));
    }

    // ---- transactions ----

    @Transactional
    Change createInTx(long ownerId, String name, List<Long> invited) {
        Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        ChatGroup g = new ChatGroup();
        g.name = name;
        g.ownerId = ownerId;
        g.createdAt = now;
        g.updatedAt = now;
        groups.persist(g);
        groups.addMembers(g.id, List.of(ownerId), GroupMember.OWNER, now);
        groups.addMembers(g.id, invited, GroupMember.MEMBER, now);
        List<Long> members = new ArrayList<>(new TreeSet<>(invited));
        members.add(ownerId);
        seqs.ensureRows(members);
        return new Change(g, groups.memberIds(g.id), members);
    }

    @Transactional
    Change updateInTx(long userId, long groupId, String name, String avatar) {
        ChatGroup g = groups.lockExclusive(groupId).orElseThrow(() -> ApiException.notFound("group"));
        requireManager(groupId, userId);
        if (name != null) {
            g.name = name;
        }
        if (avatar != null) {
            g.avatar = avatar.isEmpty() ? null : avatar;
        }
        g.updatedAt = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        return new Change(g, groups.memberIds(groupId), List.of());
    }

    @Transactional
    Change addInTx(long userId, long groupId, Set<Long> wanted) {
        ChatGroup g = groups.lockExclusive(groupId).orElseThrow(() -> ApiException.notFound("group"));
        requireManager(groupId, userId);
        List<Long> members = groups.memberIds(groupId);
        List<Long> added = new ArrayList<>(wanted);
        added.removeAll(members);
        if (added.isEmpty()) {
            return new Change(g, members, List.of());
        }
        if (members.size() + added.size() > config.groupMaxMembers()) {
            throw full();
        }
        seqs.ensureRows(added);
        groups.addMembers(groupId, added, GroupMember.MEMBER, Instant.now().truncatedTo(ChronoUnit.MILLIS));
        return new Change(g, groups.memberIds(groupId), added);
    }

    @Transactional
    Change removeInTx(long userId, long groupId, long memberId) {
        ChatGroup g = groups.lockExclusive(groupId).orElseThrow(() -> ApiException.notFound("group"));
        GroupMember actor = groups.member(groupId, userId).orElseThrow(() -> ApiException.notFound("group"));
        GroupMember gone = actor;
        if (memberId != userId) {
            gone = groups.member(groupId, memberId).orElseThrow(() -> ApiException.notFound("member"));
            if (!actor.manages()) {
                throw ApiException.forbidden("only the owner or an admin can remove members");
            }
            if (!GroupMember.OWNER.equals(actor.role) && gone.manages()) {
                throw ApiException.forbidden("an admin cannot remove the owner or another admin");
            }
        }
        boolean wasOwner = GroupMember.OWNER.equals(gone.role);
        gone.delete();
        timeline.hideGroup(memberId, groupId);
        List<Long> rest = groups.memberIds(groupId);
        if (rest.isEmpty()) {
            g.delete();
            return new Change(g, List.of(), List.of(memberId));
        }
        if (wasOwner) {
            GroupMember heir = groups.successor(groupId, memberId).orElseThrow();
            heir.role = GroupMember.OWNER;
            g.ownerId = heir.userId;
            LOG.debugf("group %s passes from %s to %s", g.id, (Object) memberId, (Object) heir.userId);
        }
        g.updatedAt = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        return new Change(g, rest, List.of(memberId));
    }

    @Transactional
    Change roleInTx(long userId, long groupId, long memberId, String role) {
        ChatGroup g = groups.lockExclusive(groupId).orElseThrow(() -> ApiException.notFound("group"));
        GroupMember actor = groups.member(groupId, userId).orElseThrow(() -> ApiException.notFound("group"));
        GroupMember target = groups.member(groupId, memberId).orElseThrow(() -> ApiException.notFound("member"));
        if (!GroupMember.OWNER.equals(actor.role)) {
            throw ApiException.forbidden("only the owner can change roles");
        }
        if (target.userId == userId) {
            throw ApiException.invalidField("role", "the owner's role cannot be changed");
        }
        target.role = role;
        return new Change(g, groups.memberIds(groupId), List.of(memberId));
    }

    // ---- helpers ----

    /** The users' names where auth-service can tell them; without auth the members are listed without names. */
    private Map<Long, UserSummary> names(List<Long> userIds) {
        try {
            return users.find(userIds);
        } catch (ApiException e) {
            LOG.warnf("group members without names: %s", e.getMessage());
            return Map.of();
        }
    }

    private static MemberView view(GroupMember m, Map<Long, UserSummary> names) {
        UserSummary u = names.get(m.userId);
        return new MemberView(m.userId, m.role, m.joinedAt.truncatedTo(ChronoUnit.SECONDS),
                u == null ? null : u.username(), u == null ? null : u.nickname());
    }

    private void requireManager(long groupId, long userId) {
        GroupMember m = groups.member(groupId, userId).orElseThrow(() -> ApiException.notFound("group"));
        if (!m.manages()) {
            throw ApiException.forbidden("only the owner or an admin can do this");
        }
    }

    /** 400 naming the ids that auth-service does not know; 503 when it cannot tell. */
    private void requireUsers(String field, Collection<Long> ids) {
        if (ids.isEmpty()) {
            return;
        }
        Map<Long, UserSummary> found = users.find(ids);
        List<Long> unknown = ids.stream().filter(id -> !found.containsKey(id)).toList();
        if (!unknown.isEmpty()) {
            String listed = unknown.stream().limit(10).map(String::valueOf).collect(Collectors.joining(","))
                    + (unknown.size() > 10 ? ",…" : "");
            throw ApiException.invalidField(field, "unknown user ids: " + listed);
        }
    }

    private void tell(String event, Change c, Collection<Long> recipients, long by) {
        ChatGroup g = c.group();
        delivery.deliver(Frames.group(event, g, c.memberCount(), c.affected(), by), new TreeSet<>(recipients), null, null);
    }

    private ApiException full() {
        return new ApiException(409, ErrorCodes.GROUP_FULL, "a group has at most " + config.groupMaxMembers() + " members");
    }

    private static String name(String raw) {
        String name = raw == null ? "" : raw.strip();
        int length = name.codePointCount(0, name.length());
        if (length < 1 || length > MAX_NAME) {
            throw ApiException.invalidField("name", "must be 1-" + MAX_NAME + " characters after trimming");
        }
        return name;
    }
}
