package com.healthtourism.hub.subscriptions;

import java.util.UUID;

import org.apache.camel.spi.IdempotentRepository;
import org.springframework.stereotype.Component;

import com.healthtourism.hub.tenancy.TenantTransactions;

/**
 * The events each subscription's partner has accepted (table outbound_deliveries), as the repository of the
 * delivery route's idempotent consumer. Keys are {@code <tenantId>:<subscriptionId>:<eventId>}; the tenant
 * picks the transaction, so one tenant's key never reads or writes another's row. Used with {@code eager=false}:
 * a delivery is recorded only after the partner accepted it.
 */
@Component("deliveredEvents")
public class DeliveredEvents implements IdempotentRepository {

    static final int MAX_EVENT_ID = 200;

    private final TenantTransactions transactions;

    public DeliveredEvents(TenantTransactions transactions) {
        this.transactions = transactions;
    }

    /** Records the delivery; true if it was not recorded before. */
    @Override
    public boolean add(String key) {
        var delivery = Key.parse(key);
        return transactions.inTenant(delivery.tenant(), db -> db.sql("""
                        INSERT INTO outbound_deliveries (tenant_id, subscription_id, event_id) VALUES (?, ?, ?)
                        ON CONFLICT DO NOTHING""")
                .params(delivery.tenant(), delivery.subscription(), delivery.eventId()).update()) == 1;
    }

    @Override
    public boolean contains(String key) {
        var delivery = Key.parse(key);
        return transactions.inTenant(delivery.tenant(), db -> db.sql("""
                        SELECT EXISTS (SELECT 1 FROM outbound_deliveries
                                       WHERE tenant_id = ? AND subscription_id = ? AND event_id = ?)""")
                .params(delivery.tenant(), delivery.subscription(), delivery.eventId()).query(Boolean.class).single());
    }

    @Override
    public boolean remove(String key) {
        var delivery = Key.parse(key);
        return transactions.inTenant(delivery.tenant(), db -> db.sql("""
                        DELETE FROM outbound_deliveries WHERE tenant_id = ? AND subscription_id = ? AND event_id = ?""")
                .params(delivery.tenant(), delivery.subscription(), delivery.eventId()).update()) == 1;
    }

    /** Nothing to confirm: {@link #add} already committed. */
    @Override
    public boolean confirm(String key) {
        return true;
    }

    /** Deliberately nothing: the record of what partners accepted is not wiped from a route or the console. */
    @Override
    public void clear() {
    }

    @Override
    public void start() {
    }

    @Override
    public void stop() {
    }

    record Key(UUID tenant, UUID subscription, String eventId) {

        static Key parse(String key) {
            var parts = key == null ? new String[0] : key.split(":", 3);
            if (parts.length != 3 || parts[2].isEmpty() || parts[2].length() > MAX_EVENT_ID) {
                throw new IllegalArgumentException("a delivery key is <tenantId>:<subscriptionId>:<eventId>");
            }
            try {
                return new Key(UUID.fromString(parts[0]), UUID.fromString(parts[1]), parts[2]);
            } catch (IllegalArgumentException notUuids) {
                throw new IllegalArgumentException("a delivery key is <tenantId>:<subscriptionId>:<eventId>");
            }
        }
    }
}
