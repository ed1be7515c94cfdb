// The public contract (shared API.md): REST bodies and WebSocket frames, as TypeScript types.
// Fields are the wire's snake_case; ids are JSON numbers (kept below 2^53 by the server).
export {};
