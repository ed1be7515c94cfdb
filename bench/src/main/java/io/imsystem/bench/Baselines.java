package io.imsystem.bench;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/** The limits measured in the same run: raw MariaDB inserts of a message's rows (one send or many per transaction), raw Redis XADD. */
final class Baselines {

    private Baselines() {
    }

    /** One connection's transaction, repeated until the time is up; {@code n} counts this connection's runs. */
    private interface Transaction {
        void run(long n) throws SQLException;
    }

    /** Prepares one connection's statements and returns its transaction. */
    private interface Worker {
        Transaction prepare(Connection c, int worker) throws SQLException;
    }

    /**
     * Runs {@code threads} connections, each repeating its transaction (and committing) until
     * {@code duration} is over; answers the committed transactions per second of all of them.
     */
    private static double transactionsPerSecond(String jdbcUrl, String user, String password, int threads, Duration duration,
            Worker worker) throws Exception {
        AtomicLong done = new AtomicLong();
        long end = System.nanoTime() + duration.toNanos();
        List<Thread> workers = new ArrayList<>();
        List<Exception> failures = new java.util.concurrent.CopyOnWriteArrayList<>();
        for (int t = 0; t < threads; t++) {
            int index = t;
            Thread w = new Thread(() -> {
                try (Connection c = DriverManager.getConnection(jdbcUrl, user, password)) {
                    c.setAutoCommit(false);
                    Transaction tx = worker.prepare(c, index);
                    for (long n = 0; System.nanoTime() < end; n++) {
                        tx.run(n);
                        c.commit();
                        done.incrementAndGet();
                    }
                } catch (SQLException e) {
                    failures.add(e);
                }
            });
            workers.add(w);
            w.start();
        }
        for (Thread w : workers) {
            w.join();
        }
        if (!failures.isEmpty()) {
            throw failures.get(0);
        }
        return done.get() / (duration.toMillis() / 1000.0);
    }

    /** The message insert of a send, as message-service writes it; {@code target} is the receiver or group column. */
    private static PreparedStatement messageInsert(Connection c, String target) throws SQLException {
        return c.prepareStatement("INSERT INTO messages (sender_id, " + target
                + ", content, msg_type, status, client_msg_id, created_at, updated_at) VALUES (?,?,?,?,?,?,?,?)",
                PreparedStatement.RETURN_GENERATED_KEYS);
    }

    /** Inserts one message with {@link #messageInsert}'s statement and answers its id. */
    private static long insertMessage(PreparedStatement msg, long sender, long target, String content, String clientMsgId,
            Timestamp now) throws SQLException {
        msg.setLong(1, sender);
        msg.setLong(2, target);
        msg.setString(3, content);
        msg.setString(4, "text");
        msg.setString(5, "sent");
        msg.setString(6, clientMsgId);
        msg.setTimestamp(7, now);
        msg.setTimestamp(8, now);
        msg.executeUpdate();
        try (ResultSet k = msg.getGeneratedKeys()) {
            k.next();
            return k.getLong(1);
        }
    }

    /**
     * Transactions per second that insert what one send inserts (a message, two seq bumps, two
     * timeline rows) into message-service's own tables, with its durability settings, on
     * {@code threads} connections.
     */
    static double mariadbSendRows(String jdbcUrl, String user, String password, int threads, Duration duration) throws Exception {
        long base = 9_000_000_000_000L + (System.nanoTime() % 1_000_000) * 1000;
        return transactionsPerSecond(jdbcUrl, user, password, threads, duration, (c, t) -> {
            long sender = base + t * 2L;
            long receiver = sender + 1;
            PreparedStatement msg = messageInsert(c, "receiver_id");
            PreparedStatement seq = c.prepareStatement("INSERT INTO user_seq (user_id, last_seq) VALUES (?, LAST_INSERT_ID(1)) ON DUPLICATE KEY UPDATE last_seq = LAST_INSERT_ID(last_seq + 1)");
            PreparedStatement lastId = c.prepareStatement("SELECT LAST_INSERT_ID()");
            PreparedStatement line = c.prepareStatement("INSERT INTO timeline (user_id, seq, message_id, peer_id, outgoing, delivered, created_at) VALUES (?,?,?,?,?,?,?)");
            return n -> {
                Timestamp now = new Timestamp(System.currentTimeMillis());
                long id = insertMessage(msg, sender, receiver, "bench baseline message " + n, "base-" + sender + "-" + n, now);
                for (long u : new long[] {sender, receiver}) {
                    seq.setLong(1, u);
                    seq.executeUpdate();
                    long s;
                    try (ResultSet r = lastId.executeQuery()) {
                        r.next();
                        s = r.getLong(1);
                    }
                    line.setLong(1, u);
                    line.setLong(2, s);
                    line.setLong(3, id);
                    line.setLong(4, u == sender ? receiver : sender);
                    line.setBoolean(5, u == sender);
                    line.setBoolean(6, u == sender);
                    line.setTimestamp(7, now);
                    line.executeUpdate();
                }
            };
        });
    }

    /**
     * Transactions per second that write what one group send writes for {@code members} members: the
     * message, the members' seq rows locked (ascending id) and bumped in one statement, one timeline
     * row per member in one multi-row insert. All {@code threads} connections send into the same
     * group, so they wait for each other's seq locks as the service's sends do.
     */
    static double mariadbGroupRows(String jdbcUrl, String user, String password, int members, int threads, Duration duration) throws Exception {
        long base = 8_000_000_000_000L + (System.nanoTime() % 1_000_000) * 1000;
        long group = base;
        StringBuilder in = new StringBuilder();
        StringBuilder seqValues = new StringBuilder();
        StringBuilder lineValues = new StringBuilder();
        for (int i = 0; i < members; i++) {
            in.append(i == 0 ? "?" : ",?");
            seqValues.append(i == 0 ? "(?,?)" : ",(?,?)");
            lineValues.append(i == 0 ? "(?,?,?,?,?,?,?,?)" : ",(?,?,?,?,?,?,?,?)");
        }
        try (Connection c = DriverManager.getConnection(jdbcUrl, user, password);
                PreparedStatement seed = c.prepareStatement("INSERT IGNORE INTO user_seq (user_id, last_seq) VALUES " + seqValues)) {
            for (int i = 0; i < members; i++) {
                seed.setLong(2 * i + 1, base + i);
                seed.setLong(2 * i + 2, 0);
            }
            seed.executeUpdate();
        }
        return transactionsPerSecond(jdbcUrl, user, password, threads, duration, (c, t) -> {
            long sender = base + t % members;
            PreparedStatement msg = messageInsert(c, "group_id");
            PreparedStatement lock = c.prepareStatement("SELECT user_id, last_seq FROM user_seq WHERE user_id IN (" + in + ") ORDER BY user_id FOR UPDATE");
            PreparedStatement bump = c.prepareStatement("INSERT INTO user_seq (user_id, last_seq) VALUES " + seqValues
                    + " ON DUPLICATE KEY UPDATE last_seq = VALUES(last_seq)");
            PreparedStatement lines = c.prepareStatement("INSERT INTO timeline (user_id, seq, message_id, peer_id, group_id, outgoing, delivered, created_at) VALUES " + lineValues);
            return n -> {
                Timestamp now = new Timestamp(System.currentTimeMillis());
                long id = insertMessage(msg, sender, group, "bench baseline group message " + n, "gbase-" + t + "-" + base + "-" + n, now);
                for (int i = 0; i < members; i++) {
                    lock.setLong(i + 1, base + i);
                }
                long[] ids = new long[members];
                long[] seqs = new long[members];
                try (ResultSet r = lock.executeQuery()) {
                    for (int i = 0; r.next(); i++) {
                        ids[i] = r.getLong(1);
                        seqs[i] = r.getLong(2) + 1;
                    }
                }
                for (int i = 0; i < members; i++) {
                    bump.setLong(2 * i + 1, ids[i]);
                    bump.setLong(2 * i + 2, seqs[i]);
                    int p = 8 * i;
                    lines.setLong(p + 1, ids[i]);
                    lines.setLong(p + 2, seqs[i]);
                    lines.setLong(p + 3, id);
                    lines.setLong(p + 4, sender);
                    lines.setLong(p + 5, group);
                    lines.setBoolean(p + 6, ids[i] == sender);
                    lines.setBoolean(p + 7, ids[i] == sender);
                    lines.setTimestamp(p + 8, now);
                }
                bump.executeUpdate();
                lines.executeUpdate();
            };
        });
    }

    /**
     * Sends per second when {@code batch} sends (each a message, two seq bumps, two timeline rows, of
     * its own pair of users) are written per transaction, as message-service's group commit does: the
     * seq rows of all the batch's users locked once in ascending id and raised by one multi-row upsert,
     * the messages and the timeline rows in one multi-row insert each; {@code threads} connections.
     */
    static double mariadbBatchedSendRows(String jdbcUrl, String user, String password, int threads, int batch, Duration duration)
            throws Exception {
        long base = 7_000_000_000_000L + (System.nanoTime() % 1_000_000) * 10_000;
        int users = 2 * batch;
        String in = String.join(",", java.util.Collections.nCopies(users, "?"));
        String seqValues = String.join(",", java.util.Collections.nCopies(users, "(?,?)"));
        String msgValues = String.join(",", java.util.Collections.nCopies(batch, "(?,?,?,?,?,?,?,?)"));
        String lineValues = String.join(",", java.util.Collections.nCopies(users, "(?,?,?,?,?,?,?)"));
        try (Connection c = DriverManager.getConnection(jdbcUrl, user, password);
                PreparedStatement seed = c.prepareStatement("INSERT IGNORE INTO user_seq (user_id, last_seq) VALUES " + seqValues)) {
            for (int t = 0; t < threads; t++) {
                for (int i = 0; i < users; i++) {
                    seed.setLong(2 * i + 1, base + t * 10_000L + i);
                    seed.setLong(2 * i + 2, 0);
                }
                seed.executeUpdate();
            }
        }
        double tx = transactionsPerSecond(jdbcUrl, user, password, threads, duration, (c, t) -> {
            long first = base + t * 10_000L;
            PreparedStatement lock = c.prepareStatement("SELECT user_id, last_seq FROM user_seq WHERE user_id IN (" + in + ") ORDER BY user_id FOR UPDATE");
            PreparedStatement bump = c.prepareStatement("INSERT INTO user_seq (user_id, last_seq) VALUES " + seqValues
                    + " ON DUPLICATE KEY UPDATE last_seq = VALUES(last_seq)");
            PreparedStatement msgs = c.prepareStatement("INSERT INTO messages (sender_id, receiver_id, content, msg_type, status, client_msg_id, "
                    + "created_at, updated_at) VALUES " + msgValues, PreparedStatement.RETURN_GENERATED_KEYS);
            PreparedStatement lines = c.prepareStatement("INSERT INTO timeline (user_id, seq, message_id, peer_id, outgoing, delivered, created_at) VALUES "
                    + lineValues);
            return n -> {
                Timestamp now = new Timestamp(System.currentTimeMillis());
                for (int i = 0; i < users; i++) {
                    lock.setLong(i + 1, first + i);
                }
                long[] seqs = new long[users];
                try (ResultSet r = lock.executeQuery()) {
                    for (int i = 0; r.next(); i++) {
                        seqs[i] = r.getLong(2) + 1;
                    }
                }
                for (int i = 0; i < users; i++) {
                    bump.setLong(2 * i + 1, first + i);
                    bump.setLong(2 * i + 2, seqs[i]);
                }
                bump.executeUpdate();
                for (int k = 0; k < batch; k++) {
                    int p = 8 * k;
                    msgs.setLong(p + 1, first + 2 * k);
                    msgs.setLong(p + 2, first + 2 * k + 1);
                    msgs.setString(p + 3, "bench batched baseline message " + n + "/" + k);
                    msgs.setString(p + 4, "text");
                    msgs.setString(p + 5, "sent");
                    msgs.setString(p + 6, "bb-" + first + "-" + n + "-" + k);
                    msgs.setTimestamp(p + 7, now);
                    msgs.setTimestamp(p + 8, now);
                }
                msgs.executeUpdate();
                long[] ids = new long[batch];
                try (ResultSet keys = msgs.getGeneratedKeys()) {
                    for (int k = 0; keys.next(); k++) {
                        ids[k] = keys.getLong(1);
                    }
                }
                for (int i = 0; i < users; i++) {
                    int p = 7 * i;
                    boolean sender = i % 2 == 0;
                    lines.setLong(p + 1, first + i);
                    lines.setLong(p + 2, seqs[i]);
                    lines.setLong(p + 3, ids[i / 2]);
                    lines.setLong(p + 4, sender ? first + i + 1 : first + i - 1);
                    lines.setBoolean(p + 5, sender);
                    lines.setBoolean(p + 6, sender);
                    lines.setTimestamp(p + 7, now);
                }
                lines.executeUpdate();
            };
        });
        return tx * batch;
    }

    /**
     * XADDs per second of a chat-sized deliver entry on one connection, with {@code depth} commands
     * in flight: 1 is truly one after the other (each full reply read before the next command).
     */
    static double redisXadd(String host, int port, String password, String key, int depth, Duration duration) throws IOException {
        String frame = "{\"type\":\"chat\",\"msg_id\":123456,\"seq\":0,\"from\":1,\"to\":2,\"content\":\"" + "x".repeat(120)
                + "\",\"msg_type\":\"text\",\"timestamp\":1764000000,\"offline\":false}";
        byte[] command = resp("XADD", key, "MAXLEN", "~", "100000", "*", "type", "deliver", "frame", frame, "users", "1,2",
                "seqs", "{\"1\":5,\"2\":9}");
        byte[] burst = new byte[command.length * depth];
        for (int i = 0; i < depth; i++) {
            System.arraycopy(command, 0, burst, i * command.length, command.length);
        }
        long n = 0;
        try (Socket s = new Socket(host, port)) {
            s.setTcpNoDelay(true);
            OutputStream out = s.getOutputStream();
            InputStream in = new BufferedInputStream(s.getInputStream());
            auth(out, in, password);
            long end = System.nanoTime() + duration.toNanos();
            while (System.nanoTime() < end) {
                out.write(burst);
                out.flush();
                for (int i = 0; i < depth; i++) {
                    readReply(in);
                }
                n += depth;
            }
            out.write(resp("DEL", key));
            out.flush();
            readReply(in);
        }
        return n / (duration.toMillis() / 1000.0);
    }

    /**
     * Deletes every key that starts with {@code prefix} (SCAN + UNLINK, nothing else touched); answers how many.
     * The prefix must not contain glob characters (the Launcher's "run-xxxxxxxx:" does not).
     */
    static long redisDeletePrefix(String host, int port, String password, String prefix) throws IOException {
        if (prefix == null || prefix.isEmpty() || prefix.matches(".*[*?\\[\\]\\\\].*")) {
            throw new IllegalArgumentException("not a plain key prefix: " + prefix);
        }
        long deleted = 0;
        try (Socket s = new Socket(host, port)) {
            s.setTcpNoDelay(true);
            OutputStream out = s.getOutputStream();
            InputStream in = new BufferedInputStream(s.getInputStream());
            auth(out, in, password);
            String cursor = "0";
            do {
                out.write(resp("SCAN", cursor, "MATCH", prefix + "*", "COUNT", "1000"));
                out.flush();
                List<?> page = (List<?>) readReply(in);
                cursor = (String) page.get(0);
                List<?> keys = (List<?>) page.get(1);
                if (!keys.isEmpty()) {
                    String[] command = new String[keys.size() + 1];
                    command[0] = "UNLINK";
                    for (int i = 0; i < keys.size(); i++) {
                        command[i + 1] = (String) keys.get(i);
                    }
                    out.write(resp(command));
                    out.flush();
                    deleted += (Long) readReply(in);
                }
            } while (!cursor.equals("0"));
        }
        return deleted;
    }

    /** AUTH when the environment has a Redis password (REDIS_PASSWORD), as the services do. */
    private static void auth(OutputStream out, InputStream in, String password) throws IOException {
        if (password != null && !password.isEmpty()) {
            out.write(resp("AUTH", password));
            out.flush();
            readReply(in);
        }
    }

    /**
     * Reads one whole RESP reply: a simple string, an integer, a bulk string ($n, then its n bytes and CRLF),
     * an array of those (recursively), or an error (thrown). Answers String, Long, List or null.
     */
    private static Object readReply(InputStream in) throws IOException {
        String head = line(in);
        if (head.isEmpty()) {
            throw new IOException("empty reply line from Redis");
        }
        String rest = head.substring(1);
        switch (head.charAt(0)) {
            case '-':
                throw new IOException("Redis answered " + head);
            case '+':
                return rest;
            case ':':
                return Long.parseLong(rest);
            case '$': {
                int n = Integer.parseInt(rest);
                if (n < 0) {
                    return null;
                }
                byte[] data = in.readNBytes(n + 2);
                if (data.length < n + 2) {
                    throw new IOException("Redis closed the connection");
                }
                return new String(data, 0, n, StandardCharsets.UTF_8);
            }
            case '*': {
                int n = Integer.parseInt(rest);
                if (n < 0) {
                    return null;
                }
                List<Object> items = new ArrayList<>(n);
                for (int i = 0; i < n; i++) {
                    items.add(readReply(in));
                }
                return items;
            }
            default:
                throw new IOException("unexpected reply from Redis: " + head);
        }
    }

    private static String line(InputStream in) throws IOException {
        StringBuilder b = new StringBuilder();
        int c;
        while ((c = in.read()) != '\n') {
            if (c < 0) {
                throw new IOException("Redis closed the connection");
            }
            if (c != '\r') {
                b.append((char) c);
            }
        }
        return b.toString();
    }

    private static byte[] resp(String... parts) {
        StringBuilder b = new StringBuilder("*").append(parts.length).append("\r\n");
        for (String p : parts) {
            b.append('$').append(p.getBytes(StandardCharsets.UTF_8).length).append("\r\n").append(p).append("\r\n");
        }
        return b.toString().getBytes(StandardCharsets.UTF_8);
    }
}
