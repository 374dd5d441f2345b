package com.healthtourism.hub.cases;

import java.util.List;
import java.util.UUID;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.DataAccessException;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.data.redis.core.script.RedisScript;
import org.springframework.stereotype.Component;

import com.healthtourism.hub.problems.Conflict;

/**
 * {@code case:lock:{caseId}} keeps two workers off one case: set if absent with an owner token and a lifetime
 * ({@code hub.cases.lock-ttl}, 5 minutes), released only by its owner (compare-and-delete in one Lua script), so a
 * worker whose lock expired cannot release the next owner's. The lock is an optimisation: the case row's version is
 * the truth, so when Redis is away a move goes ahead on the version check alone (counted).
 */
@Component
public class CaseLocks {

    private static final Logger log = LoggerFactory.getLogger(CaseLocks.class);
    private static final RedisScript<Long> RELEASE = RedisScript.of("""
            if redis.call('get', KEYS[1]) == ARGV[1] then
                return redis.call('del', KEYS[1])
            end
            return 0""", Long.class);

    private final StringRedisTemplate redis;
    private final CaseProperties properties;
    private final Counter unavailable;

    public CaseLocks(StringRedisTemplate redis, CaseProperties properties, MeterRegistry meters) {
        this.redis = redis;
        this.properties = properties;
        this.unavailable = Counter.builder("hub.cases.lock.unavailable")
                .description("case moves made without case:lock because Redis failed (the version check still holds)")
                .register(meters);
    }

    /** A held lock; closing it releases the lock if this owner still holds it. */
    public interface Held extends AutoCloseable {
        @Override
        void close();
    }

    /** @throws Conflict when another worker holds the case's lock */
    public Held acquire(UUID caseId) {
        var key = key(caseId);
        var token = UUID.randomUUID().toString();
        Boolean acquired;
        try {
            acquired = redis.opsForValue().setIfAbsent(key, token, properties.lockTtl());
        } catch (DataAccessException e) {
            unavailable.increment();
            log.warn("case lock not taken ({}); the version check decides", e.getClass().getSimpleName());
            return () -> { };
        }
        if (!Boolean.TRUE.equals(acquired)) {
            throw new Conflict(null, "case " + caseId + " is being changed by another worker; retry later");
        }
        return () -> release(key, token);
    }

    static String key(UUID caseId) {
        return "case:lock:" + caseId;
    }

    private void release(String key, String token) {
        try {
            redis.execute(RELEASE, List.of(key), token);
        } catch (DataAccessException e) {
            log.warn("case lock not released ({}); it expires by itself", e.getClass().getSimpleName());
        }
    }
}
