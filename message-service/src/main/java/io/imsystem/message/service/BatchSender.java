package io.imsystem.message.service;

import io.imsystem.common.api.ApiException;
import io.imsystem.common.api.ErrorCodes;
import io.imsystem.common.api.ErrorMapper;
import io.imsystem.message.model.Message;
import io.imsystem.message.model.MessageRepository;
import io.imsystem.message.model.MessageRepository.ClientKey;
import io.imsystem.message.model.SeqRepository;
import io.imsystem.message.model.TimelineRepository;
import io.imsystem.message.rest.dto.MessageView;
import io.imsystem.message.service.MessageWriter.Outgoing;
import io.imsystem.message.service.MessageWriter.Stored;
import io.imsystem.message.service.SendPipeline.Pending;
import io.imsystem.message.stream.DeliveryPublisher;
import io.imsystem.message.stream.Frames;
import io.quarkus.narayana.jta.QuarkusTransaction;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.control.ActivateRequestContext;
import jakarta.inject.Inject;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.jboss.logging.Logger;

/**
 * One batch of the {@link SendPipeline}: the idempotency lookup of every client_msg_id in one query,
 * the receivers and block lists of every private send in one round trip each, one transaction for
 * all ({@link MessageWriter#insertBatch}); then, on the pipeline's publisher thread, the caches and the
 * gateways' streams ({@link #handOn}), and only then the answers. A send that cannot
 * go (unknown receiver, blocked, a group it is not in, a reused client_msg_id) fails alone; a batch
 * whose transaction fails for any other reason than a lost database is stored again one send at a
 * time, so one bad send never sinks the others.
 */
@ApplicationScoped
public class BatchSender {

    private static final Logger LOG = Logger.getLogger(BatchSender.class);

    @Inject
    MessageWriter writer;

    @Inject
    MessageRepository messages;

    @Inject
    TimelineRepository timeline;

    @Inject
    SeqRepository seqs;

    @Inject
    UserDirectory users;

    @Inject
    RelationCheck relations;

    @Inject
    MessageCache cache;

    @Inject
    DeliveryPublisher delivery;

    @Inject
    MessageMetrics metrics;

    /** What a committed batch stored, for {@link #handOn}. */
    public record Handover(List<Stored> stored) {
        static final Handover NOTHING = new Handover(List.of());
    }

    /**
     * Stores the batch and completes the result of every send of it; the caches and the gateways'
     * streams learn of it in {@link #handOn}, before the senders are answered.
     */
    @ActivateRequestContext
    public Handover commit(List<Pending> batch) {
        // Retries: of a message stored earlier (answered with it), or of one earlier in this batch (answered like it).
        Map<ClientKey, Message> earlier = new HashMap<>();
        try {
            Set<ClientKey> keys = new LinkedHashSet<>();
            for (Pending p : batch) {
                if (p.send().clientMsgId() != null) {
                    keys.add(keyOf(p.send()));
                }
            }
            for (Message m : messages.findByClientKeys(List.copyOf(keys))) {
                earlier.put(new ClientKey(m.senderId, m.clientMsgId), m);
            }
        } catch (RuntimeException e) {
            batch.forEach(p -> p.result().completeExceptionally(e));
            return Handover.NOTHING;
        }
        Map<ClientKey, Pending> firstOf = new HashMap<>();
        Map<Pending, Pending> repeats = new IdentityHashMap<>();
        List<Pending> fresh = new ArrayList<>();
        for (Pending p : batch) {
            ClientKey key = p.send().clientMsgId() == null ? null : keyOf(p.send());
            if (key != null && earlier.containsKey(key)) {
                answer(p, () -> repeated(earlier.get(key), p.send()));
            } else if (key != null && firstOf.containsKey(key)) {
                repeats.put(p, firstOf.get(key));
            } else {
                if (key != null) {
                    firstOf.put(key, p);
                }
                fresh.add(p);
            }
        }

        List<Done> done = write(mayGo(fresh));
        List<Stored> stored = done.stream().map(Done::stored).toList();
        metrics.batch(batch.size());
        metrics.sent(stored.size());
        for (Done d : done) {
            d.pending().result().complete(MessageView.of(d.stored().message(), d.stored().seqOf(d.pending().send().senderId())));
        }
        repeats.forEach((p, first) -> first.result().whenComplete((view, failure) -> {
            if (failure != null) {
                p.result().completeExceptionally(failure);
            } else if (!sameSend(first.send(), p.send())) {
                p.result().completeExceptionally(conflict());
            } else {
                p.result().complete(view);
            }
        }));
        return new Handover(stored);
    }

    /** Hands a committed batch to the caches and then to the gateways (never fails: sync and the offline queue have it). */
    @ActivateRequestContext
    public void handOn(Handover committed) {
        cacheStored(committed.stored());
        publish(committed.stored());
    }

    /** The private sends' receivers must exist and not have blocked the sender; answers the sends that may go. */
    private List<Pending> mayGo(List<Pending> fresh) {
        List<Pending> privates = fresh.stream().filter(p -> p.send().receiverId() != null).toList();
        if (privates.isEmpty()) {
            return fresh;
        }
        Set<Long> existing;
        try {
            existing = users.find(privates.stream().map(p -> p.send().receiverId()).toList()).keySet();
        } catch (RuntimeException e) {
            privates.forEach(p -> p.result().completeExceptionally(e));
            return fresh.stream().filter(p -> p.send().groupId() != null).toList();
        }
        List<Pending> known = new ArrayList<>();
        for (Pending p : privates) {
            if (existing.contains(p.send().receiverId())) {
                known.add(p);
            } else {
                p.result().completeExceptionally(ApiException.notFound("user"));
            }
        }
        List<ApiException> refused = relations.check(known.stream()
                .map(p -> new RelationCheck.Pair(p.send().senderId(), p.send().receiverId())).toList());
        Set<Pending> allowed = Collections.newSetFromMap(new IdentityHashMap<>());
        for (int i = 0; i < known.size(); i++) {
            if (refused.get(i) == null) {
                allowed.add(known.get(i));
            } else {
                known.get(i).result().completeExceptionally(refused.get(i));
            }
        }
        return fresh.stream().filter(p -> p.send().groupId() != null || allowed.contains(p)).toList();
    }

    /** A send and what it stored. */
    private record Done(Pending pending, Stored stored) {
    }

    /** The transaction; answers the sends that failed in it, returns the stored ones. */
    private List<Done> write(List<Pending> accepted) {
        List<Done> out = new ArrayList<>();
        if (accepted.isEmpty()) {
            return out;
        }
        List<Stored> result;
        try {
            Set<Long> participants = new LinkedHashSet<>();
            for (Pending p : accepted) {
                if (p.send().receiverId() != null) {
                    participants.add(p.send().senderId());
                    participants.add(p.send().receiverId());
                }
            }
            if (!participants.isEmpty()) {
                QuarkusTransaction.requiringNew().run(() -> seqs.ensureRowsOnce(participants));
            }
            List<Outgoing> sends = accepted.stream().map(Pending::send).toList();
            result = Deadlocks.retry(() -> writer.insertBatch(sends));
        } catch (RuntimeException e) {
            if (accepted.size() > 1 && ErrorMapper.unreachable(e) == null) {
                LOG.infof("a batch of %d sends failed (%s): storing each alone", accepted.size(), e.toString());
                for (Pending p : accepted) {
                    out.addAll(write(List.of(p)));
                }
                return out;
            }
            accepted.forEach(p -> failOrRepeat(p, e));
            return out;
        }
        for (int i = 0; i < result.size(); i++) {
            Stored s = result.get(i);
            if (s.failure() != null) {
                accepted.get(i).result().completeExceptionally(s.failure());
            } else {
                out.add(new Done(accepted.get(i), s));
            }
        }
        return out;
    }

    /** A send that failed alone: a concurrent retry (another replica) may have stored its client_msg_id first. */
    private void failOrRepeat(Pending p, RuntimeException e) {
        Outgoing o = p.send();
        if (o.clientMsgId() != null && isDuplicateKey(e)) {
            answer(p, () -> repeated(messages.findByClientMsgId(o.senderId(), o.clientMsgId()).orElseThrow(() -> e), o));
        } else {
            p.result().completeExceptionally(e);
        }
    }

    /** The caches learn of the stored messages before anyone is answered, so no answer is followed by a stale read. */
    private void cacheStored(List<Stored> stored) {
        List<CachedMessage> privates = new ArrayList<>();
        List<Collection<Long>> groups = new ArrayList<>();
        for (Stored s : stored) {
            Message m = s.message();
            if (m.groupId == null) {
                privates.add(CachedMessage.of(m, s.seqOf(m.senderId), s.seqOf(m.receiverId)));
            } else {
                groups.add(s.seqs().keySet());
            }
        }
        cache.sendsStored(privates, groups);
    }

    /** Hands the stored messages to the gateways, in commit order (never fails: sync and the offline queue have them). */
    private void publish(List<Stored> stored) {
        List<DeliveryPublisher.Delivery> deliveries = new ArrayList<>(stored.size());
        for (Stored s : stored) {
            Message m = s.message();
            String conn = s.send().connectionId();
            if (m.groupId == null) {
                deliveries.add(new DeliveryPublisher.Delivery(Frames.chat(m, s.seqOf(m.receiverId)), List.of(m.receiverId, m.senderId),
                        s.seqs(), conn));
            } else {
                deliveries.add(new DeliveryPublisher.Delivery(Frames.groupChat(m, s.seqOf(m.senderId)), s.seqs().keySet(), s.seqs(), conn));
            }
        }
        delivery.deliverAll(deliveries);
    }

    /** A retry of a stored message: the same message gets the first answer, another one 409. */
    private MessageView repeated(Message first, Outgoing o) {
        if (!Objects.equals(first.receiverId, o.receiverId()) || !Objects.equals(first.groupId, o.groupId())
                || !first.content.equals(o.content()) || !first.msgType.equals(o.msgType())) {
            throw conflict();
        }
        if (first.deletedAt != null) {
            throw ApiException.conflict(ErrorCodes.IDEMPOTENCY_CONFLICT, "client_msg_id belongs to a deleted message");
        }
        var row = timeline.findRow(first.senderId, first.id);
        if (row.isEmpty() && o.groupId() != null) {
            // The sender left the group since: its messages are hidden from them, like the group.
            throw ApiException.notFound("group");
        }
        long seq = row.map(r -> r.entry().seq)
                .orElseThrow(() -> new IllegalStateException("message " + first.id + " has no timeline row of its sender"));
        return MessageView.of(first, seq);
    }

    private static boolean sameSend(Outgoing a, Outgoing b) {
        return Objects.equals(a.receiverId(), b.receiverId()) && Objects.equals(a.groupId(), b.groupId())
                && a.content().equals(b.content()) && a.msgType().equals(b.msgType());
    }

    private static ApiException conflict() {
        return ApiException.conflict(ErrorCodes.IDEMPOTENCY_CONFLICT, "client_msg_id was already used for another message");
    }

    private static void answer(Pending p, java.util.function.Supplier<MessageView> view) {
        try {
            p.result().complete(view.get());
        } catch (RuntimeException e) {
            p.result().completeExceptionally(e);
        }
    }

    private static ClientKey keyOf(Outgoing o) {
        return new ClientKey(o.senderId(), o.clientMsgId());
    }

    static boolean isDuplicateKey(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SQLException sql && (sql.getErrorCode() == 1062 || "23000".equals(sql.getSQLState()))) {
                return true;
            }
        }
        return false;
    }
}
