package com.healthtourism.hub.events;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.concurrent.Callable;
import java.util.concurrent.Executors;

import com.dashjoin.jsonata.JException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.apache.camel.CamelExecutionException;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The mapping endpoint parses a mapping once and evaluates it for every message: each message still gets its own
 * event, however often and from however many threads the expression is used, and an edited file applies at once.
 */
class CompiledJsonataComponentTest {

    private static final Path SUCCEEDED = Path.of("mappings/stripe/payment_intent.succeeded.jsonata");
    private static final Path SAMPLE = Path.of("src/test/resources/mappings/stripe/payment_intent.succeeded.input.json");

    private final ObjectMapper json = new ObjectMapper();
    private final CompiledJsonataComponent component = new CompiledJsonataComponent();
    private final DefaultCamelContext camel = new DefaultCamelContext();
    private ProducerTemplate producer;

    @BeforeEach
    void start() {
        camel.addComponent("jsonata", component);
        camel.start();
        producer = camel.createProducerTemplate();
    }

    @AfterEach
    void stop() {
        camel.stop();
    }

    @Test
    @Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void aMappingWithABlockMapsItsThirtyThousandthMessageLikeItsFirst() throws Exception {
        // jsonata 0.9.9 chained a frame per evaluation here: slower each time, then a StackOverflowError
        for (int i = 0; i < 30_000; i++) {
            assertMapsToItself(uri(SUCCEEDED, true), "pi_" + i);
        }
        assertThat(component.expression(Files.readString(SUCCEEDED)))
                .isSameAs(component.expression(Files.readString(SUCCEEDED)));
    }

    @Test
    void concurrentMessagesEachGetTheirOwnEvent() throws Exception {
        var pool = Executors.newFixedThreadPool(4);
        try {
            var workers = new ArrayList<Callable<Void>>();
            for (int t = 0; t < 4; t++) {
                var thread = t;
                workers.add(() -> {
                    for (int i = 0; i < 2_000; i++) {
                        assertMapsToItself(uri(SUCCEEDED, true), "pi_" + thread + "_" + i);
                    }
                    return null;
                });
            }
            for (var result : pool.invokeAll(workers)) {
                result.get();
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void anEditedMappingAppliesToTheNextMessageWhenContentIsNotCached(@TempDir Path dir) throws Exception {
        var mapping = dir.resolve("payment_intent.succeeded.jsonata");
        Files.writeString(mapping, "{ \"type\": \"payment.succeeded\", \"subject\": data.object.id }");
        assertThat(map(uri(mapping, false), "pi_1").get("type").asText()).isEqualTo("payment.succeeded");

        Files.writeString(mapping, "{ \"type\": \"payment.failed\", \"subject\": data.object.id }");
        assertThat(map(uri(mapping, false), "pi_1").get("type").asText()).isEqualTo("payment.failed");

        Files.writeString(mapping, "{ \"type\": ");
        assertThatThrownBy(() -> map(uri(mapping, false), "pi_1"))
                .isInstanceOf(CamelExecutionException.class).hasCauseInstanceOf(JException.class);
        assertThatThrownBy(() -> map(uri(mapping, false), "pi_1"))
                .as("a text that does not parse is not remembered as parsed")
                .isInstanceOf(CamelExecutionException.class).hasCauseInstanceOf(JException.class);
    }

    @Test
    void aTreeOutputIsTheTreeOfTheTextOutputForEveryMapping() throws Exception {
        // the relay takes the mapping's output as a tree (outputType Jackson), built straight from the result
        try (var files = Files.walk(Path.of("mappings"))) {
            var mappings = files.filter(file -> file.toString().endsWith(".jsonata")).toList();
            assertThat(mappings).hasSizeGreaterThan(10);
            for (var mapping : mappings) {
                var name = Path.of("mappings").relativize(mapping).toString().replaceAll("\\.jsonata$", "");
                var input = Files.readString(Path.of("src/test/resources/mappings", name + ".input.json"));
                var uri = "jsonata:file:" + mapping.toAbsolutePath() + "?inputType=JsonString";
                var text = producer.requestBody(uri + "&outputType=JsonString", input, String.class);
                var tree = producer.requestBody(uri + "&outputType=Jackson", input);
                assertThat(tree).as(name).isInstanceOf(JsonNode.class).isEqualTo(json.readTree(text));
                assertThat(json.writeValueAsString(tree)).as(name).isEqualTo(text);
            }
        }
    }

    @Test
    void aMappingThatYieldsNothingGivesAJsonNullTreeAsItsText(@TempDir Path dir) throws Exception {
        var mapping = dir.resolve("nothing.jsonata");
        Files.writeString(mapping, "data.object.nowhere");
        var uri = "jsonata:file:" + mapping.toAbsolutePath() + "?inputType=JsonString";
        var input = Files.readString(SAMPLE);
        assertThat(producer.requestBody(uri + "&outputType=JsonString", input, String.class)).isEqualTo("null");
        assertThat(producer.requestBody(uri + "&outputType=Jackson", input)).isEqualTo(NullNode.getInstance());
    }

    private void assertMapsToItself(String uri, String paymentId) throws Exception {
        var event = map(uri, paymentId);
        assertThat(event.get("subject").asText()).isEqualTo(paymentId);
        assertThat(event.path("data").path("paymentId").asText()).isEqualTo(paymentId);
    }

    private JsonNode map(String uri, String paymentId) throws Exception {
        var sample = (ObjectNode) json.readTree(SAMPLE.toFile());
        ((ObjectNode) sample.path("data").path("object")).put("id", paymentId);
        return json.readTree(producer.requestBody(uri, json.writeValueAsString(sample), String.class));
    }

    private static String uri(Path mapping, boolean contentCache) {
        return "jsonata:file:" + mapping.toAbsolutePath() + "?inputType=JsonString&outputType=JsonString&contentCache="
                + contentCache;
    }
}
