export { ImClient, sessionOf } from './client.js';
export { ApiError, SessionEndedError } from './errors.js';
