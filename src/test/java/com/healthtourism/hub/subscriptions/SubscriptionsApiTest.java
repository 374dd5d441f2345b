package com.healthtourism.hub.subscriptions;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.SQLException;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.core.env.Environment;

import com.healthtourism.hub.crypto.SecretFingerprint;
import com.healthtourism.hub.idempotency.IdempotencyKeyFilter;
import com.healthtourism.hub.local.HubTest;
import com.healthtourism.hub.local.OwnerDatabase;
import com.healthtourism.hub.webhooks.WebhookClient;

@HubTest
class SubscriptionsApiTest {

    private static final String PARTNER_SECRET = "whsec_" + Base64.getEncoder().encodeToString(
            "partner-chosen-secret-32-bytes!!".getBytes());
    private static final String OTHER_SECRET = "whsec_" + Base64.getEncoder().encodeToString(
            "another-partner-secret-32-bytes!".getBytes());

    @LocalServerPort
    int port;
    @Autowired
    Environment environment;

    @Test
    void creatingWithoutASecretShowsTheGeneratedSecretOnceAndAfterwardsOnlyItsFingerprint() throws SQLException {
        var admin = new WebhookClient(port);
        var tenant = tenant(admin);

        var created = put(admin, tenant, "crm", Map.of("url", "https://partner.example.com/hooks?channel=7",
                "events", List.of("payment.succeeded", "case.*")));
        var read = admin.admin("GET", path(tenant) + "/crm", null);
        var listed = admin.admin("GET", path(tenant), null);

        assertThat(created.status()).isEqualTo(201);
        var secret = created.body().get("secret").asText();
        assertThat(secret).startsWith("whsec_");
        assertThat(Base64.getDecoder().decode(secret.substring("whsec_".length()))).hasSize(24);
        assertThat(created.header("Cache-Control")).contains("no-store");
        assertThat(created.body().get("secretFingerprint").asText()).isEqualTo(SecretFingerprint.of(secret));
        assertThat(read.status()).isEqualTo(200);
        assertThat(read.body().get("url").asText()).isEqualTo("https://partner.example.com/hooks?channel=7");
        assertThat(read.body().get("events").toString()).isEqualTo("[\"payment.succeeded\",\"case.*\"]");
        assertThat(read.body().get("active").asBoolean()).isTrue();
        assertThat(read.body().get("secretFingerprint").asText()).isEqualTo(SecretFingerprint.of(secret));
        assertThat(read.body().has("createdAt")).isTrue();
        assertThat(read.body().has("updatedAt")).isTrue();
        assertThat(listed.body()).hasSize(1);
        for (var answer : List.of(read, listed)) {
            assertThat(answer.body().toString()).doesNotContain("whsec_").doesNotContain(secret.substring(6));
        }
        try (var db = OwnerDatabase.connect(environment);
             var query = db.prepareStatement("SELECT encode(secret, 'escape') FROM webhook_subscriptions WHERE tenant_id = ?")) {
            query.setObject(1, tenant);
            try (var row = query.executeQuery()) {
                row.next();
                assertThat(row.getString(1)).as("encrypted at rest").doesNotContain("whsec_");
            }
        }
    }

    @Test
    void updatingWithoutASecretKeepsTheSecretAndAGivenSecretReplacesIt() {
        var admin = new WebhookClient(port);
        var tenant = tenant(admin);
        put(admin, tenant, "crm", Map.of("url", "https://partner.example.com/a", "secret", PARTNER_SECRET));

        var update = put(admin, tenant, "crm", Map.of("url", "https://partner.example.com/b", "events", List.of("doc.*")));
        var rotated = put(admin, tenant, "crm", Map.of("url", "https://partner.example.com/b", "secret", OTHER_SECRET));

        assertThat(update.status()).isEqualTo(200);
        assertThat(update.body().has("secret")).isFalse();
        assertThat(update.body().get("url").asText()).isEqualTo("https://partner.example.com/b");
        assertThat(update.body().get("events").toString()).isEqualTo("[\"doc.*\"]");
        assertThat(update.body().get("secretFingerprint").asText()).isEqualTo(SecretFingerprint.of(PARTNER_SECRET));
        assertThat(rotated.status()).isEqualTo(200);
        assertThat(rotated.body().has("secret")).as("a secret the partner chose is not echoed").isFalse();
        assertThat(rotated.body().get("secretFingerprint").asText()).isEqualTo(SecretFingerprint.of(OTHER_SECRET));
        assertThat(rotated.body().get("events").toString()).as("no events: every event").isEqualTo("[]");
    }

    @Test
    void badSettingsAre400NamingTheFieldAndUnknownTenantOrSubscriptionIs404() {
        var admin = new WebhookClient(port);
        var tenant = tenant(admin);
        var ok = "https://partner.example.com/hooks";

        Map<String, List<Map<String, Object>>> cases = Map.of(
                "url", List.of(Map.of("url", "/relative/hooks"), Map.of("url", "ftp://partner.example.com/x"),
                        Map.of("url", "https://user:pw@partner.example.com/x"), Map.of("url", "not a url"), Map.of()),
                "events", List.of(Map.of("url", ok, "events", List.of("payment")), Map.of("url", ok, "events", List.of("shop.*")),
                        Map.of("url", ok, "events", List.of("*")), Map.of("url", ok, "events", List.of("Payment.Succeeded")),
                        // a family the fan-out does not send to partners (hub.partner-webhooks.topics): never delivered
                        Map.of("url", ok, "events", List.of("approval.*"))),
                "secret", List.of(Map.of("url", ok, "secret", "plain-secret"),
                        Map.of("url", ok, "secret", "whsec_c2hvcnQ="), Map.of("url", ok, "secret", "whsec_%%%")));
        cases.forEach((field, bodies) -> bodies.forEach(body -> {
            var answer = put(admin, tenant, "crm", body);
            assertThat(answer.status()).as(body.toString()).isEqualTo(400);
            assertThat(answer.contentType()).startsWith("application/problem+json");
            assertThat(answer.body().get("field").asText()).as(body.toString()).isEqualTo(field);
        }));
        assertThat(put(admin, tenant, "Bad%20Name", Map.of("url", ok)).status()).isEqualTo(400);
        assertThat(admin.admin("GET", path(tenant), null).body()).as("nothing was stored").isEmpty();

        var unknownTenant = put(admin, UUID.randomUUID(), "crm", Map.of("url", ok));
        assertThat(unknownTenant.status()).isEqualTo(404);
        assertThat(unknownTenant.contentType()).startsWith("application/problem+json");
        assertThat(admin.admin("GET", path(tenant) + "/absent", null).status()).isEqualTo(404);
        assertThat(admin.admin("DELETE", path(tenant) + "/absent", null).status()).isEqualTo(404);
    }

    @Test
    void deleteDeactivatesAndEveryWriteIsAuditedWithoutTheSecret() throws SQLException {
        var admin = new WebhookClient(port);
        var tenant = tenant(admin);
        var created = put(admin, tenant, "crm", Map.of("url", "https://partner.example.com/hooks"));
        put(admin, tenant, "crm", Map.of("url", "https://partner.example.com/hooks", "events", List.of("case.*")));

        var deleted = admin.admin("DELETE", path(tenant) + "/crm", null);
        var read = admin.admin("GET", path(tenant) + "/crm", null);

        assertThat(deleted.status()).isEqualTo(204);
        assertThat(read.status()).isEqualTo(200);
        assertThat(read.body().get("active").asBoolean()).isFalse();
        var secret = created.body().get("secret").asText();
        try (var db = OwnerDatabase.connect(environment);
             var audit = db.prepareStatement("SELECT string_agg(action, ',' ORDER BY \"timestamp\") FROM audit_logs"
                     + " WHERE tenant_id = ? AND resource = 'webhook_subscription' AND actor = 'test-admin'"
                     + " AND metadata::text NOT LIKE '%whsec_%' AND metadata::text NOT LIKE ?")) {
            audit.setObject(1, tenant);
            audit.setString(2, "%" + secret.substring(6) + "%");
            try (var row = audit.executeQuery()) {
                row.next();
                assertThat(row.getString(1)).isEqualTo("subscription.created,subscription.updated,subscription.deactivated");
            }
        }
    }

    @Test
    void aGeneratedSecretIsNotKeptForAnIdempotencyReplay() throws SQLException {
        var admin = new WebhookClient(port);
        var tenant = tenant(admin);
        var key = Map.of(IdempotencyKeyFilter.KEY_HEADER, "create-crm-" + UUID.randomUUID());
        var body = Map.<String, Object>of("url", "https://partner.example.com/hooks");

        var first = admin.admin("PUT", path(tenant) + "/crm", body, key);
        var retry = admin.admin("PUT", path(tenant) + "/crm", body, key);

        assertThat(first.status()).isEqualTo(201);
        var secret = first.body().get("secret").asText();
        assertThat(retry.status()).as("the retry ran again, as an update").isEqualTo(200);
        assertThat(retry.response().body()).doesNotContain(secret);
        try (var db = OwnerDatabase.connect(environment);
             var query = db.prepareStatement("SELECT count(*) FROM admin_idempotency WHERE response_body IS NOT NULL"
                     + " AND position(convert_to(?, 'UTF8') IN response_body) > 0")) {
            query.setString(1, secret);
            try (var row = query.executeQuery()) {
                row.next();
                assertThat(row.getInt(1)).isZero();
            }
        }
    }

    @Test
    void aTenantsSubscriptionsAreInvisibleThroughAnotherTenant() {
        var admin = new WebhookClient(port);
        var a = tenant(admin);
        var b = tenant(admin);
        put(admin, a, "only-a", Map.of("url", "https://partner-a.example.com/hooks"));

        assertThat(admin.admin("GET", path(b) + "/only-a", null).status()).isEqualTo(404);
        assertThat(admin.admin("GET", path(b), null).response().body()).doesNotContain("only-a");
        assertThat(admin.admin("DELETE", path(b) + "/only-a", null).status()).isEqualTo(404);
        assertThat(admin.admin("GET", path(a) + "/only-a", null).body().get("active").asBoolean()).isTrue();
    }

    private static WebhookClient.Answer put(WebhookClient admin, UUID tenant, String name, Map<String, Object> body) {
        return admin.admin("PUT", path(tenant) + "/" + name, new HashMap<>(body));
    }

    private static String path(UUID tenant) {
        return "/admin/tenants/" + tenant + "/subscriptions";
    }

    private static UUID tenant(WebhookClient admin) {
        var tenant = admin.admin("POST", "/admin/tenants", Map.of("name", "Clinic", "domain",
                "clinic-" + UUID.randomUUID() + ".example.com", "settings", Map.of()));
        assertThat(tenant.status()).isEqualTo(201);
        return UUID.fromString(tenant.body().get("id").asText());
    }
}
