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
 * schema (init arg {@code database}) and a Redis key prefix of its own. DB_USERNAME/DB_PASSWORD
 * come from the environment, as in production.
 */
public class PackagedJarResource implements QuarkusTestResourceLifecycleManager {

    private String database;

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
