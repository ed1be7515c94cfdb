package io.imsystem.message;

import static io.imsystem.message.TestUsers.as;
import static io.imsystem.message.TestUsers.chat;
import static io.imsystem.message.TestUsers.newUser;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.notNullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.imsystem.common.redis.Keys;
import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.ValidatableResponse;
import jakarta.inject.Inject;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Reactions: one of each emoji per user, counted per emoji with the reader's own, told by frame, never a timeline entry. */
@QuarkusTest
class ReactionTest {

    private static final String THUMBS = "👍";
    private static final String PARTY = "🎉";

    @Inject
    RedisDataSource redis;

    @Inject
    Keys keys;

    @Inject
    ObjectMapper json;

    private FakeGateways gateways;

    @BeforeEach
    void fakeGateways() {
        gateways = new FakeGateways(redis, keys);
    }

    @AfterEach
    void removeKeys() {
        gateways.removeKeys();
    }

    private static int send(long from, long to, String content) {
        return as(from).body(chat(to, content)).post("/api/v1/messages/send").then().statusCode(200).extract().path("data.id");
    }

    /** PUT (add) or DELETE (remove) with the emoji URL-encoded by the client, as API.md has it. */
    private static ValidatableResponse react(long user, long msg, String emoji, boolean add) {
        String path = "/api/v1/messages/" + msg + "/reactions/" + URLEncoder.encode(emoji, StandardCharsets.UTF_8);
        var request = as(user).urlEncodingEnabled(false);
        return (add ? request.put(path) : request.delete(path)).then();
    }

    private static long nextSeq(long user) {
        return as(user).queryParam("limit", 100).get("/api/v1/messages/sync").then().statusCode(200).extract().jsonPath().getLong("data.next_seq");
    }

    private JsonNode lastFrame(String gateway) throws Exception {
        List<Map<String, String>> entries = gateways.entries(gateway);
        return json.readTree(entries.get(entries.size() - 1).get("frame"));
    }

    @Test
    void reactionsAreCountedPerEmojiWithTheReadersOwnAndToldByFrame() throws Exception {
        long alice = newUser();
        long bob = newUser();
        int msg = send(alice, bob, "lunch?");
        String gw = gateways.create();
        gateways.route(alice, Map.of("conn-a", gw));
        long aliceSeq = nextSeq(alice);
        long bobSeq = nextSeq(bob);
        as(bob).get("/api/v1/conversations/" + alice + "/messages").then().body("data[0].reactions", equalTo(List.of()));

        react(bob, msg, THUMBS, true).statusCode(200)
                .body("data.reactions", equalTo(List.of(Map.of("emoji", THUMBS, "count", 1, "me", true))));
        JsonNode frame = lastFrame(gw);
        assertEquals("reaction", frame.get("type").asText());
        assertEquals(msg, frame.get("msg_id").asInt());
        assertEquals(THUMBS, frame.get("emoji").asText());
        assertEquals(bob, frame.get("user_id").asLong());
        assertEquals("add", frame.get("action").asText());
        assertEquals(1, frame.get("count").asLong());

        react(alice, msg, THUMBS, true).statusCode(200).body("data.reactions[0].count", equalTo(2)).body("data.reactions[0].me", equalTo(true));
        react(alice, msg, PARTY, true).statusCode(200).body("data.reactions.emoji", equalTo(List.of(THUMBS, PARTY)));
        int frames = gateways.entries(gw).size();
        react(bob, msg, THUMBS, true).statusCode(200).body("data.reactions[0].count", equalTo(2));
        assertEquals(frames, gateways.entries(gw).size(), "a reaction made again changes nothing and tells nobody");

        // History, from MySQL and then from the cache, each reader with their own "me".
        for (int i = 0; i < 2; i++) {
            as(bob).get("/api/v1/conversations/" + alice + "/messages").then()
                    .body("data[0].reactions", equalTo(List.of(Map.of("emoji", THUMBS, "count", 2, "me", true),
                            Map.of("emoji", PARTY, "count", 1, "me", false))));
            as(alice).get("/api/v1/messages/history?withUserId=" + bob).then()
                    .body("data[0].reactions.me", equalTo(List.of(true, true)));
        }
        as(bob).get("/api/v1/messages/sync").then().body("data.messages[0].reactions.size()", equalTo(2));
        // The offline queue's entry carries them too: a device that connects for the first time sees the counts.
        as(bob).get("/api/v1/messages/offline").then().body("data.messages[0].reactions.emoji", equalTo(List.of(THUMBS, PARTY)));

        react(alice, msg, THUMBS, false).statusCode(200)
                .body("data.reactions", equalTo(List.of(Map.of("emoji", THUMBS, "count", 1, "me", false), Map.of("emoji", PARTY, "count", 1, "me", true))));
        assertEquals("remove", lastFrame(gw).get("action").asText());
        assertEquals(1, lastFrame(gw).get("count").asLong());
        react(alice, msg, THUMBS, false).statusCode(200).body("data.reactions[0].count", equalTo(1));
        react(alice, msg, PARTY, false).statusCode(200);
        as(bob).get("/api/v1/conversations/" + alice + "/messages").then()
                .body("data[0].reactions", equalTo(List.of(Map.of("emoji", THUMBS, "count", 1, "me", true))));

        // Reactions take no seq.
        assertEquals(aliceSeq, nextSeq(alice));
        assertEquals(bobSeq, nextSeq(bob));
    }

    @Test
    void badEmojiOutsidersRecalledMessagesAndTooManyReactionsAreRefused() {
        long alice = newUser();
        long bob = newUser();
        int msg = send(alice, bob, "hi");
        react(newUser(), msg, THUMBS, true).statusCode(404).body("error", equalTo("NOT_FOUND"));
        react(bob, msg + 1_000_000, THUMBS, true).statusCode(404);
        for (String bad : List.of("a", "👍👍", "ok👍", "<b>")) {
            react(bob, msg, bad, true).statusCode(400).body("error", equalTo("VALIDATION_FAILED")).body("fields.emoji", notNullValue());
        }
        // Unencoded in the path works too: the server decodes what the client library or browser sent.
        as(bob).put("/api/v1/messages/" + msg + "/reactions/" + THUMBS).then().statusCode(200).body("data.reactions[0].emoji", equalTo(THUMBS));

        List<String> emoji = new ArrayList<>();
        for (int cp = 0x1F600; emoji.size() < 21; cp++) {
            emoji.add(new String(Character.toChars(cp)));
        }
        for (String e : emoji.subList(0, 19)) {
            react(bob, msg, e, true).statusCode(200);
        }
        react(bob, msg, emoji.get(20), true).statusCode(409).body("error", equalTo("REACTION_LIMIT"));
        react(alice, msg, emoji.get(20), true).statusCode(200);
        as(alice).get("/api/v1/conversations/" + bob + "/messages").then().body("data[0].reactions.size()", equalTo(21));

        as(alice).post("/api/v1/messages/" + msg + "/recall").then().statusCode(200);
        as(bob).get("/api/v1/conversations/" + alice + "/messages").then().body("data[0].reactions", equalTo(List.of()));
        react(bob, msg, THUMBS, true).statusCode(409).body("error", equalTo("RECALLED"));
    }

    @Test
    void aReactionInABigGroupIsOneEntryPerGatewayAndNoSeq() throws Exception {
        long owner = newUser();
        List<Long> members = new ArrayList<>();
        for (int i = 0; i < 60; i++) {
            members.add(newUser());
        }
        long group = TestGroups.create(owner, members);
        int msg = TestGroups.send(owner, group, "vote with 👍");
        long late = newUser();
        as(owner).body(Map.of("user_ids", List.of(late))).post("/api/v1/groups/" + group + "/members").then().statusCode(200);
        String gwA = gateways.create();
        String gwB = gateways.create();
        Map<Long, String> routes = new HashMap<>();
        for (int i = 0; i < members.size(); i++) {
            String gw = i % 2 == 0 ? gwA : gwB;
            gateways.route(members.get(i), Map.of("conn-" + i, gw));
            routes.put(members.get(i), gw);
        }
        gateways.route(late, Map.of("conn-late", gwA));
        Map<Long, Long> seqs = new HashMap<>();
        for (long m : List.of(members.get(0), members.get(1), owner)) {
            seqs.put(m, nextSeq(m));
        }
        int beforeA = gateways.entries(gwA).size();
        int beforeB = gateways.entries(gwB).size();

        react(members.get(5), msg, THUMBS, true).statusCode(200).body("data.reactions[0].count", equalTo(1));

        assertEquals(beforeA + 1, gateways.entries(gwA).size());
        assertEquals(beforeB + 1, gateways.entries(gwB).size());
        List<String> toA = List.of(gateways.entries(gwA).get(beforeA).get("users").split(","));
        assertEquals(30, toA.size());
        assertTrue(!toA.contains(String.valueOf(late)), "who joined after the message does not hear of it");
        assertEquals(null, gateways.entries(gwA).get(beforeA).get("seqs"));
        seqs.forEach((m, seq) -> assertEquals(seq, nextSeq(m), "no seq for member " + m));
        react(late, msg, THUMBS, true).statusCode(404);
        as(members.get(9)).get("/api/v1/groups/" + group + "/messages").then()
                .body("data[0].reactions", equalTo(List.of(Map.of("emoji", THUMBS, "count", 1, "me", false))));
    }
}
