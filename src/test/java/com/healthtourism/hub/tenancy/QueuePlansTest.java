package com.healthtourism.hub.tenancy;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.UUID;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;

import com.healthtourism.hub.local.HubTest;

/**
 * A queue's statements are planned for the table as it is at each execution, not by a plan a pooled connection
 * cached earlier. PostgreSQL switches a prepared statement to one generic plan after five executions (as the JDBC
 * driver's server-side statements are) and keeps it until the table is analysed; a generic plan shows its
 * parameters as {@code $n}, a plan made for the execution shows their values.
 */
@HubTest
class QueuePlansTest {

    @Autowired
    TenantTransactions transactions;

    @Autowired
    TenantRepository tenants;

    UUID tenant;

    @BeforeEach
    void aTenant() {
        tenant = tenants.create(new NewTenant("Queue Clinic", "queue-" + UUID.randomUUID() + ".example.com", null)).id();
    }

    @Test
    void aQueueTransactionPlansEveryExecutionForItsValues() {
        var plan = transactions.inTenantPlannedAfresh(tenant, QueuePlansTest::planAfterSixExecutions);

        assertThat(plan).contains(tenant.toString()).doesNotContain("$1");
    }

    @Test
    void anOrdinaryTransactionKeepsTheGenericPlan() {
        var plan = transactions.inTenant(tenant, QueuePlansTest::planAfterSixExecutions);

        assertThat(plan).contains("$1").doesNotContain(tenant.toString());
    }

    @Test
    void aQueueTransactionStillSeesOnlyItsTenant() {
        var other = tenants.create(new NewTenant("Other Clinic", "other-" + UUID.randomUUID() + ".example.com", null)).id();
        for (var owner : List.of(tenant, other)) {
            transactions.inTenant(owner, db -> db.sql("INSERT INTO users (tenant_id, role) VALUES (?, 'patient')")
                    .param(owner).update());
        }

        var visible = transactions.inTenantPlannedAfresh(tenant, db -> db.sql("SELECT DISTINCT tenant_id FROM users")
                .query(UUID.class).list());

        assertThat(visible).containsExactly(tenant);
    }

    private static String planAfterSixExecutions(JdbcClient db) {
        var execute = "EXECUTE due_rows('" + db.sql("SELECT current_setting('app.tenant_id')").query(String.class).single() + "')";
        db.sql("PREPARE due_rows(uuid) AS SELECT id FROM outbox WHERE tenant_id = $1 ORDER BY id LIMIT 100").update();
        for (int i = 0; i < 6; i++) {
            db.sql(execute).query((rs, n) -> n).list();
        }
        var plan = String.join("\n", db.sql("EXPLAIN " + execute).query(String.class).list());
        db.sql("DEALLOCATE due_rows").update();
        return plan;
    }
}
