package io.imsystem.message.service;

import io.imsystem.common.api.ApiException;
import io.imsystem.message.model.Message;
import io.imsystem.message.model.MessageRepository;
import io.imsystem.message.model.TimelineRepository;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.Objects;

/**
 * Who may see a message: its sender and receiver, or of a group message the members who have it in
 * their timeline (not those who joined later or have left); anyone else gets 404 so that ids cannot be
 * probed.
 */
@ApplicationScoped
public class MessageAccess {

    @Inject
    MessageRepository messages;

    @Inject
    TimelineRepository timeline;

    public Message visible(long userId, long messageId) {
        Message m = messages.findById(messageId);
        if (m == null || m.deletedAt != null) {
            throw ApiException.notFound("message");
        }
        boolean participant = m.groupId != null
                ? timeline.findRow(userId, messageId).isPresent()
                : m.senderId == userId || Objects.equals(m.receiverId, userId);
        if (!participant) {
            throw ApiException.notFound("message");
        }
        return m;
    }
}
