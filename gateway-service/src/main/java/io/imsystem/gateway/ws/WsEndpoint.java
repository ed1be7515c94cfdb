package io.imsystem.gateway.ws;

import io.quarkus.websockets.next.WebSocket;

/** The chat socket at {@code /ws}. */
@WebSocket(path = "/ws")
public class WsEndpoint extends ChatEndpoint {
}
