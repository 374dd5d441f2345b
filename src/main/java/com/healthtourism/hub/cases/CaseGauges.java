package com.healthtourism.hub.cases;

import java.util.ArrayList;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.DataAccessException;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

import com.healthtourism.hub.tenancy.TenantTransactions;

/**
 * Prometheus gauge {@code hub_cases{tenant,status}}: the cases of each tenant by status, read from PostgreSQL every
 * {@code hub.cases.metrics-refresh} (a scrape never waits on the database). Labels are ids and statuses only.
 */
@Component
public class CaseGauges {

    private static final Logger log = LoggerFactory.getLogger(CaseGauges.class);

    private final TenantTransactions transactions;
    private final MultiGauge cases;

    public CaseGauges(TenantTransactions transactions, MeterRegistry meters) {
        this.transactions = transactions;
        this.cases = MultiGauge.builder("hub.cases").description("cases by tenant and status").register(meters);
    }

    @Scheduled(fixedDelayString = "${hub.cases.metrics-refresh}", initialDelayString = "${hub.cases.metrics-refresh}")
    public void refresh() {
        try {
            var counts = transactions.withoutTenant(db -> db.sql(
                            "SELECT tenant_id::text AS tenant, status::text AS status, cases FROM case_counts_by_tenant()")
                    .query((rs, row) -> MultiGauge.Row.of(Tags.of("tenant", rs.getString("tenant"), "status",
                            rs.getString("status")), rs.getLong("cases")))
                    .list());
            cases.register(new ArrayList<>(counts), true);
        } catch (DataAccessException e) {
            log.warn("case gauges not refreshed ({}); they keep their last values", e.getClass().getSimpleName());
        }
    }
}
