package com.healthtourism.hub.cases;

import static com.healthtourism.hub.cases.CaseFixtures.patientCase;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.UUID;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.client.TestRestTemplate;
import org.springframework.boot.test.web.server.LocalServerPort;

import com.healthtourism.hub.patients.PersonalData;
import com.healthtourism.hub.local.HubTest;
import com.healthtourism.hub.tenancy.TenantTransactions;

/** The design's monitoring queries as tenant API endpoints, and the cases-by-status gauge. */
@HubTest
class CaseMonitoringApiTest {

    @LocalServerPort
    int port;
    @Autowired
    TenantTransactions transactions;
    @Autowired
    PersonalData columns;
    @Autowired
    CaseGauges gauges;
    @Autowired
    TestRestTemplate http;

    @Test
    void casesByStatusCountsOnlyTheKeysTenant() {
        var api = new TenantApiClient(port);
        var tenant = api.tenant();
        var other = api.tenant();
        patientCase(transactions, columns, tenant, "intake", "low");
        patientCase(transactions, columns, tenant, "intake", "high");
        patientCase(transactions, columns, tenant, "complete", "low");
        patientCase(transactions, columns, other, "docs", "low");

        var counts = api.get(api.key(tenant, false), "/api/monitoring/cases-by-status");

        assertThat(counts.status()).isEqualTo(200);
        assertThat(counts.body().at("/byStatus/intake").asLong()).isEqualTo(2);
        assertThat(counts.body().at("/byStatus/complete").asLong()).isEqualTo(1);
        assertThat(counts.body().at("/byStatus/docs").asLong()).isZero();
        assertThat(counts.body().get("byStatus")).hasSize(7);
        assertThat(counts.body().get("active").asLong()).isEqualTo(2);
    }

    @Test
    void providerPerformanceCountsTheLast30DaysOfBookings() {
        var api = new TenantApiClient(port);
        var tenant = api.tenant();
        var seeded = patientCase(transactions, columns, tenant, "itinerary", "medium");
        var provider = CaseFixtures.provider(transactions, tenant, "Anadolu Ortho");
        transactions.inTenant(tenant, db -> {
            for (var amount : new int[] {4000, 6000}) {
                var quote = UUID.randomUUID();
                db.sql("INSERT INTO quotes (id, tenant_id, case_id, provider_id, amount, currency, status)"
                                + " VALUES (?, ?, ?, ?, ?, 'EUR', 'accepted')")
                        .params(quote, tenant, seeded.caseId(), provider, amount).update();
                db.sql("INSERT INTO bookings (tenant_id, case_id, quote_id, status) VALUES (?, ?, ?, 'confirmed')")
                        .params(tenant, seeded.caseId(), quote).update();
            }
            var old = UUID.randomUUID();
            db.sql("INSERT INTO quotes (id, tenant_id, case_id, provider_id, amount, currency) VALUES (?, ?, ?, ?, 99999, 'EUR')")
                    .params(old, tenant, seeded.caseId(), provider).update();
            return db.sql("INSERT INTO bookings (tenant_id, case_id, quote_id, created_at) VALUES (?, ?, ?, now() - INTERVAL '31 days')")
                    .params(tenant, seeded.caseId(), old).update();
        });

        var performance = api.get(api.key(tenant, false), "/api/monitoring/provider-performance");

        assertThat(performance.status()).isEqualTo(200);
        assertThat(performance.body()).hasSize(1);
        var row = performance.body().get(0);
        assertThat(row.get("providerId").asText()).isEqualTo(provider.toString());
        assertThat(row.get("name").asText()).isEqualTo("Anadolu Ortho");
        assertThat(row.get("bookings").asLong()).isEqualTo(2);
        assertThat(row.get("averageQuote").decimalValue()).isEqualByComparingTo("5000.00");
        assertThat(row.get("currency").asText()).isEqualTo("EUR");
    }

    @Test
    void consentComplianceCountsLiveDataProcessingConsents() {
        var api = new TenantApiClient(port);
        var tenant = api.tenant();
        var consenting = patientCase(transactions, columns, tenant, "intake", "low");
        var revoked = patientCase(transactions, columns, tenant, "intake", "low");
        patientCase(transactions, columns, tenant, "intake", "low");
        transactions.inTenant(tenant, db -> {
            db.sql("INSERT INTO consent_logs (tenant_id, user_id, type, version) VALUES (?, ?, 'data_processing', '1.0')")
                    .params(tenant, consenting.patientId()).update();
            db.sql("INSERT INTO consent_logs (tenant_id, user_id, type, version) VALUES (?, ?, 'marketing', '1.0')")
                    .params(tenant, revoked.patientId()).update();
            return db.sql("INSERT INTO consent_logs (tenant_id, user_id, type, version, revoked_at)"
                            + " VALUES (?, ?, 'data_processing', '1.0', now())")
                    .params(tenant, revoked.patientId()).update();
        });

        var compliance = api.get(api.key(tenant, false), "/api/monitoring/consent-compliance");

        assertThat(compliance.status()).isEqualTo(200);
        assertThat(compliance.body().get("type").asText()).isEqualTo("data_processing");
        assertThat(compliance.body().get("usersWithConsent").asLong()).isEqualTo(1);
        assertThat(compliance.body().get("patients").asLong()).isEqualTo(3);
        assertThat(compliance.body().get("patientsWithoutConsent").asLong()).isEqualTo(2);
    }

    @Test
    void prometheusShowsCasesByStatusPerTenant() {
        var api = new TenantApiClient(port);
        var tenant = api.tenant();
        patientCase(transactions, columns, tenant, "travel", "low");
        patientCase(transactions, columns, tenant, "travel", "low");
        patientCase(transactions, columns, tenant, "docs", "low");

        gauges.refresh();
        var anonymous = http.getForEntity("/actuator/prometheus", String.class);
        var scrape = http.withBasicAuth("test-ops", "test-ops-password").getForObject("/actuator/prometheus", String.class);

        assertThat(anonymous.getStatusCode().value()).as("the scrape needs the ops login").isEqualTo(401);
        assertThat(scrape).contains("hub_cases{status=\"travel\",tenant=\"" + tenant + "\"} 2.0")
                .contains("hub_cases{status=\"docs\",tenant=\"" + tenant + "\"} 1.0");
    }
}
