package com.healthtourism.hub.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.admin.AdminClient;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

class LocalKafkaTest {

    private static final String TOPIC = "hub.local.probe";

    @Test
    void deliversARecordOnAnAutoCreatedTopic() throws Exception {
        try (var kafka = new LocalKafka().start()) {
            assertThat(kafka.bootstrapServers()).startsWith("127.0.0.1:");

            try (var producer = new KafkaProducer<String, String>(Map.of(
                    ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                    ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class,
                    ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class))) {
                producer.send(new ProducerRecord<>(TOPIC, "case-42", "{\"status\":\"APPROVED\"}")).get(30, TimeUnit.SECONDS);
            }

            try (var admin = AdminClient.create(Map.<String, Object>of("bootstrap.servers", kafka.bootstrapServers()))) {
                var description = admin.describeTopics(List.of(TOPIC)).allTopicNames().get(30, TimeUnit.SECONDS).get(TOPIC);
                assertThat(description.partitions()).hasSize(LocalKafka.DEFAULT_PARTITIONS);
            }

            try (var consumer = new KafkaConsumer<String, String>(Map.of(
                    ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                    ConsumerConfig.GROUP_ID_CONFIG, "local-kafka-test",
                    ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                    ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class,
                    ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class))) {
                consumer.subscribe(List.of(TOPIC));
                var received = new ArrayList<ConsumerRecord<String, String>>();
                await().atMost(Duration.ofSeconds(30))
                        .until(() -> {
                            consumer.poll(Duration.ofMillis(200)).forEach(received::add);
                            return !received.isEmpty();
                        });
                assertThat(received).singleElement().satisfies(record -> {
                    assertThat(record.key()).isEqualTo("case-42");
                    assertThat(record.value()).isEqualTo("{\"status\":\"APPROVED\"}");
                });
            }
        }
    }
}
