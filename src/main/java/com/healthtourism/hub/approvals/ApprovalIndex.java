package com.healthtourism.hub.approvals;

import java.util.List;
import java.util.UUID;
import java.util.function.Supplier;
import java.util.stream.Collectors;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.DataAccessException;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.stereotype.Component;

/**
 * Redis {@code queue:approvals}: the pending items as a fast list for consoles, entries {@code <tenant>:<item>}.
 * It is only an index: PostgreSQL holds every item, {@link #rebuild(List)} recreates the list from it, and a Redis
 * failure never fails the queue (it is counted and the list is rebuilt on the next start or on request).
 */
@Component
public class ApprovalIndex {

    static final String KEY = "queue:approvals";
    private static final Logger log = LoggerFactory.getLogger(ApprovalIndex.class);

    private final StringRedisTemplate redis;
    private final Counter failures;

    public ApprovalIndex(StringRedisTemplate redis, MeterRegistry meters) {
        this.redis = redis;
        this.failures = Counter.builder("hub.approvals.index.failures")
                .description("Redis updates of queue:approvals that failed (the list is rebuilt from PostgreSQL)")
                .register(meters);
    }

    public void pending(UUID tenantId, UUID itemId) {
        quietly(() -> {
            var entry = entry(tenantId, itemId);
            redis.opsForList().remove(KEY, 0, entry);
            redis.opsForList().leftPush(KEY, entry);
        });
    }

    public void decided(UUID tenantId, UUID itemId) {
        quietly(() -> redis.opsForList().remove(KEY, 0, entry(tenantId, itemId)));
    }

    public List<String> entries() {
        var entries = redis.opsForList().range(KEY, 0, -1);
        return entries == null ? List.of() : entries;
    }

    /**
     * Replaces the list with the items waiting for a decision, read from PostgreSQL ({@code waiting}, oldest failure
     * first, as {@link ApprovalItems#pending} lists them), newest failure first like {@link #pending} keeps it. An item
     * parked after that read and before the list was replaced would be missing: {@code waiting} is read once more
     * afterwards, and what it adds is put on the list (an item parked later puts itself there).
     *
     * @return how many items the list holds
     */
    public int rebuild(Supplier<List<ApprovalView>> waiting) {
        var before = waiting.get();
        redis.delete(KEY);
        if (!before.isEmpty()) {
            // each pushed on the head: the newest failure ends first
            redis.opsForList().leftPushAll(KEY, before.stream().map(item -> entry(item.tenantId(), item.id())).toList());
        }
        var listed = before.stream().map(ApprovalView::id).collect(Collectors.toSet());
        var added = 0;
        for (var item : waiting.get()) {
            if (!listed.contains(item.id())) {
                pending(item.tenantId(), item.id());
                added++;
            }
        }
        return before.size() + added;
    }

    static String entry(UUID tenantId, UUID itemId) {
        return tenantId + ":" + itemId;
    }

    private void quietly(Runnable update) {
        try {
            update.run();
        } catch (DataAccessException e) {
            failures.increment();
            log.warn("queue:approvals not updated ({}); PostgreSQL has the item", e.getClass().getSimpleName());
        }
    }
}
