package io.imsystem.message.service;

import io.imsystem.common.api.ApiException;
import io.imsystem.common.api.ApiResponse;
import io.imsystem.common.api.ErrorCodes;
import io.imsystem.common.security.CurrentUser;
import io.imsystem.message.client.AuthClient;
import io.imsystem.message.client.Relation;
import io.imsystem.message.config.MessageConfig;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.WebApplicationException;
import org.eclipse.microprofile.rest.client.inject.RestClient;
import org.jboss.logging.Logger;

/**
 * Whether a private message may go from one user to another: never when the receiver blocked the
 * sender, and only between friends when friendship is required. Asked of auth-service on every send,
 * never cached, so that a block takes effect at once; when auth cannot answer the send fails (503)
 * rather than slipping past a block.
 */
@ApplicationScoped
public class RelationCheck {

    private static final Logger LOG = Logger.getLogger(RelationCheck.class);

    @Inject
    @RestClient
    AuthClient auth;

    @Inject
    CurrentUser currentUser;

    @Inject
    MessageConfig config;

    /** 403 {@code BLOCKED} or {@code NOT_FRIENDS} when {@code senderId} may not message {@code receiverId}. */
    public void requireMaySend(long senderId, long receiverId) {
        Relation relation = fetch(senderId, receiverId);
        if (relation.blocked()) {
            throw new ApiException(403, ErrorCodes.BLOCKED, "the receiver does not accept your messages");
        }
        if (config.requireFriendship() && !relation.friends()) {
            throw new ApiException(403, ErrorCodes.NOT_FRIENDS, "you can only message your friends");
        }
    }

    private Relation fetch(long senderId, long receiverId) {
        try {
            ApiResponse<Relation> answer = auth.relation(senderId, receiverId, "Bearer " + currentUser.token().getRawToken());
            if (answer == null || answer.data() == null) {
                throw new IllegalStateException("empty answer");
            }
            return answer.data();
        } catch (WebApplicationException e) {
            LOG.warnf("relation lookup at auth-service answered %d", e.getResponse().getStatus());
            throw ApiException.unavailable("relation check unavailable");
        } catch (RuntimeException e) {
            LOG.warnf("relation lookup at auth-service failed: %s", e.toString());
            throw ApiException.unavailable("relation check unavailable");
        }
    }
}
