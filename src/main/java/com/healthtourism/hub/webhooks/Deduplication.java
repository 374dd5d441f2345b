package com.healthtourism.hub.webhooks;

import java.util.UUID;

import org.apache.camel.ExchangeProperty;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.stereotype.Component;

/**
 * The fast path of de-duplication: Redis remembers a delivery's message id for an hour under
 * {@code idem:{tenant}:{source}:{dedupe key}}, written only once the message is committed. The
 * truth is the UNIQUE key in PostgreSQL, which also catches repeats Redis forgot or never saw.
 */
@Component("deduplication")
public class Deduplication {

    private final StringRedisTemplate redis;
    private final WebhookProperties properties;

    public Deduplication(StringRedisTemplate redis, WebhookProperties properties) {
        this.redis = redis;
        this.properties = properties;
    }

    /** Marks the delivery a duplicate when Redis knows its first message. */
    public void recall(@ExchangeProperty("delivery") Delivery delivery) {
        var known = redis.opsForValue().get(key(delivery));
        if (known != null) {
            delivery.stored(UUID.fromString(known), true);
        }
    }

    /** Remembers the delivery's message for later repeats. */
    public void remember(@ExchangeProperty("delivery") Delivery delivery) {
        redis.opsForValue().set(key(delivery), delivery.messageId().toString(), properties.idempotencyTtl());
    }

    static String key(Delivery delivery) {
        return "idem:" + delivery.tenantId() + ":" + delivery.source() + ":" + delivery.identity().dedupeKey();
    }
}
