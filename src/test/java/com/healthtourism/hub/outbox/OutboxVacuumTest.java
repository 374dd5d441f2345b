package com.healthtourism.hub.outbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.UUID;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.core.env.Environment;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.SimpleDriverDataSource;

import com.healthtourism.hub.local.HubTest;
import com.healthtourism.hub.tenancy.NewTenant;
import com.healthtourism.hub.tenancy.TenantRepository;
import com.healthtourism.hub.tenancy.TenantTransactions;

/**
 * The outbox-vacuum route keeps the relay's claims cheap (threshold hub.outbox.vacuum.threshold, 2,000 rows in the test
 * profile): past it in dead rows the hub vacuums the outbox as the schema owner, so a claim's walk from the head of a
 * tenant's queue no longer steps over the dead index entries of the rows settled before it; past it in rows written
 * since the last analysis it analyses the outbox, so a claim on a long backlog is planned as a walk over its head.
 * Autovacuum counts its runs apart (autovacuum_count, autoanalyze_count), so vacuum_count and analyze_count grow here
 * only by the hub's own VACUUM and ANALYZE.
 */
@HubTest
class OutboxVacuumTest {

    private static final int ROWS = 6000;

    // rows held back an hour, so the relay leaves them alone
    private static final String HELD_BACK_ROWS = """
            INSERT INTO outbox (tenant_id, available_at, event_topic, event_key, event_id, event_type, event_json)
            SELECT ?, now() + interval '1 hour', 'hub.case', 'k', 'e' || n, 'case.updated', '{}'
            FROM generate_series(1, ?) AS n""";

    // the start of a claim: the head of the tenant's queue in id order, walked over its index (tenant_id, id)
    private static final String HEAD = """
            EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON)
            SELECT id FROM outbox WHERE tenant_id = ? ORDER BY tenant_id, id LIMIT 100""";

    @Autowired
    TenantTransactions transactions;

    @Autowired
    TenantRepository tenants;

    @Autowired
    OutboxVacuum vacuum;

    @Autowired
    OutboxProperties properties;

    @Autowired
    Environment environment;

    @Autowired
    MeterRegistry meters;

    JdbcTemplate owner;

    UUID tenant;

    @BeforeEach
    void ownerAndTenant() {
        owner = new JdbcTemplate(new SimpleDriverDataSource(new org.postgresql.Driver(),
                environment.getRequiredProperty("spring.flyway.url"), environment.getRequiredProperty("spring.flyway.user"),
                environment.getProperty("spring.flyway.password", "")));
        tenant = tenants.create(new NewTenant("Vacuum Clinic", "vacuum-" + UUID.randomUUID() + ".example.com", null)).id();
        assertThat((long) ROWS).isGreaterThan(properties.vacuum().threshold());
    }

    @Test
    void pastTheThresholdOfDeadRowsTheHubVacuumsTheOutboxAndClaimsNoLongerWalkOverSettledRows() throws Exception {
        var before = count("vacuum_count");

        // rows the relay would have settled: written and deleted, their statistics sent at once rather than within the second
        transactions.inTenant(tenant, db -> {
            db.sql(HELD_BACK_ROWS).params(tenant, ROWS).update();
            db.sql("DELETE FROM outbox WHERE tenant_id = ?").param(tenant).update();
            return db.sql("SELECT pg_stat_force_next_flush()").query().listOfRows();
        });

        await().atMost(Duration.ofSeconds(30)).until(() -> count("vacuum_count") > before);
        await().atMost(Duration.ofSeconds(5)).until(() -> meters.counter("hub.outbox.maintenance", "done", "vacuumed").count() > 0);

        // the walk a claim starts with reads a few pages, not the index pages of the 6,000 settled rows' entries and
        // their rows (the claim itself may read a small table whole instead, which says nothing about the walk)
        var plan = transactions.inTenant(tenant, db -> {
            db.sql("SELECT set_config('enable_seqscan', 'off', true), set_config('enable_bitmapscan', 'off', true)")
                    .query().listOfRows();
            return db.sql(HEAD).param(tenant).query(String.class).single();
        });
        assertThat(pagesRead(plan)).as("pages read walking the head of the queue: %s", plan).isLessThan(10);

        // and with nothing changed since, there is nothing to do
        assertThat(vacuum.maintain()).isEqualTo(OutboxVacuum.Done.NOTHING);
    }

    @Test
    void aBacklogPastTheThresholdIsAnalysedAndItsClaimWalksTheHeadOfTheQueue() throws Exception {
        var before = count("analyze_count");
        try {
            transactions.inTenant(tenant, db -> {
                db.sql(HELD_BACK_ROWS).params(tenant, ROWS).update();
                return db.sql("SELECT pg_stat_force_next_flush()").query().listOfRows();
            });

            await().atMost(Duration.ofSeconds(30)).until(() -> count("analyze_count") > before);

            // planned with statistics: the first rows in order (the claim stops at the first held-back one), not a read
            // of all 6,000 and a sort (what the planner chose for a tenant it guessed has a handful of rows): no step
            // of the plan yields more rows than the head it looks at
            // (an analysis that began before the rows were committed, another test's, counts too but saw none of
            // them: the hub's next one, which the rows still call for, does)
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
                var plan = claimPlan();
                // (a tenant with no messages may have them looked up by a bitmap scan: that reads none)
                assertThat(bitmapScansOfTheOutbox(plan)).as("the claim's plan: %s", plan).isZero();
                assertThat(mostRowsOfAStep(plan)).as("rows of the claim's busiest step: %s", plan)
                        .isLessThanOrEqualTo(properties.batchSize() + 1);
            });
        } finally {
            transactions.inTenant(tenant, db -> db.sql("DELETE FROM outbox WHERE tenant_id = ?").param(tenant).update());
        }
    }

    /** The relay's claim for the tenant, planned and run as the relay does; it claims nothing of held-back rows. */
    private String claimPlan() {
        return transactions.inTenantPlannedAfresh(tenant, db -> db.sql("EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) " + OutboxRelay.CLAIM)
                .params(tenant, properties.batchSize(), 60.0, tenant).query(String.class).single());
    }

    private long count(String column) {
        return owner.queryForObject("SELECT " + column + " FROM pg_stat_user_tables WHERE relid = 'outbox'::regclass",
                Long.class);
    }

    private static long mostRowsOfAStep(String plan) throws Exception {
        return new ObjectMapper().readTree(plan).findValues("Actual Rows").stream().mapToLong(JsonNode::asLong).max()
                .orElseThrow();
    }

    private static long bitmapScansOfTheOutbox(String plan) throws Exception {
        return new ObjectMapper().readTree(plan).findParents("Node Type").stream()
                .filter(step -> step.get("Node Type").asText().equals("Bitmap Heap Scan"))
                .filter(step -> step.path("Relation Name").asText().equals("outbox"))
                .count();
    }

    private static long pagesRead(String plan) throws Exception {
        var root = new ObjectMapper().readTree(plan).get(0).get("Plan");
        return root.get("Shared Hit Blocks").asLong() + root.get("Shared Read Blocks").asLong();
    }
}
