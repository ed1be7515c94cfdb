package io.imsystem.common.api;

/** The machine codes of the error envelope (API.md). */
public final class ErrorCodes {
    public static final String VALIDATION_FAILED = "VALIDATION_FAILED";
    public static final String NOT_FOUND = "NOT_FOUND";
    public static final String METHOD_NOT_ALLOWED = "METHOD_NOT_ALLOWED";
    public static final String UNSUPPORTED_MEDIA_TYPE = "UNSUPPORTED_MEDIA_TYPE";
    public static final String PAYLOAD_TOO_LARGE = "PAYLOAD_TOO_LARGE";
    public static final String FORBIDDEN = "FORBIDDEN";
    public static final String UNAUTHORIZED = "UNAUTHORIZED";
    public static final String TOKEN_INVALID = "TOKEN_INVALID";
    public static final String TOKEN_EXPIRED = "TOKEN_EXPIRED";
    public static final String INVALID_CREDENTIALS = "INVALID_CREDENTIALS";
    public static final String USERNAME_TAKEN = "USERNAME_TAKEN";
    public static final String EMAIL_TAKEN = "EMAIL_TAKEN";
    public static final String IDEMPOTENCY_CONFLICT = "IDEMPOTENCY_CONFLICT";
    /** The receiver has blocked the sender (or a friend request to a user who blocked you). */
    public static final String BLOCKED = "BLOCKED";
    /** Messaging requires friendship (a setting of message-service) and the two are not friends. */
    public static final String NOT_FRIENDS = "NOT_FRIENDS";
    /** A friend request between users who are already friends. */
    public static final String ALREADY_FRIENDS = "ALREADY_FRIENDS";
    /** A friend request while one between the two users is already pending. */
    public static final String REQUEST_PENDING = "REQUEST_PENDING";
    /** Accepting or rejecting a friend request that was already answered or cancelled. */
    public static final String REQUEST_NOT_PENDING = "REQUEST_NOT_PENDING";
    /** A group would have more members than the configured maximum. */
    public static final String GROUP_FULL = "GROUP_FULL";
    /** An edit or recall after its window (MESSAGE_EDIT_WINDOW, MESSAGE_RECALL_WINDOW). */
    public static final String WINDOW_PASSED = "WINDOW_PASSED";
    /** An edit of, or a reaction to, a message that was recalled. */
    public static final String RECALLED = "RECALLED";
    /** A user's reactions on one message would pass the configured maximum. */
    public static final String REACTION_LIMIT = "REACTION_LIMIT";
    public static final String RATE_LIMITED = "RATE_LIMITED";
    public static final String UNAVAILABLE = "UNAVAILABLE";
    public static final String INTERNAL = "INTERNAL_ERROR";

    private ErrorCodes() {
    }

    /** The machine code a bare HTTP status stands for, where nothing more specific is known. */
    public static String forStatus(int status) {
        return switch (status) {
            case 400 -> VALIDATION_FAILED;
            case 401 -> UNAUTHORIZED;
            case 403 -> FORBIDDEN;
            case 404 -> NOT_FOUND;
            case 405 -> METHOD_NOT_ALLOWED;
            case 413 -> PAYLOAD_TOO_LARGE;
            case 415 -> UNSUPPORTED_MEDIA_TYPE;
            case 429 -> RATE_LIMITED;
            case 502, 503, 504 -> UNAVAILABLE;
            default -> status >= 500 ? INTERNAL : VALIDATION_FAILED;
        };
    }
}
