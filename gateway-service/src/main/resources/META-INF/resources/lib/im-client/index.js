export { ImClient, backoffDelay, sessionOf } from './client.js';
export { ApiError, SessionEndedError } from './errors.js';
