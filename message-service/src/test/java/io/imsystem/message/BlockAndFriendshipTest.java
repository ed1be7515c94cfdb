package io.imsystem.message;

import static io.imsystem.message.TestUsers.as;
import static io.imsystem.message.TestUsers.chat;
import static io.imsystem.message.TestUsers.newUser;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.imsystem.common.redis.Keys;
import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.redis.datasource.stream.StreamRange;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Blocks (the receiver's list in Redis as auth keeps it, else asked of auth-service) and the friendship setting (off by default). */
@QuarkusTest
class BlockAndFriendshipTest {

    @Inject
    EntityManager em;

    @Inject
    RedisDataSource redis;

    @Inject
    Keys keys;

    @AfterEach
    void authUpAgain() {
        FakeAuthResource.RELATIONS_DOWN.set(false);
    }

    private long storedBy(long sender) {
        return (Long) em.createQuery("select count(m) from Message m where m.senderId = :s").setParameter("s", sender).getSingleResult();
    }

    private long timelineRowsOf(long user) {
        return (Long) em.createQuery("select count(t) from TimelineEntry t where t.userId = :u").setParameter("u", user).getSingleResult();
    }

    @Test
    void aBlockedSenderGets403AndNothingIsStoredOrDelivered() {
        long alice = newUser();
        long bob = newUser();
        String gw = "gw-" + UUID.randomUUID();
        redis.hash(String.class).hset(keys.route(bob), Map.of("conn-b", gw));
        try {
            as(alice).body(chat(bob, "before")).post("/api/v1/messages/send").then().statusCode(200);
            FakeAuthResource.block(bob, alice);
            // At once: auth is asked while no block list of bob is in Redis.
            as(alice).body(Map.of("receiver_id", bob, "content", "let me in", "client_msg_id", "b-1")).post("/api/v1/messages/send")
                    .then().statusCode(403).body("code", equalTo(403)).body("error", equalTo("BLOCKED"));
            assertEquals(1, storedBy(alice));
            assertEquals(1, timelineRowsOf(bob));
            assertEquals(1, timelineRowsOf(alice), "no seq burnt either");
            assertEquals(1, redis.stream(String.class).xrange(keys.gatewayStream(gw), StreamRange.of("-", "+")).size());
            // The blocker may still write to the one they blocked.
            as(bob).body(chat(alice, "I can")).post("/api/v1/messages/send").then().statusCode(200).body("data.seq", equalTo(2));
            FakeAuthResource.BLOCKS.remove(bob + ":" + alice);
            as(alice).body(chat(bob, "after unblock")).post("/api/v1/messages/send").then().statusCode(200).body("data.seq", equalTo(3));
        } finally {
            redis.key().del(keys.route(bob), keys.gatewayStream(gw));
        }
    }

    @Test
    void aRetryOfAStoredMessageIsAnsweredEvenAfterABlock() {
        long alice = newUser();
        long bob = newUser();
        Map<String, Object> body = Map.of("receiver_id", bob, "content", "sent before", "client_msg_id", "r-1");
        int id = as(alice).body(body).post("/api/v1/messages/send").then().statusCode(200).extract().path("data.id");
        FakeAuthResource.block(bob, alice);
        int calls = FakeAuthResource.RELATION_CALLS.get();
        as(alice).body(body).post("/api/v1/messages/send").then().statusCode(200).body("data.id", equalTo(id));
        assertEquals(calls, FakeAuthResource.RELATION_CALLS.get(), "the stored message is found before auth is asked");
        assertEquals(1, storedBy(alice));
    }

    @Test
    void friendshipIsNotRequiredByDefault() {
        long alice = newUser();
        long bob = newUser();
        as(alice).body(chat(bob, "stranger")).post("/api/v1/messages/send").then().statusCode(200);
    }

    @Test
    void authDownMeans503NeverASilentSuccess() {
        long alice = newUser();
        long bob = newUser();
        FakeAuthResource.RELATIONS_DOWN.set(true);
        as(alice).body(chat(bob, "anyone there?")).post("/api/v1/messages/send")
                .then().statusCode(503).body("code", equalTo(503)).body("error", equalTo("UNAVAILABLE"));
        assertEquals(0, storedBy(alice));
        FakeAuthResource.RELATIONS_DOWN.set(false);
        as(alice).body(chat(bob, "now")).post("/api/v1/messages/send").then().statusCode(200).body("data.seq", equalTo(1));
    }

    @Test
    void blocksDoNotApplyInsideGroups() {
        long alice = newUser();
        long bob = newUser();
        FakeAuthResource.block(bob, alice);
        long group = TestGroups.create(bob, java.util.List.of(alice));
        int before = FakeAuthResource.RELATION_CALLS.get();
        TestGroups.send(alice, group, "hello all");
        assertEquals(before, FakeAuthResource.RELATION_CALLS.get());
        assertTrue(timelineRowsOf(bob) >= 1);
    }

    @Test
    void theReceiversBlockListInRedisAnswersWithoutAskingAuth() {
        long alice = newUser();
        long bob = newUser();
        long carol = newUser();
        // As auth-service fills it: bob has blocked alice ("0" marks a known list).
        redis.set(String.class).sadd(keys.blockedBy(bob), "0", Long.toString(alice));
        int calls = FakeAuthResource.RELATION_CALLS.get();
        as(alice).body(chat(bob, "blocked by the cached list")).post("/api/v1/messages/send")
                .then().statusCode(403).body("error", equalTo("BLOCKED"));
        as(carol).body(chat(bob, "not on the list")).post("/api/v1/messages/send").then().statusCode(200);
        assertEquals(calls, FakeAuthResource.RELATION_CALLS.get(), "auth was not asked");
        assertEquals(0, storedBy(alice));

        // Auth drops the list on a change: the next send asks auth again (which here says: not blocked).
        redis.key().del(keys.blockedBy(bob));
        as(alice).body(chat(bob, "after the unblock")).post("/api/v1/messages/send").then().statusCode(200);
        assertEquals(calls + 1, FakeAuthResource.RELATION_CALLS.get());
    }
}
