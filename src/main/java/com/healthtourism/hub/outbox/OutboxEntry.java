package com.healthtourism.hub.outbox;

import java.time.OffsetDateTime;
import java.util.UUID;

import com.healthtourism.hub.events.EventOrigin;

/**
 * One claimed outbox row with its inbound message; the body is still the stored ciphertext.
 * {@code attempts} counts the claims of this outbox row, this one included.
 */
public record OutboxEntry(long outboxId, UUID tenantId, UUID messageId, String source, String eventType,
                          OffsetDateTime receivedAt, int attempts, byte[] encryptedBody) {

    public EventOrigin origin() {
        return new EventOrigin(tenantId, messageId, source, receivedAt);
    }
}
