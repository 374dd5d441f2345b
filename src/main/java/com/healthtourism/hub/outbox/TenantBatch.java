package com.healthtourism.hub.outbox;

import java.util.List;
import java.util.UUID;

/** A tenant's claimed outbox rows, oldest first. */
public record TenantBatch(UUID tenantId, List<OutboxEntry> entries) {
}
