package io.imsystem.message;

import static io.imsystem.message.TestUsers.as;
import static io.imsystem.message.TestUsers.chat;
import static io.imsystem.message.TestUsers.newUser;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasKey;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.imsystem.common.redis.Keys;
import io.imsystem.message.rest.dto.ConversationList;
import io.imsystem.message.rest.dto.ConversationView;
import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/** Group messages: one seq per member's timeline, idempotency, membership in time, unread, reads, conversations. */
@QuarkusTest
class GroupMessageTest {

    @Inject
    EntityManager em;

    @Inject
    RedisDataSource redis;

    @Inject
    Keys keys;

    @Inject
    ObjectMapper json;

    private long rows(long user, long group) {
        return (Long) em.createQuery("select count(t) from TimelineEntry t where t.userId = :u and t.groupId = :g")
                .setParameter("u", user).setParameter("g", group).getSingleResult();
    }

    private List<Integer> syncSeqs(long user) {
        return as(user).queryParam("limit", 100).get("/api/v1/messages/sync").then().statusCode(200).extract().path("data.messages.seq");
    }

    @Test
    void everyMemberGetsTheMessageWithTheirOwnNextSeq() {
        long owner = newUser();
        long a = newUser();
        long b = newUser();
        // a and b already have two messages each in their timelines, the owner none.
        as(a).body(chat(b, "p1")).post("/api/v1/messages/send").then().statusCode(200);
        as(b).body(chat(a, "p2")).post("/api/v1/messages/send").then().statusCode(200);
        long group = TestGroups.create(owner, List.of(a, b));

        int first = as(owner).body(Map.of("groupId", String.valueOf(group), "content", " hello group ", "client_msg_id", "g-1"))
                .post("/api/v1/messages/send").then().statusCode(200)
                .body("data.seq", equalTo(1))
                .body("data.sender_id", equalTo(owner))
                .body("data.receiver_id", nullValue())
                .body("data", hasKey("receiver_id"))
                .body("data.group_id", equalTo((int) group))
                .body("data.content", equalTo("hello group"))
                .body("data.session_type", equalTo(2))
                .body("data.status", equalTo("sent"))
                .body("data.client_msg_id", equalTo("g-1"))
                .extract().path("data.id");
        as(a).body(Map.of("group_id", group, "content", "reply")).post("/api/v1/messages/send").then().statusCode(200)
                .body("data.seq", equalTo(4));

        assertEquals(List.of(1, 2), syncSeqs(owner));
        assertEquals(List.of(1, 2, 3, 4), syncSeqs(a));
        assertEquals(List.of(1, 2, 3, 4), syncSeqs(b));
        as(b).queryParam("after_seq", 2).get("/api/v1/messages/sync").then()
                .body("data.messages.id[0]", equalTo(first))
                .body("data.messages[0].group_id", equalTo((int) group))
                .body("data.messages[0].receiver_id", nullValue())
                .body("data.messages[0].session_type", equalTo(2))
                .body("data.messages[0].status", equalTo("sent"))
                .body("data.messages[0].is_read", equalTo(false))
                .body("data.next_seq", equalTo(4));
        // Private messages keep their shape: no group_id.
        as(b).get("/api/v1/messages/sync").then().body("data.messages[0]", not(hasKey("group_id")))
                .body("data.messages[0].session_type", equalTo(1));
    }

    @Test
    void receiverIdOrGroupIdExactlyOne() {
        long owner = newUser();
        long group = TestGroups.create(owner, List.of(newUser()));
        as(owner).body(Map.of("group_id", group, "receiver_id", newUser(), "content", "both")).post("/api/v1/messages/send")
                .then().statusCode(400).body("error", equalTo("VALIDATION_FAILED")).body("fields", hasKey("group_id"));
        as(owner).body(Map.of("content", "neither")).post("/api/v1/messages/send")
                .then().statusCode(400).body("fields.receiver_id", equalTo("is required"));
        as(owner).body(Map.of("group_id", group, "content", "  ")).post("/api/v1/messages/send")
                .then().statusCode(400).body("fields", hasKey("content"));
        as(owner).body(Map.of("group_id", 0, "content", "zero")).post("/api/v1/messages/send")
                .then().statusCode(400).body("fields", hasKey("group_id"));
    }

    @Test
    void repeatedClientMsgIdReturnsTheFirstGroupMessageAndOtherContentIsAConflict() {
        long owner = newUser();
        long a = newUser();
        long group = TestGroups.create(owner, List.of(a));
        Map<String, Object> body = Map.of("group_id", group, "content", "once", "client_msg_id", "gc-1");
        int id = as(owner).body(body).post("/api/v1/messages/send").then().statusCode(200).extract().path("data.id");
        as(owner).body(body).post("/api/v1/messages/send").then().statusCode(200).body("data.id", equalTo(id)).body("data.seq", equalTo(1));
        as(owner).body(Map.of("group_id", group, "content", "twice", "client_msg_id", "gc-1")).post("/api/v1/messages/send")
                .then().statusCode(409).body("error", equalTo("IDEMPOTENCY_CONFLICT"));
        as(owner).body(Map.of("receiver_id", a, "content", "once", "client_msg_id", "gc-1")).post("/api/v1/messages/send")
                .then().statusCode(409).body("error", equalTo("IDEMPOTENCY_CONFLICT"));
        long other = TestGroups.create(owner, List.of(a));
        as(owner).body(Map.of("group_id", other, "content", "once", "client_msg_id", "gc-1")).post("/api/v1/messages/send")
                .then().statusCode(409);
        assertEquals(1, rows(a, group));
        assertEquals(List.of(1), syncSeqs(a));
    }

    @Test
    void membersReceiveOnlyWhileTheyAreMembers() {
        long owner = newUser();
        long leaver = newUser();
        long removed = newUser();
        long stays = newUser();
        long group = TestGroups.create(owner, List.of(leaver, removed, stays));
        int before = TestGroups.send(owner, group, "before");
        as(owner).delete("/api/v1/groups/" + group + "/members/" + removed).then().statusCode(200);
        as(leaver).delete("/api/v1/groups/" + group + "/members/" + leaver).then().statusCode(200);
        long joiner = newUser();
        as(owner).body(Map.of("user_ids", List.of(joiner))).post("/api/v1/groups/" + group + "/members").then().statusCode(200);
        int after = TestGroups.send(stays, group, "after");

        assertEquals(1, rows(removed, group), "only the message from before the removal");
        assertEquals(1, rows(leaver, group));
        assertEquals(1, rows(joiner, group), "only the message from after joining");
        assertEquals(2, rows(stays, group));
        // Who went no longer sees the group's messages at all; who joined sees only the new one.
        as(removed).get("/api/v1/messages/sync").then().body("data.messages.size()", equalTo(0));
        as(removed).get("/api/v1/messages/unread/count").then().body("data.unread_count", equalTo(0));
        as(removed).get("/api/v1/messages/offline/count").then().body("data.count", equalTo(0));
        as(removed).get("/api/v1/messages/conversations").then().body("data.size()", equalTo(0));
        as(removed).get("/api/v1/messages/history?groupId=" + group).then().statusCode(404);
        as(removed).put("/api/v1/messages/" + before + "/read").then().statusCode(404);
        as(joiner).get("/api/v1/groups/" + group + "/messages").then().statusCode(200).body("data.id", equalTo(List.of(after)));
        as(joiner).get("/api/v1/messages/sync").then().body("data.messages.seq", equalTo(List.of(1)));
        as(joiner).put("/api/v1/messages/" + before + "/read").then().statusCode(404);
        as(stays).get("/api/v1/messages/history?group_id=" + group).then().body("data.id", equalTo(List.of(after, before)));
        // Rejoining does not bring the hidden history back.
        as(owner).body(Map.of("user_ids", List.of(removed))).post("/api/v1/groups/" + group + "/members").then().statusCode(200);
        as(removed).get("/api/v1/groups/" + group + "/messages").then().statusCode(200).body("data.size()", equalTo(0));
    }

    @Test
    void historyPagesNewestFirstWithTheReadersSeqAndOwnReadState() {
        long owner = newUser();
        long a = newUser();
        long group = TestGroups.create(owner, List.of(a));
        as(a).body(chat(owner, "private first")).post("/api/v1/messages/send").then().statusCode(200);
        List<Integer> ids = new ArrayList<>();
        for (int i = 1; i <= 5; i++) {
            ids.add(TestGroups.send(owner, group, "m" + i));
        }
        String path = "/api/v1/groups/" + group + "/messages";
        as(a).queryParam("limit", 2).get(path).then().statusCode(200)
                .body("data.id", equalTo(List.of(ids.get(4), ids.get(3))))
                .body("data.seq", equalTo(List.of(6, 5)))
                .body("data[0].status", equalTo("sent"));
        as(a).queryParam("before_id", ids.get(3)).queryParam("limit", 2).get(path).then()
                .body("data.id", equalTo(List.of(ids.get(2), ids.get(1))));
        as(owner).queryParam("groupId", group).queryParam("beforeId", ids.get(1)).get("/api/v1/messages/history").then()
                .body("data.id", equalTo(List.of(ids.get(0)))).body("data[0].seq", equalTo(2));
        as(a).queryParam("limit", 101).get(path).then().statusCode(400);
        as(a).queryParam("before_id", "x").get(path).then().statusCode(400);
        as(a).queryParam("groupId", group).queryParam("withUserId", owner).get("/api/v1/messages/history").then().statusCode(400);
        // Reading the history marks nothing; a's own read state shows per message.
        as(a).put("/api/v1/messages/" + ids.get(4) + "/read").then().statusCode(200);
        as(owner).put("/api/v1/messages/" + ids.get(4) + "/read").then().statusCode(403).body("error", equalTo("FORBIDDEN"));
        as(a).queryParam("limit", 2).get(path).then()
                .body("data.status", equalTo(List.of("read", "sent"))).body("data.is_read", equalTo(List.of(true, false)));
        // The sender's view stays "sent": no receipts in groups.
        as(owner).queryParam("limit", 1).get(path).then().body("data[0].status", equalTo("sent"));
    }

    @Test
    void unreadCountsByGroupAndTheGroupReadCursor() {
        long owner = newUser();
        long a = newUser();
        long friend = newUser();
        long group = TestGroups.create(owner, List.of(a));
        long other = TestGroups.create(friend, List.of(a));
        TestGroups.send(owner, group, "g1");
        TestGroups.send(owner, group, "g2");
        TestGroups.send(friend, other, "o1");
        as(friend).body(chat(a, "private")).post("/api/v1/messages/send").then().statusCode(200);
        as(a).get("/api/v1/messages/unread/count").then().statusCode(200)
                .body("data.unread_count", equalTo(4))
                .body("data.by_user." + friend, equalTo(1))
                .body("data.by_group." + group, equalTo(2))
                .body("data.by_group." + other, equalTo(1));
        as(owner).get("/api/v1/messages/unread/count").then().body("data.unread_count", equalTo(0))
                .body("data.by_group.size()", equalTo(0));
        as(a).get("/api/v1/messages/unread").then().body("data.size()", equalTo(4))
                .body("data.findAll { it.group_id == " + group + " }.size()", equalTo(2));

        as(a).put("/api/v1/messages/groups/" + group + "/read").then().statusCode(200).body("data.marked", equalTo(2));
        as(a).put("/api/v1/messages/groups/" + group + "/read").then().statusCode(200).body("data.marked", equalTo(0));
        as(a).get("/api/v1/messages/unread/count").then()
                .body("data.unread_count", equalTo(2))
                .body("data.by_group." + group, nullValue())
                .body("data.by_group." + other, equalTo(1));
        // A new message after the cursor is unread again.
        TestGroups.send(owner, group, "g3");
        as(a).get("/api/v1/messages/unread/count").then().body("data.by_group." + group, equalTo(1));
        as(a).put("/api/v1/messages/read-all").then().body("data.marked", equalTo(3));
        as(a).get("/api/v1/messages/unread/count").then().body("data.unread_count", equalTo(0));
        // The owner's own view is untouched by a's reads.
        as(owner).get("/api/v1/groups/" + group + "/messages").then().body("data.status", equalTo(List.of("sent", "sent", "sent")));
    }

    @Test
    void conversationsListGroupsBesidePeersAndStayFresh() throws Exception {
        long me = newUser();
        long peer = newUser();
        long owner = newUser();
        long group = TestGroups.create(owner, List.of(me));
        as(peer).body(chat(me, "from peer")).post("/api/v1/messages/send").then().statusCode(200);
        int last = TestGroups.send(owner, group, "in the group");

        as(me).get("/api/v1/messages/conversations").then().statusCode(200)
                .body("data.size()", equalTo(2))
                .body("data[0].group_id", equalTo((int) group))
                .body("data[0].name", equalTo("g-" + owner))
                .body("data[0]", not(hasKey("user_id")))
                .body("data[0]", not(hasKey("username")))
                .body("data[0].last_message", equalTo("in the group"))
                .body("data[0].last_message_id", equalTo(last))
                .body("data[0].unread_count", equalTo(1))
                .body("data[0].last_time", org.hamcrest.Matchers.notNullValue())
                .body("data[1].user_id", equalTo(peer))
                .body("data[1]", not(hasKey("group_id")));
        as(me).get("/api/v1/messages/conversation-list").then().body("data.total", equalTo(2));
        // The cached list reads back with both kinds of entries.
        String cached = redis.value(String.class).get(keys.of("im:msg:convlist:" + me));
        ConversationList fromCache = json.readValue(cached, ConversationList.class);
        assertEquals(2, fromCache.total());
        assertTrue(fromCache.conversations().get(0) instanceof ConversationView.Group g && g.groupId() == group, cached);
        assertTrue(fromCache.conversations().get(1) instanceof ConversationView.Peer p && p.userId() == peer, cached);
        // The cached list follows new messages, renames and reads.
        as(peer).body(chat(me, "peer again")).post("/api/v1/messages/send").then().statusCode(200);
        as(me).get("/api/v1/messages/conversation-list").then().body("data.conversations[0].user_id", equalTo(peer));
        TestGroups.send(owner, group, "group again");
        as(me).get("/api/v1/messages/conversation-list").then()
                .body("data.conversations[0].group_id", equalTo((int) group))
                .body("data.conversations[0].last_message", equalTo("group again"))
                .body("data.conversations[0].unread_count", equalTo(2));
        as(owner).body(Map.of("name", "Renamed")).put("/api/v1/groups/" + group).then().statusCode(200);
        as(me).put("/api/v1/messages/groups/" + group + "/read").then().body("data.marked", equalTo(2));
        as(me).get("/api/v1/messages/conversation-list").then()
                .body("data.conversations[0].name", equalTo("Renamed"))
                .body("data.conversations[0].unread_count", equalTo(0));
        // The sender has the group in their list too.
        as(owner).get("/api/v1/messages/conversations").then().body("data.group_id", equalTo(List.of((int) group)));
        // Leaving drops it.
        as(me).delete("/api/v1/groups/" + group + "/members/" + me).then().statusCode(200);
        as(me).get("/api/v1/messages/conversation-list").then().body("data.total", equalTo(1))
                .body("data.conversations.user_id", equalTo(List.of(peer)));
    }

    @Test
    void theOfflineQueueAndDeliveryAcksCoverGroupMessages() {
        long owner = newUser();
        long a = newUser();
        long group = TestGroups.create(owner, List.of(a));
        int id = as(owner).body(Map.of("group_id", group, "content", "while you were out", "client_msg_id", "off-1"))
                .post("/api/v1/messages/send").then().statusCode(200).extract().path("data.id");
        as(a).get("/api/v1/messages/offline").then().statusCode(200)
                .body("data.total", equalTo(1))
                .body("data.messages[0].id", equalTo(id))
                .body("data.messages[0].group_id", equalTo((int) group))
                .body("data.messages[0].receiver_id", nullValue())
                .body("data.messages[0].seq", equalTo(1))
                .body("data.messages[0].sender_id", equalTo(owner))
                .body("data.messages[0].client_msg_id", equalTo("off-1"));
        as(owner).get("/api/v1/messages/offline/count").then().body("data.count", equalTo(0));
        as(owner).body(Map.of("msg_ids", List.of(id))).post("/api/v1/messages/delivered").then().body("data.marked", equalTo(0));
        as(a).body(Map.of("msg_ids", List.of(id))).post("/api/v1/messages/delivered").then().body("data.marked", equalTo(1));
        as(a).get("/api/v1/messages/offline/count").then().body("data.count", equalTo(0));
        as(a).get("/api/v1/messages/sync").then().body("data.messages[0].status", equalTo("delivered"));
        as(owner).get("/api/v1/messages/sync").then().body("data.messages[0].status", equalTo("sent"));
    }

    @Test
    void theSenderDeletesAGroupMessageForEveryone() {
        long owner = newUser();
        long a = newUser();
        long b = newUser();
        long group = TestGroups.create(owner, List.of(a, b));
        int keep = TestGroups.send(a, group, "keep");
        int gone = TestGroups.send(a, group, "regret");
        as(a).get("/api/v1/messages/conversations").then().body("data[0].last_message", equalTo("regret"));
        as(b).get("/api/v1/messages/unread/count").then().body("data.by_group." + group, equalTo(2));
        as(owner).delete("/api/v1/messages/" + gone).then().statusCode(403);
        as(newUser()).delete("/api/v1/messages/" + gone).then().statusCode(404);
        as(a).delete("/api/v1/messages/" + gone).then().statusCode(200);
        as(a).delete("/api/v1/messages/" + gone).then().statusCode(404);
        for (long user : List.of(owner, a, b)) {
            as(user).get("/api/v1/groups/" + group + "/messages").then().body("data.id", equalTo(List.of(keep)));
            as(user).get("/api/v1/messages/sync").then().body("data.messages.id", equalTo(List.of(keep)));
        }
        as(a).get("/api/v1/messages/conversations").then().body("data[0].last_message", equalTo("keep"));
        as(b).get("/api/v1/messages/unread/count").then().body("data.by_group." + group, equalTo(1));
    }

    @Test
    void parallelGroupAndPrivateSendsNeitherDeadlockNorLeaveGaps() throws Exception {
        long owner = newUser();
        List<Long> members = List.of(newUser(), newUser(), newUser(), newUser());
        long group = TestGroups.create(owner, members);
        List<Long> everyone = new ArrayList<>(members);
        everyone.add(owner);
        ExecutorService pool = Executors.newFixedThreadPool(12);
        try {
            List<Future<Response>> answers = new ArrayList<>();
            for (int i = 0; i < 10; i++) {
                long from = everyone.get(i % everyone.size());
                String token = TestUsers.token(from);
                int n = i;
                answers.add(pool.submit(() -> RestAssured.given().auth().oauth2(token).contentType("application/json")
                        .body(Map.of("group_id", group, "content", "group " + n)).post("/api/v1/messages/send")));
                // Private sends between members lock the same seq rows, both ways round.
                long to = everyone.get((i + 1) % everyone.size());
                long sender = n % 2 == 0 ? from : to;
                long receiver = n % 2 == 0 ? to : from;
                String senderToken = TestUsers.token(sender);
                answers.add(pool.submit(() -> RestAssured.given().auth().oauth2(senderToken).contentType("application/json")
                        .body(chat(receiver, "private " + n)).post("/api/v1/messages/send")));
            }
            for (Future<Response> f : answers) {
                Response r = f.get();
                assertEquals(200, r.statusCode(), r.asString());
            }
        } finally {
            pool.shutdownNow();
        }
        for (long user : everyone) {
            List<Integer> seqs = syncSeqs(user);
            // 10 group messages plus 4 private ones (each user takes part in two pairs, two messages each).
            assertEquals(14, seqs.size(), "timeline of " + user);
            for (int i = 0; i < seqs.size(); i++) {
                assertEquals(i + 1, seqs.get(i), "gap-free timeline of " + user + ": " + seqs);
            }
            assertEquals(10, rows(user, group));
        }
    }

    @Test
    void aGroupOfTheDefaultMaximumIsWrittenInBulk() {
        long owner = newUser();
        List<Long> others = new ArrayList<>();
        for (int i = 0; i < 499; i++) {
            others.add(newUser());
        }
        long group = TestGroups.create(owner, others);
        as(owner).get("/api/v1/groups/" + group).then().body("data.member_count", equalTo(500)).body("data.members.size()", equalTo(500));
        as(owner).body(Map.of("user_ids", List.of(newUser()))).post("/api/v1/groups/" + group + "/members")
                .then().statusCode(409).body("error", equalTo("GROUP_FULL"));
        List<Long> tooMany = new ArrayList<>(others);
        tooMany.add(newUser());
        as(owner).body(Map.of("name", "501", "member_ids", tooMany)).post("/api/v1/groups").then().statusCode(409)
                .body("error", equalTo("GROUP_FULL"));

        long started = System.nanoTime();
        for (int i = 0; i < 5; i++) {
            TestGroups.send(others.get(i), group, "to 500 #" + i);
        }
        long perSendMillis = (System.nanoTime() - started) / 5 / 1_000_000;
        long total = (Long) em.createQuery("select count(t) from TimelineEntry t where t.groupId = :g").setParameter("g", group).getSingleResult();
        assertEquals(5 * 500, total, "every member has every message");
        // A loose bound (the build machine is shared): one round trip per member would be far slower under load.
        assertTrue(perSendMillis < 10_000, "a send to 500 members took " + perSendMillis + " ms");
        List<Integer> last = syncSeqs(others.get(400));
        assertEquals(List.of(1, 2, 3, 4, 5), last);
        as(others.get(0)).get("/api/v1/messages/sync").then().body("data.messages.seq", equalTo(List.of(1, 2, 3, 4, 5)));
    }
}
