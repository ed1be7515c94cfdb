package io.imsystem.gateway.ws;

import io.quarkus.websockets.next.WebSocket;

/** The chat socket at {@code /api/v1/ws}. */
@WebSocket(path = "/api/v1/ws")
public class ApiWsEndpoint extends ChatEndpoint {
}
