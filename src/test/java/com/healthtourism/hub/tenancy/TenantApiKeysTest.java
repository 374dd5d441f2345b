package com.healthtourism.hub.tenancy;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.SQLException;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.core.env.Environment;

import com.healthtourism.hub.cases.TenantApiClient;
import com.healthtourism.hub.idempotency.IdempotencyKeyFilter;
import com.healthtourism.hub.local.HubTest;
import com.healthtourism.hub.local.OwnerDatabase;
import com.healthtourism.hub.webhooks.WebhookClient;
import com.healthtourism.hub.webhooks.WebhookClient.Answer;

@HubTest
class TenantApiKeysTest {

    @LocalServerPort
    int port;
    @Autowired
    Environment environment;

    @Test
    void aKeyIsShownOnceStoredHashedListedWithoutItAndAudited() throws SQLException {
        var admin = new WebhookClient(port);
        var tenant = tenant(admin);

        var issued = admin.admin("POST", "/admin/tenants/" + tenant + "/api-keys", Map.of("name", "care-team", "pii", true));
        var listed = admin.admin("GET", "/admin/tenants/" + tenant + "/api-keys", null);

        assertThat(issued.status()).isEqualTo(201);
        assertThat(issued.header("Cache-Control")).contains("no-store");
        var key = issued.body().get("key").asText();
        assertThat(key).startsWith("htk_").hasSizeGreaterThan(40);
        assertThat(issued.body().get("pii").asBoolean()).isTrue();
        assertThat(listed.status()).isEqualTo(200);
        assertThat(listed.body()).hasSize(1);
        assertThat(listed.body().get(0).get("name").asText()).isEqualTo("care-team");
        assertThat(listed.body().get(0).has("key")).isFalse();
        assertThat(listed.response().body()).doesNotContain(key);
        try (var db = OwnerDatabase.connect(environment);
             var rows = db.prepareStatement("SELECT key_hash FROM tenant_api_keys WHERE tenant_id = ?")) {
            rows.setObject(1, tenant);
            try (var row = rows.executeQuery()) {
                row.next();
                assertThat(row.getString(1)).isEqualTo(ApiKeys.hash(key)).doesNotContain(key.substring(4));
            }
            var audit = db.prepareStatement("SELECT count(*) FROM audit_logs WHERE tenant_id = ? AND action = 'api_key.issued'"
                    + " AND actor = 'test-admin' AND metadata::text NOT LIKE ?");
            audit.setObject(1, tenant);
            audit.setString(2, "%" + key.substring(4) + "%");
            try (var row = audit.executeQuery()) {
                row.next();
                assertThat(row.getInt(1)).isEqualTo(1);
            }
        }
    }

    @Test
    void anIssuedKeyIsNotKeptForAnIdempotencyReplay() throws SQLException {
        var admin = new WebhookClient(port);
        var tenant = tenant(admin);
        var idempotency = Map.of(IdempotencyKeyFilter.KEY_HEADER, "issue-" + UUID.randomUUID());
        var body = Map.<String, Object>of("name", "front-desk");

        var first = admin.admin("POST", "/admin/tenants/" + tenant + "/api-keys", body, idempotency);
        var retry = admin.admin("POST", "/admin/tenants/" + tenant + "/api-keys", body, idempotency);

        assertThat(first.status()).isEqualTo(201);
        var key = first.body().get("key").asText();
        assertThat(retry.status()).as("the retry ran again").isEqualTo(201);
        assertThat(retry.response().body()).doesNotContain(key);
        try (var db = OwnerDatabase.connect(environment);
             var query = db.prepareStatement("SELECT count(*) FROM admin_idempotency WHERE response_body IS NOT NULL"
                     + " AND position(convert_to(?, 'UTF8') IN response_body) > 0")) {
            query.setString(1, key.substring(4));
            try (var row = query.executeQuery()) {
                row.next();
                assertThat(row.getInt(1)).isZero();
            }
        }
    }

    @Test
    void aRevokedKeyAnUnknownKeyAndNoKeyAre401ProblemJson() {
        var admin = new WebhookClient(port);
        var tenant = tenant(admin);
        var issued = admin.admin("POST", "/admin/tenants/" + tenant + "/api-keys", Map.of("name", "dashboard"));
        var key = issued.body().get("key").asText();
        var id = issued.body().get("id").asText();

        assertThat(api(key).status()).isEqualTo(200);
        assertThat(admin.admin("DELETE", "/admin/tenants/" + tenant + "/api-keys/" + id, null).status()).isEqualTo(204);

        for (var refused : new Answer[] {api(key), api("htk_" + "A".repeat(43)), api(null), api("not-a-key"),
                admin.admin("GET", "/api/cases", null)}) {
            assertThat(refused.status()).isEqualTo(401);
            assertThat(refused.contentType()).startsWith("application/problem+json");
        }
        var listed = admin.admin("GET", "/admin/tenants/" + tenant + "/api-keys", null);
        assertThat(listed.body().get(0).has("revokedAt")).isTrue();
    }

    @Test
    void keysOfAnUnknownTenantOrAnotherTenantAre404AndANameIsRequired() {
        var admin = new WebhookClient(port);
        var a = tenant(admin);
        var b = tenant(admin);
        var issued = admin.admin("POST", "/admin/tenants/" + a + "/api-keys", Map.of("name", "only-a"));

        assertThat(admin.admin("POST", "/admin/tenants/" + UUID.randomUUID() + "/api-keys", Map.of("name", "x")).status())
                .isEqualTo(404);
        assertThat(admin.admin("DELETE", "/admin/tenants/" + b + "/api-keys/" + issued.body().get("id").asText(), null)
                .status()).isEqualTo(404);
        var noName = admin.admin("POST", "/admin/tenants/" + a + "/api-keys", Map.of("pii", true));
        assertThat(noName.status()).isEqualTo(400);
        assertThat(noName.body().get("field").asText()).isEqualTo("name");
        assertThat(api(issued.body().get("key").asText()).status()).as("not revoked by the other tenant's call").isEqualTo(200);
    }

    private Answer api(String key) {
        return new TenantApiClient(port).get(key, "/api/cases");
    }

    private UUID tenant(WebhookClient admin) {
        return new TenantApiClient(port).tenant();
    }
}
