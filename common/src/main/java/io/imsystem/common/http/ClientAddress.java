package io.imsystem.common.http;

import io.imsystem.common.security.InternalCredential;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.net.SocketAddress;
import jakarta.enterprise.context.ApplicationScoped;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The one place that decides a request's client address (docs/SECURITY.md, "Network edge and service
 * calls"), for every service alike:
 * <ol>
 * <li>{@value #HEADER}, when the request carries a valid service token of the gateway (the gateway puts
 * both on every call it forwards): the address the gateway decided;</li>
 * <li>else, when the TCP peer is one of {@code im.client-address.trusted-proxies} (the gateway's
 * {@code GATEWAY_TRUSTED_PROXIES}: the ingress; none by default), the forwarded chain
 * ({@code X-Forwarded-For}, or {@code Forwarded} when so set) read from the right, each hop believed only
 * while the hop that reported it is a trusted proxy;</li>
 * <li>else the TCP peer.</li>
 * </ol>
 * Nothing a client writes in a header is believed unless a proxy we trust vouches for it.
 */
@ApplicationScoped
public class ClientAddress {

    /** The header in which the gateway tells a backend the client address it decided. */
    public static final String HEADER = "X-Client-Address";

    /** Settings of the client address. */
    @ConfigMapping(prefix = "im.client-address")
    public interface Config {
        /** Proxies (addresses or CIDRs) whose forwarded header is believed; none by default. */
        Optional<List<String>> trustedProxies();

        /** The header the trusted proxies write: {@code x-forwarded-for} or {@code forwarded} (RFC 7239). */
        @WithDefault("x-forwarded-for")
        String forwardedHeader();
    }

    private final InternalCredential credential;
    private final List<Cidr> trusted;
    private final boolean rfc7239;

    public ClientAddress(InternalCredential credential, Config config) {
        this.credential = credential;
        this.trusted = Cidr.parseAll(config.trustedProxies().orElse(List.of()));
        String header = config.forwardedHeader().strip().toLowerCase(Locale.ROOT);
        if (!header.equals("x-forwarded-for") && !header.equals("forwarded")) {
            throw new IllegalArgumentException("im.client-address.forwarded-header: x-forwarded-for or forwarded, not " + header);
        }
        this.rfc7239 = header.equals("forwarded");
    }

    /** The client address of {@code request} (an address literal, normalized). */
    public String of(HttpServerRequest request) {
        SocketAddress remote = request.remoteAddress();
        return decide(remote == null ? null : remote.hostAddress(), request.getHeader(HEADER), request.getHeader(InternalCredential.HEADER),
                request.headers().getAll(rfc7239 ? "Forwarded" : "X-Forwarded-For"));
    }

    /**
     * The decision of {@link #of}: {@code peer} the TCP peer, {@code vouched} and {@code token} the
     * request's {@value #HEADER} and service token, {@code forwarded} its forwarded header(s).
     */
    String decide(String peer, String vouched, String token, List<String> forwarded) {
        if (vouched != null && credential.isFrom(token, InternalCredential.GATEWAY)) {
            byte[] address = Cidr.literal(vouched);
            if (address != null) {
                return text(address);
            }
        }
        byte[] current = Cidr.literal(peer);
        if (current == null) {
            return peer == null ? "unknown" : peer;
        }
        if (!trusted.isEmpty() && Cidr.any(trusted, current)) {
            List<String> chain = rfc7239 ? forwardedFor(forwarded) : split(forwarded);
            for (int i = chain.size() - 1; i >= 0 && Cidr.any(trusted, current); i--) {
                byte[] hop = Cidr.literal(stripPort(chain.get(i)));
                if (hop == null) {
                    break; // garbage from the hop we trust: the client is that hop
                }
                current = hop;
            }
        }
        return text(current);
    }

    private static List<String> split(List<String> headers) {
        List<String> out = new ArrayList<>();
        for (String h : headers) {
            for (String part : h.split(",")) {
                out.add(part.strip());
            }
        }
        return out;
    }

    /** The {@code for=} of each element of RFC 7239 headers, in order (an element without one counts as garbage). */
    static List<String> forwardedFor(List<String> headers) {
        List<String> out = new ArrayList<>();
        for (String element : split(headers)) {
            String value = "";
            for (String pair : element.split(";")) {
                int eq = pair.indexOf('=');
                if (eq > 0 && pair.substring(0, eq).strip().equalsIgnoreCase("for")) {
                    value = pair.substring(eq + 1).strip();
                    if (value.length() >= 2 && value.startsWith("\"") && value.endsWith("\"")) {
                        value = value.substring(1, value.length() - 1);
                    }
                }
            }
            out.add(value);
        }
        return out;
    }

    /** {@code 192.0.2.1:4711} and {@code [2001:db8::1]:4711} without their port. */
    static String stripPort(String hop) {
        String h = hop.strip();
        if (h.startsWith("[")) {
            int end = h.indexOf(']');
            return end < 0 ? h : h.substring(0, end + 1);
        }
        int colon = h.indexOf(':');
        if (colon > 0 && colon == h.lastIndexOf(':')) {
            return h.substring(0, colon); // IPv4 with a port; an IPv6 literal has several colons
        }
        return h;
    }

    private static String text(byte[] address) {
        try {
            return InetAddress.getByAddress(address).getHostAddress();
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }
}
