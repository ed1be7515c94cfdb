package io.imsystem.presence.rest;

import io.imsystem.common.api.ApiResponse;
import io.imsystem.common.security.CurrentUser;
import io.quarkus.security.Authenticated;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import java.util.Map;

@Path("/api/v1/ping")
public class PingResource {
    @Inject CurrentUser me;
    public record Body(long userId, String name) {}
    @GET @Authenticated
    public ApiResponse<Map<String, Object>> ping() { return ApiResponse.ok(Map.of("user_id", me.id())); }
    @POST
    public ApiResponse<Body> echo(Body b) { return ApiResponse.ok(b); }
}
