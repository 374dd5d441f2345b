package com.healthtourism.hub.tenancy;

import java.time.OffsetDateTime;
import java.util.Map;
import java.util.UUID;

public record Tenant(
        UUID id,
        String name,
        String domain,
        Map<String, Object> settings,
        boolean active,
        OffsetDateTime createdAt,
        OffsetDateTime updatedAt) {
}
