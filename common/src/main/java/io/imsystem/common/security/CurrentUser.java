package io.imsystem.common.security;

import io.imsystem.common.api.ApiException;
import io.imsystem.common.api.ErrorCodes;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.jwt.JsonWebToken;

/** The authenticated caller of this request, read from the verified access token. */
@RequestScoped
public class CurrentUser {

    @Inject
    JsonWebToken jwt;

    public long id() {
        try {
            return Long.parseLong(jwt.getSubject());
        } catch (NumberFormatException | NullPointerException e) {
            throw ApiException.unauthorized(ErrorCodes.TOKEN_INVALID, "token subject is not a user id");
        }
    }

    public String username() {
        return jwt.getClaim("username");
    }

    public String tokenId() {
        return jwt.getTokenID();
    }

    /** Seconds since the epoch when this token expires. */
    public long expiresAt() {
        return jwt.getExpirationTime();
    }

    public JsonWebToken token() {
        return jwt;
    }
}
