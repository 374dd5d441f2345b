package com.healthtourism.hub.outbox;

import java.time.OffsetDateTime;
import java.util.UUID;

import com.healthtourism.hub.events.EventOrigin;
import com.healthtourism.hub.events.OutgoingEvent;

/**
 * One claimed outbox row: either an inbound message still to be mapped (its body is still the stored ciphertext),
 * or an event the hub raised itself, complete in {@code ready} (then the message fields are null).
 * {@code attempts} counts the claims of this outbox row, this one included.
 */
public record OutboxEntry(long outboxId, UUID tenantId, UUID messageId, String source, String eventType,
                          OffsetDateTime receivedAt, int attempts, byte[] encryptedBody, String contentType,
                          OutgoingEvent ready) {

    public EventOrigin origin() {
        return new EventOrigin(tenantId, messageId, source, receivedAt);
    }
}
