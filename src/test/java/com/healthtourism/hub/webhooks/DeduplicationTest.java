package com.healthtourism.hub.webhooks;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.data.redis.core.StringRedisTemplate;

import com.healthtourism.hub.local.HubTest;

/** The inbox's fast path of de-duplication in the machine's Redis, and how it steps aside for the Redis breaker. */
@HubTest
class DeduplicationTest {

    @Autowired
    Deduplication deduplication;
    @Autowired
    CircuitBreaker redisCircuitBreaker;
    @Autowired
    StringRedisTemplate redis;

    @AfterEach
    void closeBreaker() {
        redisCircuitBreaker.reset();
    }

    @Test
    void aRememberedDeliveryIsRecalledWithItsFirstMessage() {
        var first = stored(delivery("evt_" + UUID.randomUUID()));
        deduplication.remember(List.of(first));

        var repeat = delivery(first.identity().partnerEventId());
        assertThat(deduplication.recall(List.of(repeat, delivery("evt_other_" + UUID.randomUUID()))))
                .containsExactly(first.messageId(), null);
    }

    /**
     * While the breaker tries Redis again, the writer neither asks nor tells Redis: a Redis still slow would hold the
     * batch of the one writer, every tenant's deliveries behind it; the rate count makes the trial calls.
     */
    @Test
    void whileTheBreakerTriesRedisAgainTheInboxLeavesRedisAlone() {
        var known = stored(delivery("evt_" + UUID.randomUUID()));
        deduplication.remember(List.of(known));
        redisCircuitBreaker.transitionToOpenState();
        redisCircuitBreaker.transitionToHalfOpenState();

        assertThat(deduplication.recall(List.of(delivery(known.identity().partnerEventId())))).containsOnlyNulls();
        var fresh = stored(delivery("evt_" + UUID.randomUUID()));
        deduplication.remember(List.of(fresh));

        assertThat(redis.hasKey(Deduplication.key(fresh))).isFalse();
        // the breaker's trial calls are left to the rate count
        assertThat(redisCircuitBreaker.getState()).isEqualTo(CircuitBreaker.State.HALF_OPEN);
        assertThat(redisCircuitBreaker.getMetrics().getNumberOfBufferedCalls()).isZero();
    }

    private static Delivery delivery(String eventId) {
        var delivery = new Delivery(UUID.fromString("00000000-0000-0000-0000-0000000000d1"), "stripe", "10.0.0.1",
                Map.of(), new byte[0], Instant.now());
        delivery.identity(new EventIdentity.Identity("payment_intent.succeeded", eventId, "stripe:" + eventId));
        return delivery;
    }

    private static Delivery stored(Delivery delivery) {
        delivery.stored(UUID.randomUUID(), false);
        return delivery;
    }
}
