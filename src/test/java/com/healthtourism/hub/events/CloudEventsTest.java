package com.healthtourism.hub.events;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.OffsetDateTime;
import java.util.UUID;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.MissingNode;
import com.fasterxml.jackson.databind.node.NullNode;
import org.junit.jupiter.api.Test;

class CloudEventsTest {

    private final ObjectMapper json = new ObjectMapper();
    private final CloudEvents events = new CloudEvents(json);
    private final EventOrigin origin = new EventOrigin(UUID.randomUUID(), UUID.randomUUID(), "stripe",
            OffsetDateTime.parse("2024-03-14T09:21:10+01:00"));

    @Test
    void anEventIsKeyedByTenantAndSubjectOnItsFamilysTopic() throws Exception {
        var event = events.build(origin, tree("""
                {"type":"payment.succeeded","subject":"pi_1","data":{"amount":100}}"""));

        assertThat(event.topic()).isEqualTo("hub.payment");
        assertThat(event.key()).isEqualTo(origin.tenantId() + ":pi_1");
        assertThat(event.id()).isEqualTo(origin.messageId().toString());
        var cloudEvent = json.readTree(event.json());
        assertThat(cloudEvent.get("specversion").asText()).isEqualTo("1.0");
        assertThat(cloudEvent.get("id").asText()).isEqualTo(origin.messageId().toString());
        assertThat(cloudEvent.get("source").asText()).isEqualTo("/partners/stripe");
        assertThat(cloudEvent.get("tenantid").asText()).isEqualTo(origin.tenantId().toString());
        assertThat(cloudEvent.get("datacontenttype").asText()).isEqualTo("application/json");
        assertThat(cloudEvent.get("time").asText()).as("received_at in UTC").isEqualTo("2024-03-14T08:21:10Z");
        assertThat(cloudEvent.get("data").get("amount").asInt()).isEqualTo(100);
    }

    @Test
    void anOutputWithoutSubjectOrWithAnUnknownFamilyIsAMappingFailure() {
        assertThatThrownBy(() -> events.build(origin, tree("{\"type\":\"payment.succeeded\",\"data\":{}}")))
                .isInstanceOf(MappingFailure.class).hasMessage("mapping output has no 'subject'");
        assertThatThrownBy(() -> events.build(origin, tree("{\"subject\":\"pi_1\"}")))
                .isInstanceOf(MappingFailure.class).hasMessage("mapping output has no 'type'");
        assertThatThrownBy(() -> events.build(origin, tree("{\"type\":\"paymnet.succeeded\",\"subject\":\"pi_1\"}")))
                .isInstanceOf(MappingFailure.class).hasMessageContaining("no hub event family");
        assertThatThrownBy(() -> events.build(origin, tree("{\"type\":\"payment.succeeded\",\"subject\":\"pi_1\",\"time\":\"yesterday\"}")))
                .isInstanceOf(MappingFailure.class).hasMessageContaining("'time'");
    }

    @Test
    void anOutputThatIsNoObjectIsAMappingFailure() {
        assertThatThrownBy(() -> events.build(origin, tree("[{\"type\":\"payment.succeeded\",\"subject\":\"pi_1\"}]")))
                .isInstanceOf(MappingFailure.class).hasMessage("mapping output is not a JSON object");
    }

    @Test
    void nothingMappedIsNoEvent() throws Exception {
        assertThat(events.yieldsEvent(tree("null"))).isFalse();
        assertThat(events.yieldsEvent(tree(""))).isFalse();
        assertThat(events.yieldsEvent(null)).isFalse();
        assertThat(events.yieldsEvent(NullNode.getInstance())).isFalse();
        assertThat(events.yieldsEvent(MissingNode.getInstance())).isFalse();
        assertThat(events.yieldsEvent(tree("{\"type\":\"case.updated\"}"))).isTrue();
    }

    /** A mapping's output as the relay takes it from the mapping endpoint: a JSON tree. */
    private JsonNode tree(String output) throws JsonProcessingException {
        return json.readTree(output);
    }
}
