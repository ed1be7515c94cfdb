package io.imsystem.auth.rest;

import io.imsystem.auth.rest.dto.UserSummary;
import io.imsystem.auth.service.UserService;
import io.imsystem.common.api.ApiException;
import io.imsystem.common.security.InternalCredential;
import io.imsystem.common.security.InternalRoute;
import io.imsystem.common.api.ApiResponse;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** Batched user lookups for message and presence services (docs/ARCHITECTURE.md, never routed by the gateway). */
@Path("/internal/v1/users")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "Internal", description = "Service-to-service routes; a service token (X-Service-Token) required")
@InternalRoute(from = {InternalCredential.MESSAGE, InternalCredential.PRESENCE})
public class InternalUserResource {

    private final UserService users;

    public InternalUserResource(UserService users) {
        this.users = users;
    }

    @GET
    @Operation(summary = "id, username, nickname and avatar of the users among ids that exist (at most 200 ids)")
    public ApiResponse<List<UserSummary>> lookup(@QueryParam("ids") String ids) {
        return ApiResponse.ok(users.lookup(parseIds(ids)));
    }

    private static List<Long> parseIds(String ids) {
        if (ids == null) {
            throw ApiException.invalidField("ids", "is required");
        }
        Set<Long> parsed = new LinkedHashSet<>();
        for (String part : ids.split(",")) {
            if (part.isBlank()) {
                continue;
            }
            try {
                parsed.add(Long.parseLong(part.strip()));
            } catch (NumberFormatException e) {
                throw ApiException.invalidField("ids", "must be comma-separated whole numbers");
            }
            if (parsed.size() > UserService.MAX_LOOKUP_IDS) {
                throw ApiException.invalidField("ids", "at most " + UserService.MAX_LOOKUP_IDS + " ids");
            }
        }
        return new ArrayList<>(parsed);
    }
}
