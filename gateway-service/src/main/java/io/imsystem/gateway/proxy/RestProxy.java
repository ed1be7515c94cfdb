package io.imsystem.gateway.proxy;

import io.imsystem.common.api.ApiError;
import io.imsystem.common.api.ErrorCodes;
import io.imsystem.common.http.ClientAddress;
import io.imsystem.common.http.HttpEdge;
import io.imsystem.common.security.InternalCredential;
import io.imsystem.gateway.config.GatewayConfig;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.Json;
import io.vertx.core.net.SocketAddress;
import io.vertx.ext.web.Router;
import io.vertx.httpproxy.Body;
import io.vertx.httpproxy.HttpProxy;
import io.vertx.httpproxy.ProxyContext;
import io.vertx.httpproxy.ProxyInterceptor;
import io.vertx.httpproxy.ProxyResponse;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.net.URI;
import java.util.concurrent.TimeoutException;
import org.jboss.logging.Logger;

/**
 * Routes every public REST route of API.md to the service that owns it, unchanged (Vert.x HTTP
 * proxy). The gateway decides the client address ({@link ClientAddress}: the TCP peer, or the forwarded
 * chain from a trusted proxy), passes it on in {@value ClientAddress#HEADER} with its service token (the one
 * thing that makes a backend believe that header; both replace whatever the client sent, and
 * X-Forwarded-For and Forwarded are not passed on), never routes {@code /internal/**}, and answers
 * 503/504 in the envelope when a backend is down or too slow.
 */
@ApplicationScoped
public class RestProxy {

    private static final Logger LOG = Logger.getLogger(RestProxy.class);

    private final GatewayConfig.Backends backends;
    private final Vertx vertx;
    private final ClientAddress clientAddress;
    private final InternalCredential credential;

    public RestProxy(GatewayConfig config, Vertx vertx, ClientAddress clientAddress, InternalCredential credential) {
        this.backends = config.backends();
        this.vertx = vertx;
        this.clientAddress = clientAddress;
        this.credential = credential;
    }

    void routes(@Observes Router router) {
        HttpClient client = vertx.createHttpClient(new HttpClientOptions()
                .setConnectTimeout((int) backends.connectTimeout().toMillis())
                .setKeepAlive(true)
                .setMaxPoolSize(200));
        HttpProxy auth = proxy(client, backends.auth(), InternalCredential.AUTH);
        HttpProxy message = proxy(client, backends.message(), InternalCredential.MESSAGE);
        HttpProxy presence = proxy(client, backends.presence(), InternalCredential.PRESENCE);

        router.route("/internal/*").order(-10).handler(rc -> HttpEdge.write(rc, 404, ErrorCodes.NOT_FOUND, "no such route"));
        // More specific prefixes first: /api/v1/users/online belongs to presence, the rest of /users to auth.
        router.route("/api/v1/users/online*").handler(rc -> presence.handle(rc.request()));
        router.route("/api/v1/presence*").handler(rc -> presence.handle(rc.request()));
        router.route("/api/v1/users/*").handler(rc -> auth.handle(rc.request()));
        router.route("/api/v1/auth/*").handler(rc -> auth.handle(rc.request()));
        router.route("/api/v1/friends*").handler(rc -> auth.handle(rc.request()));
        router.route("/.well-known/jwks.json").handler(rc -> auth.handle(rc.request()));
        router.route("/api/v1/messages*").handler(rc -> message.handle(rc.request()));
        router.route("/api/v1/conversations*").handler(rc -> message.handle(rc.request()));
        router.route("/api/v1/groups*").handler(rc -> message.handle(rc.request()));
    }

    private HttpProxy proxy(HttpClient client, String baseUrl, String service) {
        URI uri = URI.create(baseUrl);
        SocketAddress origin = SocketAddress.inetSocketAddress(uri.getPort() > 0 ? uri.getPort() : 80, uri.getHost());
        long timeout = backends.requestTimeout().toMillis();
        HttpProxy proxy = HttpProxy.reverseProxy(client);
        proxy.originRequestProvider((request, c) -> c.request(new RequestOptions().setServer(origin).setIdleTimeout(timeout)));
        proxy.addInterceptor(new ProxyInterceptor() {
            @Override
            public Future<ProxyResponse> handleProxyRequest(ProxyContext context) {
                var request = context.request();
                var headers = request.headers();
                headers.set(ClientAddress.HEADER, clientAddress.of(request.proxiedRequest()));
                // A token reused for 45 s: a map lookup per request, no signing.
                headers.set(InternalCredential.HEADER, credential.token(service));
                headers.remove("X-Forwarded-For");
                headers.remove("Forwarded");
                return context.sendRequest().recover(failure -> Future.succeededFuture(failed(context, failure, baseUrl)));
            }

            @Override
            public Future<Void> handleProxyResponse(ProxyContext context) {
                // The gateway has already put the same request id on its answer.
                context.response().headers().remove(HttpEdge.REQUEST_ID);
                return context.sendResponse();
            }
        });
        return proxy;
    }

    private static ProxyResponse failed(ProxyContext context, Throwable failure, String backend) {
        boolean slow = failure instanceof TimeoutException || String.valueOf(failure.getMessage()).contains("timeout");
        int status = slow ? 504 : 503;
        LOG.warnf("backend %s %s: %s", backend, slow ? "timed out" : "unavailable", failure.toString());
        String body = Json.encode(new ApiError(status, slow ? "service timed out" : "service unavailable", ErrorCodes.UNAVAILABLE));
        ProxyResponse response = context.request().response().setStatusCode(status).setStatusMessage(slow ? "Gateway Timeout" : "Service Unavailable");
        response.headers().clear();
        response.putHeader("Content-Type", "application/json");
        response.setBody(Body.body(Buffer.buffer(body)));
        return response;
    }
}
