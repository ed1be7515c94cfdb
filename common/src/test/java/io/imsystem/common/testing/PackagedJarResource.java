package io.imsystem.common.testing;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;

/**
 * What a packaged jar needs to start in the prod profile for a {@code @QuarkusIntegrationTest}: a
 * key pair of its own (the guard refuses the test keys in prod, as it should), the module's test
 * schema (init arg {@code database}), a Redis key prefix, service keys and a management port of its own. DB_USERNAME/DB_PASSWORD
 * come from the environment, as in production.
 */
public class PackagedJarResource implements QuarkusTestResourceLifecycleManager {

    /** Service keys of this test JVM (the guard refuses the test profile's in prod), by service. */
    private static final Map<String, byte[]> SERVICE_KEYS = new HashMap<>();
    private static int managementPort;

    private String database;

    /** A valid service token of {@code issuer} for {@code audience} with this JVM's keys (userId 0: none). */
    public static synchronized String token(String issuer, String audience, long userId) {
        long now = System.currentTimeMillis() / 1000;
        return io.imsystem.common.security.InternalCredential.sign(issuer, audience, userId, null, now, now + 60, serviceKey(issuer));
    }

    private static synchronized byte[] serviceKey(String service) {
        return SERVICE_KEYS.computeIfAbsent(service, s -> {
            byte[] random = new byte[32];
            new java.security.SecureRandom().nextBytes(random);
            return java.util.HexFormat.of().formatHex(random).getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        });
    }

    /** The packaged jar's management port (/q/health, /q/metrics, /q/openapi). */
    public static synchronized int managementPort() {
        return managementPort;
    }

    @Override
    public void init(Map<String, String> initArgs) {
        database = initArgs.get("database");
    }

    @Override
    public Map<String, String> start() {
        try {
            Path keys = Files.createDirectories(Path.of("target", "it-keys").toAbsolutePath());
            KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
            generator.initialize(2048);
            KeyPair pair = generator.generateKeyPair();
            Files.writeString(keys.resolve("private.pem"), pem("PRIVATE KEY", pair.getPrivate().getEncoded()));
            Files.writeString(keys.resolve("public.pem"), pem("PUBLIC KEY", pair.getPublic().getEncoded()));
            Map<String, String> config = new HashMap<>();
            config.put("mp.jwt.verify.publickey.location", keys.resolve("public.pem").toString());
            config.put("smallrye.jwt.sign.key.location", keys.resolve("private.pem").toString());
            config.put("im.redis.key-prefix", "it-" + UUID.randomUUID().toString().substring(0, 8) + ":");
            for (String service : new String[] {"gateway-service", "message-service", "presence-service"}) {
                config.put("im.internal.keys." + service, new String(serviceKey(service), java.nio.charset.StandardCharsets.US_ASCII));
            }
            synchronized (PackagedJarResource.class) {
                try (java.net.ServerSocket free = new java.net.ServerSocket(0)) {
                    managementPort = free.getLocalPort();
                }
            }
            config.put("quarkus.management.port", Integer.toString(managementPort));
            if (database != null) {
                config.put("quarkus.datasource.jdbc.url", "jdbc:mysql://" + env("DB_HOST", "localhost") + ":" + env("DB_PORT", "3306")
                        + "/" + database + "?characterEncoding=UTF-8&connectionCollation=utf8mb4_unicode_ci");
            }
            return config;
        } catch (IOException | NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void stop() {
    }

    private static String env(String name, String fallback) {
        String value = System.getenv(name);
        return value == null || value.isBlank() ? fallback : value;
    }

    private static String pem(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n" + Base64.getMimeEncoder(64, "\n".getBytes()).encodeToString(der)
                + "\n-----END " + type + "-----\n";
    }
}
