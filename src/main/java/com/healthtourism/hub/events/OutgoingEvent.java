package com.healthtourism.hub.events;

/** A hub event ready for Kafka: its topic, its key (tenant:subject, so an aggregate's events stay in order) and its JSON. */
public record OutgoingEvent(String topic, String key, String id, String type, String json) {
}
