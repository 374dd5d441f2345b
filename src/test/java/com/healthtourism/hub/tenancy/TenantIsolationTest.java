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
        try (var pool = new HikariDataSource()) {
            pool.setJdbcUrl(url);
            pool.setUsername(user);
            pool.setMaximumPoolSize(1);
            var oneConnection = new TenantTransactions(JdbcClient.create(pool),
                    new TransactionTemplate(new DataSourceTransactionManager(pool)));

            var firstBackend = oneConnection.inTenant(tenantA, db -> {
                assertThat(db.sql("SELECT count(*) FROM users").query(Long.class).single()).isPositive();
                return db.sql("SELECT pg_backend_pid()").query(Integer.class).single();
            });
            var after = oneConnection.withoutTenant(db -> new Object[] {
                    db.sql("SELECT pg_backend_pid()").query(Integer.class).single(),
                    db.sql("SELECT count(*) FROM users").query(Long.class).single(),
                    db.sql("SELECT coalesce(current_setting('app.tenant_id', true), '')").query(String.class).single()});

            assertThat(after[0]).as("same pooled connection").isEqualTo(firstBackend);
            assertThat(after[1]).isEqualTo(0L);
            assertThat(after[2]).isEqualTo("");
        }
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
