package io.imsystem.auth.service;

import io.imsystem.auth.model.Block;
import io.imsystem.auth.model.FriendRequest;
import io.imsystem.auth.model.Friendship;
import io.imsystem.auth.rest.dto.BlockView;
import io.imsystem.auth.rest.dto.RelationView;
import io.imsystem.common.api.ApiException;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;
import java.time.Instant;
import java.util.List;

/**
 * Blocks, and the relation of two users that message-service asks for on every private send.
 * Blocking tells nobody (no frame): the blocked user must not learn it from a push.
 */
@ApplicationScoped
public class BlockService {

    private final BlockCache blockCache;

    public BlockService(BlockCache blockCache) {
        this.blockCache = blockCache;
    }

    /**
     * The caller blocks another user (idempotent): their friendship ends, and a pending request
     * between them is rejected (theirs) or cancelled (the caller's).
     */
    public void block(long me, long other) {
        requireOther(me, other);
        // Dropped before (a failure refuses the change) and after the commit (a refill that read
        // MySQL in between cannot outlive it): message-service never sees a list without this block.
        blockCache.invalidate(me);
        PairTransaction.run(me, other, () -> {
            Instant now = Instant.now();
            if (!Block.exists(me, other)) {
                Block block = new Block();
                block.blockerId = me;
                block.blockedId = other;
                block.createdAt = now;
                block.persist();
            }
            FriendRequest.pendingBetween(me, other).ifPresent(r ->
                    r.close(r.fromUserId == me ? FriendRequest.CANCELLED : FriendRequest.REJECTED, now));
            Friendship.unlink(me, other);
            return null;
        });
        blockCache.invalidateQuietly(me);
    }

    /** Lifts a block (idempotent); a friendship it ended does not come back. */
    public void unblock(long me, long other) {
        requireOther(me, other);
        blockCache.invalidate(me);
        PairTransaction.run(me, other, () -> Block.delete("blockerId = ?1 and blockedId = ?2", me, other));
        blockCache.invalidateQuietly(me);
    }

    /** The users the caller has blocked, newest block first. */
    @Transactional
    public List<BlockView> blocked(long me) {
        return Block.blockedBy(me).stream().map(row -> BlockView.of(row.user(), row.blockedAt())).toList();
    }

    /**
     * Whether {@code to} has blocked {@code from}, and whether they are friends (one indexed query);
     * also puts {@code to}'s block list into Redis, where message-service looks first next time.
     */
    @Transactional
    public RelationView relation(long from, long to) {
        String version = blockCache.version(to);
        Block.Relation relation = Block.relation(from, to);
        blockCache.fill(to, version, Block.blockedIds(to));
        return new RelationView(relation.blocked(), relation.friends());
    }

    private static void requireOther(long me, long other) {
        if (me == other) {
            throw ApiException.invalidField("user_id", "cannot be yourself");
        }
    }
}
