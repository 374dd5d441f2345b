package com.healthtourism.hub.subscriptions;

import java.util.UUID;

import org.apache.camel.spi.IdempotentRepository;
import org.apache.camel.support.service.ServiceSupport;
import org.springframework.stereotype.Component;

import com.healthtourism.hub.tenancy.TenantTransactions;

/**
 * The delivery route's idempotent repository ({@code deliveredEvents}): the events each subscription's partner
 * accepted, in PostgreSQL (outbound_deliveries). Keys are {@code <tenant>:<subscription>:<event id>}; the tenant
 * sets the transaction, so one tenant's keys are invisible to another's.
 */
@Component("deliveredEvents")
public class DeliveredEvents extends ServiceSupport implements IdempotentRepository {

    private final TenantTransactions transactions;

    public DeliveredEvents(TenantTransactions transactions) {
        this.transactions = transactions;
    }

    private record Key(UUID tenant, UUID subscription, String eventId) {

        static Key parse(String key) {
            var parts = key.split(":", 3);
            if (parts.length != 3) {
                throw new IllegalArgumentException("not a <tenant>:<subscription>:<event> key");
            }
            return new Key(UUID.fromString(parts[0]), UUID.fromString(parts[1]), parts[2]);
        }
    }

    @Override
    public boolean add(String key) {
        var parsed = Key.parse(key);
        return transactions.inTenant(parsed.tenant(), db -> db.sql("""
                        INSERT INTO outbound_deliveries (tenant_id, subscription_id, event_id) VALUES (?, ?, ?)
                        ON CONFLICT DO NOTHING""")
                .params(parsed.tenant(), parsed.subscription(), parsed.eventId()).update()) == 1;
    }

    @Override
    public boolean contains(String key) {
        var parsed = Key.parse(key);
        return transactions.inTenant(parsed.tenant(), db -> db.sql("""
                        SELECT count(*) FROM outbound_deliveries WHERE subscription_id = ? AND event_id = ?""")
                .params(parsed.subscription(), parsed.eventId()).query(Long.class).single()) > 0;
    }

    @Override
    public boolean remove(String key) {
        var parsed = Key.parse(key);
        return transactions.inTenant(parsed.tenant(), db -> db.sql("""
                        DELETE FROM outbound_deliveries WHERE subscription_id = ? AND event_id = ?""")
                .params(parsed.subscription(), parsed.eventId()).update()) > 0;
    }

    @Override
    public boolean confirm(String key) {
        return true;
    }

    /** Never wipes the record of what partners accepted. */
    @Override
    public void clear() {
        // deliberately nothing: forgetting deliveries would deliver them again
    }
}
