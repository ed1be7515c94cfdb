package io.imsystem.message;

import static io.imsystem.message.TestUsers.as;
import static io.imsystem.message.TestUsers.chat;
import static io.imsystem.message.TestUsers.newUser;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasKey;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

@QuarkusTest
class SendMessageTest {

    @Inject
    EntityManager em;

    @Test
    void sendAnswersTheSendersViewInTheEnvelope() {
        long alice = newUser();
        long bob = newUser();
        as(alice).body(Map.of("toUserId", String.valueOf(bob), "content", "  hello bob  ", "msgType", "text"))
                .post("/api/v1/messages/send")
                .then().statusCode(200)
                .body("code", equalTo(0))
                .body("data.id", notNullValue())
                .body("data.seq", equalTo(1))
                .body("data.sender_id", equalTo(alice))
                .body("data.receiver_id", equalTo(bob))
                .body("data.content", equalTo("hello bob"))
                .body("data.msg_type", equalTo("text"))
                .body("data.status", equalTo("sent"))
                .body("data.is_read", equalTo(false))
                .body("data.session_type", equalTo(1))
                .body("data.client_msg_id", nullValue())
                .body("data.created_at", org.hamcrest.Matchers.matchesPattern("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ"));
        // The receiver's seq counts in the receiver's timeline.
        as(bob).get("/api/v1/messages/sync").then().statusCode(200)
                .body("data.messages[0].seq", equalTo(1))
                .body("data.messages[0].sender_id", equalTo(alice));
    }

    @Test
    void msgTypeDefaultsToText() {
        long alice = newUser();
        as(alice).body(chat(newUser(), "hi")).post("/api/v1/messages/send")
                .then().statusCode(200).body("data.msg_type", equalTo("text"));
    }

    @Test
    void contentMustBeOneTo5000CharactersAfterTrimming() {
        long alice = newUser();
        long bob = newUser();
        as(alice).body(chat(bob, "   ")).post("/api/v1/messages/send")
                .then().statusCode(400).body("error", equalTo("VALIDATION_FAILED")).body("fields", notNullValue());
        as(alice).body(chat(bob, "x".repeat(5001))).post("/api/v1/messages/send")
                .then().statusCode(400).body("error", equalTo("VALIDATION_FAILED")).body("fields", hasKey("content"));
        as(alice).body(chat(bob, " " + "x".repeat(5000) + " ")).post("/api/v1/messages/send")
                .then().statusCode(200);
        as(alice).body(Map.of("content", "no receiver")).post("/api/v1/messages/send")
                .then().statusCode(400).body("error", equalTo("VALIDATION_FAILED"))
                .body("fields.receiver_id", equalTo("is required"));
        as(alice).body(Map.of("receiver_id", bob, "content", "x", "client_msg_id", "k".repeat(65))).post("/api/v1/messages/send")
                .then().statusCode(400).body("fields.client_msg_id", notNullValue());
        as(alice).body("{not json").post("/api/v1/messages/send")
                .then().statusCode(400).body("code", equalTo(400));
    }

    @Test
    void receiverMustExistAndDifferFromSender() {
        long alice = newUser();
        as(alice).body(chat(TestUsers.MISSING + 5, "hi")).post("/api/v1/messages/send")
                .then().statusCode(404).body("error", equalTo("NOT_FOUND"));
        as(alice).body(chat(alice, "hi")).post("/api/v1/messages/send")
                .then().statusCode(400).body("error", equalTo("VALIDATION_FAILED"));
        assertEquals(0L, em.createQuery("select count(m) from Message m where m.senderId = :s").setParameter("s", alice).getSingleResult());
    }

    @Test
    void receiverLookupsAtAuthAreCached() {
        long alice = newUser();
        long bob = newUser();
        int before = FakeAuthResource.CALLS.get();
        as(alice).body(chat(bob, "one")).post("/api/v1/messages/send").then().statusCode(200);
        as(alice).body(chat(bob, "two")).post("/api/v1/messages/send").then().statusCode(200);
        as(newUser()).body(chat(bob, "three")).post("/api/v1/messages/send").then().statusCode(200);
        assertEquals(1, FakeAuthResource.CALLS.get() - before, "one lookup of bob, then the cache");
    }

    @Test
    void sendRequiresAToken() {
        RestAssured.given().contentType("application/json").body(chat(newUser(), "hi"))
                .post("/api/v1/messages/send").then().statusCode(401).body("code", equalTo(401));
    }

    @Test
    void repeatedClientMsgIdReturnsTheFirstMessage() {
        long alice = newUser();
        long bob = newUser();
        Map<String, Object> body = Map.of("receiver_id", bob, "content", "once", "client_msg_id", "c-1");
        int first = as(alice).body(body).post("/api/v1/messages/send").then().statusCode(200)
                .body("data.client_msg_id", equalTo("c-1")).extract().path("data.id");
        as(alice).body(body).post("/api/v1/messages/send").then().statusCode(200)
                .body("data.id", equalTo(first)).body("data.seq", equalTo(1));
        // Another sender may use the same client id.
        as(bob).body(Map.of("receiver_id", alice, "content", "mine", "client_msg_id", "c-1"))
                .post("/api/v1/messages/send").then().statusCode(200).body("data.id", org.hamcrest.Matchers.not(equalTo(first)));
        assertEquals(1L, em.createQuery("select count(m) from Message m where m.senderId = :s").setParameter("s", alice).getSingleResult());
        as(bob).get("/api/v1/messages/sync").then().body("data.messages.size()", equalTo(2));
    }

    @Test
    void sameClientMsgIdWithOtherContentOrReceiverIsAConflict() {
        long alice = newUser();
        long bob = newUser();
        as(alice).body(Map.of("receiver_id", bob, "content", "one", "client_msg_id", "k")).post("/api/v1/messages/send")
                .then().statusCode(200);
        as(alice).body(Map.of("receiver_id", bob, "content", "two", "client_msg_id", "k")).post("/api/v1/messages/send")
                .then().statusCode(409).body("error", equalTo("IDEMPOTENCY_CONFLICT"));
        as(alice).body(Map.of("receiver_id", newUser(), "content", "one", "client_msg_id", "k")).post("/api/v1/messages/send")
                .then().statusCode(409).body("error", equalTo("IDEMPOTENCY_CONFLICT"));
    }

    @Test
    void concurrentRetriesStoreTheMessageOnce() throws Exception {
        long alice = newUser();
        long bob = newUser();
        String token = TestUsers.token(alice);
        Map<String, Object> body = Map.of("receiver_id", bob, "content", "retry me", "client_msg_id", "race-1");
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<Response>> answers = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                answers.add(pool.submit(() -> RestAssured.given().auth().oauth2(token).contentType("application/json")
                        .body(body).post("/api/v1/messages/send")));
            }
            Set<Integer> ids = new HashSet<>();
            for (Future<Response> f : answers) {
                Response r = f.get();
                assertEquals(200, r.statusCode(), r.asString());
                ids.add(r.path("data.id"));
                assertEquals(1, (int) r.path("data.seq"));
            }
            assertEquals(1, ids.size());
        } finally {
            pool.shutdownNow();
        }
        assertEquals(1L, em.createQuery("select count(m) from Message m where m.senderId = :s").setParameter("s", alice).getSingleResult());
        as(bob).get("/api/v1/messages/sync").then().body("data.messages.size()", equalTo(1)).body("data.messages[0].seq", equalTo(1));
        // No seq was burnt by the losing retries.
        as(alice).body(chat(bob, "next")).post("/api/v1/messages/send").then().body("data.seq", equalTo(2));
    }

    @Test
    void seqsAreGapFreeAndIncreasingPerUserUnderParallelSenders() throws Exception {
        long hub = newUser();
        int senders = 6;
        int perSender = 8;
        List<Long> users = new ArrayList<>();
        for (int i = 0; i < senders; i++) {
            users.add(newUser());
        }
        ExecutorService pool = Executors.newFixedThreadPool(senders);
        try {
            List<Future<List<Integer>>> runs = new ArrayList<>();
            for (long sender : users) {
                String token = TestUsers.token(sender);
                Callable<List<Integer>> run = () -> {
                    List<Integer> seqs = new ArrayList<>();
                    for (int i = 0; i < perSender; i++) {
                        // Half the traffic goes the other way, so both lock orders are exercised.
                        long from = i % 2 == 0 ? sender : hub;
                        long to = i % 2 == 0 ? hub : sender;
                        Response r = RestAssured.given().auth().oauth2(i % 2 == 0 ? token : TestUsers.token(hub))
                                .contentType("application/json").body(chat(to, "m" + i + " from " + from))
                                .post("/api/v1/messages/send");
                        assertEquals(200, r.statusCode(), r.asString());
                        if (from == sender) {
                            seqs.add(r.path("data.seq"));
                        }
                    }
                    return seqs;
                };
                runs.add(pool.submit(run));
            }
            for (Future<List<Integer>> run : runs) {
                List<Integer> seqs = run.get();
                for (int i = 1; i < seqs.size(); i++) {
                    assertTrue(seqs.get(i) > seqs.get(i - 1), "seqs of one sender increase: " + seqs);
                }
            }
        } finally {
            pool.shutdownNow();
        }
        int total = senders * perSender;
        List<Integer> hubSeqs = as(hub).queryParam("limit", 100).get("/api/v1/messages/sync")
                .then().statusCode(200).extract().path("data.messages.seq");
        assertEquals(total, hubSeqs.size());
        for (int i = 0; i < total; i++) {
            assertEquals(i + 1, hubSeqs.get(i), "hub timeline is 1..n without gaps");
        }
        for (long user : users) {
            List<Integer> seqs = as(user).get("/api/v1/messages/sync").then().extract().path("data.messages.seq");
            assertEquals(List.of(1, 2, 3, 4, 5, 6, 7, 8), seqs);
        }
    }
}
