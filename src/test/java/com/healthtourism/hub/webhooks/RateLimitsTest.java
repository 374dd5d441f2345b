package com.healthtourism.hub.webhooks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.data.redis.connection.RedisStandaloneConfiguration;
import org.springframework.data.redis.connection.jedis.JedisClientConfiguration;
import org.springframework.data.redis.connection.jedis.JedisConnectionFactory;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.util.unit.DataSize;

import com.healthtourism.hub.local.HubTest;
import com.healthtourism.hub.local.TcpProxy;

/**
 * The intake's rate windows in the machine's Redis, as two hub instances count them: a window an instance knows it
 * counts itself and adds to Redis when it syncs (here only when the test says so), where it learns the other's counts.
 */
@HubTest
class RateLimitsTest {

    private static final int LIMIT = 10;
    // synced only when a test calls sync()
    private final WebhookProperties properties = new WebhookProperties(DataSize.ofMegabytes(1), 1_000_000, LIMIT,
            Duration.ofHours(1), Duration.ofSeconds(5), 1, 16, 8, Duration.ofMillis(250), Duration.ofHours(1));
    private final UUID tenant = UUID.randomUUID();
    private final String ip = "10.77." + ThreadLocalRandom.current().nextInt(256) + "." + ThreadLocalRandom.current().nextInt(256);
    private final List<RateLimits> instances = new ArrayList<>();

    @Autowired
    StringRedisTemplate redis;

    @AfterEach
    void close() {
        instances.forEach(RateLimits::close);
    }

    @Test
    void aKnownWindowIsCountedWithoutRedisAndReachesItWithTheSync() {
        var hub = instance(CircuitBreaker.ofDefaults("redis"));

        var first = counted(hub);
        assertThat(first.remaining()).as("counted in Redis: the window was unknown").isEqualTo(LIMIT - 1);
        for (int i = 2; i <= 5; i++) {
            var delivery = delivery();
            hub.countKnown(delivery);
            assertThat(hub.uncounted(delivery)).as("a known window is counted here").isFalse();
            assertThat(delivery.rateLimit().remaining()).isEqualTo(LIMIT - i);
            assertThat(delivery.rateLimit().resetSeconds()).isBetween(1L, 60L);
        }
        assertThat(redis.opsForValue().get(routeKey())).isEqualTo("1");

        hub.sync();

        assertThat(redis.opsForValue().get(routeKey())).isEqualTo("5");
        assertThat(redis.getExpire(routeKey())).as("the window keeps its end").isBetween(1L, 60L);
    }

    @Test
    void anotherInstancesCountsAreLearntAtTheSync() {
        var a = instance(CircuitBreaker.ofDefaults("redis-a"));
        var b = instance(CircuitBreaker.ofDefaults("redis-b"));
        counted(a);
        assertThat(counted(b).remaining()).as("b's first delivery is second in Redis").isEqualTo(LIMIT - 2);
        for (int i = 0; i < 8; i++) {
            b.countKnown(delivery());
        }
        b.sync();

        // a has not learnt b's eight yet: within one sync period an instance may let one delivery too many through
        var stale = delivery();
        a.countKnown(stale);
        assertThat(stale.rateLimit().exceeded()).isFalse();
        a.sync();

        var next = delivery();
        a.countKnown(next);
        assertThat(a.uncounted(next)).isFalse();
        assertThat(next.rateLimit().exceeded()).as("b's deliveries count in a's window").isTrue();
    }

    @Test
    void aWindowThatEndedStartsAgainInRedis() throws InterruptedException {
        var hub = instance(CircuitBreaker.ofDefaults("redis"));
        counted(hub);
        hub.countKnown(delivery());
        redis.expire(routeKey(), Duration.ofMillis(300));
        redis.expire("rate:global:" + ip, Duration.ofMillis(300));
        hub.sync();
        Thread.sleep(500);

        var delivery = delivery();
        hub.countKnown(delivery);
        assertThat(hub.uncounted(delivery)).as("the window this instance knew has ended").isTrue();
        hub.count(delivery);
        assertThat(delivery.rateLimit().remaining()).as("a new window").isEqualTo(LIMIT - 1);
        var next = delivery();
        hub.countKnown(next);
        assertThat(next.rateLimit().remaining()).as("counted on from the new window's count").isEqualTo(LIMIT - 2);
    }

    /** Counts this instance made while Redis was away are not lost: they reach Redis with the first sync it answers. */
    @Test
    void countsMadeWhileRedisIsAwayReachItWhenItIsBack() {
        var machine = (JedisConnectionFactory) redis.getConnectionFactory();
        try (var proxy = new TcpProxy(machine.getHostName(), machine.getPort()).start()) {
            var config = new RedisStandaloneConfiguration(proxy.host(), proxy.port());
            config.setDatabase(machine.getDatabase());
            var factory = new JedisConnectionFactory(config, JedisClientConfiguration.builder()
                    .connectTimeout(Duration.ofMillis(500)).readTimeout(Duration.ofMillis(500)).build());
            factory.afterPropertiesSet();
            factory.start();
            try {
                var hub = new RateLimits(new StringRedisTemplate(factory), properties, CircuitBreaker.ofDefaults("redis"),
                        new SimpleMeterRegistry(), Duration.ofMillis(500), Duration.ofMillis(500));
                instances.add(hub);
                counted(hub);
                for (int i = 0; i < 3; i++) {
                    hub.countKnown(delivery());
                }

                proxy.cut();
                assertThatThrownBy(hub::sync).as("Redis is away").isInstanceOf(RuntimeException.class);
                assertThat(redis.opsForValue().get(routeKey())).isEqualTo("1");
                proxy.restore();
                hub.sync();

                assertThat(redis.opsForValue().get(routeKey())).as("the three counted meanwhile").isEqualTo("4");
            } finally {
                factory.destroy();
            }
        }
    }

    /**
     * A delivery counted here while a call to Redis is under way, and one Redis counts in that call: each has its own
     * place, and the count goes on after both.
     */
    @Test
    void placesCountedHereAndInRedisAtTheSameTimeDiffer() {
        var window = new RateLimits.Window("rate:test");
        var unsent = new java.util.HashSet<RateLimits.Window>();
        window.learn(5, System.currentTimeMillis() + 60_000);
        assertThat(window.takeUnsent()).as("the call takes what is unsent: nothing").isZero();

        var countedHere = window.add(unsent);
        // Redis counted one delivery in the call: its answer 6, the window's count after the call
        var unsentSince = window.learn(6, System.currentTimeMillis() + 60_000);
        var countedInRedis = 6 + unsentSince;
        var countedAfter = window.add(unsent);

        assertThat(List.of(countedHere, countedInRedis, countedAfter)).containsExactly(6L, 7L, 8L);
        assertThat(window.takeUnsent()).as("the two counted here go with the next call").isEqualTo(2);
    }

    @Test
    void whileTheBreakerIsNotClosedEveryDeliveryIsLeftToRedis() {
        var breaker = CircuitBreaker.ofDefaults("redis");
        var hub = instance(breaker);
        counted(hub);
        breaker.transitionToOpenState();
        breaker.transitionToHalfOpenState();

        var delivery = delivery();
        hub.countKnown(delivery);

        assertThat(hub.uncounted(delivery)).as("the breaker's trial calls go to Redis").isTrue();
    }

    private RateLimits instance(CircuitBreaker breaker) {
        var limits = new RateLimits(redis, properties, breaker, new SimpleMeterRegistry(), Duration.ofSeconds(2),
                Duration.ofSeconds(2));
        instances.add(limits);
        return limits;
    }

    /** A delivery counted in Redis, as the route does when the instance does not know the window. */
    private RateLimitStatus counted(RateLimits limits) {
        var delivery = delivery();
        limits.countKnown(delivery);
        assertThat(limits.uncounted(delivery)).isTrue();
        limits.count(delivery);
        return delivery.rateLimit();
    }

    private Delivery delivery() {
        var delivery = new Delivery(tenant, "stripe", ip, Map.of(), new byte[0], Instant.now());
        delivery.partnerSource(new PartnerSource(tenant, "stripe", "stripe", List.of("s"), List.of("f"), true,
                Duration.ofMinutes(5), null, null, null, null, null));
        return delivery;
    }

    private String routeKey() {
        return "rate:" + tenant + ":" + ip + ":webhooks/stripe";
    }
}
