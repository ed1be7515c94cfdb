package io.imsystem.message.service;

import io.imsystem.common.api.ApiException;
import io.imsystem.common.api.ErrorCodes;
import io.imsystem.message.config.MessageConfig;
import io.imsystem.message.model.ChangeRepository;
import io.imsystem.message.model.GroupRepository;
import io.imsystem.message.model.Message;
import io.imsystem.message.model.ReactionRepository;
import io.imsystem.message.rest.dto.ReactionsView;
import io.imsystem.message.stream.DeliveryPublisher;
import io.imsystem.message.stream.Frames;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;
import java.util.List;

/**
 * Emoji reactions: at most one of each emoji per user on any message they can see. A reaction is a
 * relation of a user to a message, not a change of the message: it takes no seq, so a reaction in a
 * 500-member group is one row and one {@code reaction} frame per gateway, never 500 timeline entries;
 * devices that were away see the counts in history.
 */
@ApplicationScoped
public class ReactionService {

    @Inject
    MessageAccess access;

    @Inject
    Writer writer;

    @Inject
    MessageRelations relations;

    @Inject
    ChangeRepository changes;

    @Inject
    GroupRepository groups;

    @Inject
    MessageCache cache;

    @Inject
    DeliveryPublisher delivery;

    @Inject
    MessageConfig config;

    /** What a reaction did: whether anything changed, and the emoji's count afterwards. */
    record Outcome(boolean changed, long count) {
    }

    /** Puts the emoji on the message (nothing changes if it is there already); answers the message's reactions. */
    public ReactionsView add(long userId, long messageId, String emoji, String connectionId) {
        return react(userId, messageId, emoji, true, connectionId);
    }

    /** Takes the user's emoji off the message (nothing changes if it is not there); answers the message's reactions. */
    public ReactionsView remove(long userId, long messageId, String emoji, String connectionId) {
        return react(userId, messageId, emoji, false, connectionId);
    }

    private ReactionsView react(long userId, long messageId, String rawEmoji, boolean add, String connectionId) {
        String emoji = Emoji.check(rawEmoji);
        Message m = access.visible(userId, messageId);
        if (m.recalled()) {
            throw MessageChanges.recalled();
        }
        Outcome o = Deadlocks.retry(() -> writer.react(messageId, userId, emoji, add, config.maxReactionsPerUser()));
        if (o.changed()) {
            List<Long> told;
            if (m.groupId == null) {
                // The cached conversation keeps the reaction count.
                cache.conversationChanged(m.senderId, m.receiverId);
                told = List.of(m.senderId, m.receiverId);
            } else {
                told = changes.holders(m.id, groups.memberIds(m.groupId));
            }
            delivery.deliver(Frames.reaction(m.id, emoji, userId, add, o.count()), told, null, connectionId);
        }
        return new ReactionsView(relations.reactionsOf(messageId, userId));
    }

    /** The transaction of a reaction: the message row first (as a recall takes it), then the reaction and the message's count. */
    @ApplicationScoped
    public static class Writer {

        @Inject
        ChangeRepository changes;

        @Inject
        ReactionRepository reactions;

        @Transactional
        Outcome react(long messageId, long userId, String emoji, boolean add, int maxPerUser) {
            if (!changes.lockMessage(messageId)) {
                throw ApiException.notFound("message");
            }
            boolean[] state = reactions.deletedOrRecalled(messageId);
            if (state[0]) {
                throw ApiException.notFound("message");
            }
            if (state[1]) {
                throw MessageChanges.recalled();
            }
            boolean changed = add
                    ? reactions.add(messageId, emoji, userId)
                    : reactions.remove(messageId, emoji, userId);
            if (changed && add && reactions.countOfUser(messageId, userId) > maxPerUser) {
                throw new ApiException(409, ErrorCodes.REACTION_LIMIT, "at most " + maxPerUser + " different reactions per user on one message");
            }
            if (changed) {
                reactions.bumpCount(messageId, add ? 1 : -1);
            }
            return new Outcome(changed, reactions.count(messageId, emoji));
        }
    }
}
