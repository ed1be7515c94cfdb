package io.imsystem.message.service;

import io.imsystem.common.api.ApiException;
import io.imsystem.message.model.Message;
import io.imsystem.message.model.MessageRepository;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.Objects;

/** Who may see a message: its sender and receiver; anyone else gets 404 so that ids cannot be probed. */
@ApplicationScoped
public class MessageAccess {

    @Inject
    MessageRepository messages;

    public Message visible(long userId, long messageId) {
        Message m = messages.findById(messageId);
        if (m == null || m.deletedAt != null || (m.senderId != userId && !Objects.equals(m.receiverId, userId))) {
            throw ApiException.notFound("message");
        }
        return m;
    }
}
