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

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Map;
import java.util.UUID;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.boot.test.web.client.TestRestTemplate;
import org.springframework.kafka.test.EmbeddedKafkaKraftBroker;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.util.FileSystemUtils;

import com.healthtourism.hub.crypto.FieldCipher;
import com.healthtourism.hub.local.HubTest;
import com.healthtourism.hub.local.LocalBackends;
import com.healthtourism.hub.local.TcpProxy;
import com.healthtourism.hub.webhooks.WebhookClient;
import com.healthtourism.hub.tenancy.TenantTransactions;

/**
 * A Kafka outage loses nothing and reorders nothing: messages stored while Kafka is away are published once each,
 * in order, when it returns. This hub has a Kafka of its own, reachable only through a cuttable proxy (the broker
 * advertises the proxy's address), a database of its own (so no other test context's relay takes its rows) and a
 * copy of the mappings it may edit.
 */
@HubTest
@DirtiesContext
class OutboxKafkaOutageTest {

    private static final Duration DEADLINE = Duration.ofSeconds(45);
    private static final String DATABASE = "hub_outbox_outage_" + ProcessHandle.current().pid();

    private static EmbeddedKafkaKraftBroker kafka;
    private static TcpProxy proxy;
    private static Path mappings;
    private static String adminJdbcUrl;

    @DynamicPropertySource
    static void ownKafkaBehindAProxyAndOwnDatabase(DynamicPropertyRegistry registry) throws Exception {
        var brokerPort = freePort();
        proxy = new TcpProxy("127.0.0.1", brokerPort).start();
        kafka = new EmbeddedKafkaKraftBroker(1, 1);
        kafka.brokerProperties(Map.of(
                "listeners", "EXTERNAL://127.0.0.1:" + brokerPort + ",CONTROLLER://127.0.0.1:0",
                "advertised.listeners", "EXTERNAL://127.0.0.1:" + proxy.port(),
                "auto.create.topics.enable", "true",
                "transaction.state.log.replication.factor", "1",
                "transaction.state.log.min.isr", "1"));
        kafka.afterPropertiesSet();

        var shared = (String) LocalBackends.start(LocalBackends.Mode.TEST, name -> System.getenv(name) != null)
                .get("spring.flyway.url");
        var server = URI.create(shared.substring("jdbc:".length()));
        adminJdbcUrl = "jdbc:postgresql://" + server.getHost() + ":" + server.getPort() + "/postgres";
        try (var admin = DriverManager.getConnection(adminJdbcUrl, "postgres", "")) {
            admin.createStatement().execute("DROP DATABASE IF EXISTS " + DATABASE + " WITH (FORCE)");
            admin.createStatement().execute("CREATE DATABASE " + DATABASE);
        }
        dropDatabaseAtExit();
        var url = "jdbc:postgresql://" + server.getHost() + ":" + server.getPort() + "/" + DATABASE;

        mappings = Files.createTempDirectory("hub-mappings-");
        FileSystemUtils.copyRecursively(Path.of("mappings"), mappings);

        registry.add("hub.kafka.bootstrap-servers", () -> proxy.host() + ":" + proxy.port());
        registry.add("spring.datasource.url", () -> url);
        registry.add("spring.flyway.url", () -> url);
        registry.add("hub.mappings-dir", mappings::toString);
        registry.add("hub.mappings.cache", () -> "false");
        registry.add("hub.outbox.backoff-initial", () -> "200ms");
        registry.add("hub.outbox.backoff-max", () -> "1s");
        registry.add("hub.outbox.kafka-max-block-ms", () -> "1500");
        registry.add("hub.outbox.kafka-request-timeout-ms", () -> "1000");
        registry.add("hub.outbox.kafka-delivery-timeout-ms", () -> "2000");
        registry.add("hub.outbox.mapping-retry-delay", () -> "50");
    }

    @Autowired
    TestRestTemplate http;

    @LocalServerPort
    int port;

    @Autowired
    TenantTransactions transactions;

    @Autowired
    FieldCipher cipher;

    /** Nothing is left due by now, so the hub (closed right after, @DirtiesContext) has no send in flight. */
    @AfterAll
    static void stopTheBackends() throws IOException {
        proxy.close();
        kafka.destroy();
        FileSystemUtils.deleteRecursively(mappings);
    }

    /** The database goes when the JVM ends, after the hub's pool (JUnit's after-all runs before the hub closes). */
    private static void dropDatabaseAtExit() {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try (var admin = DriverManager.getConnection(adminJdbcUrl, "postgres", "")) {
                admin.createStatement().execute("DROP DATABASE IF EXISTS " + DATABASE + " WITH (FORCE)");
            } catch (SQLException e) {
                // a left-over test database is dropped by the next run of this test
            }
        }, "outbox-outage-db-drop"));
    }

    @Test
    void webhooksAcceptedWhileKafkaIsAwayArePublishedOnceEachInOrderWhenItReturns() {
        var partner = new WebhookClient(port);
        var tenant = partner.tenantWithSources(java.util.Map.of());
        var stored = new ArrayList<UUID>();
        proxy.cut();
        try {
            for (int i = 0; i < 5; i++) {
                var answer = partner.stripe(tenant,
                        sample("stripe/payment_intent.succeeded").replace("evt_3OqLx2LkdIwHu7ix0r7Wq1Zp", "evt_outage_" + i));
                assertThat(answer.status()).as("intake does not need Kafka").isEqualTo(202);
                stored.add(UUID.fromString(answer.body().get("id").asText()));
            }
            // the relay tried, failed to publish, and keeps every row (with its reason) for a later attempt
            await().atMost(DEADLINE).untilAsserted(() -> {
                var held = transactions.inTenant(tenant, db -> db.sql(
                        "SELECT count(*) FROM outbox WHERE attempts >= 2 AND last_error IS NOT NULL").query(Long.class).single());
                assertThat(held).isEqualTo(5L);
            });
            // each failed attempt is counted on the message too, once its claim ended
            stored.forEach(id -> assertThat(message(transactions, tenant, id)).containsEntry("status", "accepted")
                    .hasEntrySatisfying("attempts", attempts -> assertThat((Integer) attempts).isGreaterThanOrEqualTo(1)));
        } finally {
            proxy.restore();
        }

        await().atMost(DEADLINE).untilAsserted(() -> stored.forEach(id ->
                assertThat(message(transactions, tenant, id)).containsEntry("status", "published").containsEntry("queued", 0L)));
        // at least one failed attempt and the one that published
        stored.forEach(id -> assertThat((Integer) message(transactions, tenant, id).get("attempts")).isGreaterThanOrEqualTo(2));
        try (var consumer = consumer(proxy.host() + ":" + proxy.port(), "hub.payment")) {
            var key = tenant + ":pi_3OqLx2LkdIwHu7ix0Xk1bQ9a";
            var records = poll(consumer, record -> key.equals(record.key()), seen -> seen.size() > stored.size(),
                    Duration.ofSeconds(10));
            assertThat(records.stream().map(record -> header(record, "ce_id")).toList())
                    .as("each message once, in the order stored")
                    .containsExactlyElementsOf(stored.stream().map(UUID::toString).toList());
            assertThat(records).extracting(ConsumerRecord::topic).containsOnly("hub.payment");
        }
    }

    @Test
    void aBrokenMappingFailsTheMessageAndItsFixAppliesWithoutRestart() throws IOException {
        var tenant = createTenant(http);
        var mapping = mappings.resolve("stripe/payment_intent.canceled.jsonata");
        Files.writeString(mapping, "{ \"type\": \"payment.failed\", \"subject\": ");
        var body = sample("stripe/payment_intent.payment_failed").replace("payment_intent.payment_failed", "payment_intent.canceled");

        var broken = storeMessage(transactions, cipher, tenant, "stripe", "payment_intent.canceled", body);
        await().atMost(DEADLINE).untilAsserted(() -> {
            var row = message(transactions, tenant, broken);
            assertThat(row).containsEntry("status", "failed").containsEntry("queued", 0L);
            assertThat((String) row.get("error")).startsWith("mapping error: JSONata");
        });

        Files.writeString(mapping, "{ \"type\": \"payment.failed\", \"subject\": data.object.id, \"data\": {\"status\": data.object.status} }");
        var fixed = storeMessage(transactions, cipher, tenant, "stripe", "payment_intent.canceled", body);
        await().atMost(DEADLINE).untilAsserted(() ->
                assertThat(message(transactions, tenant, fixed)).containsEntry("status", "published"));
    }

    private static int freePort() throws IOException {
        try (var socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }
}
