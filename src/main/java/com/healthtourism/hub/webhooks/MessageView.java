package com.healthtourism.hub.webhooks;

import java.time.OffsetDateTime;
import java.util.Map;
import java.util.UUID;

/** What ops see of a stored inbound message: everything but its body. */
public record MessageView(
        UUID id,
        UUID tenantId,
        String source,
        String eventType,
        String partnerEventId,
        String status,
        int attempts,
        String error,
        OffsetDateTime receivedAt,
        OffsetDateTime publishedAt,
        Map<String, Object> headers) {
}
