package com.healthtourism.hub.webhooks;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
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
 * {@code rate:{tenant}:{ip}:{route}} per tenant and source. A window this instance does not know yet is counted in
 * Redis, both windows of a delivery in one round trip, which the deliveries counted at the same time share
 * ({@link GroupedRoundTrips}); Redis answers the counts and when the windows end. A window it knows (a delivery's
 * both, until they end) it counts itself, without waiting on Redis: it adds its counts to Redis every
 * {@code hub.webhooks.rate-sync-period} and learns there what the other instances counted, so across instances a
 * window may let through up to one period's deliveries of the others too many. While the intake's Redis breaker is
 * not closed every delivery is counted in Redis (its trial calls) or, when Redis cannot be asked, the limits fail
 * open, and {@code hub.webhooks.ratelimit.failopen} says so.
 */
@Component("rateLimits")
public class RateLimits implements AutoCloseable {

    private static final Duration WINDOW = Duration.ofMinutes(1);
    // Adds to every key in one call: the first ARGV[2] keys the amounts after it (this instance's counts not sent yet),
    // every other key 1 (the deliveries counted in Redis, two keys each); a window gets its end when it starts.
    // Answers each key's count and the milliseconds left of its window.
    private static final RedisScript<List> COUNT = RedisScript.of("""
            local answers = {}
            local sums = tonumber(ARGV[2])
            for i = 1, #KEYS do
                local by = 1
                if i <= sums then by = tonumber(ARGV[2 + i]) end
                answers[#answers + 1] = redis.call('INCRBY', KEYS[i], by)
                local left = redis.call('PTTL', KEYS[i])
                if left < 0 then
                    redis.call('PEXPIRE', KEYS[i], ARGV[1])
                    left = tonumber(ARGV[1])
                end
                answers[#answers + 1] = left
            end
            return answers
            """, List.class);
    private static final int MAX_GROUP = 256;
    // windows known at once, at most: beyond, a new client's windows are counted in Redis for every delivery
    private static final int MAX_WINDOWS = 100_000;
    private static final long PRUNE_PERIOD_MILLIS = 1000;
    // the group call that only sends this instance's counts (GroupedRoundTrips orders it among the counts in Redis)
    private static final Delivery SYNC = new Delivery(new UUID(0, 0), "", "", Map.of(), new byte[0], Instant.EPOCH);

    /**
     * A window as this instance knows it. Its count and what of it is not yet in Redis change together, in one atomic
     * word (count in the high 32 bits, unsent in the low 32), so a place counted here and a place Redis answered can
     * never be the same: the count is always Redis's last answer plus what was counted here since and not yet sent.
     */
    static final class Window {
        private static final long UNSENT = 0xFFFF_FFFFL;
        private static final long ONE_EACH = (1L << 32) | 1L;

        final String key;
        private final AtomicLong state = new AtomicLong();
        volatile long endsAt;

        Window(String key) {
            this.key = key;
        }

        /** Counts one delivery here: its place in the window. */
        long add(Set<Window> unsent) {
            var before = state.getAndAdd(ONE_EACH);
            if ((before & UNSENT) == 0) {
                unsent.add(this);
            }
            return (before >>> 32) + 1;
        }

        /** Takes what was counted here and not yet sent, to send it. */
        long takeUnsent() {
            while (true) {
                var current = state.get();
                if (state.compareAndSet(current, current & ~UNSENT)) {
                    return current & UNSENT;
                }
            }
        }

        /** What {@link #takeUnsent} took, back, when it could not be sent. */
        void giveBack(long counted, Set<Window> unsent) {
            if ((state.getAndAdd(counted) & UNSENT) == 0) {
                unsent.add(this);
            }
        }

        /**
         * Redis's count of the window after a call, and the window's end: the count becomes that plus what was counted
         * here since the call took the unsent counts, which it answers. A delivery Redis counted in the call has its
         * answer plus that as its place: above every place counted here before, below every one counted after.
         */
        long learn(long redisCount, long end) {
            endsAt = end;
            while (true) {
                var current = state.get();
                var unsent = current & UNSENT;
                if (state.compareAndSet(current, ((redisCount + unsent) << 32) | unsent)) {
                    return unsent;
                }
            }
        }

        boolean hasUnsent() {
            return (state.get() & UNSENT) != 0;
        }

        long secondsLeft(long now) {
            return Math.max(1, (endsAt - now + 999) / 1000);
        }
    }

    private final StringRedisTemplate redis;
    private final WebhookProperties properties;
    private final CircuitBreaker breaker;
    private final Counter failOpen;
    private final GroupedRoundTrips<Delivery, RateLimitStatus> counting;
    private final Map<String, Window> windows = new ConcurrentHashMap<>();
    private final Set<Window> unsent = ConcurrentHashMap.newKeySet();
    private final ScheduledExecutorService syncing;
    private volatile long prunedAt;

    /**
     * @param redisTimeout how long Redis may take to answer (spring.data.redis.timeout) and
     * @param poolWait     how long a call may wait for a pooled connection: a count waits for both and a little longer
     */
    public RateLimits(StringRedisTemplate redis, WebhookProperties properties, CircuitBreaker redisCircuitBreaker,
                      MeterRegistry meters, @Value("${spring.data.redis.timeout:2s}") Duration redisTimeout,
                      @Value("${spring.data.redis.jedis.pool.max-wait:2s}") Duration poolWait) {
        this.redis = redis;
        this.properties = properties;
        this.breaker = redisCircuitBreaker;
        this.counting = new GroupedRoundTrips<>("webhook-rate-counter", this::countAll, MAX_GROUP,
                redisTimeout.plus(poolWait).plusSeconds(1));
        this.failOpen = Counter.builder("hub.webhooks.ratelimit.failopen")
                .description("Webhook deliveries let through unlimited because Redis could not be asked")
                .register(meters);
        this.syncing = Executors.newSingleThreadScheduledExecutor(task -> {
            var thread = new Thread(task, "webhook-rate-sync");
            thread.setDaemon(true);
            return thread;
        });
        var period = properties.rateSyncPeriod().toMillis();
        syncing.scheduleWithFixedDelay(this::syncQuietly, period, period, TimeUnit.MILLISECONDS);
    }

    /**
     * Counts the delivery in both windows when this instance knows them (and the Redis breaker is closed), without
     * asking Redis; else leaves it {@link #uncounted} for {@link #count}.
     */
    public void countKnown(@ExchangeProperty("delivery") Delivery delivery) {
        if (breaker.getState() != CircuitBreaker.State.CLOSED) {
            return;
        }
        var global = windows.get(globalKey(delivery));
        var route = windows.get(routeKey(delivery));
        var now = System.currentTimeMillis();
        if (global == null || route == null || global.endsAt <= now || route.endsAt <= now) {
            return;
        }
        delivery.rateLimit(status(delivery, global.add(unsent), route.add(unsent), global.secondsLeft(now),
                route.secondsLeft(now)));
    }

    /** Whether the delivery still has to be counted (in Redis). */
    public boolean uncounted(@ExchangeProperty("delivery") Delivery delivery) {
        return !delivery.rateLimit().counted();
    }

    /**
     * Counts the delivery in both windows in Redis. Deliveries counted at the same time share one Redis round trip.
     * Throws when Redis cannot be asked.
     */
    public void count(@ExchangeProperty("delivery") Delivery delivery) {
        delivery.rateLimit(counting.call(delivery));
    }

    /**
     * Adds this instance's counts to Redis and learns the windows' counts there (what the other instances counted).
     * Package-private for tests; runs every {@code hub.webhooks.rate-sync-period}. Throws when Redis cannot be asked
     * (the counts are sent with the next call).
     */
    void sync() {
        var now = System.currentTimeMillis();
        if (now - prunedAt > PRUNE_PERIOD_MILLIS) {
            prunedAt = now;
            windows.values().removeIf(window -> window.endsAt < now - WINDOW.toMillis() && !window.hasUnsent());
        }
        if (!unsent.isEmpty() && breaker.getState() == CircuitBreaker.State.CLOSED) {
            breaker.executeRunnable(() -> counting.call(SYNC));
        }
    }

    private void syncQuietly() {
        try {
            sync();
        } catch (RuntimeException e) {
            // the breaker counts the failure; the counts stay unsent and go with the next call
        }
    }

    private static String globalKey(Delivery delivery) {
        return "rate:global:" + delivery.clientIp();
    }

    private static String routeKey(Delivery delivery) {
        return "rate:" + delivery.tenantId() + ":" + delivery.clientIp() + ":webhooks/" + delivery.source();
    }

    /** One round trip (under GroupedRoundTrips' lock, so one at a time): this instance's unsent counts and the group. */
    private List<RateLimitStatus> countAll(List<Delivery> deliveries) {
        var now = System.currentTimeMillis();
        var sent = new ArrayList<Window>();
        var sentCounts = new ArrayList<Long>();
        var keys = new ArrayList<String>();
        var args = new ArrayList<String>();
        args.add(Long.toString(WINDOW.toMillis()));
        args.add("");
        for (var window : unsent) {
            unsent.remove(window);
            var counted = window.takeUnsent();
            // the counts of a window that ended were of that window, not of the next
            if (counted > 0 && window.endsAt > now) {
                sent.add(window);
                sentCounts.add(counted);
                keys.add(window.key);
                args.add(Long.toString(counted));
            }
        }
        args.set(1, Integer.toString(sent.size()));
        for (var delivery : deliveries) {
            if (delivery != SYNC) {
                keys.add(globalKey(delivery));
                keys.add(routeKey(delivery));
            }
        }
        var statuses = new ArrayList<RateLimitStatus>(deliveries.size());
        if (keys.isEmpty()) {
            deliveries.forEach(delivery -> statuses.add(RateLimitStatus.UNKNOWN));
            return statuses;
        }
        List<?> answers;
        try {
            answers = redis.execute(COUNT, keys, args.toArray());
        } catch (RuntimeException e) {
            // sent again with the next call (if Redis did add them and only its answer was lost, counted twice)
            for (int i = 0; i < sent.size(); i++) {
                sent.get(i).giveBack(sentCounts.get(i), unsent);
            }
            throw e;
        }
        // Redis's count of each window after this call is its last answer for the key; learnt before any delivery of
        // the group gets its place, so that the places counted here from now on come after theirs
        var lastAnswer = new HashMap<String, Integer>();
        for (int i = 0; i < keys.size(); i++) {
            lastAnswer.put(keys.get(i), i);
        }
        var unsentSince = new HashMap<String, Long>();
        lastAnswer.forEach((key, i) -> {
            var window = windows.get(key);
            if (window == null && windows.size() < MAX_WINDOWS) {
                window = windows.computeIfAbsent(key, Window::new);
            }
            unsentSince.put(key, window == null ? 0
                    : window.learn((Long) answers.get(2 * i), now + (Long) answers.get(2 * i + 1)));
        });
        // a delivery's place in a window: Redis's answer for it and what was counted here since and not sent
        int k = sent.size();
        for (var delivery : deliveries) {
            if (delivery == SYNC) {
                statuses.add(RateLimitStatus.UNKNOWN);
                continue;
            }
            statuses.add(status(delivery, (Long) answers.get(2 * k) + unsentSince.get(keys.get(k)),
                    (Long) answers.get(2 * k + 2) + unsentSince.get(keys.get(k + 1)),
                    seconds((Long) answers.get(2 * k + 1)), seconds((Long) answers.get(2 * k + 3))));
            k += 2;
        }
        return statuses;
    }

    private static long seconds(long millis) {
        return Math.max(1, (millis + 999) / 1000);
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
        var globalReset = globalTtl > 0 ? globalTtl : WINDOW.toSeconds();
        var routeReset = routeTtl > 0 ? routeTtl : WINDOW.toSeconds();
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

    /** Sends what was counted here one last time (if Redis answers), then stops. */
    @Override
    public void close() {
        syncing.shutdown();
        try {
            if (syncing.awaitTermination(5, TimeUnit.SECONDS)) {
                syncQuietly();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        syncing.shutdownNow();
        counting.close();
    }
}
