package io.imsystem.message;

import io.quarkus.test.junit.QuarkusTestProfile;
import java.util.Map;

/** message-service with MESSAGE_REQUIRE_FRIENDSHIP on and a small group size limit. */
public class FriendsOnlyProfile implements QuarkusTestProfile {

    static final int MAX_MEMBERS = 4;

    @Override
    public Map<String, String> getConfigOverrides() {
        return Map.of("im.message.require-friendship", "true",
                "im.message.group-max-members", String.valueOf(MAX_MEMBERS));
    }
}
