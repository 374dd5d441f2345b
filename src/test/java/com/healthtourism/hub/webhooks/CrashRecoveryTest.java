package com.healthtourism.hub.webhooks;

import static com.healthtourism.hub.webhooks.WebhookClient.stripeEvent;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.sql.SQLException;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;

import com.healthtourism.hub.local.HubProcess;
import com.healthtourism.hub.local.LocalBackends;

/**
 * kill -9 in the middle of a stream of signed deliveries loses nothing: every event the hub
 * answered 2xx is in PostgreSQL after the restart and reaches Kafka, where a consumer that
 * de-duplicates by CloudEvents id sees each one exactly once.
 */
class CrashRecoveryTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void everyAcknowledgedEventSurvivesAKillAndReachesKafka() throws Exception {
        var backends = LocalBackends.start(LocalBackends.Mode.TEST, name -> System.getenv(name) != null);
        var acknowledged = new ConcurrentHashMap<String, String>();
        var unanswered = ConcurrentHashMap.<String>newKeySet();
        UUID tenant;
        // The killed hub's claimed rows (and, to keep order, its tenant's later ones) wait for their lease
        // to end before another relay takes them; a short lease keeps the test short.
        try (var hub = new HubProcess(backends).with("hub.outbox.lease", "10s").start()) {
            var partner = new WebhookClient(hub.port());
            tenant = partner.tenantWithSources(Map.of());
            var sending = new AtomicBoolean(true);
            var sent = new AtomicInteger();
            var senders = Executors.newFixedThreadPool(4);
            var target = tenant;
            for (int i = 0; i < 4; i++) {
                senders.submit(() -> {
                    while (sending.get()) {
                        var event = "evt_" + UUID.randomUUID().toString().replace("-", "");
                        sent.incrementAndGet();
                        try {
                            var answer = partner.stripe(target, stripeEvent(event, "payment_intent.succeeded"));
                            if (answer.status() / 100 == 2) {
                                acknowledged.put(event, answer.body().get("id").asText());
                            } else {
                                unanswered.add(event);
                            }
                        } catch (RuntimeException e) {
                            unanswered.add(event);
                        }
                    }
                });
            }
            await().atMost(Duration.ofSeconds(60)).until(() -> acknowledged.size() >= 150);
            hub.kill();
            sending.set(false);
            senders.shutdown();
            assertThat(senders.awaitTermination(30, TimeUnit.SECONDS)).isTrue();

            hub.start();
            for (var event : unanswered) {
                var retried = partner.stripe(tenant, stripeEvent(event, "payment_intent.succeeded"));
                assertThat(retried.status()).as("a partner's retry after the crash").isIn(200, 202);
                acknowledged.put(event, retried.body().get("id").asText());
            }

            assertThat(storedEvents(backends, tenant)).containsAllEntriesOf(acknowledged);
            var expected = new HashSet<>(acknowledged.values());
            await().atMost(Duration.ofSeconds(120)).untilAsserted(() ->
                    assertThat(publishedIds(backends, tenant)).containsAll(expected));
        }
    }

    private static Map<String, String> storedEvents(Map<String, Object> backends, UUID tenant) throws SQLException {
        var url = (String) backends.get("spring.flyway.url");
        try (var db = java.sql.DriverManager.getConnection(url, (String) backends.get("spring.flyway.user"), "");
             var query = db.prepareStatement(
                     "SELECT partner_event_id, id::text FROM inbound_messages WHERE tenant_id = ?")) {
            query.setObject(1, tenant);
            var stored = new java.util.HashMap<String, String>();
            try (var rows = query.executeQuery()) {
                while (rows.next()) {
                    stored.put(rows.getString(1), rows.getString(2));
                }
            }
            return stored;
        }
    }

    private static Set<String> publishedIds(Map<String, Object> backends, UUID tenant) throws Exception {
        var properties = new Properties();
        properties.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, backends.get("hub.kafka.bootstrap-servers"));
        properties.put(ConsumerConfig.GROUP_ID_CONFIG, "crash-test-" + UUID.randomUUID());
        properties.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        var ids = new HashSet<String>();
        try (var consumer = new KafkaConsumer<>(properties, new StringDeserializer(), new StringDeserializer())) {
            consumer.subscribe(List.of("hub.payment"));
            var quiet = 0;
            while (quiet < 3) {
                var records = consumer.poll(Duration.ofSeconds(1));
                quiet = records.isEmpty() ? quiet + 1 : 0;
                for (var record : records) {
                    var event = JSON.readTree(record.value());
                    if (tenant.toString().equals(event.path("tenantid").asText())) {
                        ids.add(event.get("id").asText());
                    }
                }
            }
        }
        return ids;
    }
}
