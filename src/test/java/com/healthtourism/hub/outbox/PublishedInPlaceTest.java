package com.healthtourism.hub.outbox;

import static org.assertj.core.api.Assertions.assertThat;

import java.security.SecureRandom;
import java.util.UUID;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

import com.healthtourism.hub.local.HubTest;
import com.healthtourism.hub.tenancy.NewTenant;
import com.healthtourism.hub.tenancy.TenantRepository;
import com.healthtourism.hub.tenancy.TenantTransactions;

/**
 * Marking a claim's messages published rewrites no index entry and moves no row: every update is HOT, so the relay's
 * most frequent write stays small. It would not be if an index covered a column the update sets, or if the pages
 * had no room left for the new versions.
 */
@HubTest
class PublishedInPlaceTest {

    private static final int CLAIM = 100;

    @Autowired
    TenantTransactions transactions;

    @Autowired
    TenantRepository tenants;

    @Test
    void publishingAClaimsMessagesIsAHotUpdateOfEveryRow() {
        var tenant = tenants.create(new NewTenant("Hot Clinic", "hot-" + UUID.randomUUID() + ".example.com", null)).id();
        var ids = new UUID[CLAIM];
        var random = new SecureRandom();
        transactions.inTenant(tenant, db -> {
            for (int i = 0; i < CLAIM; i++) {
                ids[i] = UUID.randomUUID();
                var body = new byte[1100];
                random.nextBytes(body);
                db.sql("""
                                INSERT INTO inbound_messages (id, tenant_id, source, event_type, dedupe_key, body)
                                VALUES (?, ?, 'stripe', 'payment_intent.succeeded', ?, ?)""")
                        .params(ids[i], tenant, ids[i].toString(), body).update();
            }
            return null;
        });

        var counts = transactions.inTenant(tenant, db -> {
            var updated = db.sql(OutboxRelay.PUBLISHED).param(ids).update();
            var hot = db.sql("SELECT pg_stat_get_xact_tuples_hot_updated('inbound_messages'::regclass)")
                    .query(Long.class).single();
            return new long[] {updated, hot};
        });

        assertThat(counts[0]).isEqualTo(CLAIM);
        assertThat(counts[1]).as("HOT updates among %d", CLAIM).isEqualTo(CLAIM);
    }
}
