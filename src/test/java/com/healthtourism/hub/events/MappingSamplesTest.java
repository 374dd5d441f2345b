package com.healthtourism.hub.events;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.camel.CamelContext;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every mapping under mappings/ turns its sample partner payload (src/test/resources/mappings/...) into exactly the
 * expected hub event, through the hub's JSONata component as the relay runs it, and carries none of the sample's PII.
 */
class MappingSamplesTest {

    private static final Path MAPPINGS = Path.of("mappings");
    private static final Path SAMPLES = Path.of("src/test/resources/mappings");
    /** Keys whose values are personal data or secrets in the partners' payloads. */
    private static final Pattern SENSITIVE_KEY = Pattern.compile(
            "(?i).*(email|name|phone|address|line1|line2|postal_code|city|secret|token|passport|birth|last4|fingerprint|notes|treatment|receipt_url).*");

    private static final ObjectMapper json = new ObjectMapper();
    private static CamelContext camel;
    private static ProducerTemplate producer;

    @BeforeAll
    static void startCamel() {
        camel = new DefaultCamelContext();
        camel.addComponent("jsonata", new CompiledJsonataComponent());
        camel.start();
        producer = camel.createProducerTemplate();
    }

    @AfterAll
    static void stopCamel() {
        camel.stop();
    }

    static Stream<String> mappings() throws IOException {
        try (var files = Files.walk(MAPPINGS)) {
            return files.filter(file -> file.toString().endsWith(".jsonata"))
                    .map(file -> MAPPINGS.relativize(file).toString().replaceAll("\\.jsonata$", ""))
                    .sorted().toList().stream();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("mappings")
    void mappingTurnsItsSampleIntoTheExpectedEvent(String mapping) throws IOException {
        var input = SAMPLES.resolve(mapping + ".input.json");
        var expected = SAMPLES.resolve(mapping + ".expected.json");
        assertThat(input).as("sample input").exists();
        assertThat(expected).as("expected output").exists();

        var output = map(mapping, Files.readString(input));

        assertThat(json.readTree(output)).isEqualTo(json.readTree(expected.toFile()));
        var origin = new EventOrigin(UUID.randomUUID(), UUID.randomUUID(), mapping.substring(0, mapping.indexOf('/')),
                OffsetDateTime.now());
        var event = new CloudEvents(json).build(origin, json.readTree(output));
        assertThat(event.topic()).isEqualTo("hub." + json.readTree(output).get("type").asText().split("\\.")[0]);
        for (var sensitive : sensitiveValues(json.readTree(input.toFile()))) {
            assertThat(event.json()).as("event carries no PII or secret").doesNotContain(sensitive);
        }
    }

    @Test
    void everySampleHasItsMapping() throws IOException {
        try (var files = Files.walk(SAMPLES)) {
            var orphans = files.filter(file -> file.toString().endsWith(".input.json"))
                    .map(file -> SAMPLES.relativize(file).toString().replaceAll("\\.input\\.json$", ".jsonata"))
                    .filter(mapping -> !Files.isRegularFile(MAPPINGS.resolve(mapping))).toList();
            assertThat(orphans).isEmpty();
        }
    }

    @Test
    void anIyzicoStepThatIsNoOutcomeYieldsNoEvent() throws IOException {
        var sample = (com.fasterxml.jackson.databind.node.ObjectNode) json.readTree(
                SAMPLES.resolve("iyzico/CHECKOUT_FORM_AUTH.input.json").toFile());
        sample.put("status", "INIT_THREEDS");

        var output = map("iyzico/CHECKOUT_FORM_AUTH", json.writeValueAsString(sample));

        assertThat(new CloudEvents(json).yieldsEvent(json.readTree(output))).isFalse();
    }

    @Test
    void anIyzicoEventNamesThePaymentItsSignatureCovers() throws IOException {
        // the direct form signs paymentId: an iyziPaymentId beside it is not signed and must not name the payment
        var direct = (com.fasterxml.jackson.databind.node.ObjectNode) json.readTree(
                SAMPLES.resolve("iyzico/API_AUTH.input.json").toFile());
        direct.put("iyziPaymentId", 99999999);
        var fromDirect = json.readTree(map("iyzico/API_AUTH", json.writeValueAsString(direct)));
        assertThat(fromDirect.get("subject").asText()).isEqualTo("22416352");
        assertThat(fromDirect.at("/data/paymentId").asText()).isEqualTo("22416352");
        // the hosted-page form (with a token) signs iyziPaymentId: a paymentId beside it is not signed
        var hosted = (com.fasterxml.jackson.databind.node.ObjectNode) json.readTree(
                SAMPLES.resolve("iyzico/CHECKOUT_FORM_AUTH.input.json").toFile());
        hosted.put("paymentId", "99999999");
        var fromHosted = json.readTree(map("iyzico/CHECKOUT_FORM_AUTH", json.writeValueAsString(hosted)));
        assertThat(fromHosted.get("subject").asText()).isEqualTo("22416347");
    }

    private static String map(String mapping, String input) {
        var uri = "jsonata:file:" + MAPPINGS.resolve(mapping + ".jsonata").toAbsolutePath()
                + "?inputType=JsonString&outputType=JsonString";
        return producer.requestBody(uri, input, String.class);
    }

    private static List<String> sensitiveValues(JsonNode node) {
        var values = new ArrayList<String>();
        collect(node, false, values);
        return values;
    }

    private static void collect(JsonNode node, boolean sensitive, List<String> values) {
        if (node.isObject()) {
            node.fields().forEachRemaining(field ->
                    collect(field.getValue(), sensitive || SENSITIVE_KEY.matcher(field.getKey()).matches(), values));
        } else if (node.isArray()) {
            node.forEach(item -> collect(item, sensitive, values));
        } else if (sensitive && node.isValueNode() && !node.isNull() && node.asText().length() >= 4) {
            values.add(node.asText());
        }
    }
}
