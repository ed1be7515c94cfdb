package io.imsystem.message;

import static io.imsystem.message.TestUsers.as;
import static io.imsystem.message.TestUsers.chat;
import static io.imsystem.message.TestUsers.newUser;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** With MESSAGE_REQUIRE_FRIENDSHIP on (and GROUP_MAX_MEMBERS small): only friends exchange private messages. */
@QuarkusTest
@TestProfile(FriendsOnlyProfile.class)
class FriendsOnlyTest {

    @Inject
    EntityManager em;

    @Test
    void strangersGet403NotFriendsAndFriendsGetThrough() {
        long alice = newUser();
        long bob = newUser();
        as(alice).body(chat(bob, "hi stranger")).post("/api/v1/messages/send")
                .then().statusCode(403).body("error", equalTo("NOT_FRIENDS"));
        assertEquals(0L, em.createQuery("select count(m) from Message m where m.senderId = :s").setParameter("s", alice).getSingleResult());
        FakeAuthResource.befriend(alice, bob);
        as(alice).body(chat(bob, "hi friend")).post("/api/v1/messages/send").then().statusCode(200).body("data.seq", equalTo(1));
        // A block wins over friendship.
        FakeAuthResource.block(bob, alice);
        as(alice).body(chat(bob, "still friends?")).post("/api/v1/messages/send")
                .then().statusCode(403).body("error", equalTo("BLOCKED"));
    }

    @Test
    void groupsHoldAtMostTheConfiguredMembers() {
        long owner = newUser();
        List<Long> three = List.of(newUser(), newUser(), newUser());
        as(owner).body(Map.of("name", "too big", "member_ids", List.of(newUser(), newUser(), newUser(), newUser())))
                .post("/api/v1/groups").then().statusCode(409).body("error", equalTo("GROUP_FULL"));
        // The owner counts, and is not counted twice when listed.
        List<Long> withOwner = new java.util.ArrayList<>(three);
        withOwner.add(owner);
        long group = TestGroups.create(owner, withOwner);
        as(owner).get("/api/v1/groups/" + group).then().body("data.member_count", equalTo(FriendsOnlyProfile.MAX_MEMBERS));
        as(owner).body(Map.of("user_ids", List.of(newUser()))).post("/api/v1/groups/" + group + "/members")
                .then().statusCode(409).body("error", equalTo("GROUP_FULL"));
        // Adding who is already in changes nothing and is no error.
        as(owner).body(Map.of("user_ids", List.of(three.get(0)))).post("/api/v1/groups/" + group + "/members")
                .then().statusCode(200).body("data.member_count", equalTo(4));
        as(owner).delete("/api/v1/groups/" + group + "/members/" + three.get(0)).then().statusCode(200);
        as(owner).body(Map.of("user_ids", List.of(newUser()))).post("/api/v1/groups/" + group + "/members")
                .then().statusCode(200).body("data.member_count", equalTo(4));
        // Friendship is about private messages: members who are not friends talk in the group.
        TestGroups.send(three.get(1), group, "no friends needed here");
    }
}
