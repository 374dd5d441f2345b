package com.healthtourism.hub.audit;

import java.util.List;

import net.javacrumbs.shedlock.spring.annotation.SchedulerLock;
import org.springframework.stereotype.Component;

import com.healthtourism.hub.tenancy.TenantTransactions;

/**
 * Keeps the monthly partitions of audit_logs ahead of time: the current and the next month.
 * Runs on one hub instance at a time (ShedLock); the database function is idempotent anyway.
 */
@Component("auditPartitions")
public class AuditPartitions {

    private final TenantTransactions transactions;

    public AuditPartitions(TenantTransactions transactions) {
        this.transactions = transactions;
    }

    /** Returns the names of the partitions that now exist for this and next month. */
    @SchedulerLock(name = "audit-partitions", lockAtMostFor = "PT10M")
    public List<String> createAhead() {
        return transactions.withoutTenant(db -> List.of(
                db.sql("SELECT ensure_audit_logs_partition(current_date)").query(String.class).single(),
                db.sql("SELECT ensure_audit_logs_partition((current_date + interval '1 month')::date)")
                        .query(String.class).single()));
    }
}
