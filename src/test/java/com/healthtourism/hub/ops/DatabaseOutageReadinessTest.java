package com.healthtourism.hub.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.client.TestRestTemplate;
import org.springframework.http.HttpStatus;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import com.healthtourism.hub.local.HubTest;
import com.healthtourism.hub.local.LocalBackends;
import com.healthtourism.hub.local.TcpProxy;

/** Readiness goes DOWN while PostgreSQL is unreachable, and UP again when it is back. */
@HubTest
class DatabaseOutageReadinessTest {

    private static TcpProxy proxy;

    @DynamicPropertySource
    static void throughACuttableProxy(DynamicPropertyRegistry registry) {
        var url = (String) LocalBackends.start(LocalBackends.Mode.TEST, name -> System.getenv(name) != null)
                .get("spring.datasource.url");
        var target = URI.create(url.substring("jdbc:".length()));
        proxy = new TcpProxy(target.getHost(), target.getPort()).start();
        var proxied = "jdbc:postgresql://" + proxy.host() + ":" + proxy.port() + target.getPath();
        registry.add("spring.datasource.url", () -> proxied);
    }

    @AfterAll
    static void closeProxy() {
        proxy.close();
    }

    @Autowired
    TestRestTemplate http;

    @Test
    void readinessFollowsTheDatabase() {
        assertThat(http.getForEntity("/actuator/health/readiness", Map.class).getStatusCode()).isEqualTo(HttpStatus.OK);

        proxy.cut();
        try {
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
                var readiness = http.getForEntity("/actuator/health/readiness", Map.class);
                assertThat(readiness.getStatusCode()).isEqualTo(HttpStatus.SERVICE_UNAVAILABLE);
                assertThat(readiness.getBody()).containsEntry("status", "DOWN");
            });
        } finally {
            proxy.restore();
        }
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
                assertThat(http.getForEntity("/actuator/health/readiness", Map.class).getStatusCode())
                        .isEqualTo(HttpStatus.OK));
    }
}
