// The dev dependency `ws` gives Node 20 (which has no global WebSocket) the browser's WebSocket API.
declare module 'ws' {
  export const WebSocket: any;
}
