package com.healthtourism.hub.subscriptions;

import java.time.OffsetDateTime;
import java.util.List;
import java.util.UUID;

/** A partner's outbound webhook subscription as stored, without its secret. */
public record Subscription(UUID id, UUID tenantId, String name, String url, String secretFingerprint,
                           List<String> events, boolean active, OffsetDateTime createdAt, OffsetDateTime updatedAt) {

    public boolean wants(String eventType) {
        return active && EventPatterns.matches(events, eventType);
    }
}
