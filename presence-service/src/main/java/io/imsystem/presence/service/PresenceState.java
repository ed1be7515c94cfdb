package io.imsystem.presence.service;

/** What presence knows of one user: status ({@code online}/{@code offline}), last_seen (ISO-8601 or null), open connections. */
public record PresenceState(long userId, String status, String lastSeen, int devices) {

    public static final String ONLINE = "online";
    public static final String OFFLINE = "offline";

    public boolean online() {
        return ONLINE.equals(status);
    }
}
