package com.healthtourism.hub.webhooks;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.apache.camel.ExchangeProperty;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.data.redis.core.script.RedisScript;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Component;

/**
 * One-minute fixed windows in Redis: {@code rate:global:{ip}} across all tenants and
 * {@code rate:{tenant}:{ip}:{route}} per tenant and source, both counted in one round trip, which the deliveries
 * counted at the same time share ({@link GroupedRoundTrips}). When Redis cannot be asked the limits fail open, and
 * {@code hub.webhooks.ratelimit.failopen} says so.
 */
@Component("rateLimits")
public class RateLimits implements AutoCloseable {

    private static final long WINDOW_SECONDS = 60;
    // Both windows of every delivery in the group, in one call: for each pair of keys, the two counts and the
    // seconds left of each window.
    private static final RedisScript<List> COUNT = RedisScript.of("""
            local counts = {}
            for i = 1, #KEYS, 2 do
                local global = redis.call('INCR', KEYS[i])
                if global == 1 then redis.call('EXPIRE', KEYS[i], ARGV[1]) end
                local route = redis.call('INCR', KEYS[i + 1])
                if route == 1 then redis.call('EXPIRE', KEYS[i + 1], ARGV[1]) end
                counts[#counts + 1] = global
                counts[#counts + 1] = route
                counts[#counts + 1] = redis.call('TTL', KEYS[i])
                counts[#counts + 1] = redis.call('TTL', KEYS[i + 1])
            end
            return counts
            """, List.class);
    private static final int MAX_GROUP = 256;

    private final StringRedisTemplate redis;
    private final WebhookProperties properties;
    private final Counter failOpen;
    private final GroupedRoundTrips<Delivery, RateLimitStatus> counting;

    /** @param redisTimeout how long Redis may take to answer (spring.data.redis.timeout); a count waits a little longer */
    public RateLimits(StringRedisTemplate redis, WebhookProperties properties, MeterRegistry meters,
                      @Value("${spring.data.redis.timeout:2s}") Duration redisTimeout) {
        this.redis = redis;
        this.properties = properties;
        this.counting = new GroupedRoundTrips<>("webhook-rate-counter", this::countAll, MAX_GROUP,
                redisTimeout.plusSeconds(1));
        this.failOpen = Counter.builder("hub.webhooks.ratelimit.failopen")
                .description("Webhook deliveries let through unlimited because Redis could not be asked")
                .register(meters);
    }

    /**
     * Counts the delivery in both windows. Deliveries counted at the same time share one Redis round trip. Throws
     * when Redis cannot be asked.
     */
    public void count(@ExchangeProperty("delivery") Delivery delivery) {
        delivery.rateLimit(counting.call(delivery));
    }

    private List<RateLimitStatus> countAll(List<Delivery> deliveries) {
        var keys = new ArrayList<String>(deliveries.size() * 2);
        for (var delivery : deliveries) {
            var ip = delivery.clientIp();
            keys.add("rate:global:" + ip);
            keys.add("rate:" + delivery.tenantId() + ":" + ip + ":webhooks/" + delivery.source());
        }
        var counts = redis.execute(COUNT, keys, Long.toString(WINDOW_SECONDS));
        var statuses = new ArrayList<RateLimitStatus>(deliveries.size());
        for (int i = 0; i < deliveries.size(); i++) {
            statuses.add(status(deliveries.get(i), (Long) counts.get(4 * i), (Long) counts.get(4 * i + 1),
                    (Long) counts.get(4 * i + 2), (Long) counts.get(4 * i + 3)));
        }
        return statuses;
    }

    /**
     * The delivery's standing in both windows. The reset is that of the window that binds: the exceeded one (when
     * both are, the later, since a retry needs room in both), else the one with fewer deliveries left; the windows
     * start independently, so their resets differ.
     */
    RateLimitStatus status(Delivery delivery, long global, long route, long globalTtl, long routeTtl) {
        var routeLimit = delivery.partnerSource().ratePerMinute() == null
                ? properties.perMinute() : delivery.partnerSource().ratePerMinute();
        var globalLimit = properties.globalPerMinute();
        var globalReset = globalTtl > 0 ? globalTtl : WINDOW_SECONDS;
        var routeReset = routeTtl > 0 ? routeTtl : WINDOW_SECONDS;
        var globalLeft = globalLimit - global;
        var routeLeft = routeLimit - route;
        var globalBinds = globalLeft < routeLeft;
        var binding = globalBinds ? globalLimit : routeLimit;
        var left = Math.min(globalLeft, routeLeft);
        long reset;
        if (globalLeft < 0 && routeLeft < 0) {
            reset = Math.max(globalReset, routeReset);
        } else {
            reset = globalBinds ? globalReset : routeReset;
        }
        return new RateLimitStatus(binding, Math.max(left, 0), reset, left < 0, true);
    }

    /** Redis could not be asked: let the delivery through and count that it was not limited. */
    public void failOpen(@ExchangeProperty("delivery") Delivery delivery) {
        failOpen.increment();
        delivery.rateLimit(RateLimitStatus.UNKNOWN);
    }

    /** Answers 429 with Retry-After and RateLimit-* when a window is exhausted. */
    public void enforce(@ExchangeProperty("delivery") Delivery delivery) {
        var status = delivery.rateLimit();
        if (status.exceeded()) {
            var headers = new HashMap<String, String>();
            headers.put("Retry-After", Long.toString(status.resetSeconds()));
            headers.put("RateLimit-Limit", Long.toString(status.limit()));
            headers.put("RateLimit-Remaining", "0");
            headers.put("RateLimit-Reset", Long.toString(status.resetSeconds()));
            throw new WebhookRejected(HttpStatus.TOO_MANY_REQUESTS,
                    "rate limit of " + status.limit() + " deliveries per minute exceeded", headers);
        }
    }

    @Override
    public void close() {
        counting.close();
    }
}
