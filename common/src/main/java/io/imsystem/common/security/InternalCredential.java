package io.imsystem.common.security;

import io.imsystem.common.api.ApiException;
import io.smallrye.config.ConfigMapping;
import jakarta.enterprise.context.ApplicationScoped;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Optional;

/**
 * The credential one service presents to another on an internal route that acts for users it names
 * itself (the gateway's batched frames): a secret shared by the services ({@code INTERNAL_SECRET}),
 * sent in {@value #HEADER} and compared in constant time. A name in a header is not a credential.
 */
@ApplicationScoped
public class InternalCredential {

    /** The header that carries the secret. */
    public static final String HEADER = "X-Internal-Token";

    /** Settings of the internal credential. */
    @ConfigMapping(prefix = "im.internal")
    public interface Config {
        /** The shared secret; a service without one refuses every internal call that needs it. */
        Optional<String> secret();
    }

    private final byte[] secret;

    public InternalCredential(Config config) {
        this.secret = config.secret().filter(s -> !s.isBlank()).map(s -> s.getBytes(StandardCharsets.UTF_8)).orElse(null);
    }

    /** The value to send in {@value #HEADER}; empty when this service has no secret. */
    public String value() {
        return secret == null ? "" : new String(secret, StandardCharsets.UTF_8);
    }

    /** 403 unless {@code presented} is the shared secret. */
    public void require(String presented) {
        if (secret == null || presented == null
                || !MessageDigest.isEqual(secret, presented.getBytes(StandardCharsets.UTF_8))) {
            throw ApiException.forbidden("internal route: a valid " + HEADER + " is required");
        }
    }
}
