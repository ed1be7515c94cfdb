export { ImClient, backoffDelay, sessionOf } from './client.js';
export type { ImClientOptions, ImEvents, PendingSend, WebSocketLike, WebSocketConstructor } from './client.js';
export { ApiError, SessionEndedError } from './errors.js';
export type * from './types.js';
