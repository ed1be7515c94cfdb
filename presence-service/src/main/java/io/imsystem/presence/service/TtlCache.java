package io.imsystem.presence.service;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A small per-key cache with a time to live. Batch lookups hit it id by id and fetch only the
 * misses in one call, which an annotation cache keyed by the whole id list cannot do.
 */
final class TtlCache<K, V> {

    private record Entry<V>(V value, long expiresAt) {
    }

    private final Map<K, Entry<V>> entries = new ConcurrentHashMap<>();
    private final long ttlMillis;
    private final int maxSize;

    TtlCache(Duration ttl, int maxSize) {
        this.ttlMillis = ttl.toMillis();
        this.maxSize = maxSize;
    }

    Optional<V> get(K key) {
        Entry<V> e = entries.get(key);
        if (e == null) {
            return Optional.empty();
        }
        if (e.expiresAt() < System.currentTimeMillis()) {
            entries.remove(key, e);
            return Optional.empty();
        }
        return Optional.of(e.value());
    }

    void put(K key, V value) {
        if (ttlMillis <= 0) {
            return;
        }
        if (entries.size() >= maxSize) {
            long now = System.currentTimeMillis();
            entries.values().removeIf(e -> e.expiresAt() < now);
            if (entries.size() >= maxSize) {
                entries.clear();
            }
        }
        entries.put(key, new Entry<>(value, System.currentTimeMillis() + ttlMillis));
    }
}
