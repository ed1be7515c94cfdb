package io.imsystem.message;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.imsystem.common.testing.ServiceTokens;
import io.imsystem.common.security.InternalCredential;
import static io.imsystem.message.TestUsers.as;
import static io.imsystem.message.TestUsers.chat;
import static io.imsystem.message.TestUsers.newUser;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.Test;

/**
 * The gateways' batched frames (POST /internal/v1/messages/batch): only with the gateway's service token
 * bound to the body;
 * every item answered on its own and in order; a connection's sends stored in the order given; retries
 * answered with the first message inside one batch and across batches; seqs gap-free.
 */
@QuarkusTest
class FrameBatchTest {

    /** The body as the gateway sends it, with a token bound to it. */
    static io.restassured.response.Response post(Object body) {
        byte[] bytes = bytes(body);
        return given().contentType(ContentType.JSON)
                .header(InternalCredential.HEADER, ServiceTokens.forBody(InternalCredential.GATEWAY, InternalCredential.MESSAGE, bytes))
                .body(bytes).post("/internal/v1/messages/batch");
    }

    static byte[] bytes(Object body) {
        try {
            return new ObjectMapper().writeValueAsBytes(body);
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }

    @Inject
    EntityManager em;

    private static Map<String, Object> chatItem(long user, String conn, Map<String, Object> body) {
        return Map.of("op", "chat", "user_id", user, "conn", conn, "chat", body);
    }

    private static Map<String, Object> body(long to, String content, String clientMsgId) {
        return Map.of("receiver_id", to, "content", content, "client_msg_id", clientMsgId);
    }

    private static JsonPath batch(List<Map<String, Object>> items) {
        return post(Map.of("items", items)).then().statusCode(200).body("code", equalTo(0)).extract().jsonPath();
    }

    private List<Long> seqsOf(long user) {
        return em.createQuery("select t.seq from TimelineEntry t where t.userId = :u order by t.seq", Long.class)
                .setParameter("u", user).getResultList();
    }

    @Test
    void withoutTheGatewaysTokenForThisBodyNothingIsDone() {
        long alice = newUser();
        long bob = newUser();
        Map<String, Object> request = Map.of("items", List.of(chatItem(alice, "c", body(bob, "forged", "f-1"))));
        byte[] bytes = bytes(request);
        String gw = InternalCredential.GATEWAY;
        String msg = InternalCredential.MESSAGE;
        given().contentType(ContentType.JSON).body(bytes).post("/internal/v1/messages/batch")
                .then().statusCode(401).body("error", equalTo("UNAUTHORIZED"));
        // The old shared secret, and a name, are no credential.
        given().contentType(ContentType.JSON).header("X-Internal-Token", "test-internal-secret").header("X-Service", gw).body(bytes)
                .post("/internal/v1/messages/batch").then().statusCode(401);
        // A user's token is no service token either.
        as(alice).header(InternalCredential.HEADER, "Bearer x").body(bytes).post("/internal/v1/messages/batch").then().statusCode(401);
        // Forged (another key), expired, of another service, or valid but for another body (or none).
        for (String token : List.of(ServiceTokens.forged(gw, msg, 0), ServiceTokens.expired(gw, msg, 0))) {
            given().contentType(ContentType.JSON).header(InternalCredential.HEADER, token).body(bytes)
                    .post("/internal/v1/messages/batch").then().statusCode(401).body("error", equalTo("TOKEN_INVALID"));
        }
        byte[] other = bytes(Map.of("items", List.of(chatItem(bob, "c", body(alice, "harmless", "f-2")))));
        for (String token : List.of(ServiceTokens.forBody(gw, msg, other), ServiceTokens.of(gw, msg), ServiceTokens.of(gw, msg, alice),
                ServiceTokens.forBody(InternalCredential.PRESENCE, msg, bytes), ServiceTokens.forBody(gw, InternalCredential.AUTH, bytes))) {
            given().contentType(ContentType.JSON).header(InternalCredential.HEADER, token).body(bytes)
                    .post("/internal/v1/messages/batch").then().statusCode(403).body("error", equalTo("FORBIDDEN"));
        }
        assertTrue(seqsOf(alice).isEmpty() && seqsOf(bob).isEmpty(), "nothing stored");
    }

    @Test
    void eachItemIsAnsweredInOrderAndABadOneFailsAlone() {
        long alice = newUser();
        long bob = newUser();
        long carol = newUser();
        FakeAuthResource.block(carol, alice);
        JsonPath answer = batch(List.of(
                chatItem(alice, "a1", body(bob, "one", "m-1")),
                chatItem(alice, "a1", body(TestUsers.MISSING + 5, "to nobody", "m-2")),
                chatItem(alice, "a1", body(carol, "blocked", "m-3")),
                chatItem(alice, "a1", Map.of("receiver_id", "not a number", "content", "x")),
                chatItem(alice, "a1", body(bob, "two", "m-4")),
                chatItem(alice, "a1", body(bob, "one", "m-1")),
                chatItem(alice, "a1", body(bob, "not one", "m-1")),
                Map.of("op", "teleport", "user_id", alice),
                chatItem(bob, "b1", body(alice, "back", "m-1")),
                chatItem(alice, "a1", body(bob, "three", "m-5"))));
        List<Integer> status = answer.getList("data.results.status");
        assertEquals(List.of(200, 404, 403, 400, 200, 200, 409, 400, 200, 200), status);
        assertEquals("BLOCKED", answer.getString("data.results[2].error"));
        assertEquals("IDEMPOTENCY_CONFLICT", answer.getString("data.results[6].error"));
        assertEquals(answer.getLong("data.results[0].data.id"), answer.getLong("data.results[5].data.id"), "a retry in the same batch");
        // Alice's sends have her seqs in the order given; nothing burnt for the failures.
        assertEquals(List.of(1, 2, 4), List.of(answer.getInt("data.results[0].data.seq"), answer.getInt("data.results[4].data.seq"),
                answer.getInt("data.results[9].data.seq")));
        assertEquals(3, answer.getInt("data.results[8].data.seq"), "bob's message is third in alice's timeline, and third in his");
        assertEquals(List.of(1L, 2L, 3L, 4L), seqsOf(alice));
        assertEquals(List.of(1L, 2L, 3L, 4L), seqsOf(bob));
        assertTrue(seqsOf(carol).isEmpty());

        // A later batch retrying the first message gets the first answer again.
        JsonPath again = batch(List.of(chatItem(alice, "a2", body(bob, "one", "m-1"))));
        assertEquals(answer.getLong("data.results[0].data.id"), again.getLong("data.results[0].data.id"));
        assertEquals(1, again.getInt("data.results[0].data.seq"));
        as(bob).get("/api/v1/messages/sync").then().statusCode(200)
                .body("data.messages.content", equalTo(List.of("one", "two", "back", "three")));
    }

    @Test
    void aGroupSendOfANonMemberFailsAloneBesideTheOthers() {
        long owner = newUser();
        long member = newUser();
        long outsider = newUser();
        long group = TestGroups.create(owner, List.of(member));
        JsonPath answer = batch(List.of(
                chatItem(owner, "o", Map.of("group_id", group, "content", "hello all")),
                chatItem(outsider, "x", Map.of("group_id", group, "content", "let me in")),
                chatItem(member, "m", Map.of("group_id", group, "content", "hi")),
                chatItem(member, "m", chat(owner, "privately"))));
        assertEquals(List.of(200, 404, 200, 200), answer.getList("data.results.status"));
        as(member).get("/api/v1/messages/sync").then().statusCode(200)
                .body("data.messages.content", equalTo(List.of("hello all", "hi", "privately")))
                .body("data.messages.seq", equalTo(List.of(1, 2, 3)));
    }

    @Test
    void deliveryAcksOfManyUsersAreMarkedInOneCall() {
        long alice = newUser();
        long bob = newUser();
        long carol = newUser();
        int toBob = as(alice).body(chat(bob, "for bob")).post("/api/v1/messages/send").then().extract().path("data.id");
        int toCarol = as(alice).body(chat(carol, "for carol")).post("/api/v1/messages/send").then().extract().path("data.id");
        JsonPath answer = batch(List.of(
                Map.of("op", "delivered", "user_id", bob, "msg_ids", List.of(toBob)),
                // Not carol's to ack: ignored.
                Map.of("op", "delivered", "user_id", bob, "msg_ids", List.of(toCarol)),
                Map.of("op", "delivered", "user_id", carol, "msg_ids", List.of(toCarol)),
                Map.of("op", "delivered", "user_id", carol, "msg_ids", List.of())));
        assertEquals(List.of(200, 200, 200, 400), answer.getList("data.results.status"));
        assertEquals(1, answer.getInt("data.results[0].data.marked"));
        assertEquals(0, answer.getInt("data.results[1].data.marked"));
        assertEquals(1, answer.getInt("data.results[2].data.marked"));
        as(bob).get("/api/v1/messages/offline/count").then().body("data.count", equalTo(0));
        as(carol).get("/api/v1/messages/offline/count").then().body("data.count", equalTo(0));
    }

    @Test
    void concurrentSendersGetGapFreeTimelinesAndEachConnectionKeepsItsOrder() throws Exception {
        long hub = newUser();
        List<Long> senders = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            senders.add(newUser());
        }
        ExecutorService pool = Executors.newFixedThreadPool(6);
        try {
            List<CompletableFuture<List<Integer>>> runs = new ArrayList<>();
            for (long s : senders) {
                runs.add(CompletableFuture.supplyAsync(() -> {
                    List<Integer> seqs = new ArrayList<>();
                    for (int round = 0; round < 5; round++) {
                        List<Map<String, Object>> items = new ArrayList<>();
                        for (int k = 0; k < 8; k++) {
                            items.add(chatItem(s, "c" + s, body(hub, "r" + round + "k" + k, "x-" + round + "-" + k)));
                        }
                        seqs.addAll(batch(items).getList("data.results.data.seq"));
                    }
                    return seqs;
                }, pool));
            }
            for (CompletableFuture<List<Integer>> run : runs) {
                List<Integer> seqs = run.get();
                for (int i = 0; i < seqs.size(); i++) {
                    assertEquals(i + 1, seqs.get(i), "each sender's own seqs in the order sent");
                }
            }
        } finally {
            pool.shutdown();
        }
        List<Long> hubSeqs = seqsOf(hub);
        assertEquals(6 * 40, hubSeqs.size());
        for (int i = 0; i < hubSeqs.size(); i++) {
            assertEquals(i + 1, hubSeqs.get(i), "the receiver's timeline has no gap");
        }
        // Per sender, the receiver's seqs rise in the order that sender sent.
        Map<Long, Long> last = new HashMap<>();
        List<Object[]> rows = em.createQuery("select t.peerId, t.seq, m.content from TimelineEntry t, Message m where m.id = t.messageId "
                + "and t.userId = :u order by t.seq", Object[].class).setParameter("u", hub).getResultList();
        Map<Long, List<String>> contents = new HashMap<>();
        for (Object[] r : rows) {
            contents.computeIfAbsent((Long) r[0], k -> new ArrayList<>()).add((String) r[2]);
            last.put((Long) r[0], (Long) r[1]);
        }
        List<String> expected = new ArrayList<>();
        for (int round = 0; round < 5; round++) {
            for (int k = 0; k < 8; k++) {
                expected.add("r" + round + "k" + k);
            }
        }
        for (long s : senders) {
            assertEquals(expected, contents.get(s));
        }
    }
}
