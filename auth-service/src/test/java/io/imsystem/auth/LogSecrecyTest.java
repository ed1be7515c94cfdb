package io.imsystem.auth;

import static io.imsystem.auth.Api.bearer;
import static io.imsystem.auth.Api.json;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quarkus.test.junit.QuarkusTest;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.jboss.logmanager.ExtLogRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** No password, access token or refresh token may reach the log, whatever the flow. */
@QuarkusTest
class LogSecrecyTest {

    private final List<String> lines = new CopyOnWriteArrayList<>();
    private final Handler capture = new Handler() {
        @Override
        public void publish(LogRecord record) {
            StringBuilder line = new StringBuilder(record.getLoggerName()).append(' ');
            line.append(record instanceof ExtLogRecord ext ? ext.getFormattedMessage() : record.getMessage());
            if (record.getThrown() != null) {
                StringWriter trace = new StringWriter();
                record.getThrown().printStackTrace(new PrintWriter(trace));
                line.append('\n').append(trace);
            }
            lines.add(line.toString());
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    };

    @BeforeEach
    void captureAllLogs() {
        capture.setLevel(Level.ALL);
        Logger.getLogger("").addHandler(capture);
    }

    @AfterEach
    void stopCapturing() {
        Logger.getLogger("").removeHandler(capture);
    }

    @Test
    void noSecretReachesTheLog() {
        String name = Api.newName();
        String password = "s3cret-Pa55word-" + name;
        var registered = Api.register(Map.of("username", name, "password", password, "email", name + "@example.com"));
        registered.then().statusCode(200);
        Api.login(name, "wrong-" + password, Api.newAddress()).then().statusCode(401);
        var login = Api.login(name, password, Api.newAddress());
        login.then().statusCode(200);
        String refresh = login.jsonPath().getString("data.refresh_token");
        var refreshed = json().body(Map.of("refresh_token", refresh)).post("/api/v1/auth/refresh");
        refreshed.then().statusCode(200);
        // reuse of a spent token logs a warning about the session: it must not carry the token
        json().body(Map.of("refresh_token", refresh)).post("/api/v1/auth/refresh").then().statusCode(401);
        String access = refreshed.jsonPath().getString("data.access_token");
        Api.Session second = Api.Session.of(Api.login(name, password, Api.newAddress()), name);
        bearer(second.accessToken()).post("/api/v1/users/logout").then().statusCode(200);
        bearer(second.accessToken()).get("/api/v1/users/profile").then().statusCode(401);

        String log = String.join("\n", lines);
        assertTrue(log.contains("user registered") && log.contains("user logged out"),
                "the capture must see the service's own log lines:\n" + log);
        List<String> secrets = List.of(password, "wrong-" + password,
                registered.jsonPath().getString("data.access_token"), registered.jsonPath().getString("data.refresh_token"),
                login.jsonPath().getString("data.access_token"), refresh,
                access, refreshed.jsonPath().getString("data.refresh_token"),
                second.accessToken(), second.refreshToken());
        for (String secret : secrets) {
            assertFalse(log.contains(secret), "a secret reached the log");
            // nor a recognisable part of a token (its signature)
            String tail = secret.substring(Math.max(0, secret.length() - 20));
            assertFalse(log.contains(tail), "part of a secret reached the log");
        }
    }
}
