package com.healthtourism.hub.approvals;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import io.micrometer.core.instrument.MeterRegistry;
import org.apache.camel.CamelContext;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.api.management.ManagedCamelContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.core.env.Environment;

import com.healthtourism.hub.local.HubTest;
import com.healthtourism.hub.local.PartnerSandbox;
import com.healthtourism.hub.local.OwnerDatabase;
import com.healthtourism.hub.signatures.SignedRequest;
import com.healthtourism.hub.signatures.StandardWebhooksScheme;
import com.healthtourism.hub.signatures.Verification;
import com.healthtourism.hub.webhooks.WebhookClient;

/**
 * End to end through the real routes: a Stripe payment comes in, becomes payment.succeeded on Kafka, and is
 * delivered to the tenant's partner subscription; the partner (a WireMock sandbox) is down past the retries, so the
 * delivery waits in the approval queue until an operator grants it.
 */
@HubTest
class PartnerDownApprovalTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int ATTEMPTS_PER_DELIVERY = 3; // hub.partner-webhooks.retries = 2 in the test profile
    private static WireMockServer partner;

    @LocalServerPort
    int port;
    @Autowired
    Environment environment;
    @Autowired
    CamelContext camel;
    @Autowired
    ProducerTemplate producer;
    @Autowired
    MeterRegistry meters;

    @BeforeAll
    static void startPartner() {
        partner = PartnerSandbox.start();
    }

    @AfterAll
    static void stopPartner() {
        partner.stop();
    }

    @Test
    void aPartnerDownPastItsRetriesLeavesOnePendingItemThatAGrantDeliversExactlyOnceAfterRecovery() throws Exception {
        var hub = new WebhookClient(port);
        var tenant = hub.tenantWithSources(Map.of());
        var path = "/hooks/" + tenant;
        partner.stubFor(post(urlEqualTo(path)).willReturn(aResponse().withStatus(503).withHeader("Retry-After", "30")));
        var subscription = hub.admin("PUT", "/admin/tenants/" + tenant + "/subscriptions/crm",
                Map.of("url", partner.baseUrl() + path, "events", List.of("payment.*")));
        assertThat(subscription.status()).isEqualTo(201);
        var secret = subscription.body().get("secret").asText();

        assertThat(hub.stripe(tenant, WebhookClient.stripeEvent("evt_down_" + UUID.randomUUID(),
                "payment_intent.succeeded")).status()).isEqualTo(202);

        var item = await().atMost(Duration.ofSeconds(60)).until(() -> pending(tenant), items -> items.size() == 1).get(0);
        var sent = partner.findAll(postRequestedFor(urlEqualTo(path)));
        assertThat(sent).hasSize(ATTEMPTS_PER_DELIVERY);
        for (int i = 1; i < sent.size(); i++) {
            // the partner's Retry-After (30 s) waited out, as far as hub.partner-webhooks.max-retry-delay (1 s in tests)
            // allows: not the backoff's 20-40 ms
            assertThat(Duration.between(sent.get(i - 1).getLoggedDate().toInstant(), sent.get(i).getLoggedDate().toInstant()))
                    .as("wait before attempt %d", i + 1).isGreaterThanOrEqualTo(Duration.ofMillis(900));
        }
        assertThat(Long.parseLong(sent.get(sent.size() - 1).getHeader("webhook-timestamp")))
                .as("each attempt is signed when it is made, not with the first attempt's time")
                .isGreaterThan(Long.parseLong(sent.get(0).getHeader("webhook-timestamp")));
        assertThat(item.get("routeId").asText()).isEqualTo("partner-webhook-delivery");
        assertThat(item.get("errorMessage").asText()).isEqualTo("HTTP 503 Service Unavailable");
        var original = new OpsClient(port, OpsClient.ADMIN).get("/ops/api/approvals/" + item.get("id").asText() + "/payload");
        assertThat(original.response().body()).as("the parked original is byte-exact what the partner was sent")
                .isEqualTo(sent.get(0).getBodyAsString());
        var eventId = JSON.readTree(original.response().body()).get("id").asText();
        var failuresHandled = camel.getCamelContextExtension().getContextPlugin(ManagedCamelContext.class)
                .getManagedRoute("partner-webhook-delivery").getFailuresHandled();
        assertThat(failuresHandled).as("Hawtio shows the route's dead-lettered failures").isPositive();

        var ops = new OpsClient(port, OpsClient.OPS);
        var whileDown = ops.post("/ops/api/approvals/" + item.get("id").asText() + "/grant", Map.of("reason", "try again"));
        assertThat(whileDown.body().get("status").asText()).as("a replay that fails again is pending again").isEqualTo("pending");
        assertThat(whileDown.body().get("attempts").asInt()).isEqualTo(2);

        partner.stubFor(post(urlEqualTo(path)).willReturn(aResponse().withStatus(200)));
        var granted = ops.post("/ops/api/approvals/" + item.get("id").asText() + "/grant", null);
        assertThat(granted.body().get("status").asText()).isEqualTo("replayed");
        var again = ops.post("/ops/api/approvals/" + item.get("id").asText() + "/grant", null);
        assertThat(again.status()).isEqualTo(409);

        var all = partner.findAll(postRequestedFor(urlEqualTo(path)));
        assertThat(all).hasSize(2 * ATTEMPTS_PER_DELIVERY + 1);
        var delivered = all.get(all.size() - 1);
        assertThat(delivered.getBodyAsString()).isEqualTo(original.response().body());
        assertThat(delivered.getHeader("webhook-id")).isEqualTo(eventId);
        assertThat(verify(delivered, secret)).isEqualTo(Verification.VALID);
        assertThat(deliveries(tenant)).isEqualTo(1);
    }

    @Test
    void aPartnerUrlsQueryIsSentAsItIsAndNeverReadAsCamelOptions() throws Exception {
        var hub = new WebhookClient(port);
        var tenant = hub.tenantWithSources(Map.of());
        var path = "/hooks/query/" + tenant;
        // a Camel HTTP option in the partner's own query: obeyed, it would turn the 500 below into a success
        var query = "?throwExceptionOnFailure=false&token=t%2B1";
        partner.stubFor(post(urlPathEqualTo(path)).willReturn(aResponse().withStatus(500)));
        assertThat(hub.admin("PUT", "/admin/tenants/" + tenant + "/subscriptions/crm",
                Map.of("url", partner.baseUrl() + path + query, "events", List.of("payment.*"))).status()).isEqualTo(201);

        assertThat(hub.stripe(tenant, WebhookClient.stripeEvent("evt_query_" + UUID.randomUUID(),
                "payment_intent.succeeded")).status()).isEqualTo(202);

        var item = await().atMost(Duration.ofSeconds(60)).until(() -> pending(tenant), items -> items.size() == 1).get(0);
        assertThat(item.get("errorMessage").asText()).isEqualTo("HTTP 500 Internal Server Error");
        assertThat(item.get("endpoint").asText()).as("the partner's URL, without its query")
                .isEqualTo(partner.baseUrl() + path);
        assertThat(partner.findAll(postRequestedFor(urlEqualTo(path + query))))
                .as("every attempt went to the partner's URL, its query byte for byte").hasSize(ATTEMPTS_PER_DELIVERY);
        assertThat(deliveries(tenant)).as("a failed delivery is not recorded as delivered").isZero();
    }

    @Test
    void aGrantForASubscriptionDeactivatedMeanwhileDeliversNothingAndKeepsTheItemPending() throws Exception {
        var hub = new WebhookClient(port);
        var tenant = hub.tenantWithSources(Map.of());
        var path = "/hooks/gone/" + tenant;
        var item = parkedDelivery(hub, tenant, path);
        assertThat(hub.admin("DELETE", "/admin/tenants/" + tenant + "/subscriptions/crm", null).status()).isEqualTo(204);
        partner.stubFor(post(urlEqualTo(path)).willReturn(aResponse().withStatus(200)));

        var granted = new OpsClient(port, OpsClient.OPS).post("/ops/api/approvals/" + item.get("id").asText() + "/grant",
                Map.of("reason", "partner is back"));

        assertThat(granted.body().get("status").asText()).as("not replayed: nothing could be delivered").isEqualTo("pending");
        assertThat(granted.body().get("attempts").asInt()).isEqualTo(2);
        assertThat(granted.body().get("errorMessage").asText()).endsWith("is no longer active");
        assertThat(partner.findAll(postRequestedFor(urlEqualTo(path)))).hasSize(ATTEMPTS_PER_DELIVERY);
        assertThat(deliveries(tenant)).as("not recorded as delivered").isZero();
    }

    @Test
    void aDeniedDeliveryWhoseRecordIsConsumedAgainIsNotAttemptedAgainAndStaysDenied() throws Exception {
        var hub = new WebhookClient(port);
        var tenant = hub.tenantWithSources(Map.of());
        var path = "/hooks/denied/" + tenant;
        var item = parkedDelivery(hub, tenant, path);
        var itemId = item.get("id").asText();
        var ops = new OpsClient(port, OpsClient.OPS);
        assertThat(ops.post("/ops/api/approvals/" + itemId + "/deny", Map.of("reason", "refunded meanwhile")).status())
                .isEqualTo(200);
        var event = new OpsClient(port, OpsClient.ADMIN).get("/ops/api/approvals/" + itemId + "/payload").response().body();
        partner.stubFor(post(urlEqualTo(path)).willReturn(aResponse().withStatus(200)));
        var skipped = meters.counter("hub.subscriptions.denied-skipped");
        var before = skipped.count();

        // the fan-out's record once more, as after a rebalance before its offset was committed
        producer.sendBody("kafka:hub.payment", event);

        await().atMost(Duration.ofSeconds(30)).until(() -> skipped.count() > before);
        assertThat(partner.findAll(postRequestedFor(urlEqualTo(path)))).as("no attempt after the denial")
                .hasSize(ATTEMPTS_PER_DELIVERY);
        var after = ops.get("/ops/api/approvals/" + itemId).body();
        assertThat(after.get("status").asText()).isEqualTo("denied");
        assertThat(after.get("reason").asText()).isEqualTo("refunded meanwhile");
        assertThat(deliveries(tenant)).isZero();
    }

    /** A subscription of the tenant on a partner path that answers 500, and a payment whose delivery got parked. */
    private JsonNode parkedDelivery(WebhookClient hub, UUID tenant, String path) {
        partner.stubFor(post(urlEqualTo(path)).willReturn(aResponse().withStatus(500)));
        assertThat(hub.admin("PUT", "/admin/tenants/" + tenant + "/subscriptions/crm",
                Map.of("url", partner.baseUrl() + path, "events", List.of("payment.*"))).status()).isEqualTo(201);
        assertThat(hub.stripe(tenant, WebhookClient.stripeEvent("evt_" + UUID.randomUUID(),
                "payment_intent.succeeded")).status()).isEqualTo(202);
        return await().atMost(Duration.ofSeconds(60)).until(() -> pending(tenant), items -> items.size() == 1).get(0);
    }

    private List<JsonNode> pending(UUID tenant) {
        var list = new OpsClient(port, OpsClient.OPS).get("/ops/api/approvals?status=pending&tenant=" + tenant).body();
        var items = new ArrayList<JsonNode>();
        list.get("items").forEach(items::add);
        return items;
    }

    private static Verification verify(LoggedRequest request, String secret) {
        var headers = Map.of("webhook-id", request.getHeader("webhook-id"),
                "webhook-timestamp", request.getHeader("webhook-timestamp"),
                "webhook-signature", request.getHeader("webhook-signature"));
        return new StandardWebhooksScheme().verify(SignedRequest.of(headers, request.getBody()), List.of(secret),
                Duration.ofMinutes(5), Instant.now());
    }

    private long deliveries(UUID tenant) throws SQLException {
        try (var db = OwnerDatabase.connect(environment);
             var query = db.prepareStatement("SELECT count(*) FROM outbound_deliveries WHERE tenant_id = ?")) {
            query.setObject(1, tenant);
            try (var row = query.executeQuery()) {
                row.next();
                return row.getLong(1);
            }
        }
    }
}
