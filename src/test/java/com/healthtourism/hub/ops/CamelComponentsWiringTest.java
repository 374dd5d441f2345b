package com.healthtourism.hub.ops;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.UUID;

import dev.langchain4j.data.embedding.Embedding;
import org.apache.camel.ConsumerTemplate;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.component.langchain4j.embeddings.LangChain4jEmbeddingsHeaders;
import org.apache.camel.component.redis.RedisConstants;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.data.redis.connection.RedisConnectionFactory;
import org.springframework.data.redis.connection.jedis.JedisConnectionFactory;

import com.healthtourism.hub.local.HubTest;

/** Each backend is reachable through its Camel component, configured by the hub's settings alone. */
@HubTest
class CamelComponentsWiringTest {

    @Autowired
    ProducerTemplate producer;

    @Autowired
    ConsumerTemplate consumer;

    @Autowired
    RedisConnectionFactory redisConnections;

    @Test
    void kafkaComponentReachesTheConfiguredBrokers() {
        var topic = "hub.wiring-" + UUID.randomUUID();
        var record = "{\"probe\":\"" + UUID.randomUUID() + "\"}";
        producer.sendBody("kafka:" + topic, record);

        var received = consumer.receiveBody(
                "kafka:" + topic + "?groupId=wiring-test&autoOffsetReset=earliest", 30_000, String.class);

        assertThat(received).isEqualTo(record);
    }

    @Test
    void springRedisComponentUsesTheHubsRedis() {
        var key = "wiring:" + UUID.randomUUID();
        producer.sendBodyAndHeaders("spring-redis:redis?redisTemplate=#stringRedisTemplate", null,
                Map.of(RedisConstants.COMMAND, "SETEX", RedisConstants.KEY, key, RedisConstants.VALUE, "here",
                        RedisConstants.TIMEOUT, 60L));

        var value = producer.requestBodyAndHeaders("spring-redis:redis?redisTemplate=#stringRedisTemplate", null,
                Map.of(RedisConstants.COMMAND, "GET", RedisConstants.KEY, key), String.class);

        assertThat(value).isEqualTo("here");
    }

    /**
     * Redis calls run on the caller's thread over a pooled blocking connection (Jedis): Lettuce would hand each call to
     * its event loop and the answer back, two thread wake-ups per call on the intake's path (README Benchmarks).
     */
    @Test
    void redisIsReachedThroughAPoolOfBlockingConnections() {
        assertThat(redisConnections).isInstanceOf(JedisConnectionFactory.class);
        var jedis = (JedisConnectionFactory) redisConnections;
        assertThat(jedis.getUsePool()).isTrue();
        assertThat(jedis.getPoolConfig().getMaxTotal()).isEqualTo(16);
        assertThat(jedis.getPoolConfig().getMaxWaitDuration()).hasSeconds(2);
    }

    @Test
    void embeddingsComponentUsesTheInProcessModel() {
        var exchange = producer.request("langchain4j-embeddings:hub?embeddingModel=#embeddingModel",
                e -> e.getMessage().setBody("dental implants in Istanbul"));

        var vector = exchange.getMessage().getHeader(LangChain4jEmbeddingsHeaders.VECTOR, float[].class);
        assertThat(vector).hasSize(384);
        assertThat(exchange.getMessage().getHeader(LangChain4jEmbeddingsHeaders.EMBEDDING, Embedding.class)).isNotNull();
    }

    @Test
    void minioComponentReadsWhatTheStorageRoutesWrote() {
        var keys = producer.requestBodyAndHeader("minio:{{hub.s3.bucket}}?minioClient=#minioClient&operation=listObjects",
                null, "CamelMinioPrefix", "uploads/", List.class);
        assertThat(keys).isNotEmpty();
    }
}
