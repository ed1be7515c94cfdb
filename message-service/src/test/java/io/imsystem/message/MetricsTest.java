package io.imsystem.message;

import static io.imsystem.message.TestUsers.as;
import static io.imsystem.message.TestUsers.chat;
import static io.imsystem.message.TestUsers.newUser;
import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.URL;
import io.quarkus.test.common.http.TestHTTPResource;
import io.imsystem.common.testing.Management;
import io.imsystem.message.service.MessageMetrics;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Our own meters on /q/metrics move with what users do. */
@QuarkusTest
class MetricsTest {

    @TestHTTPResource(value = "/", management = true)
    URL management;

    @Inject
    MessageMetrics metrics;

    double meter(String name) {
        String body = Management.on(management).get("/q/metrics").then().statusCode(200).extract().asString();
        for (String line : body.split("\n")) {
            if (line.startsWith(name + " ") || line.startsWith(name + "{")) {
                return Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
            }
        }
        throw new AssertionError(name + " is not on /q/metrics");
    }

    @Test
    void sentAndDeliveredCountersMoveWithSendsAndAcks() {
        long alice = newUser();
        long bob = newUser();
        double sentBefore = meter("im_messages_sent_total");
        double deliveredBefore = meter("im_messages_delivered_total");
        int id = as(alice).body(chat(bob, "counted")).post("/api/v1/messages/send").then().statusCode(200).extract().path("data.id");
        as(alice).body(Map.of("receiver_id", bob, "content", "counted", "client_msg_id", "m-1")).post("/api/v1/messages/send").then().statusCode(200);
        as(alice).body(Map.of("receiver_id", bob, "content", "counted", "client_msg_id", "m-1")).post("/api/v1/messages/send").then().statusCode(200);
        as(bob).body(Map.of("msg_ids", List.of(id))).post("/api/v1/messages/delivered").then().statusCode(200);

        assertEquals(sentBefore + 2, meter("im_messages_sent_total"), "a retried client_msg_id counts once");
        assertEquals(deliveredBefore + 1, meter("im_messages_delivered_total"));
    }

    @Test
    void offlineQueueDepthCountsWhatNoDeviceAcknowledged() {
        long alice = newUser();
        long bob = newUser();
        metrics.countOfflineQueue();
        double before = meter("im_offline_queue_depth");
        int first = as(alice).body(chat(bob, "waiting one")).post("/api/v1/messages/send").then().statusCode(200).extract().path("data.id");
        as(alice).body(chat(bob, "waiting two")).post("/api/v1/messages/send").then().statusCode(200);
        metrics.countOfflineQueue();
        assertEquals(before + 2, meter("im_offline_queue_depth"), "two incoming messages no device acknowledged");
        as(bob).body(Map.of("msg_ids", List.of(first))).post("/api/v1/messages/delivered").then().statusCode(200);
        metrics.countOfflineQueue();
        assertEquals(before + 1, meter("im_offline_queue_depth"), "the acknowledged one left the queue");
    }
}
