package com.healthtourism.hub.audit;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.SQLException;
import java.time.LocalDate;
import java.time.format.DateTimeFormatter;
import java.util.UUID;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.core.env.Environment;

import com.healthtourism.hub.local.HubTest;
import com.healthtourism.hub.local.OwnerDatabase;
import com.healthtourism.hub.tenancy.NewTenant;
import com.healthtourism.hub.tenancy.TenantRepository;
import com.healthtourism.hub.tenancy.TenantTransactions;

@HubTest
class AuditPartitionsTest {

    private static final DateTimeFormatter MONTH = DateTimeFormatter.ofPattern("yyyy_MM");

    @Autowired
    AuditPartitions partitions;

    @Autowired
    TenantTransactions transactions;

    @Autowired
    TenantRepository tenants;

    @Autowired
    Environment environment;

    @Test
    void theJobRecreatesNextMonthsPartitionUnderItsLock() throws SQLException {
        var nextMonth = "audit_logs_" + LocalDate.now().plusMonths(1).format(MONTH);
        try (var owner = OwnerDatabase.connect(environment)) {
            owner.createStatement().execute("DROP TABLE IF EXISTS " + nextMonth);
        }

        var present = partitions.createAhead();

        assertThat(present).containsExactly("audit_logs_" + LocalDate.now().format(MONTH), nextMonth);
        try (var owner = OwnerDatabase.connect(environment);
             var rows = owner.createStatement().executeQuery(
                     "SELECT (SELECT count(*) FROM pg_class WHERE relname = '" + nextMonth + "'),"
                             + " (SELECT count(*) FROM shedlock WHERE name = 'audit-partitions')")) {
            rows.next();
            assertThat(rows.getLong(1)).as("partition recreated").isEqualTo(1);
            assertThat(rows.getLong(2)).as("ran under a ShedLock lock").isEqualTo(1);
        }
    }

    @Test
    void todaysAuditRowsLandInThisMonthsPartitionNotTheDefault() throws SQLException {
        var tenant = tenants.create(new NewTenant("Audit", "audit-" + UUID.randomUUID() + ".example.com", null)).id();
        var id = transactions.inTenant(tenant, db -> db.sql("""
                INSERT INTO audit_logs (tenant_id, actor, action, resource, result)
                VALUES (?, 'test', 'tenant.create', 'tenant', 'success') RETURNING id""")
                .param(tenant).query(UUID.class).single());

        try (var owner = OwnerDatabase.connect(environment);
             var rows = owner.createStatement().executeQuery(
                     "SELECT tableoid::regclass::text FROM audit_logs WHERE id = '" + id + "'")) {
            rows.next();
            assertThat(rows.getString(1)).isEqualTo("audit_logs_" + LocalDate.now().format(MONTH));
        }
    }
}
