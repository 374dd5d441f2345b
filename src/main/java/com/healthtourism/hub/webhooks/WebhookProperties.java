package com.healthtourism.hub.webhooks;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;

/**
 * Limits and tuning of webhook intake (hub.webhooks.*). Tenants override the rate limits in their
 * settings: {@code webhookRateLimitPerMinute}.
 *
 * @param maxBody            largest body accepted; a longer one is answered 413 without reading it all
 * @param globalPerMinute    requests per client IP per minute across all tenants (rate:global:{ip})
 * @param perMinute          default requests per tenant, client IP and source per minute (rate:{tenant}:{ip}:{route})
 * @param idempotencyTtl     how long Redis remembers a delivery (idem:{tenant}:{hash}); PostgreSQL keeps it for good
 * @param sourceCacheTtl     how long a source's settings and a tenant's active subscriptions are cached in memory
 * @param writers            most threads committing accepted messages at once (each commit may hold many messages).
 *                           One writer makes the biggest groups, and a commit costs PostgreSQL about as much as a few
 *                           of its rows; the others commit alongside it only while deliveries pile up
 * @param extraWriterAt      deliveries waiting for a writer that call in a second (third, ...) writer: below it the
 *                           first writer's next group takes them
 * @param maxBatch           most messages in one commit
 * @param redisSlowCall      a Redis call of the intake slower than this counts against Redis in the intake's circuit
 *                           breaker like a failed one: a Redis that answers, but slowly, is stepped around as an
 *                           unreachable one is (limits fail open, de-duplication in PostgreSQL)
 * @param rateSyncPeriod     how often this instance adds the rate counts it made itself to Redis (see {@link RateLimits})
 */
@ConfigurationProperties("hub.webhooks")
public record WebhookProperties(
        @DefaultValue("1MB") DataSize maxBody,
        @DefaultValue("12000") int globalPerMinute,
        @DefaultValue("6000") int perMinute,
        @DefaultValue("1h") Duration idempotencyTtl,
        @DefaultValue("5s") Duration sourceCacheTtl,
        @DefaultValue("2") int writers,
        @DefaultValue("16") int extraWriterAt,
        @DefaultValue("64") int maxBatch,
        @DefaultValue("250ms") Duration redisSlowCall,
        @DefaultValue("50ms") Duration rateSyncPeriod) {
}
