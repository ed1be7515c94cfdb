package io.imsystem.message.service;

import io.imsystem.message.model.ChangeRepository;
import io.imsystem.message.model.Message;
import io.imsystem.message.model.MessageRepository;
import io.imsystem.message.model.TimelineRepository;
import io.imsystem.message.model.Quote;
import io.imsystem.message.model.TimelineRow;
import io.imsystem.message.rest.dto.ChangeView;
import io.imsystem.message.rest.dto.MessageView;
import io.imsystem.message.rest.dto.OfflineList;
import io.imsystem.message.rest.dto.OfflineMessage;
import io.imsystem.message.rest.dto.ReactionView;
import io.imsystem.message.rest.dto.SyncResult;
import io.imsystem.message.stream.DeliveryPublisher;
import io.imsystem.message.stream.Frames;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** A user's timeline: sync by seq, the offline queue (undelivered incoming messages) and delivery acks. */
@ApplicationScoped
public class TimelineService {

    @Inject
    TimelineRepository timeline;

    @Inject
    MessageRepository messages;

    @Inject
    DeliveryPublisher delivery;

    @Inject
    MessageCache cache;

    @Inject
    MessageMetrics metrics;

    @Inject
    ChangeRepository changes;

    @Inject
    MessageRelations relations;

    @Inject
    io.imsystem.message.config.MessageConfig config;

    /**
     * Messages and changes (edits, recalls) after {@code afterSeq}, together at most {@code limit}, each
     * list in seq order; deleted messages and their changes are skipped. The messages show their state
     * now (an edited one its new content, a recalled one ""); the changes say what happened since.
     */
    public SyncResult sync(long userId, long afterSeq, int limit) {
        List<TimelineRow> rows = timeline.after(userId, afterSeq, limit + 1);
        List<ChangeRepository.Row> changeRows = changes.after(userId, afterSeq, limit + 1);
        // The first `limit` of both, merged by seq.
        List<TimelineRow> pageRows = new ArrayList<>();
        List<ChangeView> pageChanges = new ArrayList<>();
        int r = 0;
        int c = 0;
        long next = afterSeq;
        while (pageRows.size() + pageChanges.size() < limit && (r < rows.size() || c < changeRows.size())) {
            boolean takeRow = c >= changeRows.size() || (r < rows.size() && rows.get(r).entry().seq < changeRows.get(c).seq());
            if (takeRow) {
                TimelineRow row = rows.get(r++);
                pageRows.add(row);
                next = row.entry().seq;
            } else {
                ChangeRepository.Row change = changeRows.get(c++);
                pageChanges.add(ChangeView.of(change));
                next = change.seq();
            }
        }
        boolean hasMore = r < rows.size() || c < changeRows.size();
        List<MessageView> views = relations.complete(pageRows.stream().map(MessageView::of).toList(), userId);
        return new SyncResult(views, pageChanges, next, hasMore);
    }

    /** Undelivered incoming messages after {@code afterSeq}, oldest first, and how many are undelivered in all. */
    public OfflineList offline(long userId, long afterSeq, int limit) {
        // The queue holds the newest offline-max; what is older is not lost: sync still returns it.
        int max = config.offlineMax();
        long floor = timeline.nthNewestUndeliveredSeq(userId, max).map(seq -> seq - 1).orElse(0L);
        List<TimelineRow> rows = timeline.undelivered(userId, Math.max(afterSeq, floor), limit);
        Map<Long, Quote> quotes = relations.quotes(rows.stream().map(r -> r.message().replyToId).filter(java.util.Objects::nonNull).toList());
        Map<Long, List<ReactionView>> reactions = relations.reactionsOf(rows.stream().filter(r -> r.message().reactionCount > 0)
                .map(r -> r.message().id).toList(), userId);
        List<OfflineMessage> page = rows.stream()
                .map(r -> OfflineMessage.of(r.message(), r.entry().seq, r.message().replyToId == null ? null : quotes.get(r.message().replyToId),
                        reactions.getOrDefault(r.message().id, List.of())))
                .toList();
        long all = timeline.countUndelivered(userId);
        return new OfflineList(page, Math.min(all, max), Math.max(0, all - max));
    }

    public long offlineCount(long userId) {
        return timeline.countUndelivered(userId);
    }

    /**
     * Marks the given incoming messages delivered and tells the senders of private ones (group senders get
     * no receipts); ids that are not the caller's incoming messages are ignored.
     */
    public int markDelivered(long userId, Collection<Long> messageIds) {
        List<TimelineRepository.Incoming> marked = Deadlocks.retry(() -> markDeliveredInTx(userId, messageIds));
        tellSenders(marked.stream().map(i -> new TimelineRepository.Received(userId, i)).toList());
        return marked.size();
    }

    /**
     * Marks the acks of many users at once (a gateway's batch: user → message ids) in one transaction,
     * then tells the senders of private messages in one pipelined round trip. Answers how many were
     * marked per user; ids that are not that user's undelivered incoming messages are ignored.
     */
    public Map<Long, Integer> markDeliveredOfUsers(Map<Long, List<Long>> byUser) {
        List<TimelineRepository.Received> marked = Deadlocks.retry(() -> markDeliveredOfUsersInTx(byUser));
        Map<Long, Integer> counts = new HashMap<>();
        marked.forEach(r -> counts.merge(r.userId(), 1, Integer::sum));
        tellSenders(marked);
        return counts;
    }

    @Transactional
    List<TimelineRepository.Received> markDeliveredOfUsersInTx(Map<Long, List<Long>> byUser) {
        List<TimelineRepository.Received> rows = timeline.lockUndeliveredOfUsers(byUser);
        timeline.markDeliveredOfUsers(rows);
        markPrivateDelivered(TimelineRepository.Incoming.privateIds(rows.stream().map(TimelineRepository.Received::incoming).toList()));
        return rows;
    }

    /** Empties the offline queue: every incoming message counts as delivered. */
    public int clearOffline(long userId) {
        return markDelivered(userId, null);
    }

    @Transactional
    List<TimelineRepository.Incoming> markDeliveredInTx(long userId, Collection<Long> messageIds) {
        List<TimelineRepository.Incoming> incoming = timeline.lockIncomingUndelivered(userId, messageIds);
        if (incoming.isEmpty()) {
            return incoming;
        }
        timeline.markDelivered(userId, incoming.stream().map(TimelineRepository.Incoming::messageId).toList());
        markPrivateDelivered(TimelineRepository.Incoming.privateIds(incoming));
        return incoming;
    }

    /** A group message's own status is not any one member's (their state is their timeline row): only private ones move. */
    private void markPrivateDelivered(List<Long> privateIds) {
        if (!privateIds.isEmpty()) {
            messages.update("status = ?1, updatedAt = ?2 where id in ?3 and status = ?4",
                    Message.DELIVERED, Instant.now(), privateIds, Message.SENT);
        }
    }

    /**
     * Tells the sender of each newly delivered private message, one {@code delivered} frame per sender and
     * receiver, and drops those conversations' caches (their status changed): one pipelined round trip each.
     */
    private void tellSenders(List<TimelineRepository.Received> marked) {
        Map<List<Long>, List<Long>> bySenderAndReceiver = new LinkedHashMap<>();
        for (TimelineRepository.Received r : marked) {
            if (r.incoming().senderId() != null) {
                bySenderAndReceiver.computeIfAbsent(List.of(r.incoming().senderId(), r.userId()), k -> new ArrayList<>())
                        .add(r.incoming().messageId());
            }
        }
        cache.conversationsChanged(bySenderAndReceiver.keySet());
        delivery.deliverAll(bySenderAndReceiver.entrySet().stream()
                .map(e -> new DeliveryPublisher.Delivery(Frames.delivered(e.getValue(), e.getKey().get(1)), List.of(e.getKey().get(0)), null, null))
                .toList());
        metrics.delivered(marked.size());
    }
}
