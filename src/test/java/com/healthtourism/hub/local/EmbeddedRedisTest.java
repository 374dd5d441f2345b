package com.healthtourism.hub.local;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;

import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import org.junit.jupiter.api.Test;

class EmbeddedRedisTest {

    @Test
    void answersPingSetAndGetOnItsOwnPortAndStopsOnClose() {
        int port;
        try (var redis = new EmbeddedRedis().start()) {
            port = redis.port();
            assertThat(port).isNotEqualTo(6379);

            var client = RedisClient.create(RedisURI.create(redis.host(), port));
            try (var connection = client.connect()) {
                var commands = connection.sync();
                assertThat(commands.ping()).isEqualTo("PONG");
                assertThat(commands.set("case:42:status", "APPROVED")).isEqualTo("OK");
                assertThat(commands.get("case:42:status")).isEqualTo("APPROVED");
                assertThat(commands.get("case:43:status")).isNull();
            } finally {
                client.shutdown();
            }
        }
        assertThat(Probe.answers(EmbeddedRedis.HOST, port, Duration.ofMillis(500))).isFalse();
    }
}
