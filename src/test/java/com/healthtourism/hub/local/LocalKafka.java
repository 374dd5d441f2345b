package com.healthtourism.hub.local;

import java.util.Map;

import org.springframework.kafka.test.EmbeddedKafkaKraftBroker;

/** A single-node KRaft Kafka broker inside this JVM, listening on a random port of 127.0.0.1. */
public final class LocalKafka implements AutoCloseable {

    public static final int DEFAULT_PARTITIONS = 3;

    private final int partitions;
    private EmbeddedKafkaKraftBroker broker;

    public LocalKafka() {
        this(DEFAULT_PARTITIONS);
    }

    /** @param partitions partitions of every topic created by auto-creation or {@link #createTopics} */
    public LocalKafka(int partitions) {
        this.partitions = partitions;
    }

    public synchronized LocalKafka start() {
        if (broker != null) {
            return this;
        }
        var kraft = new EmbeddedKafkaKraftBroker(1, partitions);
        kraft.brokerProperties(Map.of(
                "listeners", "EXTERNAL://127.0.0.1:0,CONTROLLER://127.0.0.1:0",
                "auto.create.topics.enable", "true",
                "transaction.state.log.replication.factor", "1",
                "transaction.state.log.min.isr", "1"));
        kraft.afterPropertiesSet();
        broker = kraft;
        return this;
    }

    /** The {@code bootstrap.servers} value for clients, e.g. {@code 127.0.0.1:39211}. */
    public String bootstrapServers() {
        // the test kit names its listeners "localhost" whatever they are bound to; say where they really are
        return broker.getBrokersAsString().replace("localhost:", "127.0.0.1:");
    }

    /** Creates topics with the configured partition count, for tests that must not rely on auto-creation. */
    public void createTopics(String... topics) {
        broker.addTopics(topics);
    }

    @Override
    public synchronized void close() {
        if (broker != null) {
            broker.destroy();
            broker = null;
        }
    }
}
