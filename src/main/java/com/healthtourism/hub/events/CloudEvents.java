package com.healthtourism.hub.events;

import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Pattern;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.springframework.stereotype.Component;

/**
 * Turns a mapping's output ({@code type}, {@code subject}, optional {@code time}, {@code data}) into a CloudEvent
 * and chooses where it goes: topic {@code hub.<family>}, key {@code tenant:subject}. Called from the outbox routes
 * as {@code cloudEvents}.
 */
@Component("cloudEvents")
public class CloudEvents {

    static final int MAX_SUBJECT_LENGTH = 200;
    private static final Pattern TYPE = Pattern.compile("[a-z]+\\.[a-z_]+");
    private static final String SOURCE_PREFIX = "/partners/";

    private final ObjectMapper json;

    public CloudEvents(ObjectMapper json) {
        this.json = json;
    }

    /**
     * Whether a mapping produced an event at all (its output as a JSON tree): a mapping yields nothing, or a JSON null,
     * for an input that is no business event.
     */
    public boolean yieldsEvent(JsonNode mappingOutput) {
        return mappingOutput != null && !mappingOutput.isNull() && !mappingOutput.isMissingNode();
    }

    /** @throws MappingFailure if the output is not an object with a hub event type and a subject */
    public OutgoingEvent build(EventOrigin origin, JsonNode mapped) {
        if (mapped == null || !mapped.isObject()) {
            throw new MappingFailure("mapping output is not a JSON object");
        }
        var type = requiredText(mapped, "type");
        if (!TYPE.matcher(type).matches()) {
            throw new MappingFailure("mapping output 'type' is not a hub event type (family.name)");
        }
        var family = EventFamily.of(type)
                .orElseThrow(() -> new MappingFailure("mapping output 'type' names no hub event family"));
        var subject = requiredText(mapped, "subject");
        if (subject.length() > MAX_SUBJECT_LENGTH) {
            throw new MappingFailure("mapping output 'subject' is longer than " + MAX_SUBJECT_LENGTH);
        }
        var data = mapped.get("data");
        if (data != null && !data.isObject()) {
            throw new MappingFailure("mapping output 'data' is not an object");
        }
        var event = new CloudEvent(CloudEvent.SPEC_VERSION, origin.messageId().toString(), SOURCE_PREFIX + origin.source(),
                type, subject, time(mapped, origin), "application/json", origin.tenantId().toString(),
                data == null ? json.createObjectNode() : data);
        return new OutgoingEvent(family.topic(), origin.tenantId() + ":" + subject, event.id(), type, write(event));
    }

    /**
     * An event the hub raises itself, such as {@code approval.required}: a fresh id, source {@code /hub/<component>},
     * the time now, keyed tenant:subject like every other event.
     */
    public OutgoingEvent raised(UUID tenantId, String component, String type, String subject, JsonNode data) {
        var family = EventFamily.of(type).orElseThrow(() -> new IllegalArgumentException("no hub event family: " + type));
        var event = new CloudEvent(CloudEvent.SPEC_VERSION, UUID.randomUUID().toString(), "/hub/" + component, type,
                subject, OffsetDateTime.now(ZoneOffset.UTC).format(DateTimeFormatter.ISO_OFFSET_DATE_TIME),
                "application/json", tenantId.toString(), data);
        return new OutgoingEvent(family.topic(), tenantId + ":" + subject, event.id(), type, write(event));
    }

    /** A hub event as a route consumes it (a CloudEvent's JSON text): the JSON object, or empty when it is none. */
    public Optional<JsonNode> consumed(String text) {
        if (text == null) {
            return Optional.empty();
        }
        try {
            var node = json.readTree(text);
            return node != null && node.isObject() ? Optional.of(node) : Optional.empty();
        } catch (JsonProcessingException e) {
            return Optional.empty();
        }
    }

    private static String requiredText(JsonNode mapped, String field) {
        var value = mapped.get(field);
        if (value == null || !value.isTextual() || value.asText().isBlank()) {
            throw new MappingFailure("mapping output has no '" + field + "'");
        }
        return value.asText();
    }

    /** The partner's time of the event when the mapping gives one, else when the hub received the message. */
    private static String time(JsonNode mapped, EventOrigin origin) {
        var time = mapped.get("time");
        if (time == null || time.isNull()) {
            return origin.receivedAt().withOffsetSameInstant(ZoneOffset.UTC).format(DateTimeFormatter.ISO_OFFSET_DATE_TIME);
        }
        try {
            return OffsetDateTime.parse(time.asText()).format(DateTimeFormatter.ISO_OFFSET_DATE_TIME);
        } catch (DateTimeParseException e) {
            throw new MappingFailure("mapping output 'time' is not an RFC 3339 timestamp");
        }
    }

    private String write(CloudEvent event) {
        try {
            return json.writeValueAsString(event);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a CloudEvent could not be written as JSON", e);
        }
    }
}
