package io.imsystem.message.service;

import io.imsystem.common.api.ApiException;
import io.imsystem.message.model.ConversationSettings;
import io.imsystem.message.model.ConversationSettingsRepository;
import io.imsystem.message.model.GroupRepository;
import io.imsystem.message.rest.dto.SettingsRequest;
import io.imsystem.message.rest.dto.SettingsView;
import io.imsystem.message.stream.DeliveryPublisher;
import io.imsystem.message.stream.Frames;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;

/**
 * A user's own settings of a conversation: pinned (listed first), muted (still counts unread, flagged),
 * archived. They are the caller's alone; the caller's other devices learn them by a
 * {@code conversation_settings} frame, and every device finds them in the conversation lists.
 */
@ApplicationScoped
public class ConversationSettingsService {

    @Inject
    ConversationSettingsRepository settings;

    @Inject
    GroupRepository groups;

    @Inject
    UserDirectory users;

    @Inject
    MessageCache cache;

    @Inject
    DeliveryPublisher delivery;

    /** Of the conversation with another user (404 for an unknown user, 400 for oneself). */
    public SettingsView updatePeer(long userId, long peerId, SettingsRequest request, String connectionId) {
        check(request);
        if (peerId == userId) {
            throw ApiException.invalidField("user_id", "a conversation is with another user");
        }
        if (!users.find(List.of(peerId)).containsKey(peerId)) {
            throw ApiException.notFound("user");
        }
        return update(userId, ConversationSettings.PEER, peerId, request, connectionId);
    }

    /** Of a group the caller is a member of (404 otherwise). */
    public SettingsView updateGroup(long userId, long groupId, SettingsRequest request, String connectionId) {
        check(request);
        if (groups.member(groupId, userId).isEmpty()) {
            throw ApiException.notFound("group");
        }
        return update(userId, ConversationSettings.GROUP, groupId, request, connectionId);
    }

    private SettingsView update(long userId, String kind, long targetId, SettingsRequest request, String connectionId) {
        SettingsView view = Deadlocks.retry(() -> write(userId, kind, targetId, request));
        cache.userChanged(userId);
        delivery.deliver(Frames.conversationSettings(kind.equals(ConversationSettings.GROUP) ? "group_id" : "user_id", targetId, view),
                List.of(userId), null, connectionId);
        return view;
    }

    @Transactional
    SettingsView write(long userId, String kind, long targetId, SettingsRequest request) {
        ConversationSettings s = settings.findById(new ConversationSettings.Key(userId, kind, targetId));
        if (s == null) {
            s = new ConversationSettings();
            s.userId = userId;
            s.kind = kind;
            s.targetId = targetId;
        }
        if (request.pinned() != null) {
            s.pinned = request.pinned();
        }
        if (request.muted() != null) {
            s.muted = request.muted();
        }
        if (request.archived() != null) {
            s.archived = request.archived();
        }
        s.updatedAt = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        settings.persist(s);
        return new SettingsView(s.pinned, s.muted, s.archived);
    }

    private static void check(SettingsRequest request) {
        if (request == null || (request.pinned() == null && request.muted() == null && request.archived() == null)) {
            throw ApiException.invalidField("pinned", "give pinned, muted or archived (true or false)");
        }
    }
}
