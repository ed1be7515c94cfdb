package io.imsystem.gateway.client;

import io.imsystem.common.security.InternalCredential;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.faulttolerance.CircuitBreaker;
import org.eclipse.microprofile.faulttolerance.Retry;
import org.eclipse.microprofile.faulttolerance.Timeout;
import org.eclipse.microprofile.rest.client.inject.RestClient;

/**
 * presence-service's connection routes, typed, with their fault tolerance: registering a connection
 * id and taking it back are both idempotent, so each is retried on a failure of presence (never on a
 * 4xx), bounded in time, and behind one circuit breaker, so that a handshake fails fast (1013) while
 * presence is down instead of every handshake waiting for its timeout.
 */
@ApplicationScoped
public class PresenceBackend {

    static final String SERVICE = "presence-service";

    private final PresenceClient client;
    private final InternalCredential credential;

    public PresenceBackend(@RestClient PresenceClient client, InternalCredential credential) {
        this.client = client;
        this.credential = credential;
    }

    @Retry(maxRetries = 2, delay = 100, abortOn = BackendAnswers.Refused.class)
    @Timeout(3000)
    @CircuitBreaker(requestVolumeThreshold = 20, failureRatio = 0.5, delay = 2000, skipOn = BackendAnswers.Refused.class)
    public Uni<Void> register(String bearer, PresenceClient.Registration registration) {
        return client.register(bearer, credential.token(InternalCredential.PRESENCE), registration).onItem().transform(r -> {
            int status = BackendAnswers.statusOf(r);
            if (status != 200) {
                throw BackendAnswers.BackendFailed.of(SERVICE, status);
            }
            return null;
        });
    }

    /** Not behind the breaker: at worst the connection expires with its heartbeat. */
    @Retry(maxRetries = 3, delay = 200, abortOn = BackendAnswers.Refused.class)
    @Timeout(3000)
    public Uni<Void> unregister(String connId, long userId) {
        return client.unregister(connId, credential.token(InternalCredential.PRESENCE, userId)).onItem().transform(r -> {
            int status = BackendAnswers.statusOf(r);
            if (status != 200) {
                throw BackendAnswers.BackendFailed.of(SERVICE, status);
            }
            return null;
        });
    }
}
