package com.healthtourism.hub.approvals;

import java.util.ArrayList;
import java.util.concurrent.atomic.AtomicLong;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.dao.DataAccessException;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

import com.healthtourism.hub.tenancy.TenantTransactions;

/**
 * Keeps the queue visible: Prometheus gauges of the pending items per route and tenant and of the age of the
 * oldest one, refreshed from PostgreSQL on a schedule (a scrape never waits on the database); and Redis
 * {@code queue:approvals} rebuilt from PostgreSQL when the hub starts.
 */
@Component
public class ApprovalMonitor {

    private static final Logger log = LoggerFactory.getLogger(ApprovalMonitor.class);
    private static final ApprovalFilter EVERYTHING = new ApprovalFilter(null, null, null, null, null);

    private final TenantTransactions transactions;
    private final ApprovalItems items;
    private final ApprovalIndex index;
    private final MultiGauge pending;
    private final AtomicLong oldestAgeSeconds = new AtomicLong();

    public ApprovalMonitor(TenantTransactions transactions, ApprovalItems items, ApprovalIndex index, MeterRegistry meters) {
        this.transactions = transactions;
        this.items = items;
        this.index = index;
        this.pending = MultiGauge.builder("hub.approvals.pending")
                .description("approval items waiting for a decision (pending, replay_failed, or a grant whose replay never"
                        + " ran), by route and tenant").register(meters);
        Gauge.builder("hub.approvals.oldest.age", oldestAgeSeconds, AtomicLong::get).baseUnit("seconds")
                .description("age of the oldest approval item waiting for a decision (0 when none)").register(meters);
    }

    @Scheduled(fixedDelayString = "${hub.approvals.metrics-refresh}", initialDelayString = "${hub.approvals.metrics-refresh}")
    public void refresh() {
        try {
            var counts = transactions.readForOps(db -> db.sql("""
                            SELECT route_id, tenant_id::text AS tenant, count(*) AS n,
                                   extract(epoch FROM now() - min(last_failed_at))::bigint AS age
                            FROM approval_items WHERE """ + ApprovalItems.AWAITING_DECISION + """
                            GROUP BY route_id, tenant_id""")
                    .query((rs, n) -> new Object[] {rs.getString("route_id"), rs.getString("tenant"), rs.getLong("n"),
                            rs.getLong("age")})
                    .list());
            var rows = new ArrayList<MultiGauge.Row<?>>();
            long oldest = 0;
            for (var count : counts) {
                rows.add(MultiGauge.Row.of(Tags.of("route", (String) count[0], "tenant", (String) count[1]),
                        (Long) count[2]));
                oldest = Math.max(oldest, (Long) count[3]);
            }
            pending.register(rows, true);
            oldestAgeSeconds.set(oldest);
        } catch (DataAccessException e) {
            log.warn("approval gauges not refreshed ({}); they keep their last values", e.getClass().getSimpleName());
        }
    }

    @EventListener(ApplicationReadyEvent.class)
    public void rebuildIndex() {
        try {
            index.rebuild(() -> transactions.readForOps(db -> items.pending(db, EVERYTHING, Integer.MAX_VALUE)));
            refresh();
        } catch (DataAccessException e) {
            log.warn("queue:approvals not rebuilt at start ({})", e.getClass().getSimpleName());
        }
    }
}
