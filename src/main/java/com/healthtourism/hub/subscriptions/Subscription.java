package com.healthtourism.hub.subscriptions;

import java.time.OffsetDateTime;
import java.util.List;
import java.util.UUID;

/** A partner's subscription to the hub's events, as stored (the secret stays encrypted). */
public record Subscription(UUID id, UUID tenantId, String name, String url, List<String> events, boolean active,
                           String secretFingerprint, byte[] encryptedSecret, OffsetDateTime createdAt,
                           OffsetDateTime updatedAt) {

    /** Whether it wants an event of this type: no event types means every event; {@code case.*} means a family. */
    public boolean wants(String type) {
        if (events.isEmpty()) {
            return true;
        }
        return events.stream().anyMatch(wanted -> wanted.equals(type)
                || wanted.endsWith(".*") && type.startsWith(wanted.substring(0, wanted.length() - 1)));
    }

    static String secretContext(UUID tenantId, UUID subscriptionId) {
        return "tenant:" + tenantId + ":webhook_subscriptions:" + subscriptionId;
    }
}
