package com.healthtourism.hub.cases;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.springframework.stereotype.Component;

import com.healthtourism.hub.tenancy.TenantTransactions;

/** The design's monitoring queries (data-model.md, "Monitoring Queries"), each in the caller's tenant transaction. */
@Component
public class CaseMonitoring {

    static final String CONSENT_TYPE = "data_processing";

    private final TenantTransactions transactions;

    public CaseMonitoring(TenantTransactions transactions) {
        this.transactions = transactions;
    }

    /** Every status with its count (0 included); {@code active} is every case not yet complete. */
    public record CasesByStatus(Map<String, Long> byStatus, long active) {
    }

    /** One provider's bookings made in the last 30 days and the average of their quotes, per quote currency. */
    public record ProviderPerformance(UUID providerId, String name, String currency, long bookings, BigDecimal averageQuote) {
    }

    /** Users with a live {@code data_processing} consent, and the patients who have none. */
    public record ConsentCompliance(String type, long usersWithConsent, long patients, long patientsWithoutConsent) {
    }

    public CasesByStatus casesByStatus(UUID tenantId) {
        var counts = transactions.inTenant(tenantId, db -> db.sql(
                        "SELECT status::text AS status, count(*) AS n FROM cases GROUP BY status")
                .query((rs, row) -> Map.entry(rs.getString("status"), rs.getLong("n"))).list());
        var byStatus = new LinkedHashMap<String, Long>();
        for (var status : CaseStatus.values()) {
            byStatus.put(status.wire(), 0L);
        }
        counts.forEach(count -> byStatus.put(count.getKey(), count.getValue()));
        var active = byStatus.entrySet().stream().filter(entry -> !entry.getKey().equals(CaseStatus.COMPLETE.wire()))
                .mapToLong(Map.Entry::getValue).sum();
        return new CasesByStatus(byStatus, active);
    }

    public List<ProviderPerformance> providerPerformance(UUID tenantId) {
        return transactions.inTenant(tenantId, db -> db.sql("""
                        SELECT p.id, p.name, q.currency, count(b.id) AS bookings, avg(q.amount) AS average_quote
                        FROM providers p
                        JOIN quotes q ON q.tenant_id = p.tenant_id AND q.provider_id = p.id
                        JOIN bookings b ON b.tenant_id = q.tenant_id AND b.quote_id = q.id
                        WHERE b.created_at > now() - INTERVAL '30 days'
                        GROUP BY p.id, p.name, q.currency
                        ORDER BY bookings DESC, p.id, q.currency""")
                .query((rs, row) -> new ProviderPerformance(rs.getObject("id", UUID.class), rs.getString("name"),
                        rs.getString("currency"), rs.getLong("bookings"),
                        rs.getBigDecimal("average_quote").setScale(2, RoundingMode.HALF_EVEN)))
                .list());
    }

    public ConsentCompliance consentCompliance(UUID tenantId) {
        return transactions.inTenant(tenantId, db -> db.sql("""
                        WITH consenting AS (
                            SELECT DISTINCT user_id FROM consent_logs
                            WHERE type = ? AND revoked_at IS NULL AND granted_at <= now())
                        SELECT (SELECT count(*) FROM consenting) AS with_consent,
                               count(*) AS patients,
                               count(*) FILTER (WHERE u.id NOT IN (SELECT user_id FROM consenting)) AS without_consent
                        FROM users u WHERE u.role = 'patient' AND u.deleted_at IS NULL""")
                .param(CONSENT_TYPE)
                .query((rs, row) -> new ConsentCompliance(CONSENT_TYPE, rs.getLong("with_consent"),
                        rs.getLong("patients"), rs.getLong("without_consent")))
                .single());
    }
}
