package io.imsystem.auth;

import static io.imsystem.auth.Api.json;
import static io.imsystem.auth.Api.newName;
import static io.imsystem.auth.Api.register;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasKey;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.matchesPattern;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.nullValue;

import io.quarkus.test.junit.QuarkusTest;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

@QuarkusTest
class RegistrationTest {

    private static final String ISO_UTC = "\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ";

    @Test
    void registerAnswersTheOwnUserAndATokenPair() {
        String name = newName();
        register(Map.of("username", name, "password", Api.PASSWORD, "email", name + "@example.com", "nickname", "Nick"))
                .then().statusCode(200)
                .body("code", is(0))
                .body("message", is("ok"))
                .body("data.user.id", notNullValue())
                .body("data.user.username", is(name))
                .body("data.user.email", is(name + "@example.com"))
                .body("data.user.nickname", is("Nick"))
                .body("data.user.avatar", is(""))
                .body("data.user.status", is("online"))
                .body("data.user.created_at", matchesPattern(ISO_UTC))
                .body("data.user.updated_at", matchesPattern(ISO_UTC))
                .body("data.user.last_seen", matchesPattern(ISO_UTC))
                .body("data.user", not(hasKey("password")))
                .body("data.user", not(hasKey("password_hash")))
                .body("data.access_token", matchesPattern("[\\w-]+\\.[\\w-]+\\.[\\w-]+"))
                .body("data.refresh_token", matchesPattern("[\\w-]{43}"))
                .body("data.expires_in", is(86400));
    }

    @Test
    void nicknameDefaultsToUsernameAndEmailIsOptional() {
        String name = newName();
        register(Map.of("username", name, "password", Api.PASSWORD)).then().statusCode(200)
                .body("data.user.nickname", is(name))
                .body("data.user.email", nullValue());
    }

    @Test
    void usernameIsUniqueWhateverItsCase() {
        String name = newName();
        register(Map.of("username", name, "password", Api.PASSWORD)).then().statusCode(200);
        register(Map.of("username", name.toUpperCase(), "password", Api.PASSWORD)).then().statusCode(409)
                .body("code", is(409))
                .body("error", is("USERNAME_TAKEN"));
    }

    @Test
    void emailIsUnique() {
        String name = newName();
        register(Map.of("username", name, "password", Api.PASSWORD, "email", name + "@example.com")).then().statusCode(200);
        register(Map.of("username", newName(), "password", Api.PASSWORD, "email", name.toUpperCase() + "@EXAMPLE.com"))
                .then().statusCode(409)
                .body("error", is("EMAIL_TAKEN"));
    }

    @Test
    void invalidFieldsAreNamedInTheError() {
        register(Map.of("username", "ab", "password", "short", "email", "not-an-email"))
                .then().statusCode(400)
                .body("code", is(400))
                .body("error", is("VALIDATION_FAILED"))
                .body("fields.username", notNullValue())
                .body("fields.password", notNullValue())
                .body("fields.email", notNullValue());
        register(Map.of("username", "bad name!", "password", Api.PASSWORD)).then().statusCode(400)
                .body("fields.username", notNullValue());
        register(Map.of("username", "x".repeat(33), "password", Api.PASSWORD)).then().statusCode(400)
                .body("fields.username", notNullValue());
        register(Map.of("username", newName(), "password", "p".repeat(129))).then().statusCode(400)
                .body("fields.password", notNullValue());
        register(Map.of("password", Api.PASSWORD)).then().statusCode(400)
                .body("fields.username", notNullValue());
    }

    @Test
    void usernameMayUseDotsDashesAndUnderscores() {
        String name = "a.b-c_" + newName().substring(0, 8);
        register(Map.of("username", name, "password", "p".repeat(128))).then().statusCode(200)
                .body("data.user.username", is(name));
    }

    @Test
    void fourByteEmojiNicknamesRoundTrip() {
        String nickname = "Zoë 😀🚀 𝄞";
        String name = newName();
        String token = register(Map.of("username", name, "password", Api.PASSWORD, "nickname", nickname))
                .then().statusCode(200).body("data.user.nickname", is(nickname))
                .extract().path("data.access_token");
        Api.bearer(token).get("/api/v1/users/profile").then().statusCode(200)
                .body("data.nickname", equalTo(nickname));
    }

    @Test
    void bodyOverOneMebibyteIsRefusedWith413() {
        Map<String, Object> body = new HashMap<>();
        body.put("username", newName());
        body.put("password", Api.PASSWORD);
        body.put("nickname", "x".repeat(1024 * 1024 + 10));
        register(body).then().statusCode(413)
                .body("code", is(413))
                .body("error", is("PAYLOAD_TOO_LARGE"));
    }

    @Test
    void malformedJsonIs400InTheEnvelope() {
        json().body("{\"username\": ").post("/api/v1/users/register").then().statusCode(400)
                .body("code", is(400))
                .body("error", is("VALIDATION_FAILED"));
    }
}
