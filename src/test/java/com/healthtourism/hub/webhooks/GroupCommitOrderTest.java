package com.healthtourism.hub.webhooks;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.support.SqlArrayValue;

import com.healthtourism.hub.crypto.FieldCipher;
import com.healthtourism.hub.local.HubTest;
import com.healthtourism.hub.tenancy.TenantTransactions;

/**
 * The inbox's group commit, the statement itself, on the real PostgreSQL: two writers committing groups that hold
 * the same deliveries (a partner's retry arriving while the first delivery waits in another group) in opposite
 * order must not deadlock, which PostgreSQL would resolve by failing one group, 503 for every delivery in it.
 */
@HubTest
class GroupCommitOrderTest {

    private static final int EVENTS = 200;

    @LocalServerPort
    int port;
    @Autowired
    TenantTransactions transactions;
    @Autowired
    FieldCipher cipher;

    @Test
    void twoGroupsHoldingTheSameEventsInOppositeOrderCommitWithoutADeadlock() throws Exception {
        var tenant = new WebhookClient(port).tenantWithSources(Map.of());
        var pool = Executors.newFixedThreadPool(2);
        try {
            for (int round = 0; round < 5; round++) {
                var prefix = "order-" + UUID.randomUUID() + "-";
                var keys = IntStream.range(0, EVENTS).mapToObj(i -> prefix + i).toList();
                var reversed = new ArrayList<>(keys);
                Collections.reverse(reversed);
                var start = new CyclicBarrier(2);
                var first = pool.submit(() -> {
                    start.await();
                    return commit(tenant, keys);
                });
                var second = pool.submit(() -> {
                    start.await();
                    return commit(tenant, reversed);
                });

                assertThat(first.get(30, TimeUnit.SECONDS) + second.get(30, TimeUnit.SECONDS))
                        .as("round %d: every event stored once, by one group or the other", round).isEqualTo(EVENTS);
            }
        } finally {
            pool.shutdownNow();
        }
    }

    /** One group as a writer commits it: its rows in the order given; returns how many it stored. */
    private int commit(UUID tenant, List<String> keys) {
        int n = keys.size();
        var ids = new UUID[n];
        var sources = new String[n];
        var types = new String[n];
        var headers = new String[n];
        var bodies = new byte[n][];
        var received = new Timestamp[n];
        for (int i = 0; i < n; i++) {
            ids[i] = UUID.randomUUID();
            sources[i] = "flights";
            types[i] = "test.order";
            headers[i] = "{}";
            bodies[i] = cipher.encrypt("{\"id\":\"%s\"}".formatted(keys.get(i)).getBytes(StandardCharsets.UTF_8),
                    InboundMessages.bodyContext(tenant, ids[i]));
            received[i] = Timestamp.from(Instant.now());
        }
        var partnerIds = keys.toArray(String[]::new);
        return transactions.inTenantInOneTrip(tenant, DurableInbox.INSERT, rows -> {
            int stored = 0;
            while (rows.next()) {
                stored++;
            }
            return stored;
        }, new SqlArrayValue("uuid", (Object[]) ids), new SqlArrayValue("text", (Object[]) sources),
                new SqlArrayValue("text", (Object[]) types), new SqlArrayValue("text", (Object[]) partnerIds),
                new SqlArrayValue("text", (Object[]) partnerIds), new SqlArrayValue("text", (Object[]) headers),
                new SqlArrayValue("bytea", (Object[]) bodies), new SqlArrayValue("timestamptz", (Object[]) received),
                tenant);
    }
}
