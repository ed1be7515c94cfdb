/** A failed REST call or a refused send: the server's status, machine code and message. */
export class ApiError extends Error {
  readonly status: number;
  /** The machine code (`INVALID_CREDENTIALS`, `RATE_LIMITED`, `BLOCKED`, ...); `NETWORK` when no answer came. */
  readonly code: string;
  readonly fields?: Record<string, string>;
  /** Seconds to wait before trying again (429 `Retry-After`). */
  readonly retryAfter?: number;

  constructor(status: number, code: string, message: string, fields?: Record<string, string>, retryAfter?: number) {
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
