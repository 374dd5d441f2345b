package com.healthtourism.hub.outbox;

import com.healthtourism.hub.events.OutgoingEvent;

/** A claimed outbox row and the event it became, waiting to go to Kafka with the rest of its tenant's batch. */
public record Publication(OutboxEntry entry, OutgoingEvent event) {
}
