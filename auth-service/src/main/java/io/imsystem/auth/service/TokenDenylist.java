package io.imsystem.auth.service;

import io.imsystem.common.redis.Keys;
import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.redis.datasource.value.SetArgs;
import io.quarkus.redis.datasource.value.ValueCommands;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;

/**
 * The access-token denylist every service reads (common's RevokedTokenAugmentor): one key per
 * revoked {@code jti}, kept exactly as long as the token would have lived.
 */
@ApplicationScoped
public class TokenDenylist {

    private final ValueCommands<String, String> values;
    private final Keys keys;

    public TokenDenylist(RedisDataSource redis, Keys keys) {
        this.values = redis.value(String.class);
        this.keys = keys;
    }

    public void deny(String jti, Instant expiresAt) {
        long remaining = expiresAt.getEpochSecond() - Instant.now().getEpochSecond();
        if (jti != null && remaining > 0) {
            values.set(keys.revoked(jti), "1", new SetArgs().ex(remaining));
        }
    }
}
