package com.healthtourism.hub.outbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.UUID;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.core.env.Environment;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.SimpleDriverDataSource;

import com.healthtourism.hub.local.HubTest;
import com.healthtourism.hub.tenancy.NewTenant;
import com.healthtourism.hub.tenancy.TenantRepository;
import com.healthtourism.hub.tenancy.TenantTransactions;

/**
 * The outbox-vacuum route keeps the relay's claims cheap: once the outbox holds more dead rows than the threshold
 * (hub.outbox.vacuum.dead-rows, 2,000 in the test profile) the hub vacuums it as the schema owner, and a claim's walk
 * from the head of a tenant's queue no longer steps over the dead index entries of the rows settled before it.
 * Autovacuum counts its runs apart (autovacuum_count), so vacuum_count grows here only by the hub's own VACUUM.
 */
@HubTest
class OutboxVacuumTest {

    private static final int SETTLED = 6000;

    // the start of a claim: the head of a tenant's queue, walked in id order over (tenant_id, id)
    private static final String HEAD = """
            EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON)
            SELECT id FROM outbox WHERE tenant_id = ? ORDER BY id LIMIT 100""";

    @Autowired
    TenantTransactions transactions;

    @Autowired
    TenantRepository tenants;

    @Autowired
    OutboxVacuum vacuum;

    @Autowired
    Environment environment;

    @Value("${hub.outbox.vacuum.dead-rows}")
    long threshold;

    @Test
    void pastTheThresholdTheHubVacuumsTheOutboxAndClaimsNoLongerWalkOverSettledRows() throws Exception {
        var owner = new JdbcTemplate(new SimpleDriverDataSource(new org.postgresql.Driver(),
                environment.getRequiredProperty("spring.flyway.url"), environment.getRequiredProperty("spring.flyway.user"),
                environment.getProperty("spring.flyway.password", "")));
        var tenant = tenants.create(new NewTenant("Vacuum Clinic", "vacuum-" + UUID.randomUUID() + ".example.com", null)).id();
        var before = vacuumCount(owner);

        // rows the relay would have settled: written and deleted (held back an hour, so the relay leaves them alone),
        // their statistics sent at once rather than within the second
        transactions.inTenant(tenant, db -> {
            db.sql("""
                            INSERT INTO outbox (tenant_id, available_at, event_topic, event_key, event_id, event_type, event_json)
                            SELECT ?, now() + interval '1 hour', 'hub.case', 'k', 'e' || n, 'case.updated', '{}'
                            FROM generate_series(1, ?) AS n""")
                    .params(tenant, SETTLED).update();
            db.sql("DELETE FROM outbox WHERE tenant_id = ?").param(tenant).update();
            return db.sql("SELECT pg_stat_force_next_flush()").query().listOfRows();
        });
        assertThat(SETTLED).isGreaterThan((int) threshold);

        await().atMost(Duration.ofSeconds(30)).until(() -> vacuumCount(owner) > before);

        // the next claim reads a few pages, not the ~30 index pages of the 6,000 settled rows' entries
        var pages = transactions.inTenant(tenant, db -> db.sql(HEAD).param(tenant).query(String.class).single());
        assertThat(buffers(pages)).as("pages read by the head of the queue: %s", pages).isLessThan(10);

        // and below the threshold there is nothing to do
        assertThat(vacuum.vacuumIfNeeded()).isFalse();
    }

    private static long vacuumCount(JdbcTemplate owner) {
        return owner.queryForObject("SELECT vacuum_count FROM pg_stat_user_tables WHERE relid = 'outbox'::regclass",
                Long.class);
    }

    private static long buffers(String plan) throws Exception {
        JsonNode root = new ObjectMapper().readTree(plan).get(0).get("Plan");
        return root.get("Shared Hit Blocks").asLong() + root.get("Shared Read Blocks").asLong();
    }
}
