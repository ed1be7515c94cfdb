package io.imsystem.gateway.ws;

import io.quarkus.websockets.next.OnClose;
import io.quarkus.websockets.next.OnError;
import io.quarkus.websockets.next.OnOpen;
import io.quarkus.websockets.next.OnPongMessage;
import io.quarkus.websockets.next.OnTextMessage;
import io.quarkus.websockets.next.WebSocketConnection;
import io.vertx.core.buffer.Buffer;
import io.smallrye.common.annotation.NonBlocking;
import jakarta.inject.Inject;

/**
 * The callbacks of the chat socket; {@link WsEndpoint} and {@link ApiWsEndpoint} mount it on its two paths.
 * They run on the connection's event loop (nothing in them blocks), so a socket's frames are handled in
 * order without a hop to a worker thread.
 *
 * <p>The endpoints stay {@code InboundProcessingMode.SERIAL} although that gives every socket
 * websockets-next's serializing queue (its first chunk is an array of 257 references, ~1.1 KB a socket):
 * with {@code CONCURRENT}, frames written to a socket from outside its own callbacks (the stream's
 * deliveries, the frames held during the handshake) were lost in ChatSocketTest.
 */
public abstract class ChatEndpoint {

    @Inject
    ChatSessions sessions;

    @OnOpen
    @NonBlocking
    public void onOpen(WebSocketConnection connection) {
        sessions.opened(connection);
    }

    @OnTextMessage
    @NonBlocking
    public void onText(WebSocketConnection connection, String frame) {
        sessions.received(connection, frame);
    }

    @OnPongMessage
    @NonBlocking
    public void onPong(WebSocketConnection connection, Buffer data) {
        sessions.touched(connection);
    }

    @OnClose
    @NonBlocking
    public void onClose(WebSocketConnection connection) {
        sessions.closed(connection);
    }

    @OnError
    public void onError(WebSocketConnection connection, Throwable error) {
        sessions.failed(connection, error);
    }
}
