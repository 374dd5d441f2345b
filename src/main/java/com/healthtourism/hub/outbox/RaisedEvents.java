package com.healthtourism.hub.outbox;

import java.util.UUID;

import com.fasterxml.jackson.databind.JsonNode;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

import com.healthtourism.hub.events.CloudEvents;

/**
 * Events the hub raises itself go out through the same outbox as partner events: written in the transaction of
 * the change they announce, published by the relay in order per tenant, at least once, under a stable id.
 */
@Component
public class RaisedEvents {

    private final CloudEvents cloudEvents;

    public RaisedEvents(CloudEvents cloudEvents) {
        this.cloudEvents = cloudEvents;
    }

    /** Queues the event on a JdbcClient of an open {@code inTenant(tenantId, ...)} transaction. */
    public void raise(JdbcClient db, UUID tenantId, String component, String type, String subject, JsonNode data) {
        var event = cloudEvents.raised(tenantId, component, type, subject, data);
        db.sql("""
                        INSERT INTO outbox (tenant_id, event_topic, event_key, event_id, event_type, event_json)
                        VALUES (?, ?, ?, ?, ?, ?)""")
                .params(tenantId, event.topic(), event.key(), event.id(), event.type(), event.json())
                .update();
    }
}
