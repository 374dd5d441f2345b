package com.healthtourism.hub.subscriptions;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.tomakehurst.wiremock.WireMockServer;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;

import com.healthtourism.hub.approvals.OpsClient;
import com.healthtourism.hub.local.HubTest;
import com.healthtourism.hub.local.PartnerSandbox;
import com.healthtourism.hub.tenancy.TenantTransactions;
import com.healthtourism.hub.webhooks.WebhookClient;

/**
 * End to end through the real routes: one of a tenant's two partners is down. Its subscription's breaker opens after
 * the attempts that show it (5 in the test profile's window), and its later deliveries go to the approval queue
 * unattempted while the other partner gets every event; once it is back, a granted replay closes the breaker and
 * the next event reaches it directly.
 */
@HubTest
class PartnerBreakerTest {

    private static final int EVENTS = 5;
    private static final int ATTEMPTS_TO_OPEN = 5; // hub.partner-webhooks.breaker.minimum-calls, all failed
    private static WireMockServer partners;

    @LocalServerPort
    int port;
    @Autowired
    PartnerBreakers breakers;
    @Autowired
    MeterRegistry meters;
    @Autowired
    TenantTransactions transactions;

    @BeforeAll
    static void startPartners() {
        partners = PartnerSandbox.start();
    }

    @AfterAll
    static void stopPartners() {
        partners.stop();
    }

    @Test
    void aPartnerThatIsDownHasItsDeliveriesParkedUnattemptedOnceItsBreakerOpensAndAGrantedReplayClosesIt() {
        var hub = new WebhookClient(port);
        var tenant = hub.tenantWithSources(Map.of());
        var downPath = "/down/" + tenant;
        var upPath = "/up/" + tenant;
        partners.stubFor(post(urlEqualTo(downPath)).willReturn(aResponse().withStatus(502)));
        partners.stubFor(post(urlEqualTo(upPath)).willReturn(aResponse().withStatus(204)));
        subscribe(hub, tenant, "a-down", downPath);
        subscribe(hub, tenant, "b-up", upPath);
        var down = subscriptionId(tenant, "a-down");
        var shortCircuited = meters.counter("hub.partner-webhooks.short-circuited").count();

        for (int i = 0; i < EVENTS; i++) {
            assertThat(hub.stripe(tenant, WebhookClient.stripeEvent("evt_brk_" + UUID.randomUUID(),
                    "payment_intent.succeeded")).status()).isEqualTo(202);
        }

        var parked = await().atMost(Duration.ofSeconds(60)).until(() -> pending(tenant), items -> items.size() == EVENTS);
        await().atMost(Duration.ofSeconds(30)).until(() -> partners.findAll(postRequestedFor(urlEqualTo(upPath))).size() == EVENTS);
        assertThat(partners.findAll(postRequestedFor(urlEqualTo(downPath))))
                .as("attempts stop once the breaker opened: 5, not 3 for each event (15)").hasSize(ATTEMPTS_TO_OPEN);
        assertThat(breakers.state(down.toString())).isEqualTo(CircuitBreaker.State.OPEN);
        assertThat(partners.findAll(postRequestedFor(urlEqualTo(upPath))).get(0).getHeaders().keys())
                .as("the partner gets the event and its signature, none of the hub's own headers")
                .contains("webhook-id", "webhook-timestamp", "webhook-signature")
                .noneMatch(name -> name.toLowerCase(java.util.Locale.ROOT).startsWith("hub")
                        || name.toLowerCase(java.util.Locale.ROOT).startsWith("kafka"));
        assertThat(parked).extracting(item -> item.get("routeId").asText()).containsOnly("partner-webhook-delivery");
        var unattempted = parked.stream().filter(item -> item.get("errorMessage").asText()
                .equals("partner unavailable: circuit breaker of subscription " + down + " is open")).toList();
        // the second event's third attempt found the breaker open, and so did every later event
        assertThat(unattempted).hasSize(EVENTS - 1);
        assertThat(meters.counter("hub.partner-webhooks.short-circuited").count() - shortCircuited).isEqualTo(EVENTS - 1);
        assertThat(meters.get("hub.partner-webhooks.breakers.open").gauge().value()).isGreaterThanOrEqualTo(1);
        var ops = new OpsClient(port, OpsClient.OPS);
        var shown = ops.get("/ops/api/partner-breakers?tenant=" + tenant);
        assertThat(shown.status()).isEqualTo(200);
        var listed = shown.body().get("breakers");
        assertThat(listed).hasSize(2);
        assertThat(listed.get(0).get("subscription").asText()).as("the open one first").isEqualTo(down.toString());
        assertThat(listed.get(0).get("tenant").asText()).isEqualTo(tenant.toString());
        assertThat(listed.get(0).get("state").asText()).isEqualTo("OPEN");
        assertThat(listed.get(0).get("failureRate").asDouble()).isEqualTo(100.0);
        assertThat(listed.get(0).get("notAttempted").asLong()).isEqualTo(EVENTS - 1);
        assertThat(listed.get(1).get("state").asText()).isEqualTo("CLOSED");
        assertThat(ops.get("/ops/api/partner-breakers?tenant=" + UUID.randomUUID()).body().get("breakers")).isEmpty();
        var badFilter = ops.get("/ops/api/partner-breakers?tenant=not-a-uuid");
        assertThat(badFilter.status()).isEqualTo(400);
        assertThat(badFilter.response().headers().firstValue("Content-Type")).hasValue("application/problem+json");

        partners.stubFor(post(urlEqualTo(downPath)).willReturn(aResponse().withStatus(200)));
        var granted = ops.post("/ops/api/approvals/" + unattempted.get(0).get("id").asText() + "/grant", null);
        assertThat(granted.body().get("status").asText()).as("a granted replay goes through the open breaker")
                .isEqualTo("replayed");
        assertThat(breakers.state(down.toString())).isEqualTo(CircuitBreaker.State.CLOSED);

        assertThat(hub.stripe(tenant, WebhookClient.stripeEvent("evt_brk_" + UUID.randomUUID(),
                "payment_intent.succeeded")).status()).isEqualTo(202);
        await().atMost(Duration.ofSeconds(30))
                .until(() -> partners.findAll(postRequestedFor(urlEqualTo(downPath))).size() == ATTEMPTS_TO_OPEN + 2);
        assertThat(pending(tenant)).as("the rest still wait for a decision; nothing new was parked").hasSize(EVENTS - 1);
    }

    @Test
    void anOperatorsChangeToTheSubscriptionGivesThePartnerAFreshBreakerAndADeactivationDropsIt() {
        var hub = new WebhookClient(port);
        var tenant = hub.tenantWithSources(Map.of());
        var wrongPath = "/wrong/" + tenant;
        var fixedPath = "/fixed/" + tenant;
        partners.stubFor(post(urlEqualTo(wrongPath)).willReturn(aResponse().withStatus(503)));
        partners.stubFor(post(urlEqualTo(fixedPath)).willReturn(aResponse().withStatus(204)));
        subscribe(hub, tenant, "crm", wrongPath);
        var crm = subscriptionId(tenant, "crm").toString();
        for (int i = 0; i < 2; i++) {
            assertThat(hub.stripe(tenant, WebhookClient.stripeEvent("evt_fix_" + UUID.randomUUID(),
                    "payment_intent.succeeded")).status()).isEqualTo(202);
        }
        await().atMost(Duration.ofSeconds(60)).until(() -> pending(tenant).size() == 2);
        assertThat(breakers.state(crm)).isEqualTo(CircuitBreaker.State.OPEN);

        var fixed = hub.admin("PUT", "/admin/tenants/" + tenant + "/subscriptions/crm",
                Map.of("url", partners.baseUrl() + fixedPath, "events", List.of("payment.*")));
        assertThat(fixed.status()).isEqualTo(200);
        assertThat(breakers.state(crm)).isEqualTo(CircuitBreaker.State.CLOSED);
        assertThat(hub.stripe(tenant, WebhookClient.stripeEvent("evt_fix_" + UUID.randomUUID(),
                "payment_intent.succeeded")).status()).isEqualTo(202);
        await().atMost(Duration.ofSeconds(30)).until(() -> partners.findAll(postRequestedFor(urlEqualTo(fixedPath))).size() == 1);
        assertThat(pending(tenant)).as("delivered at once, not parked by the old URL's open breaker").hasSize(2);

        assertThat(hub.admin("DELETE", "/admin/tenants/" + tenant + "/subscriptions/crm", null).status()).isEqualTo(204);
        assertThat(new OpsClient(port, OpsClient.OPS).get("/ops/api/partner-breakers?tenant=" + tenant).body()
                .get("breakers")).as("a deactivated subscription's breaker is gone").isEmpty();
    }

    private void subscribe(WebhookClient hub, UUID tenant, String name, String path) {
        var answer = hub.admin("PUT", "/admin/tenants/" + tenant + "/subscriptions/" + name,
                Map.of("url", partners.baseUrl() + path, "events", List.of("payment.*")));
        assertThat(answer.status()).isEqualTo(201);
    }

    private UUID subscriptionId(UUID tenant, String name) {
        return transactions.inTenant(tenant, db -> db.sql("SELECT id FROM webhook_subscriptions WHERE name = ?")
                .param(name).query(UUID.class).single());
    }

    private List<JsonNode> pending(UUID tenant) {
        var list = new OpsClient(port, OpsClient.OPS).get("/ops/api/approvals?status=pending&tenant=" + tenant).body();
        var items = new ArrayList<JsonNode>();
        list.get("items").forEach(items::add);
        return items;
    }
}
