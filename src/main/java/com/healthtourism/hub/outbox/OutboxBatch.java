package com.healthtourism.hub.outbox;

import java.util.List;

/** One poll's claim, per tenant; {@code full} when a limit was reached, so the relay polls again at once. */
public record OutboxBatch(List<TenantBatch> tenants, boolean full) {
}
