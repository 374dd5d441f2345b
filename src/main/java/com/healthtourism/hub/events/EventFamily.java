package com.healthtourism.hub.events;

import java.util.Arrays;
import java.util.Optional;

/** The design's event families; each has one Kafka topic, {@code hub.<family>}. */
public enum EventFamily {
    PAYMENT, CASE, DOC, APPROVAL;

    public String topic() {
        return "hub." + name().toLowerCase();
    }

    /** The family of an event type such as {@code payment.succeeded}: the part before the first dot. */
    public static Optional<EventFamily> of(String eventType) {
        var dot = eventType.indexOf('.');
        if (dot <= 0) {
            return Optional.empty();
        }
        var family = eventType.substring(0, dot);
        return Arrays.stream(values()).filter(value -> value.name().toLowerCase().equals(family)).findFirst();
    }
}
