package io.imsystem.message.service;

import io.imsystem.common.api.ApiException;
import io.imsystem.message.model.GroupMember;
import io.imsystem.message.model.GroupRepository;
import io.imsystem.message.model.Message;
import io.imsystem.message.model.MessageRepository;
import io.imsystem.message.model.Quote;
import io.imsystem.message.model.ReactionRepository;
import io.imsystem.message.rest.dto.MessageView;
import io.imsystem.message.rest.dto.ReactionView;
import io.imsystem.message.rest.dto.SendMessageRequest;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * The relations of a message to other rows, read side and send side: the message a reply quotes, the
 * users it mentions, the reactions on it. A page of messages gets its quotes and reactions in two
 * queries at most (none when no message of the page has any), whether it came from MySQL or the cache.
 */
@ApplicationScoped
public class MessageRelations {

    /** What a send relates to, checked: the quoted message, the mentioned members, @all. */
    public record Links(Quote quote, List<Long> mentions, boolean mentionAll) {

        public static final Links NONE = new Links(null, List.of(), false);
    }

    @Inject
    MessageRepository messages;

    @Inject
    ReactionRepository reactions;

    @Inject
    GroupRepository groups;

    @Inject
    MessageAccess access;

    /** The views with their pending quotes and reactions filled in for {@code reader}. */
    public List<MessageView> complete(List<MessageView> views, long reader) {
        Set<Long> quoted = new LinkedHashSet<>();
        Set<Long> reacted = new LinkedHashSet<>();
        for (MessageView v : views) {
            if (v.replyTo() != null && v.replyTo().isPending()) {
                quoted.add(v.replyTo().id());
            }
            if (v.reactions() == null) {
                reacted.add(v.id());
            }
        }
        if (quoted.isEmpty() && reacted.isEmpty()) {
            return views;
        }
        Map<Long, Quote> quotes = quotes(quoted);
        Map<Long, List<ReactionView>> byMessage = reactionsOf(reacted, reader);
        List<MessageView> out = new ArrayList<>(views.size());
        for (MessageView v : views) {
            Quote q = v.replyTo() != null && v.replyTo().isPending() ? quotes.get(v.replyTo().id()) : v.replyTo();
            List<ReactionView> r = v.reactions() == null ? byMessage.getOrDefault(v.id(), List.of()) : v.reactions();
            out.add(q == v.replyTo() && r == v.reactions() ? v : v.withRelations(q, r));
        }
        return out;
    }

    public MessageView complete(MessageView view, long reader) {
        return complete(List.of(view), reader).get(0);
    }

    /** The quotes of these message ids as they are now (a message that is gone quotes as empty). */
    public Map<Long, Quote> quotes(Collection<Long> messageIds) {
        Map<Long, Quote> out = new HashMap<>();
        if (messageIds.isEmpty()) {
            return out;
        }
        for (Message m : messages.list("id in ?1", messageIds)) {
            out.put(m.id, Quote.of(m));
        }
        for (long id : messageIds) {
            out.putIfAbsent(id, new Quote(id, 0, ""));
        }
        return out;
    }

    /** The reactions on each of these messages as {@code reader} sees them. */
    public Map<Long, List<ReactionView>> reactionsOf(Collection<Long> messageIds, long reader) {
        Map<Long, List<ReactionView>> out = new HashMap<>();
        reactions.summaries(messageIds, reader).forEach((id, list) ->
                out.put(id, list.stream().map(s -> new ReactionView(s.emoji(), s.count(), s.mine())).toList()));
        return out;
    }

    public List<ReactionView> reactionsOf(long messageId, long reader) {
        return reactionsOf(List.of(messageId), reader).getOrDefault(messageId, List.of());
    }

    /**
     * Checks what a send relates to, before it is queued: the quoted message must be one of the same
     * conversation that the sender sees (404 otherwise, as for any message one cannot see); mentions
     * only in a group and only of its members (400); @all only by its owner or an admin (403).
     * Plain sends (the most) cost nothing here.
     */
    public Links checkSend(long senderId, SendMessageRequest request) {
        boolean all = Boolean.TRUE.equals(request.mentionAll());
        List<Long> mentioned = request.mentions() == null ? List.of()
                : List.copyOf(new TreeSet<>(request.mentions().stream().filter(Objects::nonNull).toList()));
        if (request.replyTo() == null && mentioned.isEmpty() && !all) {
            return Links.NONE;
        }
        Quote quote = null;
        if (request.replyTo() != null) {
            Message quoted = access.visible(senderId, request.replyTo());
            boolean sameConversation = request.groupId() != null
                    ? Objects.equals(quoted.groupId, request.groupId())
                    : quoted.groupId == null && request.receiverId() != null
                            && (Objects.equals(quoted.receiverId, request.receiverId()) || quoted.senderId == request.receiverId());
            if (!sameConversation) {
                throw ApiException.notFound("message");
            }
            quote = Quote.of(quoted);
        }
        if ((!mentioned.isEmpty() || all) && request.groupId() == null) {
            throw ApiException.invalidField(mentioned.isEmpty() ? "mention_all" : "mentions", "only in a group message");
        }
        if (!mentioned.isEmpty() || all) {
            GroupMember sender = groups.member(request.groupId(), senderId).orElseThrow(() -> ApiException.notFound("group"));
            if (all && !sender.manages()) {
                throw ApiException.forbidden("only the owner or an admin can mention all");
            }
            if (!mentioned.isEmpty()) {
                Set<Long> members = new java.util.HashSet<>(groups.memberIds(request.groupId()));
                List<Long> strangers = mentioned.stream().filter(id -> !members.contains(id)).toList();
                if (!strangers.isEmpty()) {
                    throw ApiException.invalidField("mentions", "not members of the group: "
                            + strangers.stream().limit(10).map(String::valueOf).collect(Collectors.joining(",")));
                }
            }
        }
        return new Links(quote, mentioned, all);
    }
}
