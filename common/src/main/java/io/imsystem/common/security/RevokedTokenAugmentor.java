package io.imsystem.common.security;

import io.imsystem.common.redis.Keys;
import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.quarkus.redis.datasource.keys.ReactiveKeyCommands;
import io.quarkus.security.AuthenticationFailedException;
import io.quarkus.security.identity.AuthenticationRequestContext;
import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.security.identity.SecurityIdentityAugmentor;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.jwt.JsonWebToken;

/**
 * Refuses access tokens that were revoked at logout: auth writes {@code im:auth:revoked:{jti}}
 * and every service reads it here, on every authenticated request.
 */
@ApplicationScoped
public class RevokedTokenAugmentor implements SecurityIdentityAugmentor {

    private final ReactiveKeyCommands<String> keys;
    private final Keys names;

    public RevokedTokenAugmentor(ReactiveRedisDataSource redis, Keys names) {
        this.keys = redis.key();
        this.names = names;
    }

    @Override
    public Uni<SecurityIdentity> augment(SecurityIdentity identity, AuthenticationRequestContext context) {
        if (identity.isAnonymous() || !(identity.getPrincipal() instanceof JsonWebToken jwt)) {
            return Uni.createFrom().item(identity);
        }
        String jti = jwt.getTokenID();
        if (jti == null || jti.isBlank()) {
            return Uni.createFrom().failure(new AuthenticationFailedException("token without jti"));
        }
        return keys.exists(names.revoked(jti)).map(revoked -> {
            if (revoked) {
                throw new AuthenticationFailedException("token revoked");
            }
            return identity;
        });
    }
}
