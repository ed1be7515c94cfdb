package io.imsystem.resilience;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * A WebSocket client on a plain socket that reads only when told to: a client that stops reading
 * (a phone in a tunnel) while the server keeps writing. It can then read everything that was
 * queued for it, close frame included.
 */
final class RawSocket implements AutoCloseable {

    final Socket socket = new Socket();
    final List<String> texts = new ArrayList<>();
    int closeCode = -1;
    boolean eof;

    RawSocket(int port, String pathAndQuery) throws IOException {
        socket.setReceiveBufferSize(4096);
        socket.connect(new InetSocketAddress("127.0.0.1", port), 5000);
        String request = "GET " + pathAndQuery + " HTTP/1.1\r\nHost: localhost:" + port + "\r\nUpgrade: websocket\r\n"
                + "Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n";
        socket.getOutputStream().write(request.getBytes(StandardCharsets.US_ASCII));
        socket.getOutputStream().flush();
        socket.setSoTimeout(10_000);
        InputStream in = socket.getInputStream();
        StringBuilder head = new StringBuilder();
        while (!head.toString().endsWith("\r\n\r\n")) {
            int c = in.read();
            if (c < 0) {
                throw new IOException("closed during the handshake: " + head);
            }
            head.append((char) c);
        }
        if (!head.toString().startsWith("HTTP/1.1 101")) {
            throw new IOException("handshake refused: " + head.toString().lines().findFirst().orElse(""));
        }
    }

    /** Reads frames until the server closes (close frame or EOF) or nothing comes for {@code idleMillis}. */
    void readAll(int idleMillis) throws IOException {
        socket.setSoTimeout(idleMillis);
        InputStream in = socket.getInputStream();
        try {
            while (true) {
                int b0 = in.read();
                if (b0 < 0) {
                    eof = true;
                    return;
                }
                int b1 = in.read();
                long len = b1 & 0x7F;
                if (len == 126) {
                    len = (in.read() << 8) | in.read();
                } else if (len == 127) {
                    len = 0;
                    for (int i = 0; i < 8; i++) {
                        len = (len << 8) | in.read();
                    }
                }
                byte[] payload = in.readNBytes((int) len);
                if (payload.length < len) {
                    eof = true;
                    return;
                }
                int opcode = b0 & 0x0F;
                if (opcode == 1) {
                    texts.add(new String(payload, StandardCharsets.UTF_8));
                } else if (opcode == 8) {
                    closeCode = payload.length >= 2 ? ((payload[0] & 0xFF) << 8) | (payload[1] & 0xFF) : 1005;
                    return;
                }
            }
        } catch (SocketTimeoutException e) {
            // quiet
        } catch (IOException e) {
            eof = true;
        }
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
