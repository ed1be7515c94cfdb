package io.imsystem.resilience;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * One HTTP/1.1 request from a chosen local address (127.0.0.2, 127.0.0.3, ... are all this machine):
 * a client at another address, as the gateway sees it, while the harness itself stays on 127.0.0.1.
 */
final class FromAddress {

    record Answer(int status, Map<String, String> headers, JsonNode body) {
        String header(String name) {
            return headers.get(name.toLowerCase(Locale.ROOT));
        }

        String error() {
            return body.path("error").asText("");
        }
    }

    private FromAddress() {
    }

    static Answer post(String local, String base, String path, Object body) {
        return post(local, base, path, body, Map.of());
    }

    /** As {@link #post(String, String, String, Object)}, with extra request headers (a client's own X-Forwarded-For, ...). */
    static Answer post(String local, String base, String path, Object body, Map<String, String> extraHeaders) {
        URI uri = URI.create(base);
        try (Socket s = new Socket()) {
            s.bind(new InetSocketAddress(InetAddress.getByName(local), 0));
            s.connect(new InetSocketAddress(uri.getHost().equals("localhost") ? "127.0.0.1" : uri.getHost(), uri.getPort()), 5000);
            s.setSoTimeout(20_000);
            byte[] json = Api.JSON.writeValueAsBytes(body);
            String head = "POST " + path + " HTTP/1.1\r\nHost: " + uri.getHost() + ":" + uri.getPort()
                    + "\r\nContent-Type: application/json\r\nAccept: application/json\r\nConnection: close\r\nContent-Length: "
                    + json.length + "\r\n";
            StringBuilder extra = new StringBuilder();
            extraHeaders.forEach((k, v) -> extra.append(k).append(": ").append(v).append("\r\n"));
            head += extra + "\r\n";
            s.getOutputStream().write(head.getBytes(StandardCharsets.US_ASCII));
            s.getOutputStream().write(json);
            s.getOutputStream().flush();
            InputStream in = s.getInputStream();
            ByteArrayOutputStream all = new ByteArrayOutputStream();
            in.transferTo(all);
            String text = all.toString(StandardCharsets.UTF_8);
            int end = text.indexOf("\r\n\r\n");
            String[] lines = text.substring(0, end).split("\r\n");
            int status = Integer.parseInt(lines[0].split(" ")[1]);
            Map<String, String> headers = new TreeMap<>();
            for (int i = 1; i < lines.length; i++) {
                int colon = lines[i].indexOf(':');
                headers.put(lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT), lines[i].substring(colon + 1).trim());
            }
            String payload = text.substring(end + 4);
            if ("chunked".equalsIgnoreCase(headers.get("transfer-encoding"))) {
                payload = unchunk(payload);
            }
            return new Answer(status, headers, Api.parse(payload));
        } catch (IOException e) {
            throw new AssertionError("request from " + local + " failed: " + e, e);
        }
    }

    private static String unchunk(String chunked) {
        StringBuilder out = new StringBuilder();
        int i = 0;
        while (i < chunked.length()) {
            int eol = chunked.indexOf("\r\n", i);
            int size = Integer.parseInt(chunked.substring(i, eol).trim(), 16);
            if (size == 0) {
                break;
            }
            // sizes are bytes; the bodies here are ASCII JSON
            out.append(chunked, eol + 2, eol + 2 + size);
            i = eol + 2 + size + 2;
        }
        return out.toString();
    }
}
