package com.healthtourism.hub.tenancy;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.Objects;
import java.util.UUID;
import java.util.function.Function;

import org.springframework.jdbc.core.ConnectionCallback;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.ResultSetExtractor;
import org.springframework.jdbc.core.SqlTypeValue;
import org.springframework.jdbc.core.StatementCreatorUtils;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionSynchronizationManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The one way the hub touches PostgreSQL. Each call is one transaction; the tenant is set with
 * {@code set_config('app.tenant_id', ..., true)}, which PostgreSQL resets when the transaction ends,
 * so a pooled connection never carries a tenant into the next transaction.
 */
@Component
public class TenantTransactions {

    // the tenant of the current transaction only (is_local): PostgreSQL resets it when the transaction ends
    private static final String SET_TENANT = "SELECT set_config('app.tenant_id', ?, true)";

    private final JdbcClient jdbc;
    private final TransactionTemplate transactions;
    private final JdbcTemplate template;

    public TenantTransactions(JdbcClient jdbc, TransactionTemplate transactions, JdbcTemplate template) {
        this.jdbc = jdbc;
        this.transactions = transactions;
        this.template = template;
    }

    /** Runs {@code work} in a transaction that sees and writes only {@code tenantId}'s rows. */
    public <T> T inTenant(UUID tenantId, Function<JdbcClient, T> work) {
        return inTenant(tenantId, SET_TENANT, work);
    }

    /**
     * Like {@link #inTenant}, for the statements of a queue: a table that is nearly empty one minute and holds a
     * backlog the next (the outbox, while Kafka is away or a burst arrives). PostgreSQL plans each statement of the
     * transaction for its values and the table as they are now ({@code plan_cache_mode = force_custom_plan}) instead
     * of reusing the generic plan a pooled connection cached when the table looked different: that plan is kept until
     * the table is next analysed, which on a server without autovacuum is never, and the relay then crawled at a few
     * dozen rows a second through a backlog it can drain at thousands. Planning costs a fraction of a millisecond per
     * statement, and these statements each handle a batch.
     */
    public <T> T inTenantPlannedAfresh(UUID tenantId, Function<JdbcClient, T> work) {
        return inTenant(tenantId,
                SET_TENANT + ", set_config('plan_cache_mode', 'force_custom_plan', true)", work);
    }

    /** The transaction begins with one round trip, {@code settings}, which sets the tenant (its one parameter). */
    private <T> T inTenant(UUID tenantId, String settings, Function<JdbcClient, T> work) {
        Objects.requireNonNull(tenantId, "tenantId");
        return transactions.execute(status -> {
            jdbc.sql(settings).param(tenantId.toString()).query((rs, n) -> n).single();
            return work.apply(jdbc);
        });
    }

    /**
     * Runs one statement that returns rows (its {@code ?} bound to {@code params}, as {@link JdbcClient} binds them) as a
     * transaction of its own that sees and writes only {@code tenantId}'s rows, in one round trip: the tenant's
     * {@code set_config} and the statement are sent together, up to one Sync, which PostgreSQL runs as one implicit
     * transaction and commits at that Sync. So the tenant applies to the statement and ends with it, and the commit
     * costs no round trip of its own (a transaction of {@link #inTenant} costs three: the tenant, the work, the
     * commit). For the intake's group commit, where every round trip is a wait for the partners in the group. It
     * refuses to run inside another transaction, whose connection would not commit at the Sync. On a pool without
     * auto-commit it still works, with the commit in a round trip of its own.
     */
    public <T> T inTenantInOneTrip(UUID tenantId, String sql, ResultSetExtractor<T> rows, Object... params) {
        Objects.requireNonNull(tenantId, "tenantId");
        if (TransactionSynchronizationManager.isActualTransactionActive()) {
            throw new IllegalStateException("a one-trip transaction cannot run inside another transaction");
        }
        return template.execute((ConnectionCallback<T>) connection -> {
            // A pool configured without auto-commit (spring.datasource.hikari.auto-commit=false): the driver begins a
            // transaction with the statement, which is committed here, in a round trip of its own.
            var autoCommit = connection.getAutoCommit();
            try {
                var result = oneTrip(connection, tenantId, sql, rows, params);
                if (!autoCommit) {
                    connection.commit();
                }
                return result;
            } catch (SQLException | RuntimeException failure) {
                if (!autoCommit) {
                    rollBack(connection, failure);
                }
                throw failure;
            }
        });
    }

    private static void rollBack(Connection connection, Exception failure) {
        try {
            connection.rollback();
        } catch (SQLException unreachable) {
            // the connection is gone with its transaction; the failure that got here is the one to report
            failure.addSuppressed(unreachable);
        }
    }

    private static <T> T oneTrip(Connection connection, UUID tenantId, String sql, ResultSetExtractor<T> rows,
                                 Object... params) throws SQLException {
        try (var statement = connection.prepareStatement(SET_TENANT + ";\n" + sql)) {
            statement.setString(1, tenantId.toString());
            for (int i = 0; i < params.length; i++) {
                StatementCreatorUtils.setParameterValue(statement, i + 2, SqlTypeValue.TYPE_UNKNOWN, params[i]);
            }
            statement.execute();
            // the first result is set_config's row, the second the statement's
            if (!statement.getMoreResults()) {
                throw new IllegalStateException("the statement returned no rows");
            }
            try (var result = statement.getResultSet()) {
                return rows.extractData(result);
            }
        }
    }

    /**
     * Runs {@code work} in a transaction with no tenant: tenant-owned tables show no rows. For the
     * tables that belong to no tenant (the tenant registry, job locks).
     */
    public <T> T withoutTenant(Function<JdbcClient, T> work) {
        return transactions.execute(status -> {
            setTenant("");
            return work.apply(jdbc);
        });
    }

    /**
     * Runs {@code work} in a read-only transaction with no tenant but the ops scope on: the tables whose policy
     * lets operators read across tenants (the approval queue) show every tenant's rows; all others show none.
     */
    public <T> T readForOps(Function<JdbcClient, T> work) {
        return transactions.execute(status -> {
            jdbc.sql("SET TRANSACTION READ ONLY").update();
            setTenant("");
            jdbc.sql("SELECT set_config('app.ops_scope', 'on', true)").query(String.class).single();
            return work.apply(jdbc);
        });
    }

    private void setTenant(String tenantId) {
        jdbc.sql(SET_TENANT).param(tenantId).query(String.class).single();
    }
}
