package com.healthtourism.hub.webhooks;

import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import org.apache.camel.ExchangeProperty;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.availability.AvailabilityChangeEvent;
import org.springframework.boot.availability.LivenessState;
import org.springframework.boot.availability.ReadinessState;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.SmartLifecycle;
import org.springframework.http.HttpStatus;
import org.springframework.jdbc.support.SqlArrayValue;
import org.springframework.stereotype.Component;

import com.healthtourism.hub.crypto.FieldCipher;
import com.healthtourism.hub.tenancy.TenantTransactions;

/**
 * Makes accepted deliveries durable: each becomes an inbound_messages row (body encrypted, bound to
 * tenant and message) and an outbox row in the same transaction, and {@link #store} returns only
 * after that transaction committed. Deliveries that arrive together are committed together (group
 * commit): the first writer thread takes what is waiting, up to {@code hub.webhooks.max-batch}, and writes one
 * tenant's share per transaction, so many concurrent partners cost a few commits, not one each. While it commits,
 * deliveries pile up for its next group; once {@code hub.webhooks.extra-writer-at} of them wait, a second writer
 * (up to {@code hub.webhooks.writers} in all) commits them alongside it. So at moderate load the groups stay as big
 * as one writer makes them (PostgreSQL's cost is mostly per transaction), and at full load the machine does not
 * idle while one commit waits for its round trip. A repeat of a stored event, even one in the same batch or in a concurrent transaction, is
 * resolved by the UNIQUE (tenant_id, source, dedupe_key) key to the first message's id. Redis is asked
 * first, for the whole batch at once, about repeats it remembers; once a commit's partners are answered
 * its new messages are remembered there ({@link Deduplication}).
 * <p>
 * A writer that fails with an Error (not a storage failure: those fail their group and the writer goes on) breaks the
 * inbox: what it had not answered and everything waiting are answered 503 (a partner's retry is safe: an event whose
 * commit went through before the Error is answered as a duplicate), later deliveries are refused with
 * 503 at once instead of waiting out the store timeout, readiness turns REFUSING_TRAFFIC and liveness BROKEN
 * ({@code /actuator/health/readiness} and {@code /liveness} DOWN): a load balancer stops sending to the instance, and
 * an orchestrator's liveness probe restarts it.
 */
@Component("inbox")
public class DurableInbox implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(DurableInbox.class);
    private static final long STORE_TIMEOUT_SECONDS = 30;
    /** How long after a writer last took a full group the intake counts as at full load ({@link #atFullLoad}). */
    private static final long FULL_LOAD_NANOS = TimeUnit.SECONDS.toNanos(1);

    // package-private for GroupCommitOrderTest
    static final String INSERT = """
            WITH incoming AS (
                SELECT * FROM unnest(?::uuid[], ?::text[], ?::text[], ?::text[], ?::text[], ?::text[], ?::bytea[], ?::timestamptz[])
                    WITH ORDINALITY AS m(id, source, event_type, partner_event_id, dedupe_key, headers, body, received_at, ord)
            ), inserted AS (
                INSERT INTO inbound_messages (id, tenant_id, source, event_type, partner_event_id, dedupe_key, headers, body, received_at)
                SELECT id, ?, source, event_type, partner_event_id, dedupe_key, headers::jsonb, body, received_at
                -- in key order, not arrival order: two groups holding the same events (a partner's retry in one, the
                -- first delivery in the other) then take their keys in the same order, and never deadlock. Arrival
                -- order within a group means nothing: its deliveries were all in flight at once.
                FROM incoming ORDER BY source, dedupe_key, ord
                ON CONFLICT (tenant_id, source, dedupe_key) DO NOTHING
                RETURNING id, tenant_id
            ), queued AS (
                INSERT INTO outbox (tenant_id, message_id) SELECT tenant_id, id FROM inserted
                RETURNING message_id
            )
            SELECT message_id FROM queued""";

    private static final String FIRST_DELIVERIES = """
            SELECT m.source || ':' || m.dedupe_key AS identity, m.id FROM inbound_messages m
            JOIN unnest(?::text[], ?::text[]) AS d(source, dedupe_key) ON m.source = d.source AND m.dedupe_key = d.dedupe_key
            WHERE m.tenant_id = ?""";

    private record Pending(Delivery delivery, UUID id, byte[] body, String headers, CompletableFuture<Void> done) {
    }

    private record Stored(UUID id, boolean duplicate) {
    }

    private final TenantTransactions transactions;
    private final FieldCipher cipher;
    private final ObjectMapper json;
    private final WebhookProperties properties;
    private final Deduplication deduplication;
    private final BlockingQueue<Pending> waiting;
    private final List<Thread> writers = new ArrayList<>();
    /** A permit per call for an extra writer; {@link #extraCalled} keeps the calls to one until one answers. */
    private final Semaphore extraWanted = new Semaphore(0);
    private final AtomicBoolean extraCalled = new AtomicBoolean();
    private final DistributionSummary groups;
    private final ApplicationEventPublisher events;
    private volatile boolean running;
    private volatile boolean broken;
    /** When a writer last took a full group ({@link System#nanoTime}); at first as long ago as counts for nothing. */
    private volatile long fullGroupAt = System.nanoTime() - FULL_LOAD_NANOS;

    public DurableInbox(TenantTransactions transactions, FieldCipher cipher, ObjectMapper json,
                        WebhookProperties properties, Deduplication deduplication, MeterRegistry meters,
                        ApplicationEventPublisher events) {
        this.transactions = transactions;
        this.events = events;
        this.deduplication = deduplication;
        this.cipher = cipher;
        this.json = json;
        this.properties = properties;
        if (properties.writers() < 1 || properties.maxBatch() < 1 || properties.extraWriterAt() < 1) {
            // no writer answers nobody, and a threshold of 0 would keep an extra writer spinning on an empty queue
            throw new IllegalArgumentException("hub.webhooks.writers, max-batch and extra-writer-at must be at least 1");
        }
        this.waiting = new ArrayBlockingQueue<>(Math.max(1024, properties.maxBatch() * properties.writers() * 16));
        this.groups = DistributionSummary.builder("hub.webhooks.commit.group")
                .description("deliveries a writer took for one commit").register(meters);
    }

    /**
     * Stores the delivery and its outbox row, or finds the message it repeats (in Redis, else by PostgreSQL's
     * UNIQUE key); returns once committed.
     * Fails with the storage's exception (the route answers 503) when PostgreSQL cannot commit.
     */
    public void store(@ExchangeProperty("delivery") Delivery delivery) {
        if (broken) {
            throw unavailable();
        }
        var id = UUID.randomUUID();
        var body = cipher.encrypt(delivery.rawBody(), InboundMessages.bodyContext(delivery.tenantId(), id));
        var pending = new Pending(delivery, id, body, StoredHeaders.json(json, delivery.headers()), new CompletableFuture<>());
        if (!running || !waiting.offer(pending)) {
            throw new WebhookRejected(HttpStatus.SERVICE_UNAVAILABLE, "intake is busy, retry later",
                    Map.of("Retry-After", "1"));
        }
        // broken while this one was queued, after the writer answered what waited: taken back (unless a writer has it)
        if (broken && waiting.remove(pending)) {
            throw unavailable();
        }
        // the flag first: the queue's size takes its lock
        if (properties.writers() > 1 && !extraCalled.get() && waiting.size() >= properties.extraWriterAt()
                && extraCalled.compareAndSet(false, true)) {
            extraWanted.release();
        }
        try {
            pending.done().get(STORE_TIMEOUT_SECONDS, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException failure) {
                throw failure;
            }
            throw new IllegalStateException(e.getCause());
        } catch (TimeoutException e) {
            throw new WebhookRejected(HttpStatus.SERVICE_UNAVAILABLE, "storage is slow, retry later",
                    Map.of("Retry-After", "5"));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new WebhookRejected(HttpStatus.SERVICE_UNAVAILABLE, "shutting down, retry later",
                    Map.of("Retry-After", "5"));
        }
    }

    /**
     * Whether deliveries arrive faster than the writers commit them: a writer took a full group (max-batch) within the
     * last second, so more than one commit's worth were waiting. Work that can wait (the outbox relay) gives way to the
     * partners waiting for their answers then.
     */
    public boolean atFullLoad() {
        return System.nanoTime() - fullGroupAt < FULL_LOAD_NANOS;
    }

    /** The first writer: commits whatever waits; after the web server stopped, until nothing does. */
    private void writeLoop() {
        var batch = new ArrayList<Pending>(properties.maxBatch());
        while ((running || !waiting.isEmpty()) && !broken) {
            try {
                var first = waiting.poll(200, TimeUnit.MILLISECONDS);
                if (first != null) {
                    batch.add(first);
                    writeGroup(batch);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    /** An extra writer: called in by a delivery that finds a pile waiting, commits until the pile is gone. */
    private void extraWriteLoop() {
        var batch = new ArrayList<Pending>(properties.maxBatch());
        while (running) {
            try {
                if (!extraWanted.tryAcquire(200, TimeUnit.MILLISECONDS)) {
                    continue;
                }
                extraCalled.set(false);
                while (running && !broken && waiting.size() >= properties.extraWriterAt()) {
                    writeGroup(batch);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    /** Adds what waits to the batch (up to a group) and commits it; every delivery taken is answered. */
    private void writeGroup(List<Pending> batch) {
        try {
            waiting.drainTo(batch, properties.maxBatch() - batch.size());
            if (batch.isEmpty()) {
                return;
            }
            if (batch.size() >= properties.maxBatch()) {
                fullGroupAt = System.nanoTime();
            }
            groups.record(batch.size());
            write(batch);
        } catch (RuntimeException | Error e) {
            // every delivery taken and not yet answered is answered: failed, or 503 when the writer itself is going down
            log.error("webhook writer failed unexpectedly ({})", e.getClass().getName());
            var writerDown = e instanceof Error;
            try {
                if (writerDown) {
                    // before its group hears of it: a partner answered 503 and retrying at once is refused, not queued
                    breakDown();
                }
            } finally {
                batch.forEach(p -> p.done().completeExceptionally(writerDown ? unavailable() : e));
            }
            if (e instanceof Error error) {
                throw error;
            }
        } finally {
            batch.clear();
        }
    }

    /** After a writer's Error: nothing more is taken in, what waits is answered, and the instance is not live. */
    private void breakDown() {
        broken = true;
        var left = new ArrayList<Pending>();
        waiting.drainTo(left);
        left.forEach(p -> p.done().completeExceptionally(unavailable()));
        log.error("webhook intake broken: a writer failed; {} waiting deliveries answered 503, liveness BROKEN, "
                + "readiness REFUSING_TRAFFIC", left.size());
        try {
            AvailabilityChangeEvent.publish(events, this, ReadinessState.REFUSING_TRAFFIC);
            AvailabilityChangeEvent.publish(events, this, LivenessState.BROKEN);
        } catch (Throwable e) {
            // the group must still be answered (the caller does that after this returns or throws)
            log.error("could not mark the instance BROKEN ({})", e.getClass().getName());
        }
    }

    private static WebhookRejected unavailable() {
        return new WebhookRejected(HttpStatus.SERVICE_UNAVAILABLE, "intake is unavailable, retry later",
                Map.of("Retry-After", "5"));
    }

    private void write(List<Pending> batch) {
        var byTenant = new LinkedHashMap<UUID, List<Pending>>();
        for (var pending : withoutKnownRepeats(batch)) {
            byTenant.computeIfAbsent(pending.delivery().tenantId(), t -> new ArrayList<>()).add(pending);
        }
        byTenant.forEach((tenantId, pendings) -> {
            try {
                var results = insert(tenantId, pendings);
                var stored = new ArrayList<Delivery>(pendings.size());
                for (int i = 0; i < pendings.size(); i++) {
                    var pending = pendings.get(i);
                    var result = results.get(i);
                    // set here, before the answer's thread wakes (completing the future publishes it)
                    pending.delivery().stored(result.id(), result.duplicate());
                    pending.done().complete(null);
                    if (!result.duplicate()) {
                        stored.add(pending.delivery());
                    }
                }
                // committed and answered: now Redis may know them (the fast path for repeats)
                deduplication.remember(stored);
            } catch (RuntimeException e) {
                pendings.forEach(p -> p.done().completeExceptionally(e));
            }
        });
    }

    /**
     * The fast path: repeats Redis remembers are answered at once with their first message's id, all of the batch
     * asked in one round trip; the rest go on to PostgreSQL, whose UNIQUE key has the last word.
     */
    private List<Pending> withoutKnownRepeats(List<Pending> batch) {
        var known = deduplication.recall(batch.stream().map(Pending::delivery).toList());
        var fresh = new ArrayList<Pending>(batch.size());
        for (int i = 0; i < batch.size(); i++) {
            var pending = batch.get(i);
            if (known.get(i) == null) {
                fresh.add(pending);
            } else {
                pending.delivery().stored(known.get(i), true);
                pending.done().complete(null);
            }
        }
        return fresh;
    }

    private List<Stored> insert(UUID tenantId, List<Pending> pendings) {
        int n = pendings.size();
        var ids = new UUID[n];
        var sources = new String[n];
        var types = new String[n];
        var partnerIds = new String[n];
        var keys = new String[n];
        var headers = new String[n];
        var bodies = new byte[n][];
        var received = new Timestamp[n];
        for (int i = 0; i < n; i++) {
            var p = pendings.get(i);
            var identity = p.delivery().identity();
            ids[i] = p.id();
            sources[i] = p.delivery().source();
            types[i] = identity.eventType();
            partnerIds[i] = identity.partnerEventId();
            keys[i] = identity.dedupeKey();
            headers[i] = p.headers();
            bodies[i] = p.body();
            received[i] = Timestamp.from(p.delivery().receivedAt());
        }
        // the tenant, the message rows and their outbox rows, and the commit: one round trip (a group waits for it)
        var inserted = transactions.inTenantInOneTrip(tenantId, INSERT, rows -> {
            var stored = new HashSet<UUID>();
            while (rows.next()) {
                stored.add(rows.getObject(1, UUID.class));
            }
            return stored;
        }, new SqlArrayValue("uuid", (Object[]) ids), new SqlArrayValue("text", (Object[]) sources),
                new SqlArrayValue("text", (Object[]) types), new SqlArrayValue("text", (Object[]) partnerIds),
                new SqlArrayValue("text", (Object[]) keys), new SqlArrayValue("text", (Object[]) headers),
                new SqlArrayValue("bytea", (Object[]) bodies), new SqlArrayValue("timestamptz", (Object[]) received),
                tenantId);
        Map<String, UUID> first = new HashMap<>();
        if (inserted.size() < n) {
            transactions.inTenant(tenantId, db -> db.sql(FIRST_DELIVERIES)
                    .params(new SqlArrayValue("text", (Object[]) sources), new SqlArrayValue("text", (Object[]) keys), tenantId)
                    .query((row, i) -> first.put(row.getString("identity"), row.getObject("id", UUID.class)))
                    .list());
        }
        var results = new ArrayList<Stored>(n);
        for (int i = 0; i < n; i++) {
            results.add(inserted.contains(ids[i]) ? new Stored(ids[i], false)
                    : new Stored(first.get(sources[i] + ":" + keys[i]), true));
        }
        return results;
    }

    @Override
    public void start() {
        running = true;
        for (int i = 0; i < properties.writers(); i++) {
            var writer = new Thread(i == 0 ? this::writeLoop : this::extraWriteLoop, "webhook-writer-" + i);
            writer.setDaemon(true);
            // through the hub's logging (class only: an Error's message may carry data), not a stack trace on stderr
            writer.setUncaughtExceptionHandler((thread, e) ->
                    log.error("{} stopped: {}", thread.getName(), e.getClass().getName()));
            writer.start();
            writers.add(writer);
        }
    }

    /** Stops after the web server (phase): what was accepted into the queue is still committed. */
    @Override
    public void stop() {
        running = false;
        for (var writer : writers) {
            try {
                writer.join(TimeUnit.SECONDS.toMillis(STORE_TIMEOUT_SECONDS));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        writers.clear();
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    @Override
    public int getPhase() {
        return 0;
    }
}
