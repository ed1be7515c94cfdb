package io.imsystem.message.model;

import io.quarkus.hibernate.orm.panache.PanacheRepositoryBase;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Users' conversation settings, and the newest messages of the conversations they pinned. */
@ApplicationScoped
public class ConversationSettingsRepository implements PanacheRepositoryBase<ConversationSettings, ConversationSettings.Key> {

    /** Every setting of the user with something on, by kind and target. */
    public Map<ConversationSettings.Key, ConversationSettings> of(long userId) {
        Map<ConversationSettings.Key, ConversationSettings> out = new HashMap<>();
        for (ConversationSettings s : list("userId = ?1 and (pinned = true or muted = true or archived = true)", userId)) {
            out.put(new ConversationSettings.Key(s.userId, s.kind, s.targetId), s);
        }
        return out;
    }

    /**
     * The newest visible message of each of the user's conversations with these peers (kind u) or in
     * these groups (kind g), for pinned conversations older than the newest ones: [target, last message id].
     */
    public List<long[]> latestOf(long userId, String kind, Collection<Long> targets) {
        if (targets.isEmpty()) {
            return List.of();
        }
        String column = ConversationSettings.GROUP.equals(kind) ? "group_id" : "peer_id";
        List<?> raw = getEntityManager().createNativeQuery("SELECT " + column + ", MAX(message_id) FROM timeline "
                + "WHERE user_id = :user AND hidden = 0 AND " + column + " IN (:targets) GROUP BY " + column)
                .setParameter("user", userId).setParameter("targets", targets).getResultList();
        return raw.stream().map(r -> (Object[]) r)
                .map(r -> new long[] {((Number) r[0]).longValue(), ((Number) r[1]).longValue()}).toList();
    }
}
