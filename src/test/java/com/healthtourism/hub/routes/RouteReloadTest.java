package com.healthtourism.hub.routes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import org.apache.camel.CamelContext;
import org.apache.camel.ProducerTemplate;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.util.FileSystemUtils;

import com.healthtourism.hub.local.HubTest;

/** Local mode's promise: editing a route file changes the running route, without a restart. */
@HubTest
// closed after its class: a context of its own would otherwise keep running the outbox relay on the shared database
@DirtiesContext
class RouteReloadTest {

    private static final Path ROUTES = copyOfTheRoutes();
    private static final Path PROBE = ROUTES.resolve("probe/reload-probe.yaml");

    @DynamicPropertySource
    static void reloadTheCopy(DynamicPropertyRegistry registry) {
        registry.add("hub.routes-dir", ROUTES::toString);
        registry.add("camel.main.routes-reload-enabled", () -> "true");
    }

    @Autowired
    ProducerTemplate producer;

    @Autowired
    CamelContext camel;

    @Test
    void editingARouteFileChangesTheRunningRoute() throws IOException {
        assertThat(producer.requestBody("direct:reload-probe", "", String.class)).isEqualTo("before the edit");
        var routesBefore = camel.getRoutes().size();

        Files.writeString(PROBE, probeRoute("after the edit"));

        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200)).untilAsserted(() ->
                assertThat(producer.requestBody("direct:reload-probe", "", String.class)).isEqualTo("after the edit"));
        assertThat(camel.getRoutes()).hasSize(routesBefore);
        assertThat(camel.getRouteController().getRouteStatus("put-folder-marker").isStarted()).isTrue();
    }

    private static Path copyOfTheRoutes() {
        try {
            var copy = Files.createTempDirectory("hub-routes-");
            FileSystemUtils.copyRecursively(Path.of("routes"), copy);
            Files.createDirectories(copy.resolve("probe"));
            Files.writeString(copy.resolve("probe/reload-probe.yaml"), probeRoute("before the edit"));
            return copy;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String probeRoute(String answer) {
        return """
                - route:
                    id: reload-probe
                    description: Answers a fixed text, so a test can see an edit take effect.
                    from:
                      uri: direct:reload-probe
                      steps:
                        - setBody:
                            constant: "%s"
                """.formatted(answer);
    }
}
