package com.healthtourism.hub.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.client.TestRestTemplate;
import org.springframework.http.HttpEntity;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;

import com.healthtourism.hub.local.HubTest;
import com.healthtourism.hub.tenancy.NewTenant;
import com.healthtourism.hub.tenancy.TenantRepository;
import com.healthtourism.hub.tenancy.TenantTransactions;

@HubTest
class AuditTrailTest {

    @Autowired
    TestRestTemplate http;

    @Autowired
    AuditTrail audit;

    @Autowired
    TenantTransactions transactions;

    @Autowired
    TenantRepository tenants;

    private ResponseEntity<Map> send(HttpMethod method, String path, String json) {
        var headers = new HttpHeaders();
        headers.setContentType(MediaType.APPLICATION_JSON);
        headers.set(HttpHeaders.USER_AGENT, "audit-test/1.0");
        return http.withBasicAuth("test-admin", "test-admin-password")
                .exchange(path, method, new HttpEntity<>(json, headers), Map.class);
    }

    private List<Map<String, Object>> auditRows(UUID tenant) {
        return transactions.inTenant(tenant, db -> db.sql("""
                        SELECT actor, action, resource, resource_id, host(ip_address) AS ip, user_agent,
                               result::text AS result, metadata::text AS metadata
                        FROM audit_logs WHERE tenant_id = ? ORDER BY "timestamp", action""")
                .param(tenant).query().listOfRows());
    }

    @Test
    void tenantWritesLeaveAuditRowsNamingTheOperator() {
        var created = send(HttpMethod.POST, "/admin/tenants",
                "{\"name\":\"Audited\",\"domain\":\"audited-" + UUID.randomUUID() + ".example.com\"}");
        assertThat(created.getStatusCode()).isEqualTo(HttpStatus.CREATED);
        var id = UUID.fromString((String) created.getBody().get("id"));

        assertThat(send(HttpMethod.PATCH, "/admin/tenants/" + id, "{\"name\":\"Renamed\",\"settings\":{\"a\":1}}")
                .getStatusCode()).isEqualTo(HttpStatus.OK);
        assertThat(send(HttpMethod.POST, "/admin/tenants/" + id + "/deactivate", "").getStatusCode())
                .isEqualTo(HttpStatus.OK);

        var rows = auditRows(id);
        assertThat(rows).extracting(row -> row.get("action"))
                .containsExactly("tenant.create", "tenant.update", "tenant.deactivate");
        assertThat(rows).allSatisfy(row -> {
            assertThat(row).containsEntry("actor", "test-admin").containsEntry("resource", "tenant")
                    .containsEntry("resource_id", id).containsEntry("result", "success")
                    .containsEntry("user_agent", "audit-test/1.0");
            assertThat((String) row.get("ip")).isIn("127.0.0.1", "::1");
        });
        assertThat((String) rows.get(1).get("metadata")).contains("\"name\"", "\"settings\"").doesNotContain("Renamed");
    }

    @Test
    void aRefusedChangeIsAuditedAsAFailure() {
        var taken = "taken-" + UUID.randomUUID() + ".example.com";
        tenants.create(new NewTenant("Holder", taken, null));
        var id = tenants.create(new NewTenant("Other", "other-" + UUID.randomUUID() + ".example.com", null)).id();

        assertThat(send(HttpMethod.PATCH, "/admin/tenants/" + id, "{\"domain\":\"" + taken + "\"}").getStatusCode())
                .isEqualTo(HttpStatus.CONFLICT);

        assertThat(auditRows(id)).singleElement().satisfies(row -> {
            assertThat(row).containsEntry("action", "tenant.update").containsEntry("result", "failure");
            assertThat((String) row.get("metadata")).contains("\"field\"", "\"domain\"", "409");
        });
    }

    @Test
    void anAuditRowInsideATenantTransactionRollsBackWithIt() {
        var tenant = tenants.create(new NewTenant("Rollback", "rb-" + UUID.randomUUID() + ".example.com", null)).id();
        var entry = new AuditEntry(tenant, "tester", "thing.change", "thing", null, "10.0.0.1", null, true, Map.of());

        assertThatThrownBy(() -> transactions.inTenant(tenant, db -> {
            audit.record(db, entry);
            throw new IllegalStateException("the audited change failed");
        })).isInstanceOf(IllegalStateException.class);
        assertThat(auditRows(tenant)).isEmpty();

        transactions.inTenant(tenant, db -> {
            audit.record(db, entry);
            return null;
        });
        assertThat(auditRows(tenant)).singleElement().satisfies(row ->
                assertThat(row).containsEntry("actor", "tester").containsEntry("ip", "10.0.0.1"));
    }

    @Test
    void credentialsInMetadataAreRefused() {
        var tenant = tenants.create(new NewTenant("Secretive", "sec-" + UUID.randomUUID() + ".example.com", null)).id();
        assertThatThrownBy(() -> audit.record(new AuditEntry(tenant, "tester", "x", "y", null, null, null, true,
                Map.of("webhookSecret", "whsec_abc"))))
                .isInstanceOf(IllegalArgumentException.class).hasMessageNotContaining("whsec_abc");
        assertThat(auditRows(tenant)).isEmpty();
    }
}
