package com.healthtourism.hub.webhooks;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.UUID;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.data.redis.core.script.RedisScript;
import org.springframework.stereotype.Component;

/**
 * The fast path of de-duplication: Redis remembers a delivery's message id for an hour under
 * {@code idem:{tenant}:{source}:{dedupe key}}, written only once the message is committed. The inbox
 * ({@link DurableInbox}) asks about a whole batch of deliveries before storing it and tells about a
 * commit's new messages after their partners were answered, one round trip each. The truth is the
 * UNIQUE key in PostgreSQL, which also catches repeats Redis forgot or never saw.
 *
 * <p>While the intake's Redis breaker tries Redis again after an outage (half-open), the inbox does not ask or tell
 * Redis at all and leaves the trial calls to the rate count, which every request makes: one writer commits for every
 * tenant, and a Redis that is still slow would hold each trial's whole batch, and everything queued behind it.
 */
@Component("deduplication")
public class Deduplication {

    private static final Logger log = LoggerFactory.getLogger(Deduplication.class);

    // SET key id EX ttl for every key: ARGV[1] is the TTL in seconds, ARGV[i + 1] the message id of KEYS[i]
    private static final RedisScript<Long> REMEMBER = RedisScript.of("""
            for i = 1, #KEYS do
                redis.call('SET', KEYS[i], ARGV[i + 1], 'EX', ARGV[1])
            end
            return #KEYS
            """, Long.class);

    private final StringRedisTemplate redis;
    private final WebhookProperties properties;
    private final CircuitBreaker breaker;

    public Deduplication(StringRedisTemplate redis, WebhookProperties properties, CircuitBreaker redisCircuitBreaker) {
        this.redis = redis;
        this.properties = properties;
        this.breaker = redisCircuitBreaker;
    }

    /**
     * The first messages Redis remembers for these deliveries, in their order (null where it knows none), asked in
     * one command. When Redis cannot be reached (or the intake's Redis breaker is open) it knows none.
     */
    public List<UUID> recall(List<Delivery> deliveries) {
        if (trying()) {
            return Collections.nCopies(deliveries.size(), null);
        }
        try {
            var keys = deliveries.stream().map(Deduplication::key).toList();
            var known = breaker.executeSupplier(() -> redis.opsForValue().multiGet(keys));
            var ids = new ArrayList<UUID>(deliveries.size());
            for (var id : known) {
                ids.add(id == null ? null : UUID.fromString(id));
            }
            return ids;
        } catch (RuntimeException unavailable) {
            log.debug("de-duplication falls back to PostgreSQL: {}", unavailable.getClass().getSimpleName());
            return Collections.nCopies(deliveries.size(), null);
        }
    }

    /**
     * Remembers newly stored deliveries' messages for later repeats, all in one command. Redis is only the fast path:
     * when it cannot be reached (or the intake's Redis breaker is open) nothing is remembered, and a repeat is
     * resolved by PostgreSQL.
     */
    public void remember(List<Delivery> stored) {
        if (stored.isEmpty() || trying()) {
            return;
        }
        var keys = new ArrayList<String>(stored.size());
        var args = new ArrayList<String>(stored.size() + 1);
        args.add(Long.toString(properties.idempotencyTtl().toSeconds()));
        for (var delivery : stored) {
            keys.add(key(delivery));
            args.add(delivery.messageId().toString());
        }
        try {
            breaker.executeRunnable(() -> redis.execute(REMEMBER, keys, args.toArray()));
        } catch (RuntimeException unavailable) {
            log.debug("{} deliveries not remembered in Redis: {}", stored.size(), unavailable.getClass().getSimpleName());
        }
    }

    /** The breaker is letting a few trial calls through to find out whether Redis is back. */
    private boolean trying() {
        return breaker.getState() == CircuitBreaker.State.HALF_OPEN;
    }

    static String key(Delivery delivery) {
        return "idem:" + delivery.tenantId() + ":" + delivery.source() + ":" + delivery.identity().dedupeKey();
    }
}
