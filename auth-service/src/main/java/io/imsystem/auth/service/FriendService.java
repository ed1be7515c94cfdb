package io.imsystem.auth.service;

import io.imsystem.auth.model.Block;
import io.imsystem.auth.model.FriendRequest;
import io.imsystem.auth.model.Friendship;
import io.imsystem.auth.model.User;
import io.imsystem.auth.rest.dto.AddFriendRequest;
import io.imsystem.auth.rest.dto.AnswerFriendRequest;
import io.imsystem.auth.rest.dto.FriendRequestView;
import io.imsystem.auth.rest.dto.FriendView;
import io.imsystem.auth.rest.dto.FriendsPage;
import io.imsystem.auth.rest.dto.PendingRequestView;
import io.imsystem.auth.rest.dto.PublicUserView;
import io.imsystem.auth.rest.dto.UserSummary;
import io.imsystem.auth.stream.AuthEventsPublisher;
import io.imsystem.auth.stream.ContactFrames.FriendAcceptedFrame;
import io.imsystem.auth.stream.ContactFrames.FriendRemovedFrame;
import io.imsystem.auth.stream.ContactFrames.FriendRequestFrame;
import io.imsystem.common.api.ApiException;
import io.imsystem.common.api.ErrorCodes;
import io.quarkus.narayana.jta.QuarkusTransaction;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.PersistenceException;
import jakarta.transaction.Transactional;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.hibernate.exception.ConstraintViolationException;
import org.jboss.logging.Logger;

/**
 * Friend requests and friendships. Every change runs in a {@link PairTransaction}; the frame that
 * tells the other side goes out after the commit, and a Redis failure never fails the change.
 */
@ApplicationScoped
public class FriendService {

    public static final int MAX_REQUESTS = 100;

    private static final Logger LOG = Logger.getLogger(FriendService.class);

    private final AuthEventsPublisher events;

    public FriendService(AuthEventsPublisher events) {
        this.events = events;
    }

    /** What a request did: the caller's request, and the addressee's own request it accepted, if any. */
    private record Sent(FriendRequest request, Long acceptedRequestId, UserSummary requester) {
    }

    /** What an accept did: the new friend as the caller sees them, and the caller as the frame shows them. */
    private record Accepted(FriendView friend, UserSummary accepter) {
    }

    /**
     * Asks another user to be friends. If they have already asked the caller, the two become friends
     * at once: the answer is the caller's request with status {@code accepted}, and the other side
     * gets the {@code friend}/{@code accepted} frame for their own request.
     */
    public FriendRequestView request(long me, AddFriendRequest body) {
        Long to = body.toUserId();
        if (to == null) {
            throw ApiException.invalidField("to_user_id", "is required");
        }
        if (to == me) {
            throw ApiException.invalidField("to_user_id", "cannot be yourself");
        }
        String message = body.message() == null ? "" : body.message().strip();
        Sent sent = PairTransaction.run(me, to, () -> {
            if (Block.exists(to, me)) {
                throw blocked("this user does not accept your friend requests");
            }
            if (Block.exists(me, to)) {
                throw blocked("you have blocked this user; unblock them first");
            }
            if (Friendship.exists(me, to)) {
                throw ApiException.conflict(ErrorCodes.ALREADY_FRIENDS, "you are already friends");
            }
            Instant now = Instant.now();
            FriendRequest theirs = FriendRequest.pendingBetween(me, to).orElse(null);
            if (theirs != null && theirs.fromUserId == me) {
                throw ApiException.conflict(ErrorCodes.REQUEST_PENDING, "your friend request to this user is pending");
            }
            FriendRequest mine = newRequest(me, to, message, theirs == null ? FriendRequest.PENDING : FriendRequest.ACCEPTED, now);
            if (theirs != null) {
                theirs.close(FriendRequest.ACCEPTED, now);
                Friendship.link(me, to, now);
            }
            return new Sent(mine, theirs == null ? null : theirs.id, UserSummary.of(User.findById(me)));
        });
        long now = Instant.now().getEpochSecond();
        FriendRequestView view = FriendRequestView.of(sent.request());
        if (sent.acceptedRequestId() != null) {
            LOG.infof("friend request crossed another: friends now user=%d friend=%d", me, to);
            events.deliver(to, new FriendAcceptedFrame(sent.acceptedRequestId(), sent.requester(), now));
        } else {
            events.deliver(to, new FriendRequestFrame(view, sent.requester(), now));
        }
        return view;
    }

    /** The addressee accepts a pending request: the two are friends from now on. */
    public FriendView accept(long me, AnswerFriendRequest body) {
        long id = requestId(body);
        FriendRequest found = find(id);
        if (found.toUserId != me) {
            throw ApiException.notFound("friend request");
        }
        long requester = found.fromUserId;
        Accepted accepted = PairTransaction.run(me, requester, () -> {
            FriendRequest request = FriendRequest.findById(id);
            if (!request.isPending()) {
                throw notPending(request);
            }
            Instant now = Instant.now();
            request.close(FriendRequest.ACCEPTED, now);
            Friendship.link(me, requester, now);
            return new Accepted(FriendView.of(User.findById(requester), now), UserSummary.of(User.findById(me)));
        });
        events.deliver(requester, new FriendAcceptedFrame(id, accepted.accepter(), Instant.now().getEpochSecond()));
        return accepted.friend();
    }

    /**
     * The addressee rejects a pending request, or the requester cancels it. Nobody is told: the
     * requester's outgoing list shows it no more once it is answered.
     */
    public void reject(long me, AnswerFriendRequest body) {
        long id = requestId(body);
        FriendRequest found = find(id);
        if (found.toUserId != me && found.fromUserId != me) {
            throw ApiException.notFound("friend request");
        }
        String outcome = found.toUserId == me ? FriendRequest.REJECTED : FriendRequest.CANCELLED;
        PairTransaction.run(found.fromUserId, found.toUserId, () -> {
            FriendRequest request = FriendRequest.findById(id);
            if (!request.isPending()) {
                throw notPending(request);
            }
            request.close(outcome, Instant.now());
            return null;
        });
    }

    /** Pending requests to ({@code incoming}) or from the caller, newest first. */
    @Transactional
    public List<PendingRequestView> pending(long me, String direction, Long beforeId, int limit) {
        boolean incoming;
        String d = direction == null ? "" : direction.strip().toLowerCase(Locale.ROOT);
        if (d.isEmpty() || d.equals("incoming")) {
            incoming = true;
        } else if (d.equals("outgoing")) {
            incoming = false;
        } else {
            throw ApiException.invalidField("direction", "must be incoming or outgoing");
        }
        if (limit < 1 || limit > MAX_REQUESTS) {
            throw ApiException.invalidField("limit", "must be between 1 and " + MAX_REQUESTS);
        }
        List<FriendRequest> requests = FriendRequest.pending(me, incoming, beforeId, limit);
        List<Long> ids = requests.stream().flatMap(r -> Stream.of(r.fromUserId, r.toUserId)).distinct().toList();
        Map<Long, PublicUserView> users = ids.isEmpty() ? Map.of()
                : User.<User>list("id in ?1", ids).stream().collect(Collectors.toMap(u -> u.id, PublicUserView::of));
        return requests.stream()
                .map(r -> PendingRequestView.of(r, users.get(r.fromUserId), users.get(r.toUserId)))
                .toList();
    }

    /** The caller's friends, newest friendship first, one page at a time. */
    @Transactional
    public FriendsPage list(long me, int page, int pageSize) {
        if (page < 1) {
            throw ApiException.invalidField("page", "must be at least 1");
        }
        if (pageSize < 1 || pageSize > UserService.MAX_PAGE_SIZE) {
            throw ApiException.invalidField("page_size", "must be between 1 and " + UserService.MAX_PAGE_SIZE);
        }
        List<FriendView> friends = Friendship.friendsOf(me, page - 1, pageSize).stream()
                .map(row -> FriendView.of(row.friend(), row.since())).toList();
        return new FriendsPage(friends, Friendship.count("userId", me));
    }

    /** Ends a friendship on both sides; the other side is told. */
    public void remove(long me, long other) {
        PairTransaction.run(me, other, () -> {
            if (!Friendship.unlink(me, other)) {
                throw ApiException.notFound("friend");
            }
            return null;
        });
        events.deliver(other, new FriendRemovedFrame(me, Instant.now().getEpochSecond()));
    }

    private static FriendRequest newRequest(long from, long to, String message, String status, Instant now) {
        FriendRequest r = new FriendRequest();
        r.fromUserId = from;
        r.toUserId = to;
        r.message = message;
        r.status = status;
        r.createdAt = now;
        r.updatedAt = now;
        try {
            r.persistAndFlush();
        } catch (PersistenceException e) {
            // The pair lock makes this unreachable; the unique key is the guarantee if it ever is not.
            if (violates(e, FriendRequest.PENDING_KEY)) {
                throw ApiException.conflict(ErrorCodes.REQUEST_PENDING, "a friend request between you is pending");
            }
            throw e;
        }
        return r;
    }

    /** A request read outside the pair's transaction, only to learn its two users; 404 when unknown. */
    private static FriendRequest find(long id) {
        FriendRequest r = QuarkusTransaction.requiringNew().call(() -> FriendRequest.<FriendRequest>findById(id));
        if (r == null) {
            throw ApiException.notFound("friend request");
        }
        return r;
    }

    private static long requestId(AnswerFriendRequest body) {
        if (body.requestId() == null) {
            throw ApiException.invalidField("request_id", "is required");
        }
        return body.requestId();
    }

    private static ApiException notPending(FriendRequest r) {
        return ApiException.conflict(ErrorCodes.REQUEST_NOT_PENDING, "the friend request is " + r.status + ", not pending");
    }

    private static ApiException blocked(String message) {
        return new ApiException(403, ErrorCodes.BLOCKED, message);
    }

    private static boolean violates(PersistenceException e, String constraint) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof ConstraintViolationException c && c.getConstraintName() != null
                    && c.getConstraintName().toLowerCase(Locale.ROOT).contains(constraint)) {
                return true;
            }
        }
        return String.valueOf(e.getMessage()).contains(constraint);
    }
}
