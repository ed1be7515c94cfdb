package io.imsystem.presence.service;

import io.quarkus.redis.datasource.RedisDataSource;
import io.vertx.mutiny.redis.client.Response;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/** A Lua script run with EVALSHA (EVAL once when Redis does not know it yet, e.g. after a restart). */
final class LuaScript {

    private final String body;
    private final String sha;

    LuaScript(String body) {
        this.body = body;
        try {
            this.sha = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-1").digest(body.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    Response run(RedisDataSource redis, List<String> keys, String... args) {
        List<String> command = new ArrayList<>(keys.size() + args.length + 2);
        command.add(sha);
        command.add(String.valueOf(keys.size()));
        command.addAll(keys);
        command.addAll(List.of(args));
        try {
            return redis.execute("EVALSHA", command.toArray(String[]::new));
        } catch (RuntimeException e) {
            if (e.getMessage() == null || !e.getMessage().contains("NOSCRIPT")) {
                throw e;
            }
            command.set(0, body);
            return redis.execute("EVAL", command.toArray(String[]::new));
        }
    }
}
