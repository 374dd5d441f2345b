package com.healthtourism.hub.outbox;

import static com.healthtourism.hub.outbox.OutboxFixtures.consumer;
import static com.healthtourism.hub.outbox.OutboxFixtures.createTenant;
import static com.healthtourism.hub.outbox.OutboxFixtures.header;
import static com.healthtourism.hub.outbox.OutboxFixtures.message;
import static com.healthtourism.hub.outbox.OutboxFixtures.poll;
import static com.healthtourism.hub.outbox.OutboxFixtures.sample;
import static com.healthtourism.hub.outbox.OutboxFixtures.storeMessage;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.sql.DriverManager;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.micrometer.core.instrument.MeterRegistry;
import org.apache.camel.CamelContext;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.web.client.TestRestTemplate;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.core.env.Environment;

import com.healthtourism.hub.approvals.OpsClient;
import com.healthtourism.hub.crypto.FieldCipher;
import com.healthtourism.hub.local.HubTest;
import com.healthtourism.hub.tenancy.TenantTransactions;

/** The relay's promise: a stored message becomes one CloudEvent on its family's topic, or is settled without one. */
@HubTest
class OutboxRelayTest {

    private static final Duration DEADLINE = Duration.ofSeconds(30);

    @Autowired
    TestRestTemplate http;
    @LocalServerPort
    int port;

    @Autowired
    TenantTransactions transactions;

    @Autowired
    FieldCipher cipher;

    @Autowired
    MeterRegistry meters;

    @Autowired
    CamelContext camel;

    @Autowired
    RaisedEvents raised;

    @Autowired
    OutboxRelay relay;

    @Value("${hub.kafka.bootstrap-servers}")
    String bootstrapServers;

    @Autowired
    Environment environment;

    private final ObjectMapper json = new ObjectMapper();

    @Test
    void aStoredMessageBecomesOneCloudEventKeyedByTenantAndSubject() throws Exception {
        var tenant = createTenant(http);
        try (var consumer = consumer(bootstrapServers, "hub.payment")) {
            var id = storeMessage(transactions, cipher, tenant, "stripe", "payment_intent.succeeded",
                    sample("stripe/payment_intent.succeeded"));

            var records = poll(consumer, record -> id.toString().equals(header(record, "ce_id")),
                    seen -> !seen.isEmpty(), DEADLINE);

            assertThat(records).hasSize(1);
            var record = records.get(0);
            assertThat(record.topic()).isEqualTo("hub.payment");
            assertThat(record.key()).isEqualTo(tenant + ":pi_3OqLx2LkdIwHu7ix0Xk1bQ9a");
            assertThat(header(record, "ce_type")).isEqualTo("payment.succeeded");
            assertThat(header(record, "content-type")).isEqualTo("application/cloudevents+json");
            var event = json.readTree(record.value());
            assertThat(event.get("specversion").asText()).isEqualTo("1.0");
            assertThat(event.get("id").asText()).isEqualTo(id.toString());
            assertThat(event.get("source").asText()).isEqualTo("/partners/stripe");
            assertThat(event.get("type").asText()).isEqualTo("payment.succeeded");
            assertThat(event.get("subject").asText()).isEqualTo("pi_3OqLx2LkdIwHu7ix0Xk1bQ9a");
            assertThat(event.get("tenantid").asText()).isEqualTo(tenant.toString());
            assertThat(event.get("time").asText()).isEqualTo("2024-03-14T09:21:10Z");
            assertThat(event.get("data").get("amount").asInt()).isEqualTo(250000);
            assertThat(record.value()).doesNotContain("jenny.rosen@example.com", "Jenny Rosen", "_secret_", "Unter den Linden");
        }
        await().atMost(DEADLINE).untilAsserted(() -> {
            var settled = message(transactions, tenant, storedIdOf(tenant));
            assertThat(settled).containsEntry("status", "published").containsEntry("queued", 0L);
            assertThat(settled.get("published_at")).isNotNull();
        });
    }

    @Test
    void anEventTypeWithoutMappingIsUnmappedAndCounted() {
        var tenant = createTenant(http);
        var before = unmappedCount();

        var id = storeMessage(transactions, cipher, tenant, "stripe", "customer.created",
                "{\"id\":\"evt_1\",\"type\":\"customer.created\",\"data\":{\"object\":{\"id\":\"cus_1\",\"email\":\"a@example.com\"}}}");

        await().atMost(DEADLINE).untilAsserted(() -> assertThat(message(transactions, tenant, id))
                .containsEntry("status", "unmapped").containsEntry("queued", 0L).containsEntry("error", null));
        assertThat(unmappedCount()).isEqualTo(before + 1);
    }

    @Test
    void aMappingThatYieldsNoSubjectFailsWithAShortReason() {
        var tenant = createTenant(http);

        var id = storeMessage(transactions, cipher, tenant, "stripe", "payment_intent.succeeded",
                "{\"id\":\"evt_2\",\"type\":\"payment_intent.succeeded\",\"data\":{\"object\":{\"object\":\"payment_intent\"}}}");

        await().atMost(DEADLINE).untilAsserted(() -> assertThat(message(transactions, tenant, id))
                .containsEntry("status", "failed").containsEntry("queued", 0L)
                .containsEntry("error", "mapping output has no 'subject'"));
    }

    @Test
    void aFailedMappingWaitsInTheApprovalQueueAndAGrantQueuesTheMessageAgain() {
        var tenant = createTenant(http);
        var body = "{\"id\":\"evt_3\",\"type\":\"payment_intent.succeeded\",\"data\":{\"object\":{}}}";
        var id = storeMessage(transactions, cipher, tenant, "stripe", "payment_intent.succeeded", body);
        var ops = new OpsClient(port, OpsClient.OPS);

        var item = await().atMost(DEADLINE).until(() -> ops.get("/ops/api/approvals?tenant=" + tenant).body().get("items"),
                items -> items.size() == 1).get(0);
        assertThat(item.get("status").asText()).isEqualTo("pending");
        assertThat(item.get("errorMessage").asText()).isEqualTo("mapping output has no 'subject'");
        assertThat(new OpsClient(port, OpsClient.ADMIN).get("/ops/api/approvals/" + item.get("id").asText() + "/payload")
                .response().body()).as("the partner's message, byte-exact").isEqualTo(body);
        assertThat(message(transactions, tenant, id)).containsEntry("status", "failed");

        var granted = ops.post("/ops/api/approvals/" + item.get("id").asText() + "/grant", null);
        assertThat(granted.body().get("status").asText()).isEqualTo("replayed");

        // the mapping is still broken: the requeued message fails again and is the same item, one attempt more
        await().atMost(DEADLINE).untilAsserted(() -> {
            var again = ops.get("/ops/api/approvals/" + item.get("id").asText()).body();
            assertThat(again.get("status").asText()).isEqualTo("pending");
            assertThat(again.get("attempts").asInt()).isEqualTo(2);
        });
        assertThat(ops.get("/ops/api/approvals?tenant=" + tenant).body().get("items")).hasSize(1);
    }

    @Test
    void aFailedMappingDoesNotHoldBackTheMessagesClaimedWithIt() throws Exception {
        var tenant = createTenant(http);
        var both = storedInOneClaim(tenant,
                "{\"id\":\"evt_4\",\"type\":\"payment_intent.succeeded\",\"data\":{\"object\":{}}}",
                sample("stripe/payment_intent.succeeded"));
        var broken = both.get(0);
        var good = both.get(1);

        // within the deadline, long before the claim's lease (120 s) would hand the good row to another claim
        await().atMost(DEADLINE).untilAsserted(() -> {
            assertThat(message(transactions, tenant, broken)).containsEntry("status", "failed").containsEntry("queued", 0L);
            assertThat(message(transactions, tenant, good)).containsEntry("status", "published").containsEntry("queued", 0L);
        });
    }

    @Test
    void anEventTooLongForKafkaIsParkedAndDoesNotHoldBackTheTenantsLaterEvents() throws Exception {
        var tenant = createTenant(http);
        // the mapping copies metadata.case_id into the event: 120 kB of it, past max-event-bytes (100 kB here)
        var both = storedInOneClaim(tenant,
                "{\"id\":\"evt_5\",\"type\":\"payment_intent.succeeded\",\"data\":{\"object\":{\"id\":\"pi_5\","
                        + "\"metadata\":{\"case_id\":\"" + "c".repeat(120_000) + "\"}}}}",
                sample("stripe/payment_intent.succeeded"));
        var tooLong = both.get(0);
        var later = both.get(1);

        await().atMost(DEADLINE).untilAsserted(() -> {
            assertThat(message(transactions, tenant, tooLong)).containsEntry("status", "failed").containsEntry("queued", 0L)
                    .containsEntry("error", "the event is longer than Kafka takes (hub.outbox.max-event-bytes 100000)");
            assertThat(message(transactions, tenant, later)).containsEntry("status", "published");
        });
        var items = new OpsClient(port, OpsClient.OPS).get("/ops/api/approvals?tenant=" + tenant).body().get("items");
        assertThat(items).hasSize(1);
        assertThat(items.get(0).get("routeId").asText()).isEqualTo("outbox-map");
    }

    @Test
    void aRaisedEventTooLongForKafkaIsParkedToo() throws Exception {
        var tenant = createTenant(http);
        camel.getRouteController().suspendRoute("outbox-relay");
        UUID later;
        try {
            transactions.inTenant(tenant, db -> {
                raised.raise(db, tenant, "approvals", "approval.required", "item-1",
                        json.createObjectNode().put("note", "n".repeat(120_000)));
                return null;
            });
            later = storeMessage(transactions, cipher, tenant, "stripe", "payment_intent.succeeded",
                    sample("stripe/payment_intent.succeeded"));
        } finally {
            camel.getRouteController().resumeRoute("outbox-relay");
        }

        await().atMost(DEADLINE).untilAsserted(() ->
                assertThat(message(transactions, tenant, later)).containsEntry("status", "published"));
        var items = new OpsClient(port, OpsClient.OPS).get("/ops/api/approvals?tenant=" + tenant).body().get("items");
        assertThat(items).hasSize(1);
        assertThat(items.get(0).get("errorMessage").asText()).startsWith("the event is longer than Kafka takes");
    }

    /** Stripe payment_intent.succeeded messages stored while the relay waits, so that one claim takes them all. */
    private List<UUID> storedInOneClaim(UUID tenant, String... bodies) throws Exception {
        camel.getRouteController().suspendRoute("outbox-relay");
        try {
            var ids = new ArrayList<UUID>();
            for (var body : bodies) {
                ids.add(storeMessage(transactions, cipher, tenant, "stripe", "payment_intent.succeeded", body));
            }
            return ids;
        } finally {
            camel.getRouteController().resumeRoute("outbox-relay");
        }
    }

    @Test
    void aRowCommittedAfterTheClaimingTransactionBeganIsDueToItsClaim() throws Exception {
        var tenant = createTenant(http);
        camel.getRouteController().suspendRoute("outbox-relay");
        try (var db = DriverManager.getConnection(environment.getRequiredProperty("spring.flyway.url"),
                environment.getRequiredProperty("spring.flyway.user"), environment.getProperty("spring.flyway.password", ""))) {
            db.setAutoCommit(false);
            try {
                // the claiming transaction's time (now()) is fixed by its first statement
                db.createStatement().execute("SELECT now()");
                var later = CompletableFuture.supplyAsync(() -> storeMessage(transactions, cipher, tenant, "stripe",
                        "payment_intent.succeeded", sample("stripe/payment_intent.succeeded"))).get(10, TimeUnit.SECONDS);

                var claimed = new ArrayList<UUID>();
                try (var claim = db.prepareStatement(OutboxRelay.CLAIM)) {
                    claim.setObject(1, tenant);
                    claim.setInt(2, 100);
                    claim.setDouble(3, 60);
                    claim.setObject(4, tenant);
                    try (var rows = claim.executeQuery()) {
                        while (rows.next()) {
                            claimed.add(rows.getObject("message_id", UUID.class));
                        }
                    }
                }

                assertThat(claimed).as("a full batch is not cut short by the intake's latest commit").containsExactly(later);
            } finally {
                db.rollback();
            }
        } finally {
            camel.getRouteController().resumeRoute("outbox-relay");
        }
    }

    @Test
    void theRelayRunsOneRoundAtATimeThoughKafkasAnswersComeOnAnotherThread() throws Exception {
        var tenant = createTenant(http);
        var bodies = new String[1_500];
        Arrays.fill(bodies, sample("stripe/payment_intent.succeeded"));
        // stored while the relay is suspended: fifteen claims' worth, waiting when it resumes
        storedInOneClaim(tenant, bodies);

        // each round's publications end on the Kafka producer's thread; a next poll must not start a round beside it
        int most = 0;
        var deadline = System.nanoTime() + DEADLINE.toNanos();
        while (queued(tenant) > 0 && System.nanoTime() < deadline) {
            most = Math.max(most, camel.getInflightRepository().size("outbox-relay"));
            Thread.sleep(2);
        }
        assertThat(queued(tenant)).as("the backlog drained").isZero();
        assertThat(most).as("relay rounds in flight at once").isEqualTo(1);
    }

    private long queued(UUID tenant) {
        return transactions.inTenant(tenant, db -> db.sql("SELECT count(*) FROM outbox").query(Long.class).single());
    }

    private UUID storedIdOf(UUID tenant) {
        return transactions.inTenant(tenant, db -> db.sql("SELECT id FROM inbound_messages").query(UUID.class).single());
    }

    @Test
    void aRaisedEventThatFailsIsSettledAndCountedAsTheHubs() {
        var tenant = createTenant(http);
        var event = new com.healthtourism.hub.events.OutgoingEvent("hub.approval", tenant + ":a", UUID.randomUUID().toString(),
                "approval.granted", "{}");
        // no partner message: no source (a row id no other row has, so settling it deletes nothing)
        var entry = new OutboxEntry(-1, tenant, null, null, null, null, 1, null, null, event);

        relay.failed(entry, new com.healthtourism.hub.events.MappingFailure("the event is longer than Kafka takes"));

        assertThat(meters.find("hub.webhooks.failed").tag("source", "hub").counter()).isNotNull();
    }

    private double unmappedCount() {
        var counter = meters.find("hub.webhooks.unmapped").tag("source", "stripe").counter();
        return counter == null ? 0 : counter.count();
    }
}
