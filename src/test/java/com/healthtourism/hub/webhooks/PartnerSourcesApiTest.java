package com.healthtourism.hub.webhooks;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.core.env.Environment;

import com.healthtourism.hub.crypto.SecretFingerprint;
import com.healthtourism.hub.local.HubTest;
import com.healthtourism.hub.local.OwnerDatabase;
import com.healthtourism.hub.tenancy.TenantTransactions;

@HubTest
class PartnerSourcesApiTest {

    @LocalServerPort
    int port;
    @Autowired
    Environment environment;
    @Autowired
    PartnerSources sources;
    @Autowired
    TenantTransactions transactions;

    @Test
    void aSourceReadWhileAChangeIsUncommittedIsForgottenOnceTheChangeCommits() {
        var tenant = new WebhookClient(port).tenantWithSources(Map.of());
        transactions.inTenant(tenant, db -> {
            sources.save(db, tenant, "stripe", "stripe", List.of("whsec_rotated"), false, Duration.ofMinutes(5), null);
            // a delivery meanwhile, on another connection, still sees the enabled source, and caches it
            var meanwhile = CompletableFuture.supplyAsync(() -> sources.findActive(tenant, "stripe")).join();
            assertThat(meanwhile).isPresent();
            return null;
        });

        assertThat(sources.findActive(tenant, "stripe")).as("disabled from the commit on, not after the cache's TTL")
                .isEmpty();
    }

    @Test
    void aSourceShowsItsSchemeAndFingerprintsButNeverItsSecrets() throws SQLException {
        var admin = new WebhookClient(port);
        var tenant = admin.tenantWithSources(Map.of());

        var put = admin.source(tenant, "flights", Map.of("secrets", List.of("whsec_c2VjcmV0LW9uZQ==", "whsec_c2VjcmV0LXR3bw=="),
                "toleranceSeconds", 120));
        var read = admin.admin("GET", "/admin/tenants/" + tenant + "/sources/flights", null);

        assertThat(put.status()).isEqualTo(201);
        for (var answer : List.of(put, read)) {
            assertThat(answer.body().get("scheme").asText()).isEqualTo("standard-webhooks");
            assertThat(answer.body().get("toleranceSeconds").asInt()).isEqualTo(120);
            assertThat(answer.body().get("secretFingerprints").toString())
                    .contains(SecretFingerprint.of("whsec_c2VjcmV0LW9uZQ==")).contains(SecretFingerprint.of("whsec_c2VjcmV0LXR3bw=="));
            assertThat(answer.response().body()).doesNotContain("whsec_c2VjcmV0");
        }
        assertThat(admin.source(tenant, "flights", Map.of("secrets", List.of("whsec_c2VjcmV0LW9uZQ=="))).status()).isEqualTo(200);
        try (var db = OwnerDatabase.connect(environment);
             var query = db.prepareStatement("SELECT encode(secrets, 'escape') FROM partner_sources WHERE tenant_id = ? AND source = 'flights'")) {
            query.setObject(1, tenant);
            try (var row = query.executeQuery()) {
                row.next();
                assertThat(row.getString(1)).as("encrypted at rest").doesNotContain("whsec_");
            }
            var audit = db.prepareStatement("SELECT count(*) FROM audit_logs WHERE tenant_id = ? AND resource = 'partner_source'"
                    + " AND actor = 'test-admin' AND metadata::text NOT LIKE '%whsec_%'");
            audit.setObject(1, tenant);
            try (var row = audit.executeQuery()) {
                row.next();
                assertThat(row.getInt(1)).as("every write audited, secrets not in it").isEqualTo(6);
            }
        }
    }

    @Test
    void badSettingsAre400NamingTheFieldAndAnUnknownTenantIs404() {
        var admin = new WebhookClient(port);
        var tenant = admin.tenantWithSources(Map.of());

        var badScheme = admin.source(tenant, "x", Map.of("scheme", "md5", "secrets", List.of("s")));
        var badSecret = admin.source(tenant, "x", Map.of("secrets", List.of("not-whsec")));
        var noSecret = admin.source(tenant, "x", Map.of("secrets", List.of()));
        var threeSecrets = admin.source(tenant, "stripe", Map.of("secrets", List.of("a", "b", "c")));
        var badName = admin.source(tenant, "Bad%20Name", Map.of("secrets", List.of("s")));
        var unknownTenant = admin.source(UUID.randomUUID(), "stripe", Map.of("secrets", List.of("s")));

        assertThat(badScheme.status()).isEqualTo(400);
        assertThat(badScheme.body().get("field").asText()).isEqualTo("scheme");
        assertThat(badSecret.body().get("field").asText()).isEqualTo("secrets");
        assertThat(noSecret.status()).isEqualTo(400);
        assertThat(threeSecrets.status()).isEqualTo(400);
        assertThat(badName.status()).isEqualTo(400);
        assertThat(unknownTenant.status()).isEqualTo(404);
        assertThat(unknownTenant.contentType()).startsWith("application/problem+json");
    }

    @Test
    void aTenantsSourcesAreInvisibleThroughAnotherTenant() {
        var admin = new WebhookClient(port);
        var a = admin.tenantWithSources(Map.of());
        var b = admin.tenantWithSources(Map.of());
        admin.source(a, "only-a", Map.of("scheme", "hmac-sha256", "secrets", List.of("s")));

        assertThat(admin.admin("GET", "/admin/tenants/" + b + "/sources/only-a", null).status()).isEqualTo(404);
        assertThat(admin.admin("GET", "/admin/tenants/" + b + "/sources", null).response().body()).doesNotContain("only-a");
    }
}
