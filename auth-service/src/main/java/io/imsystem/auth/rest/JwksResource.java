package io.imsystem.auth.rest;

import io.imsystem.auth.service.TokenService;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.CacheControl;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/**
 * The public signing key as a JWK Set. Deliberately not in the envelope: JWKS consumers
 * (smallrye-jwt's {@code mp.jwt.verify.publickey.location}, any OIDC library) read the bare RFC 7517 format.
 */
@Path("/.well-known/jwks.json")
@Tag(name = "Keys", description = "Public key that verifies access tokens")
public class JwksResource {

    private final TokenService tokens;

    public JwksResource(TokenService tokens) {
        this.tokens = tokens;
    }

    @GET
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "The public key of access tokens as a JWK Set (RFC 7517, not enveloped)")
    public Response jwks() {
        CacheControl cache = new CacheControl();
        cache.setMaxAge(300);
        return Response.ok(tokens.jwks()).cacheControl(cache).build();
    }
}
