package io.imsystem.common.redis;

import io.quarkus.redis.datasource.RedisDataSource;
import io.vertx.mutiny.redis.client.Command;
import io.vertx.mutiny.redis.client.Redis;
import io.vertx.mutiny.redis.client.Request;
import io.vertx.mutiny.redis.client.Response;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * A Lua script called by its SHA1 ({@code EVALSHA}), so the source travels once, not with every call;
 * when Redis does not know it (restarted or flushed: {@code NOSCRIPT}) it is sent again and the call
 * repeated. Every script of the services is one of these.
 */
public final class LuaScript {

    private final String source;
    private final String sha;

    public LuaScript(String source) {
        this.source = source;
        try {
            this.sha = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-1").digest(source.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The call as a request, for a pipeline ({@link #pipeline}). */
    public Request call(List<String> keys, List<String> args) {
        Request r = Request.cmd(Command.EVALSHA).arg(sha).arg(keys.size());
        keys.forEach(r::arg);
        args.forEach(r::arg);
        return r;
    }

    /** Runs the script once, blocking. */
    public Response run(RedisDataSource redis, List<String> keys, String... args) {
        return run(redis, keys, List.of(args));
    }

    /** Runs the script once, blocking. */
    public Response run(RedisDataSource redis, List<String> keys, List<String> args) {
        List<String> rest = new ArrayList<>(keys.size() + args.size() + 1);
        rest.add(String.valueOf(keys.size()));
        rest.addAll(keys);
        rest.addAll(args);
        List<String> withSha = new ArrayList<>(rest.size() + 1);
        withSha.add(sha);
        withSha.addAll(rest);
        try {
            return redis.execute("EVALSHA", withSha.toArray(String[]::new));
        } catch (RuntimeException e) {
            if (!isNoScript(e)) {
                throw e;
            }
            List<String> withSource = new ArrayList<>(rest.size() + 1);
            withSource.add(source);
            withSource.addAll(rest);
            return redis.execute("EVAL", withSource.toArray(String[]::new));
        }
    }

    /** Runs the script once without blocking (the source again on NOSCRIPT). */
    public io.smallrye.mutiny.Uni<Response> send(Redis redis, List<String> keys, List<String> args) {
        return redis.send(call(keys, args)).onFailure(LuaScript::isNoScript).recoverWithUni(() -> {
            Request r = Request.cmd(Command.EVAL).arg(source).arg(keys.size());
            keys.forEach(r::arg);
            args.forEach(r::arg);
            return redis.send(r);
        });
    }

    /**
     * Sends {@code requests} in one pipelined round trip; when one failed with NOSCRIPT, loads
     * {@code scripts} and sends them all again (so the scripts of such a pipeline must bear running twice).
     */
    public static List<Response> pipeline(Redis redis, List<Request> requests, LuaScript... scripts) {
        try {
            return redis.batchAndAwait(requests);
        } catch (RuntimeException e) {
            if (!isNoScript(e) || scripts.length == 0) {
                throw e;
            }
            List<Request> loads = new ArrayList<>();
            for (LuaScript s : scripts) {
                loads.add(Request.cmd(Command.SCRIPT).arg("LOAD").arg(s.source));
            }
            redis.batchAndAwait(loads);
            return redis.batchAndAwait(requests);
        }
    }

    static boolean isNoScript(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t.getMessage() != null && t.getMessage().contains("NOSCRIPT")) {
                return true;
            }
        }
        return false;
    }
}
