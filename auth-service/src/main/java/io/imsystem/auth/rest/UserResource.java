package io.imsystem.auth.rest;

import io.imsystem.common.limit.RateLimit;
import io.imsystem.common.limit.RateLimitOpenApi;
import io.imsystem.common.limit.RateLimiter;
import org.eclipse.microprofile.openapi.annotations.extensions.Extension;
import io.imsystem.auth.rest.dto.AuthView;
import io.imsystem.auth.rest.dto.LoginRequest;
import io.imsystem.auth.rest.dto.PublicUserView;
import io.imsystem.auth.rest.dto.RegisterRequest;
import io.imsystem.auth.rest.dto.TestAuthView;
import io.imsystem.auth.rest.dto.UpdateProfileRequest;
import io.imsystem.auth.rest.dto.UserView;
import io.imsystem.auth.rest.dto.UsersPage;
import io.imsystem.auth.service.AuthService;
import io.imsystem.auth.service.TokenService;
import io.imsystem.auth.service.UserService;
import io.imsystem.common.api.ApiException;
import io.imsystem.common.api.ApiResponse;
import io.imsystem.common.http.ClientAddress;
import io.imsystem.common.security.CurrentUser;
import io.quarkus.security.Authenticated;
import io.vertx.core.http.HttpServerRequest;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import java.time.Instant;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** Accounts: register, login, logout, own profile, and the public view of other users. */
@Path("/api/v1/users")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "Users and auth", description = "Accounts, login sessions and user profiles")
public class UserResource {

    private final AuthService auth;
    private final UserService users;
    private final CurrentUser currentUser;
    private final ClientAddress clientAddress;

    public UserResource(AuthService auth, UserService users, CurrentUser currentUser, ClientAddress clientAddress) {
        this.auth = auth;
        this.users = users;
        this.currentUser = currentUser;
        this.clientAddress = clientAddress;
    }

    @RateLimit(value = RateLimiter.REGISTER, by = RateLimit.By.ADDRESS)
    @Extension(name = RateLimitOpenApi.EXTENSION, value = RateLimiter.REGISTER)
    @POST
    @Path("register")
    @Operation(summary = "Create an account and log it in", description = "Answers the own user, an access token and a refresh token.")
    public ApiResponse<AuthView> register(@Valid @NotNull(message = "body is required") RegisterRequest request) {
        return ApiResponse.ok(auth.register(request));
    }

    @RateLimit(value = RateLimiter.LOGIN, by = RateLimit.By.ADDRESS)
    @Extension(name = RateLimitOpenApi.EXTENSION, value = RateLimiter.LOGIN)
    @POST
    @Path("login")
    @Operation(summary = "Log in with a username or an email and the password",
            description = "Unknown user and wrong password both answer 401 INVALID_CREDENTIALS; repeated failures answer 429 with Retry-After.")
    public ApiResponse<AuthView> login(@NotNull(message = "body is required") LoginRequest request, @Context HttpServerRequest http) {
        return ApiResponse.ok(auth.login(request, clientAddress.of(http)));
    }

    @POST
    @Path("logout")
    @Authenticated
    @Operation(summary = "Log out: this access token, its refresh token and its sockets stop working at once")
    public ApiResponse<Void> logout() {
        auth.logout(currentUser.id(), currentUser.tokenId(), currentUser.expiresAt(),
                currentUser.token().getClaim(TokenService.SESSION_CLAIM));
        return ApiResponse.ok(null);
    }

    @GET
    @Path("profile")
    @Authenticated
    @Operation(summary = "The caller's own user, with email")
    public ApiResponse<UserView> profile() {
        return ApiResponse.ok(users.profile(currentUser.id()));
    }

    @PUT
    @Path("profile")
    @Authenticated
    @Operation(summary = "Change the caller's nickname or avatar (absent fields stay)")
    public ApiResponse<UserView> updateProfile(@Valid @NotNull(message = "body is required") UpdateProfileRequest request) {
        return ApiResponse.ok(users.updateProfile(currentUser.id(), request));
    }

    @GET
    @Path("test-auth")
    @Authenticated
    @Operation(summary = "Who the access token says the caller is")
    public ApiResponse<TestAuthView> testAuth() {
        var token = currentUser.token();
        return ApiResponse.ok(new TestAuthView(currentUser.id(), currentUser.username(),
                new TestAuthView.TokenInfo(token.getIssuer(), Instant.ofEpochSecond(token.getIssuedAtTime()),
                        Instant.ofEpochSecond(token.getExpirationTime()))));
    }

    @GET
    @Path("list")
    @Authenticated
    @Operation(summary = "Search users by username or nickname, one page at a time (public fields only)")
    public ApiResponse<UsersPage> list(@QueryParam("keyword") String keyword,
            @QueryParam("page") @DefaultValue("1") String page,
            @QueryParam("page_size") String pageSize,
            @QueryParam("pageSize") String pageSizeAlias) {
        String size = pageSize != null ? pageSize : pageSizeAlias;
        return ApiResponse.ok(users.list(keyword, number("page", page, 1), number("page_size", size, 20)));
    }

    @GET
    @Path("{user_id}")
    @Authenticated
    @Operation(summary = "The public view of one user")
    public ApiResponse<PublicUserView> user(@PathParam("user_id") String userId) {
        return ApiResponse.ok(users.publicProfile(id("user_id", userId)));
    }

    /** An id in a path or query, parsed here so that a bad one answers 400 with its field. */
    static long id(String field, String value) {
        if (value == null || value.isBlank()) {
            throw ApiException.invalidField(field, "is required");
        }
        try {
            return Long.parseLong(value.strip());
        } catch (NumberFormatException e) {
            throw ApiException.invalidField(field, "must be a whole number");
        }
    }

    /** Query and path numbers are parsed here so that a bad one answers 400 with its field. */
    static int number(String field, String value, int absent) {
        if (value == null || value.isBlank()) {
            return absent;
        }
        try {
            return Integer.parseInt(value.strip());
        } catch (NumberFormatException e) {
            throw ApiException.invalidField(field, "must be a whole number");
        }
    }
}
