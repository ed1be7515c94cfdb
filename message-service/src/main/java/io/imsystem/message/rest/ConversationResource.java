package io.imsystem.message.rest;

import io.imsystem.common.api.ApiResponse;
import io.imsystem.common.security.CurrentUser;
import io.imsystem.message.rest.dto.MessageView;
import io.imsystem.message.service.ConversationService;
import io.imsystem.message.service.Paging;
import io.quarkus.security.Authenticated;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** The messages of one conversation. */
@Path("/api/v1/conversations")
@Authenticated
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "conversations", description = "History of one conversation")
public class ConversationResource {

    @Inject
    CurrentUser me;

    @Inject
    ConversationService conversations;

    @GET
    @Path("/{user_id}/messages")
    @Operation(summary = "Messages with one user, newest first",
            description = "page/page_size, or before_id/limit; mark_read=true marks the conversation read, nothing else does.")
    public ApiResponse<List<MessageView>> messages(@PathParam("user_id") long peerId,
            @QueryParam("page") String page, @QueryParam("page_size") String pageSize, @QueryParam("pageSize") String pageSizeCamel,
            @QueryParam("before_id") String beforeId, @QueryParam("beforeId") String beforeIdCamel, @QueryParam("limit") String limit,
            @QueryParam("mark_read") String markReadParam, @QueryParam("markRead") String markReadCamel) {
        Long before = Paging.positive("before_id", Paging.either(beforeId, beforeIdCamel));
        boolean markRead = "true".equalsIgnoreCase(Paging.either(markReadParam, markReadCamel));
        long me = this.me.id();
        if (before != null || Paging.present(limit)) {
            return ApiResponse.ok(conversations.history(me, peerId, before, 0, Paging.limit(limit, 20), markRead));
        }
        int p = Paging.within("page", page, 1, Integer.MAX_VALUE / Paging.MAX);
        int size = Paging.within("page_size", Paging.either(pageSize, pageSizeCamel), 20, Paging.MAX);
        return ApiResponse.ok(conversations.history(me, peerId, null, (p - 1) * size, size, markRead));
    }
}
