package io.imsystem.common.api;

import java.util.Map;

/**
 * A failure the client can act on: it carries the HTTP status and the machine code of the
 * envelope. Thrown by services, turned into the envelope by {@link ErrorMapper}.
 */
public class ApiException extends RuntimeException {

    private final int status;
    private final String errorCode;
    private final Map<String, String> fields;
    private final Long retryAfterSeconds;

    public ApiException(int status, String errorCode, String message) {
        this(status, errorCode, message, null, null);
    }

    public ApiException(int status, String errorCode, String message, Map<String, String> fields, Long retryAfterSeconds) {
        super(message, null, false, false);
        this.status = status;
        this.errorCode = errorCode;
        this.fields = fields;
        this.retryAfterSeconds = retryAfterSeconds;
    }

    public static ApiException notFound(String what) {
        return new ApiException(404, ErrorCodes.NOT_FOUND, what + " not found");
    }

    public static ApiException forbidden(String message) {
        return new ApiException(403, ErrorCodes.FORBIDDEN, message);
    }

    public static ApiException badRequest(String message) {
        return new ApiException(400, ErrorCodes.VALIDATION_FAILED, message);
    }

    public static ApiException invalidField(String field, String problem) {
        return new ApiException(400, ErrorCodes.VALIDATION_FAILED, field + ": " + problem, Map.of(field, problem), null);
    }

    public static ApiException conflict(String errorCode, String message) {
        return new ApiException(409, errorCode, message);
    }

    public static ApiException unauthorized(String errorCode, String message) {
        return new ApiException(401, errorCode, message);
    }

    public static ApiException rateLimited(long retryAfterSeconds) {
        return new ApiException(429, ErrorCodes.RATE_LIMITED, "too many attempts, retry later", null, retryAfterSeconds);
    }

    public static ApiException unavailable(String message) {
        return new ApiException(503, ErrorCodes.UNAVAILABLE, message);
    }

    public int status() {
        return status;
    }

    public String errorCode() {
        return errorCode;
    }

    public Map<String, String> fields() {
        return fields;
    }

    public Long retryAfterSeconds() {
        return retryAfterSeconds;
    }
}
