package com.healthtourism.hub.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.client.TestRestTemplate;
import org.springframework.http.HttpStatus;

import com.healthtourism.hub.local.HubTest;

/** Every backend is wired, and /actuator/health shows each one to ops; anyone else sees the status only. */
@HubTest
class BackendHealthTest {

    @Autowired
    TestRestTemplate http;

    @Test
    @SuppressWarnings("unchecked")
    void healthShowsEveryBackendUp() {
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
            var health = ops().getForEntity("/actuator/health", Map.class);
            var components = (Map<String, Map<String, Object>>) health.getBody().get("components");
            assertThat(components).containsKeys("db", "redis", "kafka", "s3", "qdrant", "embeddings");
            components.forEach((name, component) -> assertThat(component.get("status")).as(name).isEqualTo("UP"));
            assertThat(health.getStatusCode()).isEqualTo(HttpStatus.OK);
        });
    }

    @Test
    void readinessIncludesTheDatabase() {
        var readiness = ops().getForEntity("/actuator/health/readiness", Map.class);
        assertThat(readiness.getStatusCode()).isEqualTo(HttpStatus.OK);
        assertThat((Map<String, Object>) readiness.getBody().get("components")).containsKey("db");
    }

    @Test
    void aProbeWithoutCredentialsGetsTheStatusButNoComponentOrDetail() {
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
            for (var path : new String[] {"/actuator/health", "/actuator/health/readiness", "/actuator/health/liveness"}) {
                var health = http.getForEntity(path, Map.class);
                assertThat(health.getStatusCode()).as(path).isEqualTo(HttpStatus.OK);
                assertThat(health.getBody()).as(path).containsEntry("status", "UP")
                        .doesNotContainKeys("components", "details");
            }
        });
    }

    private TestRestTemplate ops() {
        return http.withBasicAuth("test-ops", "test-ops-password");
    }

    @Test
    void prometheusExposesCamelRouteMetricsToOps() {
        assertThat(http.getForEntity("/actuator/prometheus", String.class).getStatusCode())
                .isEqualTo(HttpStatus.UNAUTHORIZED);
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            var scrape = ops().getForObject("/actuator/prometheus", String.class);
            assertThat(scrape).contains("camel_exchanges_total").contains("routeId=\"storage-layout\"");
            // per route only (camel.metrics.route-policy-level): no context-wide set updated on every exchange besides
            // (level "all" adds camel_exchanges_total{eventType="context",routeId=""})
            assertThat(scrape.lines().filter(line -> line.startsWith("camel_exchanges_total{")))
                    .isNotEmpty().noneMatch(line -> line.contains("eventType=\"context\""));
        });
    }
}
