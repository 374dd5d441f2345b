package com.healthtourism.hub.outbox;

import javax.sql.DataSource;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.postgresql.Driver;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.SimpleDriverDataSource;
import org.springframework.stereotype.Component;

import com.healthtourism.hub.tenancy.TenantTransactions;

/**
 * Vacuums the outbox when it holds more dead rows than {@code hub.outbox.vacuum.threshold}, and refreshes its
 * planner statistics when that many rows changed since they were gathered; called by the outbox-vacuum route every
 * {@code hub.outbox.vacuum.period}.
 *
 * <p>Every row the relay settles leaves a dead row version and dead index entries behind, and each claim (and
 * {@code outbox_tenants_due}) walks a tenant's index from its head, over every dead entry that no VACUUM has removed
 * yet: without one the claim's cost grows with every event ever published (8.5 ms per 100-row claim after 900,000
 * events, 0.2 ms after a VACUUM). And without statistics the planner guesses a tenant has a handful of rows and
 * reads a backlog of 90,000 whole (a bitmap scan and a sort, 44-63 ms per claim) instead of walking its first 100 in
 * order (0.2 ms). Autovacuum may be off, or tuned for tables that do not turn over every second, so the hub does not
 * wait for it. PostgreSQL lets only the table's owner vacuum or analyse it: this runs on its own connection as the
 * schema owner, the role migrations run as ({@code spring.flyway.*}); the runtime role only reads the counts.
 * {@code SKIP_LOCKED}: when another hub instance is at it already, this one does not wait for it.
 */
@Component("outboxVacuum")
public class OutboxVacuum {

    private static final Logger log = LoggerFactory.getLogger(OutboxVacuum.class);

    static final String COUNTS = """
            SELECT coalesce(n_dead_tup, 0) AS dead, coalesce(n_mod_since_analyze, 0) AS changed
            FROM pg_stat_user_tables WHERE relid = 'outbox'::regclass""";

    // INDEX_CLEANUP ON: the dead index entries are what the claims walk over; AUTO could skip them when few pages hold dead rows
    static final String VACUUM = "VACUUM (SKIP_LOCKED, INDEX_CLEANUP ON, ANALYZE) outbox";
    static final String ANALYZE = "ANALYZE (SKIP_LOCKED) outbox";

    /** What {@link #maintain} did. */
    public enum Done { NOTHING, ANALYSED, VACUUMED }

    private record Counts(long dead, long changed) {
    }

    private final TenantTransactions transactions;
    private final JdbcTemplate owner;
    private final long threshold;
    private final MeterRegistry meters;

    public OutboxVacuum(TenantTransactions transactions, MeterRegistry meters, OutboxProperties properties,
                        @Value("${spring.flyway.url:${spring.datasource.url}}") String url,
                        @Value("${spring.flyway.user:${spring.datasource.username}}") String user,
                        @Value("${spring.flyway.password:${spring.datasource.password:}}") String password) {
        this.transactions = transactions;
        this.owner = new JdbcTemplate(ownerConnections(url, user, password));
        this.threshold = properties.vacuum().threshold();
        this.meters = meters;
    }

    private static DataSource ownerConnections(String url, String user, String password) {
        return new SimpleDriverDataSource(new Driver(), url, user, password);
    }

    /**
     * Vacuums (and analyses) the outbox if it holds at least the threshold's dead rows, else analyses it if at least
     * that many rows were written since its last analysis (a backlog that grows while nothing is settled).
     */
    public Done maintain() {
        var counts = transactions.withoutTenant(db -> db.sql(COUNTS)
                .query((rs, n) -> new Counts(rs.getLong("dead"), rs.getLong("changed"))).optional()
                .orElse(new Counts(0, 0)));
        Done done;
        if (counts.dead() >= threshold) {
            owner.execute(VACUUM);
            done = Done.VACUUMED;
        } else if (counts.changed() >= threshold) {
            owner.execute(ANALYZE);
            done = Done.ANALYSED;
        } else {
            return Done.NOTHING;
        }
        Counter.builder("hub.outbox.maintenance").description("vacuums and analyses of the outbox run by the hub")
                .tag("done", done.name().toLowerCase()).register(meters).increment();
        log.debug("outbox {} ({} dead rows, {} changed since analysed)", done, counts.dead(), counts.changed());
        return done;
    }
}
