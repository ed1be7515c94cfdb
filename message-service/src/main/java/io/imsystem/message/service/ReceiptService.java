package io.imsystem.message.service;

import io.imsystem.common.redis.Keys;
import io.imsystem.message.model.ChangeRepository;
import io.imsystem.message.model.GroupRepository;
import io.imsystem.message.model.Message;
import io.imsystem.message.model.MessageRepository;
import io.imsystem.message.model.ReceiptRepository;
import io.imsystem.message.model.TimelineRepository;
import io.imsystem.message.rest.dto.ReceiptsView;
import io.imsystem.message.stream.DeliveryPublisher;
import io.imsystem.message.stream.Frames;
import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.control.ActivateRequestContext;
import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.jboss.logging.Logger;

/**
 * Read receipts of group messages, at a cost bounded for 500 members: asked, they are read from the
 * receivers' own timeline rows (one indexed lookup each); told, they are debounced. Every read of group
 * messages adds their ids to one Redis set; every {@code MESSAGE_RECEIPT_DEBOUNCE} one replica takes what
 * gathered (SPOP: each id once, whichever replica) and sends each sender one {@code read} frame per group
 * and read count, however many members read meanwhile.
 */
@ApplicationScoped
public class ReceiptService {

    private static final Logger LOG = Logger.getLogger(ReceiptService.class);
    /** The newest group messages of one read that are told to their senders (a member catching up on thousands tells of these). */
    static final int TOLD_PER_READ = 200;
    /** Message ids taken from the pending set per round. */
    static final int PER_ROUND = 500;

    @Inject
    MessageAccess access;

    @Inject
    ChangeRepository changes;

    @Inject
    GroupRepository groups;

    @Inject
    ReceiptRepository receipts;

    @Inject
    MessageRepository messages;

    @Inject
    DeliveryPublisher delivery;

    @Inject
    RedisDataSource redis;

    @Inject
    Keys keys;

    /** Who received and read a message: any participant may ask (404 for anyone else). */
    public ReceiptsView receipts(long userId, long messageId) {
        Message m = access.visible(userId, messageId);
        List<Long> receivers = m.groupId == null ? List.of(m.receiverId)
                : changes.holders(m.id, groups.memberIds(m.groupId)).stream().filter(u -> u != m.senderId).toList();
        List<ReceiptRepository.State> states = receipts.states(m.id, receivers);
        List<ReceiptsView.ReadBy> readBy = states.stream().filter(ReceiptRepository.State::read)
                .sorted(Comparator.comparing(ReceiptRepository.State::readAt, Comparator.nullsFirst(Comparator.naturalOrder()))
                        .thenComparingLong(ReceiptRepository.State::userId))
                .map(s -> new ReceiptsView.ReadBy(s.userId(), io.imsystem.message.rest.dto.MessageView.seconds(s.readAt()))).toList();
        return new ReceiptsView(states.size(), states.stream().filter(ReceiptRepository.State::delivered).count(), readBy.size(), readBy);
    }

    /** Members read these group messages: their senders hear of it at the next round. Never fails the read. */
    public void groupMessagesRead(List<TimelineRepository.Incoming> marked) {
        List<String> ids = marked.stream().filter(i -> i.groupId() != null).map(TimelineRepository.Incoming::messageId)
                .sorted(Comparator.reverseOrder()).limit(TOLD_PER_READ).map(String::valueOf).toList();
        if (ids.isEmpty()) {
            return;
        }
        try {
            redis.set(String.class).sadd(pendingKey(), ids.toArray(String[]::new));
        } catch (RuntimeException e) {
            LOG.warnf("read receipts of %d group messages not queued: %s", ids.size(), e.toString());
        }
    }

    @Scheduled(every = "${im.message.receipt-debounce:2s}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    @ActivateRequestContext
    void tellSenders() {
        List<String> taken;
        try {
            taken = redis.set(String.class).spop(pendingKey(), PER_ROUND).stream().toList();
        } catch (RuntimeException e) {
            LOG.debugf("read receipts not taken: %s", e.toString());
            return;
        }
        if (taken.isEmpty()) {
            return;
        }
        try {
            tell(taken.stream().map(Long::parseLong).toList());
        } catch (RuntimeException e) {
            LOG.warnf("read receipts of %d group messages not told: %s", taken.size(), e.toString());
        }
    }

    private void tell(List<Long> messageIds) {
        // Per group: the messages, their senders and how many members have read each; one frame per sender and count.
        Map<Long, List<Message>> byGroup = new TreeMap<>();
        for (Message m : messages.list("id in ?1", messageIds)) {
            if (m.groupId != null && m.deletedAt == null) {
                byGroup.computeIfAbsent(m.groupId, g -> new ArrayList<>()).add(m);
            }
        }
        List<DeliveryPublisher.Delivery> frames = new ArrayList<>();
        byGroup.forEach((groupId, list) -> {
            List<Long> members = groups.memberIds(groupId);
            Map<Long, Long> counts = receipts.readCounts(list.stream().map(m -> m.id).toList(), members);
            Map<Long, Map<Long, List<Long>>> bySenderAndCount = new TreeMap<>();
            for (Message m : list) {
                if (!members.contains(m.senderId)) {
                    continue; // a sender who left no longer sees the group's messages
                }
                bySenderAndCount.computeIfAbsent(m.senderId, s -> new TreeMap<>())
                        .computeIfAbsent(counts.getOrDefault(m.id, 0L), c -> new ArrayList<>()).add(m.id);
            }
            bySenderAndCount.forEach((sender, byCount) -> byCount.forEach((count, ids) -> frames.add(new DeliveryPublisher.Delivery(
                    Frames.groupRead(groupId, ids.stream().sorted().toList(), count), List.of(sender), null, null))));
        });
        delivery.deliverAll(frames);
    }

    private String pendingKey() {
        return keys.of("im:msg:receipts:pending");
    }
}
