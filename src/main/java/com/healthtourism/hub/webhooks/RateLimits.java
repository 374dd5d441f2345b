package com.healthtourism.hub.webhooks;

import java.util.HashMap;
import java.util.List;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.apache.camel.ExchangeProperty;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.data.redis.core.script.RedisScript;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Component;

/**
 * One-minute fixed windows in Redis: {@code rate:global:{ip}} across all tenants and
 * {@code rate:{tenant}:{ip}:{route}} per tenant and source, both counted in one round trip. When
 * Redis cannot be asked the limits fail open, and {@code hub.webhooks.ratelimit.failopen} says so.
 */
@Component("rateLimits")
public class RateLimits {

    private static final long WINDOW_SECONDS = 60;
    private static final RedisScript<List> COUNT = RedisScript.of("""
            local global = redis.call('INCR', KEYS[1])
            if global == 1 then redis.call('EXPIRE', KEYS[1], ARGV[1]) end
            local route = redis.call('INCR', KEYS[2])
            if route == 1 then redis.call('EXPIRE', KEYS[2], ARGV[1]) end
            local ttl = redis.call('TTL', KEYS[2])
            return {global, route, ttl}
            """, List.class);

    private final StringRedisTemplate redis;
    private final WebhookProperties properties;
    private final Counter failOpen;

    public RateLimits(StringRedisTemplate redis, WebhookProperties properties, MeterRegistry meters) {
        this.redis = redis;
        this.properties = properties;
        this.failOpen = Counter.builder("hub.webhooks.ratelimit.failopen")
                .description("Webhook deliveries let through unlimited because Redis could not be asked")
                .register(meters);
    }

    /** Counts the delivery in both windows. Throws when Redis cannot be asked. */
    public void count(@ExchangeProperty("delivery") Delivery delivery) {
        var ip = delivery.clientIp();
        var keys = List.of("rate:global:" + ip, "rate:" + delivery.tenantId() + ":" + ip + ":webhooks/" + delivery.source());
        var counts = redis.execute(COUNT, keys, Long.toString(WINDOW_SECONDS));
        delivery.rateLimit(status(delivery, (Long) counts.get(0), (Long) counts.get(1), (Long) counts.get(2)));
    }

    RateLimitStatus status(Delivery delivery, long global, long route, long ttl) {
        var routeLimit = delivery.partnerSource().ratePerMinute() == null
                ? properties.perMinute() : delivery.partnerSource().ratePerMinute();
        var globalLimit = properties.globalPerMinute();
        var reset = ttl > 0 ? ttl : WINDOW_SECONDS;
        var globalLeft = globalLimit - global;
        var routeLeft = routeLimit - route;
        var binding = globalLeft < routeLeft ? globalLimit : routeLimit;
        var left = Math.min(globalLeft, routeLeft);
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
}
