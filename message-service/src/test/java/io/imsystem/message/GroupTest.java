package io.imsystem.message;

import static io.imsystem.message.TestUsers.as;
import static io.imsystem.message.TestUsers.newUser;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasKey;
import static org.hamcrest.Matchers.matchesPattern;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Groups and their members: who may do what, and 404 for everyone outside a group. */
@QuarkusTest
class GroupTest {

    @Test
    void creatorOwnsTheGroupAndIsAMemberEvenIfNotListed() {
        long owner = newUser();
        long a = newUser();
        long b = newUser();
        int id = as(owner).body(Map.of("name", "  Team  ", "memberIds", List.of(a, b, a))).post("/api/v1/groups").then().statusCode(200)
                .body("code", equalTo(0))
                .body("data.name", equalTo("Team"))
                .body("data.avatar", nullValue())
                .body("data.owner_id", equalTo(owner))
                .body("data.member_count", equalTo(3))
                .body("data.created_at", matchesPattern("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ"))
                .body("data", org.hamcrest.Matchers.not(hasKey("members")))
                .extract().path("data.id");
        as(a).get("/api/v1/groups/" + id).then().statusCode(200)
                .body("data.id", equalTo(id))
                .body("data.members.user_id", equalTo(List.of(owner, a, b)))
                .body("data.members.find { it.user_id == " + owner + " }.role", equalTo("owner"))
                .body("data.members.find { it.user_id == " + a + " }.role", equalTo("member"))
                .body("data.members.find { it.user_id == " + a + " }.username", equalTo("user" + a))
                .body("data.members.find { it.user_id == " + a + " }.nickname", equalTo("Nick " + a))
                .body("data.members[0].joined_at", notNullValue());
        // A group of one is fine too.
        as(owner).body(Map.of("name", "just me")).post("/api/v1/groups").then().statusCode(200).body("data.member_count", equalTo(1));
        as(owner).get("/api/v1/groups").then().statusCode(200)
                .body("data.size()", equalTo(2)).body("data[1].id", equalTo(id)).body("data[1].member_count", equalTo(3));
        as(a).get("/api/v1/groups").then().body("data.id", equalTo(List.of(id)));
    }

    @Test
    void namesAndMemberIdsAreChecked() {
        long owner = newUser();
        as(owner).body(Map.of("name", "   ", "member_ids", List.of())).post("/api/v1/groups")
                .then().statusCode(400).body("error", equalTo("VALIDATION_FAILED")).body("fields", hasKey("name"));
        as(owner).body(Map.of("name", "x".repeat(65))).post("/api/v1/groups")
                .then().statusCode(400).body("fields", hasKey("name"));
        as(owner).body(Map.of("name", "x".repeat(64))).post("/api/v1/groups").then().statusCode(200);
        long missing = TestUsers.MISSING + 7;
        as(owner).body(Map.of("name", "ghosts", "member_ids", List.of(newUser(), missing))).post("/api/v1/groups")
                .then().statusCode(400).body("error", equalTo("VALIDATION_FAILED"))
                .body("fields.member_ids", equalTo("unknown user ids: " + missing));
        as(owner).body(Map.of("name", "neg", "member_ids", List.of(-1))).post("/api/v1/groups").then().statusCode(400);
        as(owner).body("{bad").post("/api/v1/groups").then().statusCode(400);
        RestAssured.given().contentType("application/json").body(Map.of("name", "anon")).post("/api/v1/groups").then().statusCode(401);
    }

    @Test
    void ownerAndAdminsRenameMembersCannot() {
        long owner = newUser();
        long admin = newUser();
        long member = newUser();
        long group = TestGroups.create(owner, List.of(admin, member));
        as(member).body(Map.of("name", "mine now")).put("/api/v1/groups/" + group).then().statusCode(403).body("error", equalTo("FORBIDDEN"));
        as(member).body(Map.of("role", "admin")).put("/api/v1/groups/" + group + "/members/" + member).then().statusCode(403);
        as(admin).body(Map.of("role", "admin")).put("/api/v1/groups/" + group + "/members/" + admin).then().statusCode(403);
        as(owner).body(Map.of("role", "admin")).put("/api/v1/groups/" + group + "/members/" + admin).then().statusCode(200)
                .body("data.user_id", equalTo(admin)).body("data.role", equalTo("admin")).body("data.username", equalTo("user" + admin));
        as(owner).body(Map.of("role", "owner")).put("/api/v1/groups/" + group + "/members/" + admin).then().statusCode(400);
        as(owner).body(Map.of("role", "member")).put("/api/v1/groups/" + group + "/members/" + owner).then().statusCode(400);
        as(owner).body(Map.of("role", "admin")).put("/api/v1/groups/" + group + "/members/" + newUser()).then().statusCode(404);

        as(admin).body(Map.of("name", "Renamed", "avatar", "https://img/x.png")).put("/api/v1/groups/" + group).then().statusCode(200)
                .body("data.name", equalTo("Renamed")).body("data.avatar", equalTo("https://img/x.png")).body("data.member_count", equalTo(3));
        as(owner).body(Map.of("avatar", "")).put("/api/v1/groups/" + group).then().statusCode(200)
                .body("data.name", equalTo("Renamed")).body("data.avatar", nullValue());
        as(owner).body(Map.of()).put("/api/v1/groups/" + group).then().statusCode(400);
        as(owner).body(Map.of("name", "")).put("/api/v1/groups/" + group).then().statusCode(400).body("fields", hasKey("name"));
        as(member).get("/api/v1/groups/" + group).then().body("data.name", equalTo("Renamed"));
    }

    @Test
    void ownerAndAdminsAddAndRemoveAdminsCannotRemoveAdmins() {
        long owner = newUser();
        long admin = newUser();
        long admin2 = newUser();
        long member = newUser();
        long group = TestGroups.create(owner, List.of(admin, admin2, member));
        as(owner).body(Map.of("role", "admin")).put("/api/v1/groups/" + group + "/members/" + admin).then().statusCode(200);
        as(owner).body(Map.of("role", "admin")).put("/api/v1/groups/" + group + "/members/" + admin2).then().statusCode(200);

        long joiner = newUser();
        as(member).body(Map.of("user_ids", List.of(joiner))).post("/api/v1/groups/" + group + "/members").then().statusCode(403);
        as(admin).body(Map.of("userIds", List.of(joiner))).post("/api/v1/groups/" + group + "/members").then().statusCode(200)
                .body("data.member_count", equalTo(5));
        as(admin).body(Map.of("user_ids", List.of(TestUsers.MISSING + 1))).post("/api/v1/groups/" + group + "/members")
                .then().statusCode(400).body("fields.user_ids", notNullValue());
        as(admin).body(Map.of("user_ids", List.of())).post("/api/v1/groups/" + group + "/members").then().statusCode(400);

        as(member).delete("/api/v1/groups/" + group + "/members/" + joiner).then().statusCode(403);
        as(admin).delete("/api/v1/groups/" + group + "/members/" + admin2).then().statusCode(403);
        as(admin).delete("/api/v1/groups/" + group + "/members/" + owner).then().statusCode(403);
        as(admin).delete("/api/v1/groups/" + group + "/members/" + joiner).then().statusCode(200).body("data", nullValue());
        as(admin).delete("/api/v1/groups/" + group + "/members/" + joiner).then().statusCode(404);
        as(owner).delete("/api/v1/groups/" + group + "/members/" + admin2).then().statusCode(200);
        as(owner).get("/api/v1/groups/" + group).then().body("data.member_count", equalTo(3));
        as(joiner).get("/api/v1/groups/" + group).then().statusCode(404);
        // A demoted admin is a member again.
        as(owner).body(Map.of("role", "member")).put("/api/v1/groups/" + group + "/members/" + admin).then().statusCode(200);
        as(admin).body(Map.of("name", "nope")).put("/api/v1/groups/" + group).then().statusCode(403);
    }

    @Test
    void anyoneLeavesTheOwnerHandsOverAndTheLastOneOutDeletesTheGroup() {
        long owner = newUser();
        long early = newUser();
        long admin = newUser();
        long late = newUser();
        long group = TestGroups.create(owner, List.of(early, admin));
        as(owner).body(Map.of("user_ids", List.of(late))).post("/api/v1/groups/" + group + "/members").then().statusCode(200);
        as(owner).body(Map.of("role", "admin")).put("/api/v1/groups/" + group + "/members/" + admin).then().statusCode(200);

        // The owner leaves: the longest-standing admin takes over, though a plain member joined earlier.
        as(owner).delete("/api/v1/groups/" + group + "/members/" + owner).then().statusCode(200);
        as(early).get("/api/v1/groups/" + group).then().statusCode(200)
                .body("data.owner_id", equalTo(admin))
                .body("data.member_count", equalTo(3))
                .body("data.members.find { it.user_id == " + admin + " }.role", equalTo("owner"));
        as(owner).get("/api/v1/groups/" + group).then().statusCode(404);
        // Without admins the longest-standing member takes over.
        as(admin).delete("/api/v1/groups/" + group + "/members/" + admin).then().statusCode(200);
        as(late).get("/api/v1/groups/" + group).then().body("data.owner_id", equalTo(early));
        as(late).delete("/api/v1/groups/" + group + "/members/" + late).then().statusCode(200);
        as(early).get("/api/v1/groups/" + group).then().body("data.member_count", equalTo(1));
        as(early).delete("/api/v1/groups/" + group + "/members/" + early).then().statusCode(200);
        as(early).get("/api/v1/groups/" + group).then().statusCode(404);
        as(early).get("/api/v1/groups").then().body("data.size()", equalTo(0));
    }

    @Test
    void outsidersGet404ForEveryGroupRoute() {
        long owner = newUser();
        long member = newUser();
        long outsider = newUser();
        long group = TestGroups.create(owner, List.of(member));
        int msg = TestGroups.send(owner, group, "members only");
        String g = "/api/v1/groups/" + group;
        List<io.restassured.response.Response> answers = new ArrayList<>();
        answers.add(as(outsider).get(g));
        answers.add(as(outsider).body(Map.of("name", "x")).put(g));
        answers.add(as(outsider).body(Map.of("user_ids", List.of(outsider))).post(g + "/members"));
        answers.add(as(outsider).delete(g + "/members/" + member));
        answers.add(as(outsider).delete(g + "/members/" + outsider));
        answers.add(as(outsider).body(Map.of("role", "admin")).put(g + "/members/" + member));
        answers.add(as(outsider).get(g + "/messages"));
        answers.add(as(outsider).get("/api/v1/messages/history?groupId=" + group));
        answers.add(as(outsider).put("/api/v1/messages/groups/" + group + "/read"));
        answers.add(as(outsider).body(Map.of("group_id", group, "content", "let me in")).post("/api/v1/messages/send"));
        answers.add(as(outsider).put("/api/v1/messages/" + msg + "/read"));
        answers.add(as(outsider).delete("/api/v1/messages/" + msg));
        // A group that does not exist answers the same.
        answers.add(as(outsider).get("/api/v1/groups/999999999"));
        answers.add(as(outsider).body(Map.of("group_id", 999_999_999, "content", "x")).post("/api/v1/messages/send"));
        for (var r : answers) {
            assertEquals(404, r.statusCode(), r.asString());
            assertEquals("NOT_FOUND", r.path("error"));
        }
        as(outsider).get("/api/v1/groups").then().body("data.size()", equalTo(0));
        as(member).get(g + "/messages").then().statusCode(200).body("data.id", equalTo(List.of(msg)));
    }
}
