package io.imsystem.systemtests;

import static io.imsystem.systemtests.ChatThroughGatewayIT.awaitRouted;
import static io.imsystem.systemtests.ChatThroughGatewayIT.connect;
import static io.imsystem.systemtests.ChatThroughGatewayIT.register;
import static io.imsystem.systemtests.ChatThroughGatewayIT.send;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.imsystem.common.testing.WsTestClient;
import io.imsystem.systemtests.ChatThroughGatewayIT.User;
import io.restassured.RestAssured;
import io.restassured.http.ContentType;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Rich messages across the running services, through the gateway only: a device that was away while
 * a message was edited, reacted to and recalled converges through the resume replay (changes in seq
 * order with the messages), and live devices get every change as it happens.
 */
class RichMessagesIT {

    @BeforeAll
    static void start() {
        ChatThroughGatewayIT.start();
        RestAssured.baseURI = ChatThroughGatewayIT.system.gatewayUrl();
        RestAssured.port = ChatThroughGatewayIT.system.port("gateway-service");
    }

    private static void as(User u, String method, String path, Object body, int status) {
        // Paths as given: the emoji of a reaction is URL-encoded already, as a client sends it.
        var request = given().urlEncodingEnabled(false).contentType(ContentType.JSON).header("Authorization", u.bearer());
        if (body != null) {
            request = request.body(body);
        }
        request.when().request(method, path).then().statusCode(status);
    }

    @Test
    void aDeviceThatWasAwayConvergesThroughTheResumeReplayAndLiveDevicesGetEveryChange() throws Exception {
        User alice = register();
        User bob = register();
        long first = send(alice, bob, "see you at 7").getLong("data.id");
        long lastSeen;
        try (WsTestClient phone = connect(bob)) {
            JsonNode chat = phone.next("chat");
            assertEquals(first, chat.path("msg_id").asLong());
            lastSeen = chat.path("seq").asLong();
            phone.send(Map.of("type", "ack", "msg_ids", List.of(first)));
            phone.drain(300);
        }
        // While bob is away: an edit, a reply, a reaction, a recall.
        as(alice, "PUT", "/api/v1/messages/" + first, Map.of("content", "see you at 8"), 200);
        long reply = given().contentType(ContentType.JSON).header("Authorization", alice.bearer())
                .body(Map.of("receiver_id", bob.id(), "content", "bring wine", "reply_to", first)).post("/api/v1/messages/send")
                .then().statusCode(200).body("data.reply_to.excerpt", equalTo("see you at 8")).extract().jsonPath().getLong("data.id");
        as(alice, "PUT", "/api/v1/messages/" + reply + "/reactions/%F0%9F%8D%B7", null, 200);
        as(alice, "POST", "/api/v1/messages/" + first + "/recall", null, 200);

        try (WsTestClient phone = WsTestClient.open(ChatThroughGatewayIT.system.wsUrl("/ws?token=" + bob.token() + "&since_seq=" + lastSeen))) {
            // The offline queue pushes the undelivered reply first; the resume replay then brings the changes
            // in seq order (and skips the reply, already pushed on this connection).
            JsonNode replyFrame = phone.next("chat");
            assertEquals(reply, replyFrame.path("msg_id").asLong());
            assertEquals(first, replyFrame.path("reply_to").path("id").asLong());
            assertEquals("", replyFrame.path("reply_to").path("excerpt").asText(), "the quoted message was recalled since");
            assertEquals("🍷", replyFrame.path("reactions").path(0).path("emoji").asText());
            JsonNode edited = phone.next("edited");
            JsonNode recalled = phone.next("recalled");
            assertEquals(first, edited.path("msg_id").asLong());
            assertEquals("", edited.path("content").asText(), "a recall wipes the content of the edits before it");
            assertEquals(first, recalled.path("msg_id").asLong());
            assertEquals(alice.id(), recalled.path("by").asLong());
            assertEquals(lastSeen + 1, edited.path("seq").asLong());
            assertTrue(recalled.path("seq").asLong() > replyFrame.path("seq").asLong());

            // Live now: an edit of the reply reaches this device, and alice's own device too.
            try (WsTestClient laptop = connect(alice)) {
                awaitRouted(alice);
                awaitRouted(bob);
                as(alice, "PUT", "/api/v1/messages/" + reply, Map.of("content", "bring red wine"), 200);
                JsonNode live = phone.next("edited");
                assertEquals(reply, live.path("msg_id").asLong());
                assertEquals("bring red wine", live.path("content").asText());
                assertEquals(recalled.path("seq").asLong() + 1, live.path("seq").asLong(), "bob's next seq");
                assertEquals(reply, laptop.next("edited").path("msg_id").asLong());
                as(bob, "PUT", "/api/v1/messages/" + reply + "/reactions/%F0%9F%91%8D", null, 200);
                JsonNode reaction = laptop.next("reaction");
                assertEquals("👍", reaction.path("emoji").asText());
                assertEquals("add", reaction.path("action").asText());
                assertEquals(bob.id(), reaction.path("user_id").asLong());
            }
        }
        given().header("Authorization", bob.bearer()).get("/api/v1/messages/history?withUserId=" + alice.id()).then().statusCode(200)
                .body("data.content", equalTo(List.of("bring red wine", "")))
                .body("data.recalled", equalTo(List.of(false, true)))
                .body("data[0].reactions.emoji", equalTo(List.of("🍷", "👍")));
    }
}
