package com.healthtourism.hub.tenancy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.UUID;

import com.zaxxer.hikari.HikariDataSource;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.dao.DataAccessException;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

import com.healthtourism.hub.local.HubTest;

/** Forced row-level security, seen through the hub's own data access. */
@HubTest
class TenantIsolationTest {

    @Autowired
    TenantTransactions transactions;

    @Autowired
    TenantRepository tenants;

    UUID tenantA;
    UUID tenantB;
    UUID patientOfB;

    @BeforeEach
    void twoTenantsWithOnePatientEach() {
        tenantA = tenants.create(new NewTenant("Clinic A", "a-" + UUID.randomUUID() + ".example.com", null)).id();
        tenantB = tenants.create(new NewTenant("Clinic B", "b-" + UUID.randomUUID() + ".example.com", null)).id();
        insertPatient(tenantA);
        patientOfB = insertPatient(tenantB);
    }

    @Test
    void tenantSeesOnlyItsOwnRows() {
        var visible = transactions.inTenant(tenantA, db -> db.sql("SELECT DISTINCT tenant_id FROM users")
                .query(UUID.class).list());
        assertThat(visible).containsExactly(tenantA);
    }

    @Test
    void tenantCannotReadUpdateOrDeleteAnotherTenantsRow() {
        var read = transactions.inTenant(tenantA, db -> db.sql("SELECT count(*) FROM users WHERE id = ?")
                .param(patientOfB).query(Long.class).single());
        var updated = transactions.inTenant(tenantA, db -> db.sql("UPDATE users SET role = 'agent' WHERE id = ?")
                .param(patientOfB).update());
        var deleted = transactions.inTenant(tenantA, db -> db.sql("DELETE FROM users WHERE id = ?")
                .param(patientOfB).update());

        assertThat(read).isZero();
        assertThat(updated).isZero();
        assertThat(deleted).isZero();
        var stillThere = transactions.inTenant(tenantB, db -> db.sql("SELECT role::text FROM users WHERE id = ?")
                .param(patientOfB).query(String.class).single());
        assertThat(stillThere).isEqualTo("patient");
    }

    @Test
    void tenantCannotInsertARowForAnotherTenant() {
        assertThatThrownBy(() -> transactions.inTenant(tenantA, db ->
                db.sql("INSERT INTO users (tenant_id, role) VALUES (?, 'patient')").param(tenantB).update())).isInstanceOf(DataAccessException.class).rootCause().hasMessageContaining("row-level security");
    }

    @Test
    void tenantCannotMoveItsRowIntoAnotherTenant() {
        var patientOfA = insertPatient(tenantA);
        assertThatThrownBy(() -> transactions.inTenant(tenantA, db ->
                db.sql("UPDATE users SET tenant_id = ? WHERE id = ?").params(tenantB, patientOfA).update())).isInstanceOf(DataAccessException.class).rootCause().hasMessageContaining("row-level security");
    }

    @Test
    void withNoTenantNothingIsVisible() {
        var rows = transactions.withoutTenant(db -> db.sql("SELECT count(*) FROM users").query(Long.class).single());
        assertThat(rows).isZero();
    }

    @Test
    void aPooledConnectionNeverCarriesATenantIntoTheNextTransaction(
            @Value("${spring.datasource.url}") String url, @Value("${spring.datasource.username}") String user) {
        try (var pool = poolOfOne(url, user)) {
            var oneConnection = oneConnection(pool);

            var firstBackend = oneConnection.inTenant(tenantA, db -> {
                assertThat(db.sql("SELECT count(*) FROM users").query(Long.class).single()).isPositive();
                return db.sql("SELECT pg_backend_pid()").query(Integer.class).single();
            });
            // asked on the connection itself, outside any transaction of TenantTransactions (which would set a tenant)
            var after = new JdbcTemplate(pool).queryForMap("SELECT pg_backend_pid() AS backend, "
                    + "(SELECT count(*) FROM users) AS visible, coalesce(current_setting('app.tenant_id', true), '') AS tenant");

            assertThat(((Number) after.get("backend")).intValue()).as("same pooled connection").isEqualTo(firstBackend);
            assertThat(((Number) after.get("visible")).longValue()).isZero();
            assertThat(after.get("tenant")).isEqualTo("");
        }
    }

    @Test
    void aOneTripTransactionSeesOnlyItsTenantAndLeavesNoTenantOnItsConnection(
            @Value("${spring.datasource.url}") String url, @Value("${spring.datasource.username}") String user) {
        insertPatient(tenantB);
        try (var pool = poolOfOne(url, user)) {
            var oneConnection = oneConnection(pool);

            var seen = oneConnection.inTenantInOneTrip(tenantA,
                    "SELECT count(*) FILTER (WHERE tenant_id = ?), count(*), pg_backend_pid() FROM users", rows -> {
                        rows.next();
                        return new long[] {rows.getLong(1), rows.getLong(2), rows.getLong(3)};
                    }, tenantA);
            // asked on the connection itself, outside any transaction of TenantTransactions (which would set a tenant)
            var after = new JdbcTemplate(pool).queryForMap(
                    "SELECT pg_backend_pid() AS backend, coalesce(current_setting('app.tenant_id', true), '') AS tenant");

            assertThat(seen[1]).as("rows seen").isPositive().isEqualTo(seen[0]);
            assertThat(((Number) after.get("backend")).longValue()).as("same pooled connection").isEqualTo(seen[2]);
            assertThat(after.get("tenant")).as("the tenant ended with the one-trip transaction").isEqualTo("");
        }
    }

    @Test
    void aOneTripTransactionCommitsItsRowsAndCannotWriteAnotherTenants() {
        assertOneTripCommitsItsTenantsRowAndRefusesAnothers(transactions);
    }

    @Test
    void aOneTripTransactionCommitsOnAPoolWithoutAutoCommit(
            @Value("${spring.datasource.url}") String url, @Value("${spring.datasource.username}") String user) {
        try (var pool = poolOfOne(url, user)) {
            pool.setAutoCommit(false);

            // the pool rolls back whatever a returned connection left open: only a commit keeps the row
            var inserted = assertOneTripCommitsItsTenantsRowAndRefusesAnothers(oneConnection(pool));
            var after = new JdbcTemplate(pool).queryForMap(
                    "SELECT coalesce(current_setting('app.tenant_id', true), '') AS tenant");

            assertThat(after.get("tenant")).as("the tenant ended with the one-trip transaction").isEqualTo("");
            long stillThere = oneConnection(pool).inTenantInOneTrip(tenantA, "SELECT count(*) FROM users WHERE id = ?",
                    rows -> {
                        rows.next();
                        return rows.getLong(1);
                    }, inserted);
            assertThat(stillThere).as("the connection works after the refused row's rollback").isOne();
        }
    }

    /** Inserts a row of tenant A with {@code oneTrip}, sees it committed, and sees a row for tenant B refused. */
    private UUID assertOneTripCommitsItsTenantsRowAndRefusesAnothers(TenantTransactions oneTrip) {
        var inserted = oneTrip.inTenantInOneTrip(tenantA,
                "INSERT INTO users (tenant_id, role) VALUES (?, 'patient') RETURNING id", rows -> {
                    rows.next();
                    return rows.getObject(1, UUID.class);
                }, tenantA);

        long committed = transactions.inTenant(tenantA, db -> db.sql("SELECT count(*) FROM users WHERE id = ?")
                .param(inserted).query(Long.class).single());
        assertThat(committed).isOne();
        long before = transactions.inTenant(tenantB, db -> db.sql("SELECT count(*) FROM users").query(Long.class).single());
        assertThatThrownBy(() -> oneTrip.inTenantInOneTrip(tenantA,
                "INSERT INTO users (tenant_id, role) VALUES (?, 'patient') RETURNING id", rows -> null, tenantB))
                .isInstanceOf(DataAccessException.class).rootCause().hasMessageContaining("row-level security");
        long after = transactions.inTenant(tenantB, db -> db.sql("SELECT count(*) FROM users").query(Long.class).single());
        assertThat(after).isEqualTo(before);
        return inserted;
    }

    @Test
    void aOneTripTransactionRefusesToRunInsideAnother() {
        assertThatThrownBy(() -> transactions.inTenant(tenantA, db -> transactions.inTenantInOneTrip(tenantA,
                "SELECT 1", rows -> null)))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("inside another transaction");
    }

    private static HikariDataSource poolOfOne(String url, String user) {
        var pool = new HikariDataSource();
        pool.setJdbcUrl(url);
        pool.setUsername(user);
        pool.setMaximumPoolSize(1);
        return pool;
    }

    private static TenantTransactions oneConnection(HikariDataSource pool) {
        return new TenantTransactions(JdbcClient.create(pool), new TransactionTemplate(new DataSourceTransactionManager(pool)),
                new JdbcTemplate(pool));
    }

    @Test
    void theRuntimeRoleOwnsNoTableAndCannotBypassSecurity() {
        var role = transactions.withoutTenant(db -> db.sql("""
                SELECT r.rolsuper, r.rolbypassrls,
                       (SELECT count(*) FROM pg_class c WHERE c.relowner = r.oid) AS owned,
                       pg_has_role(current_user, 'authenticated_users', 'MEMBER') AS member
                FROM pg_roles r WHERE r.rolname = current_user""")
                .query((rs, n) -> new boolean[] {rs.getBoolean(1), rs.getBoolean(2), rs.getLong(3) > 0, rs.getBoolean(4)})
                .single());
        assertThat(role).containsExactly(false, false, false, true);
    }

    private UUID insertPatient(UUID tenant) {
        return transactions.inTenant(tenant, db -> db.sql(
                "INSERT INTO users (tenant_id, role) VALUES (?, 'patient') RETURNING id").param(tenant).query(UUID.class).single());
    }
}
