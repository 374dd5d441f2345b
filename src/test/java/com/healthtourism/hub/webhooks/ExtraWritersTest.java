package com.healthtourism.hub.webhooks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.util.unit.DataSize;

import com.healthtourism.hub.crypto.FieldCipher;
import com.healthtourism.hub.local.HubTest;
import com.healthtourism.hub.tenancy.TenantTransactions;

/**
 * The inbox's extra writers, on the real PostgreSQL: while the first writer's commit is held up (it waits on a row
 * lock another transaction holds), deliveries that pile up to hub.webhooks.extra-writer-at are committed by a second
 * writer; fewer than that wait for the first writer's next group.
 */
@HubTest
class ExtraWritersTest {

    private static final int EXTRA_AT = 4;

    @LocalServerPort
    int port;
    @Autowired
    TenantTransactions transactions;
    @Autowired
    FieldCipher cipher;
    @Autowired
    ObjectMapper json;
    @Autowired
    Deduplication deduplication;

    private final ExecutorService partners = Executors.newCachedThreadPool();
    private final CountDownLatch release = new CountDownLatch(1);
    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    private DurableInbox inbox;
    private UUID tenant;

    @BeforeEach
    void startInbox() {
        tenant = new WebhookClient(port).tenantWithSources(Map.of());
        var properties = new WebhookProperties(DataSize.ofMegabytes(1), 100, 10, Duration.ofHours(1),
                Duration.ofSeconds(5), 2, EXTRA_AT, 64, Duration.ofMillis(250), Duration.ofMillis(50));
        inbox = new DurableInbox(transactions, cipher, json, properties, deduplication, meters, event -> { });
        inbox.start();
    }

    @AfterEach
    void stopInbox() {
        release.countDown();
        inbox.stop();
        partners.shutdownNow();
    }

    @Test
    void aPileOfDeliveriesIsCommittedBesideAHeldUpCommit() throws Exception {
        var held = holdTheFirstWriter();

        var pile = deliver("pile-", EXTRA_AT + 2);

        // the extra writer takes what waits when it looks (at least EXTRA_AT); what arrives after it looked and is
        // fewer than EXTRA_AT waits for the first writer
        var deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (pile.stream().filter(f -> f.isDone() && !f.isCompletedExceptionally()).count() < EXTRA_AT && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertThat(pile.stream().filter(f -> f.isDone() && !f.isCompletedExceptionally()).count())
                .as("committed beside the held-up commit").isGreaterThanOrEqualTo(EXTRA_AT);
        assertThat(held).as("the first writer is still held up").isNotDone();
        assertThat(meters.get("hub.webhooks.commit.group").summary().max())
                .as("the extra writer's group, as hub_webhooks_commit_group tells").isGreaterThanOrEqualTo(EXTRA_AT);
        release.countDown();
        CompletableFuture.allOf(pile.toArray(CompletableFuture[]::new)).get(10, TimeUnit.SECONDS);
        assertThat(held.get(10, TimeUnit.SECONDS).duplicate()).as("the held delivery repeats the locked one").isTrue();
    }

    @Test
    void aThresholdBelowOneIsRefused() {
        var spinning = new WebhookProperties(DataSize.ofMegabytes(1), 100, 10, Duration.ofHours(1),
                Duration.ofSeconds(5), 2, 0, 64, Duration.ofMillis(250), Duration.ofMillis(50));
        assertThatThrownBy(() -> new DurableInbox(transactions, cipher, json, spinning, deduplication,
                new SimpleMeterRegistry(), event -> { })).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("extra-writer-at");
    }

    @Test
    void aWriterErrorBreaksTheInboxVisiblyInsteadOfLeavingPartnersWaiting() throws Exception {
        var published = new java.util.concurrent.CopyOnWriteArrayList<Object>();
        var failing = new Deduplication(null, properties(1), io.github.resilience4j.circuitbreaker.CircuitBreaker.ofDefaults("t")) {
            @Override
            public List<UUID> recall(List<Delivery> deliveries) {
                throw new NoClassDefFoundError("simulated: a class the writer needs is missing");
            }
        };
        inbox.stop();
        inbox = new DurableInbox(transactions, cipher, json, properties(1), failing, meters, published::add);
        inbox.start();

        var first = deliver(List.of("first-" + UUID.randomUUID())).get(0);
        assertThatThrownBy(() -> first.get(10, TimeUnit.SECONDS)).hasCauseInstanceOf(WebhookRejected.class)
                .cause().satisfies(e -> assertThat(((WebhookRejected) e).status().value()).isEqualTo(503));
        assertThat(published).as("liveness BROKEN (restarted) and readiness REFUSING_TRAFFIC (no longer sent to)")
                .extracting(event -> (Object) ((org.springframework.boot.availability.AvailabilityChangeEvent<?>) event).getState())
                .contains(org.springframework.boot.availability.LivenessState.BROKEN,
                        org.springframework.boot.availability.ReadinessState.REFUSING_TRAFFIC);

        // no writer is left: a later delivery is refused at once, not after the 30 s store timeout
        var started = System.nanoTime();
        var later = deliver(List.of("later-" + UUID.randomUUID())).get(0);
        assertThatThrownBy(() -> later.get(10, TimeUnit.SECONDS)).hasCauseInstanceOf(WebhookRejected.class);
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(5));
        int stored = transactions.inTenant(tenant, db -> db.sql("SELECT count(*) FROM inbound_messages")
                .query(Integer.class).single());
        assertThat(stored).as("nothing stored").isZero();
    }

    private static WebhookProperties properties(int writers) {
        return properties(writers, 64);
    }

    private static WebhookProperties properties(int writers, int maxBatch) {
        return new WebhookProperties(DataSize.ofMegabytes(1), 100, 10, Duration.ofHours(1),
                Duration.ofSeconds(5), writers, EXTRA_AT, maxBatch, Duration.ofMillis(250), Duration.ofMillis(50));
    }

    @Test
    void aFullGroupTellsThatTheIntakeIsAtFullLoadForASecond() throws Exception {
        inbox.stop();
        inbox = new DurableInbox(transactions, cipher, json, properties(1, 3), deduplication, meters, event -> { });
        inbox.start();
        var held = holdTheFirstWriter();
        var pile = deliver("pile-", 5);
        Thread.sleep(500);
        assertThat(inbox.atFullLoad()).as("the writer's group so far: the held delivery alone").isFalse();

        release.countDown();
        CompletableFuture.allOf(pile.toArray(CompletableFuture[]::new)).get(10, TimeUnit.SECONDS);
        held.get(10, TimeUnit.SECONDS);
        var committed = System.nanoTime();

        assertThat(inbox.atFullLoad()).as("five waited for a writer that takes three a commit").isTrue();
        while (inbox.atFullLoad() && System.nanoTime() - committed < TimeUnit.SECONDS.toNanos(5)) {
            Thread.sleep(50);
        }
        assertThat(inbox.atFullLoad()).as("a second after the last full group").isFalse();
        assertThat(Duration.ofNanos(System.nanoTime() - committed)).isGreaterThan(Duration.ofMillis(800));
    }

    @Test
    void fewerThanThePileWaitForTheFirstWriter() throws Exception {
        var held = holdTheFirstWriter();

        var few = deliver("few-", EXTRA_AT - 2);

        Thread.sleep(1_000);
        assertThat(few).as("no extra writer for fewer than %d waiting", EXTRA_AT).noneMatch(CompletableFuture::isDone);
        release.countDown();
        CompletableFuture.allOf(few.toArray(CompletableFuture[]::new)).get(10, TimeUnit.SECONDS);
        assertThat(held.get(10, TimeUnit.SECONDS).duplicate()).isTrue();
    }

    /**
     * Another transaction inserts the key of a delivery and stays open; the first writer's insert of that delivery
     * waits on it (ON CONFLICT must know whether the other commits) until {@link #release}.
     */
    private CompletableFuture<Delivery> holdTheFirstWriter() throws Exception {
        var locked = new CountDownLatch(1);
        partners.submit(() -> transactions.inTenant(tenant, db -> {
            db.sql("""
                    INSERT INTO inbound_messages (id, tenant_id, source, event_type, partner_event_id, dedupe_key, headers, body)
                    VALUES (?, ?, 'flights', 'test.held', 'held', 'held', '{}', '\\x00')""")
                    .params(UUID.randomUUID(), tenant).update();
            locked.countDown();
            try {
                release.await(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return null;
        }));
        assertThat(locked.await(10, TimeUnit.SECONDS)).isTrue();
        var held = deliver(List.of("held")).get(0);
        var deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (waitingOnALock() == 0 && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertThat(waitingOnALock()).as("the first writer waits on the lock").isEqualTo(1);
        assertThat(held).isNotDone();
        return held;
    }

    private int waitingOnALock() {
        return transactions.withoutTenant(db -> db.sql("""
                SELECT count(*) FROM pg_stat_activity
                WHERE wait_event_type = 'Lock' AND query LIKE '%INSERT INTO inbound_messages%'""")
                .query(Integer.class).single());
    }

    private List<CompletableFuture<Delivery>> deliver(String prefix, int n) {
        var keys = new ArrayList<String>();
        for (int i = 0; i < n; i++) {
            keys.add(prefix + UUID.randomUUID());
        }
        return deliver(keys);
    }

    private List<CompletableFuture<Delivery>> deliver(List<String> keys) {
        var futures = new ArrayList<CompletableFuture<Delivery>>();
        for (var key : keys) {
            var delivery = new Delivery(tenant, "flights", "203.0.113.9", Map.of("content-type", "application/json"),
                    ("{\"id\":\"" + key + "\"}").getBytes(StandardCharsets.UTF_8), Instant.now());
            delivery.identity(new EventIdentity.Identity("test.held", key, key));
            futures.add(CompletableFuture.supplyAsync(() -> {
                inbox.store(delivery);
                return delivery;
            }, partners));
        }
        return futures;
    }
}
