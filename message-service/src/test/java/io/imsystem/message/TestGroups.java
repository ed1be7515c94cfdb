package io.imsystem.message;

import static io.imsystem.message.TestUsers.as;

import java.util.List;
import java.util.Map;

/** Fresh groups for tests, made through the public route. */
public final class TestGroups {

    private TestGroups() {
    }

    /** A new group owned by {@code owner} with these members; its id. */
    public static long create(long owner, List<Long> members) {
        Number id = as(owner).body(Map.of("name", "g-" + owner, "member_ids", members)).post("/api/v1/groups")
                .then().statusCode(200).extract().path("data.id");
        return id.longValue();
    }

    /** Sends a group message; the answer's message id. */
    public static int send(long from, long group, String content) {
        return as(from).body(Map.of("group_id", group, "content", content)).post("/api/v1/messages/send")
                .then().statusCode(200).extract().path("data.id");
    }
}
