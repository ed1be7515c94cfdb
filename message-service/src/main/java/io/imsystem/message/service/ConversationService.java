package io.imsystem.message.service;

import io.imsystem.common.api.ApiException;
import io.imsystem.message.client.UserSummary;
import io.imsystem.message.model.ChatGroup;
import io.imsystem.message.model.ConversationSettings;
import io.imsystem.message.model.ConversationSettingsRepository;
import io.imsystem.message.model.MentionRepository;
import io.imsystem.message.model.GroupRepository;
import io.imsystem.message.model.Message;
import io.imsystem.message.model.MessageRepository;
import io.imsystem.message.model.TimelineRepository;
import io.imsystem.message.model.TimelineRow;
import io.imsystem.message.rest.dto.ConversationList;
import io.imsystem.message.rest.dto.ConversationView;
import io.imsystem.message.rest.dto.MessageView;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.jboss.logging.Logger;

/** History of one conversation or group (newest first, from the cache where it holds the page) and the conversation lists. */
@ApplicationScoped
public class ConversationService {

    private static final Logger LOG = Logger.getLogger(ConversationService.class);

    @Inject
    TimelineRepository timeline;

    @Inject
    MessageRepository messages;

    @Inject
    MessageCache cache;

    @Inject
    ReadService reads;

    @Inject
    UserDirectory users;

    @Inject
    GroupRepository groups;

    @Inject
    MessageRelations relations;

    @Inject
    ConversationSettingsRepository settings;

    @Inject
    MentionRepository mentions;

    /**
     * Messages with {@code peerId} as {@code userId} sees them, newest first: those before
     * {@code beforeId} (when given), skipping {@code offset}, at most {@code limit}. Marks the
     * conversation read first only when {@code markRead}.
     */
    public List<MessageView> history(long userId, long peerId, Long beforeId, int offset, int limit, boolean markRead) {
        if (markRead) {
            reads.markConversationRead(userId, peerId);
        }
        if (peerId == userId) {
            return List.of();
        }
        Optional<MessageCache.Recent> recent = cache.recent(userId, peerId);
        if (recent.isEmpty()) {
            recent = rebuild(userId, peerId);
        }
        if (recent.isPresent()) {
            List<CachedMessage> candidates = recent.get().messages().stream()
                    .filter(m -> beforeId == null || m.id() < beforeId).toList();
            if (candidates.size() >= offset + limit || recent.get().complete()) {
                return relations.complete(candidates.stream().skip(offset).limit(limit).map(m -> m.viewFor(userId)).toList(), userId);
            }
        }
        return relations.complete(timeline.conversation(userId, peerId, beforeId, offset, limit).stream()
                .map(r -> MessageView.of(r.message(), r.entry().seq)).toList(), userId);
    }

    /**
     * Messages of a group as {@code userId} sees them (each with the reader's seq and own read state),
     * newest first, before {@code beforeId} when given; 404 unless a member. Read from MySQL (the
     * member's own timeline rows, indexed by group), not cached.
     */
    public List<MessageView> groupHistory(long userId, long groupId, Long beforeId, int limit) {
        if (groups.member(groupId, userId).isEmpty()) {
            throw ApiException.notFound("group");
        }
        return relations.complete(timeline.group(userId, groupId, beforeId, limit).stream().map(MessageView::of).toList(), userId);
    }

    /** Reads the newest messages of the conversation from MySQL and caches them, unless a write came meanwhile. */
    private Optional<MessageCache.Recent> rebuild(long userId, long peerId) {
        String version = cache.conversationVersion(userId, peerId);
        if (version == null) {
            return Optional.empty();
        }
        int max = cache.maxMessages();
        List<TimelineRow> rows = timeline.conversation(userId, peerId, null, 0, max + 1);
        boolean complete = rows.size() <= max;
        if (!complete) {
            rows = rows.subList(0, max);
        }
        List<Long> ids = rows.stream().map(r -> r.message().id).toList();
        Map<Long, Long> peerSeqs = ids.isEmpty() ? Map.of()
                : timeline.list("userId = ?1 and messageId in ?2", peerId, ids).stream()
                        .collect(Collectors.toMap(e -> e.messageId, e -> e.seq));
        List<CachedMessage> cached = new ArrayList<>(rows.size());
        for (TimelineRow r : rows) {
            Message m = r.message();
            Long peerSeq = peerSeqs.get(m.id);
            if (peerSeq == null) {
                return Optional.empty();
            }
            long mine = r.entry().seq;
            cached.add(m.senderId == userId ? CachedMessage.of(m, mine, peerSeq) : CachedMessage.of(m, peerSeq, mine));
        }
        cache.fillRecent(userId, peerId, version, cached, complete);
        return Optional.of(new MessageCache.Recent(cached, complete));
    }

    /**
     * The caller's conversations with users and in groups, newest first, each with the peer's names or the
     * group's name and its unread count. The cached list holds group entries too: every group message,
     * rename and read drops the lists of the users it concerns.
     */
    public ConversationList conversations(long userId, int limit) {
        if (limit <= cache.maxConversations()) {
            Optional<ConversationList> cached = cache.conversationList(userId);
            if (cached.isPresent()) {
                List<ConversationView> all = cached.get().conversations();
                return new ConversationList(all.subList(0, Math.min(limit, all.size())), cached.get().total());
            }
        }
        String version = cache.userVersion(userId);
        int fetch = Math.max(limit, cache.maxConversations());
        Map<ConversationSettings.Key, ConversationSettings> mine = settings.of(userId);
        List<long[]> latestPeers = withPinned(userId, ConversationSettings.PEER, timeline.latestPerPeer(userId, fetch), mine);
        List<long[]> latestGroups = withPinned(userId, ConversationSettings.GROUP, timeline.latestPerGroup(userId, fetch), mine);
        List<Long> lastIds = new ArrayList<>();
        latestPeers.forEach(l -> lastIds.add(l[1]));
        latestGroups.forEach(l -> lastIds.add(l[1]));
        Map<Long, Message> lastMessages = lastIds.isEmpty() ? Map.of()
                : messages.list("id in ?1", lastIds).stream().collect(Collectors.toMap(m -> m.id, Function.identity()));
        Map<Long, Long> unread = new HashMap<>();
        for (Object[] row : timeline.unreadByPeer(userId)) {
            unread.put(((Number) row[0]).longValue(), ((Number) row[1]).longValue());
        }
        Map<Long, Long> unreadInGroups = new HashMap<>();
        if (!latestGroups.isEmpty()) {
            for (Object[] row : timeline.unreadByGroup(userId)) {
                unreadInGroups.put(((Number) row[0]).longValue(), ((Number) row[1]).longValue());
            }
        }
        Map<Long, Long> mentionedIn = latestGroups.isEmpty() ? Map.of() : mentions.unreadMentionsByGroup(userId);
        Map<Long, ChatGroup> groupsById = groups.byIds(latestGroups.stream().map(l -> l[0]).toList());
        Map<Long, UserSummary> names;
        boolean namesKnown = true;
        try {
            names = latestPeers.isEmpty() ? Map.of() : users.find(latestPeers.stream().map(l -> l[0]).toList());
        } catch (ApiException e) {
            // Without auth the list still works, only without names; such a list is not cached.
            LOG.warnf("conversation list without peer names: %s", e.getMessage());
            names = Map.of();
            namesKnown = false;
        }
        List<ConversationView> views = new ArrayList<>(latestPeers.size() + latestGroups.size());
        for (long[] l : latestPeers) {
            Message m = lastMessages.get(l[1]);
            if (m == null) {
                continue;
            }
            UserSummary peer = names.get(l[0]);
            ConversationSettings set = mine.get(new ConversationSettings.Key(userId, ConversationSettings.PEER, l[0]));
            views.add(new ConversationView.Peer(l[0], peer == null ? null : peer.username(), peer == null ? null : peer.nickname(),
                    m.content, m.id, m.createdAt.truncatedTo(ChronoUnit.SECONDS), unread.getOrDefault(l[0], 0L),
                    set != null && set.pinned, set != null && set.muted, set != null && set.archived, false));
        }
        for (long[] l : latestGroups) {
            Message m = lastMessages.get(l[1]);
            ChatGroup g = groupsById.get(l[0]);
            if (m == null || g == null) {
                continue;
            }
            ConversationSettings set = mine.get(new ConversationSettings.Key(userId, ConversationSettings.GROUP, g.id));
            views.add(new ConversationView.Group(g.id, g.name, g.avatar, m.content, m.id, m.createdAt.truncatedTo(ChronoUnit.SECONDS),
                    unreadInGroups.getOrDefault(g.id, 0L), set != null && set.pinned, set != null && set.muted, set != null && set.archived,
                    mentionedIn.getOrDefault(g.id, 0L) > 0));
        }
        // Pinned first; message ids grow with time: the newest conversation has the highest last message id.
        views.sort(Comparator.comparing((ConversationView v) -> !v.pinned()).thenComparing(
                Comparator.comparingLong(ConversationView::lastMessageId).reversed()));
        if (views.size() > fetch) {
            views = views.subList(0, fetch);
        }
        long total = timeline.countPeers(userId) + timeline.countGroups(userId);
        if (namesKnown) {
            List<ConversationView> top = views.subList(0, Math.min(views.size(), cache.maxConversations()));
            cache.fillConversationList(userId, version, new ConversationList(List.copyOf(top), total));
        }
        return new ConversationList(views.subList(0, Math.min(limit, views.size())), total);
    }

    /** The newest conversations plus the pinned ones that are older (pinned conversations come first, however old). */
    private List<long[]> withPinned(long userId, String kind, List<long[]> latest, Map<ConversationSettings.Key, ConversationSettings> mine) {
        java.util.Set<Long> present = new java.util.HashSet<>();
        latest.forEach(l -> present.add(l[0]));
        List<Long> missing = mine.values().stream().filter(s -> s.pinned && kind.equals(s.kind) && !present.contains(s.targetId))
                .map(s -> s.targetId).toList();
        if (missing.isEmpty()) {
            return latest;
        }
        List<long[]> all = new ArrayList<>(latest);
        all.addAll(settings.latestOf(userId, kind, missing));
        return all;
    }

    /** Everyone who shares a conversation with the user (for presence). */
    public List<Long> peers(long userId) {
        return timeline.peers(userId);
    }
}
