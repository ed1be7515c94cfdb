package io.imsystem.gateway.ws;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.imsystem.gateway.client.MessageBackend;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;

/**
 * What a socket missed, page by page: the offline queue (first page during the handshake, the rest
 * after the open) and {@code sync} from a seq. A replay stops as soon as its socket closes.
 */
@ApplicationScoped
public class Replay {

    static final int PAGE = 100;

    private final MessageBackend messages;
    private final SocketWriter writer;
    private final ObjectMapper mapper;

    public Replay(MessageBackend messages, SocketWriter writer, ObjectMapper mapper) {
        this.messages = messages;
        this.writer = writer;
        this.mapper = mapper;
    }

    /**
     * During the handshake: the first page of the offline queue, kept in the connection to be sent
     * first at the open. Everything in it was stored before the client saw the open.
     */
    Uni<Void> firstOfflinePage(ClientConnection c) {
        return messages.offline(c.bearer(), 0, PAGE).onItem().transform(page -> {
            List<JsonNode> list = page.messages();
            long last = 0;
            for (JsonNode m : list) {
                last = Math.max(last, m.path("seq").asLong());
                if (c.firstPush(m.path("id").asLong())) {
                    c.early(Frames.write(mapper, Frames.chat(mapper, m, true)));
                }
            }
            c.offlineCursor = list.size() >= PAGE && last > 0 ? last : -1;
            return null;
        });
    }

    /** After the open: the rest of the offline queue (if the first page was full), then sync from {@code since}. */
    Uni<Void> rest(ClientConnection c, Long since) {
        long cursor = c.offlineCursor;
        Uni<Void> offline = cursor < 0 ? Uni.createFrom().voidItem() : offline(c, cursor);
        return offline.chain(() -> since == null ? Uni.createFrom().voidItem() : sync(c, since, true).replaceWithVoid());
    }

    private Uni<Void> offline(ClientConnection c, long afterSeq) {
        if (c.isGone()) {
            return Uni.createFrom().voidItem();
        }
        return messages.offline(c.bearer(), afterSeq, PAGE).onItem().transformToUni(page -> {
            List<JsonNode> list = page.messages();
            long last = afterSeq;
            for (JsonNode m : list) {
                last = Math.max(last, m.path("seq").asLong());
                if (c.firstPush(m.path("id").asLong())) {
                    writer.send(c, Frames.write(mapper, Frames.chat(mapper, m, true)));
                }
            }
            return list.size() >= PAGE && last > afterSeq ? offline(c, last) : Uni.createFrom().voidItem();
        });
    }

    /**
     * Sends the messages after {@code afterSeq} as chat frames and the changes (edits, recalls) as
     * {@code edited} / {@code recalled} frames, merged in seq order, page by page until the timeline's
     * end or the socket's close; answers the highest seq sent.
     *
     * @param skipPushed skip messages already pushed on this socket (the connect replay); a client's own
     *     {@code sync} frame gets everything it asks for
     */
    Uni<Long> sync(ClientConnection c, long afterSeq, boolean skipPushed) {
        if (c.isGone()) {
            return Uni.createFrom().item(afterSeq);
        }
        return messages.sync(c.bearer(), afterSeq, PAGE).onItem().transformToUni(page -> {
            long highest = afterSeq;
            List<JsonNode> chats = page.messages();
            List<JsonNode> changes = page.changes();
            int m = 0;
            int ch = 0;
            while (m < chats.size() || ch < changes.size()) {
                boolean chat = ch >= changes.size()
                        || (m < chats.size() && chats.get(m).path("seq").asLong() < changes.get(ch).path("seq").asLong());
                JsonNode entry = chat ? chats.get(m++) : changes.get(ch++);
                long seq = entry.path("seq").asLong();
                highest = Math.max(highest, seq);
                long key = chat ? entry.path("id").asLong() : ClientConnection.changeKey(seq);
                if (!skipPushed || c.firstPush(key)) {
                    // A change of sync has the fields of its frame (API.md, "Rich messages").
                    writer.send(c, Frames.write(mapper, chat ? Frames.chat(mapper, entry, false) : entry));
                }
            }
            long next = Math.max(highest, page.nextSeq());
            return page.hasMore() && next > afterSeq
                    ? sync(c, next, skipPushed)
                    : Uni.createFrom().item(next);
        });
    }
}
