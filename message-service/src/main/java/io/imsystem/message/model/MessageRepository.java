package io.imsystem.message.model;

import io.quarkus.hibernate.orm.panache.PanacheRepositoryBase;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Optional;

/** Stored messages. */
@ApplicationScoped
public class MessageRepository implements PanacheRepositoryBase<Message, Long> {

    public Optional<Message> findByClientMsgId(long senderId, String clientMsgId) {
        return find("senderId = ?1 and clientMsgId = ?2", senderId, clientMsgId).firstResultOptional();
    }
}
