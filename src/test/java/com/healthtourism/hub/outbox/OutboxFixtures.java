package com.healthtourism.hub.outbox;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.function.Predicate;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.springframework.boot.test.web.client.TestRestTemplate;
import org.springframework.http.HttpStatus;

import com.healthtourism.hub.crypto.FieldCipher;
import com.healthtourism.hub.tenancy.TenantTransactions;
import com.healthtourism.hub.webhooks.InboundMessages;

/** What the outbox tests share: a tenant made through the admin API, a stored message with its outbox row, a consumer. */
public final class OutboxFixtures {

    private OutboxFixtures() {
    }

    static UUID createTenant(TestRestTemplate http) {
        var response = http.withBasicAuth("test-admin", "test-admin-password").postForEntity("/admin/tenants",
                Map.of("name", "Relay clinic", "domain", "relay-" + UUID.randomUUID() + ".example.com"), Map.class);
        if (response.getStatusCode() != HttpStatus.CREATED) {
            throw new IllegalStateException("tenant not created: " + response.getStatusCode());
        }
        return UUID.fromString((String) response.getBody().get("id"));
    }

    static String sample(String mapping) {
        try {
            return Files.readString(Path.of("src/test/resources/mappings", mapping + ".input.json"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Stores a message as the intake route does: encrypted body and its outbox row, in one transaction. */
    static UUID storeMessage(TenantTransactions transactions, FieldCipher cipher, UUID tenant, String source,
                             String eventType, String body) {
        var id = UUID.randomUUID();
        var ciphertext = cipher.encrypt(body.getBytes(StandardCharsets.UTF_8), InboundMessages.bodyContext(tenant, id));
        transactions.inTenant(tenant, db -> {
            db.sql("""
                            INSERT INTO inbound_messages (id, tenant_id, source, event_type, partner_event_id, dedupe_key, body)
                            VALUES (?, ?, ?, ?, ?, ?, ?)""")
                    .params(id, tenant, source, eventType, "evt_" + id, id.toString().replace("-", ""), ciphertext).update();
            return db.sql("INSERT INTO outbox (tenant_id, message_id) VALUES (?, ?)").params(tenant, id).update();
        });
        return id;
    }

    static Map<String, Object> message(TenantTransactions transactions, UUID tenant, UUID id) {
        return transactions.inTenant(tenant, db -> db.sql("""
                        SELECT status::text AS status, error, published_at, attempts,
                               (SELECT count(*) FROM outbox o WHERE o.message_id = m.id) AS queued
                        FROM inbound_messages m WHERE id = ?""")
                .param(id).query().singleRow());
    }

    public static KafkaConsumer<String, String> consumer(String bootstrapServers, String topic) {
        var properties = new Properties();
        properties.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        properties.put(ConsumerConfig.GROUP_ID_CONFIG, "outbox-test-" + UUID.randomUUID());
        properties.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        properties.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class);
        properties.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class);
        var consumer = new KafkaConsumer<String, String>(properties);
        consumer.subscribe(List.of(topic));
        return consumer;
    }

    /** Polls until {@code enough} holds for the matching records seen so far, or the deadline passes. */
    public static List<ConsumerRecord<String, String>> poll(KafkaConsumer<String, String> consumer,
                                                     Predicate<ConsumerRecord<String, String>> matching,
                                                     Predicate<List<ConsumerRecord<String, String>>> enough, Duration deadline) {
        var seen = new ArrayList<ConsumerRecord<String, String>>();
        var end = System.nanoTime() + deadline.toNanos();
        while (!enough.test(seen) && System.nanoTime() < end) {
            consumer.poll(Duration.ofMillis(200)).forEach(record -> {
                if (matching.test(record)) {
                    seen.add(record);
                }
            });
        }
        return seen;
    }

    public static String header(ConsumerRecord<String, String> record, String name) {
        var header = record.headers().lastHeader(name);
        return header == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }
}
