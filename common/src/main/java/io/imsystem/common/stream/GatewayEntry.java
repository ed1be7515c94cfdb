package io.imsystem.common.stream;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.imsystem.common.redis.StreamFields;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * An entry of a gateway's stream {@code im:gw:{gatewayId}} (docs/ARCHITECTURE.md, "Streams"): the one
 * codec of what every service writes there and the gateway reads. {@link #fields()} is the entry as
 * stored, {@link #parse} reads it back; {@code GatewayEntryTest} pins the shape.
 */
public sealed interface GatewayEntry {

    /** The entry's fields, in the order they are written. */
    Map<String, String> fields();

    /**
     * A server frame for the sockets of {@code users} on one gateway (but the connection
     * {@code excludeConn}, which gets an ack instead); where {@code seqs} names a user, the gateway sets
     * that seq into the user's copy of the frame.
     */
    record Deliver(String frame, List<Long> users, Map<Long, Long> seqs, String excludeConn) implements GatewayEntry {

        public Deliver {
            users = List.copyOf(users);
            seqs = seqs == null ? Map.of() : Map.copyOf(seqs);
            excludeConn = excludeConn == null || excludeConn.isBlank() ? null : excludeConn;
        }

        /** A frame for users, without seqs or exclusion (contacts, presence, typing). */
        public static Deliver of(String frame, Collection<Long> users) {
            return new Deliver(frame, List.copyOf(users), Map.of(), null);
        }

        /** The same entry for a part of its users (those on one gateway). */
        public Deliver forUsers(Collection<Long> some) {
            Map<Long, Long> theirs = new LinkedHashMap<>();
            for (Long user : some) {
                Long seq = seqs.get(user);
                if (seq != null) {
                    theirs.put(user, seq);
                }
            }
            return new Deliver(frame, List.copyOf(some), theirs, excludeConn);
        }

        @Override
        public Map<String, String> fields() {
            Map<String, String> f = new LinkedHashMap<>();
            f.put(StreamFields.TYPE, StreamFields.DELIVER);
            f.put(StreamFields.FRAME, frame);
            StringBuilder ids = new StringBuilder();
            for (Long user : users) {
                ids.append(ids.length() > 0 ? "," : "").append(user);
            }
            f.put(StreamFields.USERS, ids.toString());
            StringBuilder seqText = new StringBuilder();
            for (Long user : users) {
                Long seq = seqs.get(user);
                if (seq != null) {
                    seqText.append(seqText.length() > 0 ? "," : "{").append('"').append(user).append("\":").append(seq);
                }
            }
            if (seqText.length() > 0) {
                f.put(StreamFields.SEQS, seqText.append('}').toString());
            }
            if (excludeConn != null) {
                f.put(StreamFields.EXCLUDE_CONN, excludeConn);
            }
            return f;
        }
    }

    /**
     * The user's sockets of a session that ended close with 4401: those of the refresh family
     * {@code session} (the tokens' {@code sid}) and those opened with the token {@code jti}; every socket
     * of the user when neither is given.
     */
    record Close(long userId, String session, String jti, String reason) implements GatewayEntry {

        public Close {
            session = session == null || session.isBlank() ? null : session;
            jti = jti == null || jti.isBlank() ? null : jti;
        }

        @Override
        public Map<String, String> fields() {
            Map<String, String> f = new LinkedHashMap<>();
            f.put(StreamFields.TYPE, StreamFields.CLOSE);
            f.put(StreamFields.USER, Long.toString(userId));
            f.put(StreamFields.REASON, reason == null ? "" : reason);
            if (session != null) {
                f.put(StreamFields.SESSION, session);
            }
            if (jti != null) {
                f.put(StreamFields.JTI, jti);
            }
            return f;
        }
    }

    /**
     * Reads an entry back; null for a type this version does not know (a newer writer's).
     *
     * @throws IllegalArgumentException if a known entry is malformed (no retry can fix it)
     */
    static GatewayEntry parse(Map<String, String> fields) {
        String type = fields == null ? null : fields.get(StreamFields.TYPE);
        if (StreamFields.DELIVER.equals(type)) {
            String frame = fields.get(StreamFields.FRAME);
            if (frame == null) {
                throw new IllegalArgumentException("deliver entry without a frame");
            }
            List<Long> users = new ArrayList<>();
            for (String u : fields.getOrDefault(StreamFields.USERS, "").split(",")) {
                if (!u.isBlank()) {
                    users.add(Long.parseLong(u.trim()));
                }
            }
            return new Deliver(frame, users, parseSeqs(fields.get(StreamFields.SEQS)), fields.get(StreamFields.EXCLUDE_CONN));
        }
        if (StreamFields.CLOSE.equals(type)) {
            return new Close(Long.parseLong(String.valueOf(fields.get(StreamFields.USER)).trim()), fields.get(StreamFields.SESSION),
                    fields.get(StreamFields.JTI), fields.get(StreamFields.REASON));
        }
        return null;
    }

    /** The seqs field: a flat JSON object of user id → seq, as {@link Deliver#fields()} writes it. */
    private static Map<Long, Long> parseSeqs(String text) {
        if (text == null || text.isBlank()) {
            return Map.of();
        }
        try {
            return Codec.JSON.readValue(text, Codec.SEQS);
        } catch (IOException e) {
            throw new IllegalArgumentException("seqs is not a JSON object of numbers");
        }
    }

    /** What parsing needs (an interface cannot hold private constants). */
    final class Codec {

        private static final ObjectMapper JSON = new ObjectMapper();
        private static final TypeReference<Map<Long, Long>> SEQS = new TypeReference<>() {
        };

        private Codec() {
        }
    }
}
