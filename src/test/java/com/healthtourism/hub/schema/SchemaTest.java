package com.healthtourism.hub.schema;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.core.env.Environment;

import com.healthtourism.hub.local.HubTest;
import com.healthtourism.hub.local.OwnerDatabase;

@HubTest
class SchemaTest {

    @Autowired
    Environment environment;

    @Test
    void everyTenantOwnedTableHasForcedRowLevelSecurityWithOneTenantPolicy() throws SQLException {
        var tables = new ArrayList<String>();
        try (var owner = OwnerDatabase.connect(environment);
             var rows = owner.createStatement().executeQuery("""
                     SELECT c.relname, c.relrowsecurity, c.relforcerowsecurity,
                            (SELECT count(*) FROM pg_policies p WHERE p.tablename = c.relname
                                AND NOT (p.cmd = 'SELECT' AND p.qual LIKE '%current_setting(''app.ops_scope''::text, true)%'))
                                AS policies,
                            (SELECT p.qual = p.with_check AND p.qual LIKE '%current_setting(''app.tenant_id''::text, true)%'
                                    AND p.roles = '{authenticated_users}' AND p.cmd = 'ALL'
                               FROM pg_policies p WHERE p.tablename = c.relname AND p.policyname = 'tenant_isolation')
                                AS tenant_policy
                     FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                     WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p') AND NOT c.relispartition
                       AND EXISTS (SELECT 1 FROM pg_attribute a WHERE a.attrelid = c.oid AND a.attname = 'tenant_id')
                     ORDER BY c.relname""")) {
            while (rows.next()) {
                var table = rows.getString(1);
                tables.add(table);
                assertThat(rows.getBoolean(2)).as(table + " RLS enabled").isTrue();
                assertThat(rows.getBoolean(3)).as(table + " RLS forced").isTrue();
                assertThat(rows.getLong(4)).as(table + " policies").isEqualTo(1);
                assertThat(rows.getBoolean(5)).as(table + " tenant policy").isTrue();
            }
        }
        assertThat(tables).contains("users", "cases", "providers", "quotes", "bookings", "audit_logs", "consent_logs",
                "approval_items", "webhook_subscriptions", "outbound_deliveries", "external_refs");
        try (var owner = OwnerDatabase.connect(environment);
             var rows = owner.createStatement().executeQuery("""
                     SELECT string_agg(tablename, ',') FROM pg_policies WHERE policyname <> 'tenant_isolation'""")) {
            rows.next();
            assertThat(rows.getString(1)).as("the only cross-tenant policy: operators reading the approval queue")
                    .isEqualTo("approval_items");
        }
    }

    @Test
    void everyFunctionThatRunsAsTheOwnerSearchesTheCallersTemporarySchemaLast() throws SQLException {
        // otherwise the caller's temporary objects come first, and the caller's code could run as the schema owner
        try (var owner = OwnerDatabase.connect(environment);
             var rows = owner.createStatement().executeQuery("""
                     SELECT p.proname, coalesce(array_to_string(p.proconfig, ';'), '') FROM pg_proc p
                     JOIN pg_namespace n ON n.oid = p.pronamespace
                     WHERE n.nspname = 'public' AND p.prosecdef ORDER BY p.proname""")) {
            var functions = 0;
            while (rows.next()) {
                functions++;
                assertThat(rows.getString(2)).as(rows.getString(1)).contains("search_path=public, pg_temp");
            }
            assertThat(functions).isGreaterThanOrEqualTo(4);
        }
    }

    @Test
    void auditLogsArePartitionedByMonthWithADefault() throws SQLException {
        try (var owner = OwnerDatabase.connect(environment);
             var rows = owner.createStatement().executeQuery("""
                     SELECT string_agg(c.relname, ',' ORDER BY c.relname)
                     FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
                     WHERE i.inhparent = 'audit_logs'::regclass""")) {
            rows.next();
            var now = java.time.LocalDate.now();
            var format = java.time.format.DateTimeFormatter.ofPattern("yyyy_MM");
            assertThat(rows.getString(1).split(",")).contains("audit_logs_default",
                    "audit_logs_" + now.format(format), "audit_logs_" + now.plusMonths(1).format(format));
        }
    }

    @Test
    void theMigrationsArePlainSqlThatPsqlAppliesInVersionOrder() throws Exception {
        assumeTrue(commandExists("psql"), "psql is not installed");
        var url = environment.getRequiredProperty("spring.flyway.url");
        var hostPort = url.replaceFirst("jdbc:postgresql://([^/]+)/.*", "$1").split(":");
        var scratch = "hub_psql_check_" + ProcessHandle.current().pid();
        try (var owner = OwnerDatabase.connect(environment)) {
            owner.createStatement().execute("DROP DATABASE IF EXISTS " + scratch);
            owner.createStatement().execute("CREATE DATABASE " + scratch);
        }
        try {
            for (Path migration : migrationsInVersionOrder()) {
                var psql = new ProcessBuilder("psql", "-X", "-q", "-v", "ON_ERROR_STOP=1",
                        "-h", hostPort[0], "-p", hostPort.length > 1 ? hostPort[1] : "5432",
                        "-U", environment.getRequiredProperty("spring.flyway.user"), "-d", scratch,
                        "-f", migration.toString()).redirectErrorStream(true).start();
                var output = new String(psql.getInputStream().readAllBytes());
                assertThat(psql.waitFor(60, TimeUnit.SECONDS)).isTrue();
                assertThat(psql.exitValue()).as(migration + ": " + output).isZero();
            }
        } finally {
            try (var owner = OwnerDatabase.connect(environment)) {
                owner.createStatement().execute("DROP DATABASE IF EXISTS " + scratch + " WITH (FORCE)");
            }
        }
    }

    private static List<Path> migrationsInVersionOrder() throws IOException {
        try (var files = Files.list(Path.of("src/main/resources/db/migration"))) {
            return files.filter(f -> f.getFileName().toString().matches("V\\d+__.*\\.sql"))
                    .sorted(Comparator.comparingInt(f -> Integer.parseInt(
                            f.getFileName().toString().replaceFirst("V(\\d+)__.*", "$1"))))
                    .toList();
        }
    }

    private static boolean commandExists(String command) {
        try {
            return new ProcessBuilder("sh", "-c", "command -v " + command).start().waitFor() == 0;
        } catch (IOException | InterruptedException e) {
            return false;
        }
    }
}
