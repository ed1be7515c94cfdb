package io.imsystem.auth.rest;

import io.imsystem.auth.rest.dto.RefreshRequest;
import io.imsystem.auth.rest.dto.TokenPairView;
import io.imsystem.auth.service.AuthService;
import io.imsystem.common.api.ApiResponse;
import jakarta.validation.constraints.NotNull;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** Exchange of a refresh token for a new token pair. */
@Path("/api/v1/auth")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "Users and auth")
public class TokenResource {

    private final AuthService auth;

    public TokenResource(AuthService auth) {
        this.auth = auth;
    }

    @POST
    @Path("refresh")
    @Operation(summary = "Trade a refresh token for a new access token and refresh token",
            description = "The refresh token is spent; presenting it again answers 401 TOKEN_INVALID and revokes the whole session.")
    public ApiResponse<TokenPairView> refresh(@NotNull(message = "body is required") RefreshRequest request) {
        return ApiResponse.ok(auth.refresh(request));
    }
}
