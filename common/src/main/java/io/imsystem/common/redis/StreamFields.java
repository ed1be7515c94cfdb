package io.imsystem.common.redis;

/** Field names and entry types of the Redis streams between the services (DESIGN.md, docs/ARCHITECTURE.md). */
public final class StreamFields {

    /** Every entry: what kind of entry it is. */
    public static final String TYPE = "type";

    // im:gw:{gatewayId}
    public static final String DELIVER = "deliver";
    public static final String CLOSE = "close";
    /** deliver: the frame as JSON text, the same for every target but for its seq. */
    public static final String FRAME = "frame";
    /** deliver: comma-separated user ids whose connections on this gateway get the frame. */
    public static final String USERS = "users";
    /** deliver, optional: JSON object userId → that user's seq, set into each user's copy of the frame. */
    public static final String SEQS = "seqs";
    /** deliver, optional: the connection that sent the message, which gets an ack instead. */
    public static final String EXCLUDE_CONN = "exclude_conn";
    /**
     * close: the user whose sockets close; session, optional: only the sockets of that refresh family
     * (the tokens' {@code sid}); jti, optional: also those opened with that token (a token without sid).
     */
    public static final String USER = "user";
    public static final String SESSION = "session";
    public static final String JTI = "jti";
    public static final String REASON = "reason";

    // im:presence:events
    public static final String HEARTBEAT = "heartbeat";
    public static final String GATEWAY_DOWN = "gateway-down";
    /** From auth: a user logged in (or registered) / logged out. */
    public static final String LOGIN = "login";
    public static final String LOGOUT = "logout";
    public static final String GATEWAY = "gateway";
    /** heartbeat: comma-separated "connId:userId" pairs of the gateway's open connections. */
    public static final String CONNS = "conns";

    /** Header with which the gateway tells message-service which connection sent a chat frame. */
    public static final String CONNECTION_HEADER = "X-Connection-Id";

    private StreamFields() {
    }
}
