/** A failed REST call or a refused send: the server's status, machine code and message. */
export class ApiError extends Error {
    status;
    /** The machine code (`INVALID_CREDENTIALS`, `RATE_LIMITED`, `BLOCKED`, ...); `NETWORK` when no answer came. */
    code;
    fields;
    /** Seconds to wait before trying again (429 `Retry-After`). */
    retryAfter;
    constructor(status, code, message, fields, retryAfter) {
        super(message);
        this.name = 'ApiError';
        this.status = status;
        this.code = code;
        this.fields = fields;
        this.retryAfter = retryAfter;
    }
}
/** The session ended (logout, a spent refresh token): sign in again. */
export class SessionEndedError extends ApiError {
    constructor(message = 'the session has ended: sign in again') {
        super(401, 'SESSION_ENDED', message);
        this.name = 'SessionEndedError';
    }
}
