package com.healthtourism.hub.events;

import java.time.OffsetDateTime;
import java.util.UUID;

/** Where a hub event comes from: the stored inbound message (its id becomes the event's id). */
public record EventOrigin(UUID tenantId, UUID messageId, String source, OffsetDateTime receivedAt) {
}
