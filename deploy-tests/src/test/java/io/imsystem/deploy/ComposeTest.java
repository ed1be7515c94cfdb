package io.imsystem.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** docker/compose.yaml, checked statically: all six services, healthchecks, images built from our Dockerfiles, ports. */
class ComposeTest {

    private static Map<String, Object> services;

    @BeforeAll
    static void load() {
        Map<String, Object> compose = Yaml.load(Repo.read(Repo.path("docker/compose.yaml")));
        services = Yaml.map(compose.get("services"));
    }

    @Test
    void bringsUpTheDatabaseRedisAndTheFourServices() {
        assertEquals(List.of("mariadb", "redis", "auth-service", "message-service", "presence-service", "gateway-service"),
                List.copyOf(services.keySet()));
    }

    @Test
    void redisHasAMemoryCapBelowItsLimitAndEvictsNothing() {
        List<String> command = Yaml.strings(Yaml.at(services.get("redis"), "command"));
        int cap = command.indexOf("--maxmemory");
        assertTrue(cap >= 0, "redis sets --maxmemory: " + command);
        long capMb = Long.parseLong(command.get(cap + 1).replace("mb", ""));
        long limitMb = Long.parseLong(String.valueOf(Yaml.map(services.get("redis")).get("mem_limit")).replace("m", ""));
        assertTrue(capMb < limitMb, "maxmemory " + capMb + " below mem_limit " + limitMb);
        assertEquals("noeviction", command.get(command.indexOf("--maxmemory-policy") + 1));
    }

    @Test
    void everyContainerHasAHealthcheck() {
        services.forEach((name, svc) -> {
            List<String> test = Yaml.strings(Yaml.at(svc, "healthcheck", "test"));
            assertTrue(test.size() >= 2, name + " has no healthcheck test");
        });
        for (String svc : Repo.SERVICES) {
            String test = String.join(" ", Yaml.strings(Yaml.at(services.get(svc), "healthcheck", "test")));
            int management = Repo.managementPort(svc);
            assertTrue(test.contains("/q/health/ready") && test.contains("/" + management + " "),
                    svc + ": the healthcheck must ask /q/health/ready on the management port " + management);
            assertEquals(String.valueOf(management), String.valueOf(Yaml.at(services.get(svc), "environment", "MANAGEMENT_PORT")));
        }
    }

    @Test
    void managementPortsArePublishedOnLoopbackOnly() {
        for (String svc : Repo.SERVICES) {
            int management = Repo.managementPort(svc);
            for (String published : Yaml.strings(Yaml.at(services.get(svc), "ports"))) {
                if (published.endsWith(":" + management)) {
                    assertTrue(published.startsWith("127.0.0.1:"), svc + ": the management port only on loopback, not " + published);
                }
            }
        }
    }

    @Test
    void servicesAreBuiltFromTheirJvmDockerfileWithTheRepositoryAsContext() {
        for (String svc : Repo.SERVICES) {
            Object build = Yaml.at(services.get(svc), "build");
            assertNotNull(build, svc + " must be built");
            assertEquals("..", Yaml.str(build, "context"), svc + ": build context is the repository root");
            String dockerfile = Yaml.str(build, "dockerfile");
            assertEquals(svc + "/src/main/docker/Dockerfile.jvm", dockerfile);
            assertTrue(Files.isRegularFile(Repo.path(dockerfile)), dockerfile + " missing");
        }
    }

    @Test
    void portsMatchApplicationProperties() {
        for (String svc : Repo.SERVICES) {
            int port = Repo.port(svc);
            Map<String, Object> env = Yaml.map(Yaml.at(services.get(svc), "environment"));
            assertEquals(String.valueOf(port), String.valueOf(env.get("SERVER_PORT")), svc + " SERVER_PORT");
            List<String> ports = Yaml.strings(Yaml.at(services.get(svc), "ports"));
            assertTrue(ports.stream().anyMatch(p -> p.endsWith(":" + port + ":" + port) || p.equals(port + ":" + port)),
                    svc + ": publishes " + ports + ", expected " + port);
        }
        Map<String, Object> gateway = Yaml.map(Yaml.at(services.get("gateway-service"), "environment"));
        for (String[] url : new String[][] {{"AUTH_URL", "auth-service"}, {"MESSAGE_URL", "message-service"}, {"PRESENCE_URL", "presence-service"}}) {
            assertEquals("http://" + url[1] + ":" + Repo.port(url[1]), gateway.get(url[0]), "gateway " + url[0]);
        }
    }

    @Test
    void servicesGetTheirSettingsAndWaitForHealthyDependencies() {
        for (String svc : Repo.SERVICES) {
            Map<String, Object> env = Yaml.map(Yaml.at(services.get(svc), "environment"));
            for (String name : List.of("REDIS_HOST", "REDIS_PORT", "REDIS_PASSWORD", "JWT_PUBLIC_KEY", "JWT_ISSUER")) {
                assertNotNull(env.get(name), svc + " needs " + name);
            }
            if (Repo.DB_SERVICES.contains(svc)) {
                for (String name : List.of("DB_HOST", "DB_PORT", "DB_USERNAME", "DB_PASSWORD", "DB_DATABASE")) {
                    assertNotNull(env.get(name), svc + " needs " + name);
                }
                assertTrue(String.valueOf(env.get("DB_PASSWORD")).startsWith("${"), svc + ": DB_PASSWORD comes from docker/.env, not the file");
                assertEquals("service_healthy", Yaml.str(services.get(svc), "depends_on", "mariadb", "condition"));
            }
            assertEquals("service_healthy", Yaml.str(services.get(svc), "depends_on", "redis", "condition"), svc + " waits for Redis");
        }
        for (String svc : Repo.SERVICES) {
            Map<String, Object> env = Yaml.map(Yaml.at(services.get(svc), "environment"));
            java.util.Set<String> holds = Repo.serviceKeys(svc);
            for (String key : List.of("SERVICE_KEY_GATEWAY", "SERVICE_KEY_MESSAGE", "SERVICE_KEY_PRESENCE")) {
                if (holds.contains(key)) {
                    assertTrue(String.valueOf(env.get(key)).startsWith("${" + key + ":?"), svc + ": " + key + " comes from docker/.env, required");
                } else {
                    assertNull(env.get(key), svc + " must not get " + key + " (it holds " + holds + ")");
                }
            }
            assertNull(env.get("INTERNAL_SECRET"), svc + ": INTERNAL_SECRET is gone");
            assertNull(env.get("HTTP_TRUSTED_PROXIES"), svc + ": no backend believes a forwarded header");
        }
        assertEquals(java.util.Set.of("SERVICE_KEY_GATEWAY"), Repo.serviceKeys("gateway-service"), "the gateway holds its own key alone");
        assertNotNull(Yaml.at(services.get("gateway-service"), "environment", "IM_GATEWAY_ID"));
        assertNotNull(Yaml.at(services.get("auth-service"), "environment", "JWT_PRIVATE_KEY"));
    }

    @Test
    void envExampleHasEveryRequiredVariableAndOnlyPlaceholders() {
        Map<String, String> example = new LinkedHashMap<>();
        for (String line : Repo.read(Repo.path("docker/env.example")).split("\n")) {
            int eq = line.indexOf('=');
            if (!line.startsWith("#") && eq > 0) {
                example.put(line.substring(0, eq).trim(), line.substring(eq + 1).trim());
            }
        }
        TreeSet<String> required = new TreeSet<>();
        Matcher m = Pattern.compile("\\$\\{([A-Z][A-Z0-9_]*):\\?").matcher(Repo.read(Repo.path("docker/compose.yaml")));
        while (m.find()) {
            required.add(m.group(1));
        }
        assertTrue(required.containsAll(List.of("SERVICE_KEY_GATEWAY", "SERVICE_KEY_MESSAGE", "SERVICE_KEY_PRESENCE")), "compose requires " + required);
        for (String var : required) {
            assertTrue(example.containsKey(var), "docker/env.example must name " + var + " (compose requires it)");
        }
        // Secrets are placeholders; the internal secret's is one StartupGuard refuses in prod (change-me...).
        for (String var : List.of("DB_PASSWORD", "DB_ROOT_PASSWORD", "REDIS_PASSWORD", "SERVICE_KEY_GATEWAY", "SERVICE_KEY_MESSAGE",
                "SERVICE_KEY_PRESENCE")) {
            assertTrue(example.get(var).startsWith("change-me"), "docker/env.example: " + var + " must be a change-me placeholder");
        }
    }
}
