package com.healthtourism.hub.subscriptions;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.WireMock;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import io.micrometer.core.instrument.MeterRegistry;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.support.DefaultExchange;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.annotation.Autowired;

import com.healthtourism.hub.local.HubTest;
import com.healthtourism.hub.signatures.SignedRequest;
import com.healthtourism.hub.signatures.StandardWebhooksScheme;
import com.healthtourism.hub.signatures.Verification;
import com.healthtourism.hub.tenancy.NewTenant;
import com.healthtourism.hub.tenancy.TenantPatch;
import com.healthtourism.hub.tenancy.TenantRepository;
import com.healthtourism.hub.tenancy.TenantTransactions;

@HubTest
class WebhookSubscriptionsTest {

    static final String SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";

    @Autowired
    WebhookSubscriptions webhookSubscriptions;
    @Autowired
    Subscriptions subscriptions;
    @Autowired
    TenantRepository tenants;
    @Autowired
    TenantTransactions transactions;
    @Autowired
    CamelContext camel;
    @Autowired
    MeterRegistry meters;

    @Test
    void anEventGoesToEachActiveSubscriptionOfItsTenantThatWantsItsType() {
        var tenant = tenant();
        var other = tenant();
        var exact = subscribe(tenant, "exact", List.of("payment.succeeded"), SECRET, true);
        var family = subscribe(tenant, "family", List.of("doc.uploaded", "payment.*"), SECRET, true);
        var everything = subscribe(tenant, "everything", List.of(), SECRET, true);
        subscribe(tenant, "cases", List.of("case.*"), SECRET, true);
        subscribe(tenant, "near-miss", List.of("payment.failed", "payments.*"), SECRET, true);
        subscribe(tenant, "inactive", List.of(), SECRET, false);
        subscribe(other, "other-tenant", List.of(), SECRET, true);
        var body = event("evt-1", "payment.succeeded", tenant);

        var deliveries = webhookSubscriptions.deliveries(exchange(body));

        assertThat(deliveries).extracting(m -> m.getHeader(WebhookSubscriptions.SUBSCRIPTION))
                .containsExactlyInAnyOrder(exact.toString(), family.toString(), everything.toString());
        for (Message delivery : deliveries) {
            assertThat(delivery.getBody()).as("the very same event, byte for byte").isSameAs(body);
            var subscription = delivery.getHeader(WebhookSubscriptions.SUBSCRIPTION, String.class);
            assertThat(delivery.getHeaders()).containsEntry(WebhookSubscriptions.TENANT, tenant.toString())
                    .containsEntry(WebhookSubscriptions.ORIGIN_KEY, subscription + ":evt-1")
                    .containsEntry(WebhookSubscriptions.EVENT_ID, "evt-1")
                    .containsEntry(WebhookSubscriptions.EVENT_TYPE, "payment.succeeded");
        }
        assertThat(webhookSubscriptions.deliveries(exchange(event("evt-2", "case.updated", tenant))))
                .extracting(m -> m.getHeader(WebhookSubscriptions.SUBSCRIPTION)).hasSize(2)
                .doesNotContain(exact.toString(), family.toString());
    }

    @Test
    void theFanOutKeepsATenantsSubscriptionsBrieflyAndAChangeMadeHereAppliesToTheNextEvent() {
        var tenant = tenant();
        var first = subscribe(tenant, "first", List.of(), SECRET, true);
        assertThat(fannedOutTo(tenant, "evt-1")).containsExactly(first.toString());

        // a change another instance made (straight in the database) shows once the cached list expires
        transactions.inTenant(tenant, db -> db.sql("UPDATE webhook_subscriptions SET event_types = '{case.*}' WHERE id = ?")
                .param(first).update());
        assertThat(fannedOutTo(tenant, "evt-2")).as("read from memory, not per event").containsExactly(first.toString());

        var second = subscribe(tenant, "second", List.of(), SECRET, true);
        assertThat(fannedOutTo(tenant, "evt-3")).containsExactly(second.toString());
        transactions.inTenant(tenant, db -> subscriptions.deactivate(db, tenant, "second"));
        assertThat(fannedOutTo(tenant, "evt-4")).isEmpty();
    }

    @Test
    void aListReadWhileAChangeIsUncommittedIsForgottenOnceTheChangeCommits() {
        var tenant = tenant();
        var first = subscribe(tenant, "first", List.of(), SECRET, true);
        var second = transactions.inTenant(tenant, db -> {
            var saved = subscriptions.save(db, tenant, "second", "https://partner.example.com/second", List.of(), SECRET, true);
            // an event fanned out meanwhile, on another connection, cannot see the new subscription yet, and caches that
            var meanwhile = CompletableFuture.supplyAsync(() -> fannedOutTo(tenant, "evt-1")).join();
            assertThat(meanwhile).containsExactly(first.toString());
            return saved.subscription().id();
        });

        assertThat(fannedOutTo(tenant, "evt-2")).as("the next event after the commit")
                .containsExactly(first.toString(), second.toString());
    }

    private List<Object> fannedOutTo(UUID tenant, String eventId) {
        return webhookSubscriptions.deliveries(exchange(event(eventId, "payment.succeeded", tenant))).stream()
                .map(m -> m.getHeader(WebhookSubscriptions.SUBSCRIPTION)).toList();
    }

    @Test
    void anEventWithoutAKnownTenantOrNotJsonGoesNowhereAndIsCounted() {
        var tenant = tenant();
        subscribe(tenant, "everything", List.of(), SECRET, true);
        var inactive = tenant();
        subscribe(inactive, "everything", List.of(), SECRET, true);
        tenants.update(inactive, new TenantPatch(null, null, null, false));
        var before = unroutable("no-tenant") + unroutable("unknown-tenant") + unroutable("not-json");

        assertThat(webhookSubscriptions.deliveries(exchange("{\"id\":\"e\",\"type\":\"payment.succeeded\"}"))).isEmpty();
        assertThat(webhookSubscriptions.deliveries(exchange(event("e", "payment.succeeded", UUID.randomUUID())))).isEmpty();
        assertThat(webhookSubscriptions.deliveries(exchange(event("e", "payment.succeeded", inactive)))).isEmpty();
        assertThat(webhookSubscriptions.deliveries(exchange("not json at all"))).isEmpty();

        var after = unroutable("no-tenant") + unroutable("unknown-tenant") + unroutable("not-json");
        assertThat(after - before).isEqualTo(4);
    }

    @Test
    void aPreparedAndSignedDeliveryCarriesASignatureThePartnerVerifiesWithTheSubscriptionsSecret() {
        var tenant = tenant();
        var subscription = subscribe(tenant, "crm", List.of(), SECRET, true);
        var body = event("evt-p-1", "payment.succeeded", tenant).replace("}}", ", \"city\": \"İstanbul\"}}");
        var delivery = webhookSubscriptions.deliveries(exchange(body)).get(0);
        var exchange = new DefaultExchange(camel);
        exchange.setIn(delivery);

        webhookSubscriptions.prepare(exchange);
        webhookSubscriptions.sign(exchange);

        var in = exchange.getIn();
        assertThat(in.getHeader(WebhookSubscriptions.DELIVER)).isEqualTo(Boolean.TRUE);
        assertThat(in.getHeader(WebhookSubscriptions.TARGET_URL)).isEqualTo("https://partner.example.com/crm");
        assertThat(in.getHeader("webhook-id")).isEqualTo("evt-p-1");
        assertThat(in.getHeader(Exchange.CONTENT_TYPE)).isEqualTo("application/json");
        assertThat(Long.parseLong(in.getHeader("webhook-timestamp", String.class)))
                .isCloseTo(Instant.now().getEpochSecond(), org.assertj.core.data.Offset.offset(60L));
        assertThat(verify(in, body, SECRET)).isEqualTo(Verification.VALID);
        assertThat(verify(in, body, "whsec_" + "A".repeat(32))).isEqualTo(Verification.BAD_SIGNATURE);
        assertThat(in.getHeaders().values()).as("no header carries the secret").noneMatch(v -> String.valueOf(v).contains("MfKQ9r8"));
        assertThat(in.getHeader(WebhookSubscriptions.SUBSCRIPTION)).isEqualTo(subscription.toString());
    }

    @Test
    void aGeneratedSecretSignsToo() {
        var tenant = tenant();
        var saved = transactions.inTenant(tenant, db -> subscriptions.save(db, tenant, "generated",
                "https://partner.example.com/g", List.of(), null, true));
        var body = event("evt-g", "doc.uploaded", tenant);
        var exchange = new DefaultExchange(camel);
        exchange.setIn(webhookSubscriptions.deliveries(exchange(body)).get(0));

        webhookSubscriptions.prepare(exchange);
        webhookSubscriptions.sign(exchange);

        assertThat(verify(exchange.getIn(), body, saved.generatedSecret())).isEqualTo(Verification.VALID);
    }

    @Test
    void aDeactivatedSubscriptionIsNotPreparedAndGetsNoTargetOrSignature() {
        var tenant = tenant();
        subscribe(tenant, "crm", List.of(), SECRET, true);
        var delivery = webhookSubscriptions.deliveries(exchange(event("evt-d", "payment.succeeded", tenant))).get(0);
        transactions.inTenant(tenant, db -> subscriptions.deactivate(db, tenant, "crm"));
        var exchange = new DefaultExchange(camel);
        exchange.setIn(delivery);

        webhookSubscriptions.prepare(exchange);

        assertThat(exchange.getIn().getHeader(WebhookSubscriptions.DELIVER)).isEqualTo(Boolean.FALSE);
        assertThat(exchange.getIn().getHeaders()).doesNotContainKeys(WebhookSubscriptions.TARGET_URL,
                "webhook-signature", "webhook-timestamp", "webhook-id");
    }

    @Test
    void aSubscriptionOfAnotherTenantIsNotPrepared() {
        var a = tenant();
        var b = tenant();
        var subscription = subscribe(a, "crm", List.of(), SECRET, true);
        var exchange = new DefaultExchange(camel);
        exchange.getIn().setBody(event("evt-x", "payment.succeeded", b));
        exchange.getIn().setHeader(WebhookSubscriptions.TENANT, b.toString());
        exchange.getIn().setHeader(WebhookSubscriptions.SUBSCRIPTION, subscription.toString());
        exchange.getIn().setHeader(WebhookSubscriptions.EVENT_ID, "evt-x");

        webhookSubscriptions.prepare(exchange);

        assertThat(exchange.getIn().getHeader(WebhookSubscriptions.DELIVER)).isEqualTo(Boolean.FALSE);
        assertThat(exchange.getIn().getHeaders()).doesNotContainKey("webhook-signature");
    }

    @Test
    void anUpdateWithoutASecretStillSignsWithTheOriginalSecret() {
        var tenant = tenant();
        subscribe(tenant, "crm", List.of(), SECRET, true);
        transactions.inTenant(tenant, db -> subscriptions.save(db, tenant, "crm", "https://partner.example.com/new",
                List.of("payment.*"), null, true));
        var body = event("evt-u", "payment.refunded", tenant);
        var exchange = new DefaultExchange(camel);
        exchange.setIn(webhookSubscriptions.deliveries(exchange(body)).get(0));

        webhookSubscriptions.prepare(exchange);
        webhookSubscriptions.sign(exchange);

        assertThat(exchange.getIn().getHeader(WebhookSubscriptions.TARGET_URL)).isEqualTo("https://partner.example.com/new");
        assertThat(verify(exchange.getIn(), body, SECRET)).isEqualTo(Verification.VALID);
    }

    @Test
    void thePartnerReceivesExactlyTheSignedBytesOverHttp(@TempDir Path wiremockRoot) {
        var partner = new WireMockServer(WireMockConfiguration.options().dynamicPort()
                .usingFilesUnderDirectory(wiremockRoot.toString()));
        partner.start();
        try {
            partner.stubFor(WireMock.post("/hooks").willReturn(WireMock.aResponse().withStatus(204)));
            var tenant = tenant();
            subscribe(tenant, "crm", List.of(), SECRET, true);
            var body = event("evt-h", "case.updated", tenant).replace("}}", ", \"note\": \"Müller – İstanbul ✓\"}}");
            var exchange = new DefaultExchange(camel);
            exchange.setIn(webhookSubscriptions.deliveries(exchange(body)).get(0));
            webhookSubscriptions.prepare(exchange);
            webhookSubscriptions.sign(exchange);

            var sent = camel.createProducerTemplate().send(partner.baseUrl() + "/hooks", exchange);

            assertThat(sent.getException()).isNull();
            var received = partner.findAll(WireMock.postRequestedFor(WireMock.urlEqualTo("/hooks"))).get(0);
            assertThat(received.getBody()).isEqualTo(body.getBytes(StandardCharsets.UTF_8));
            var headers = Map.<String, Object>of("webhook-id", received.getHeader("webhook-id"),
                    "webhook-timestamp", received.getHeader("webhook-timestamp"),
                    "webhook-signature", received.getHeader("webhook-signature"));
            assertThat(new StandardWebhooksScheme().verify(SignedRequest.of(headers, received.getBody()),
                    List.of(SECRET), Duration.ofMinutes(5), Instant.now())).isEqualTo(Verification.VALID);
            assertThat(received.getHeader("Content-Type")).startsWith("application/json");
        } finally {
            partner.stop();
        }
    }

    static Verification verify(Message in, String body, String secret) {
        var headers = Map.<String, Object>of("webhook-id", in.getHeader("webhook-id"),
                "webhook-timestamp", in.getHeader("webhook-timestamp"),
                "webhook-signature", in.getHeader("webhook-signature"));
        return new StandardWebhooksScheme().verify(SignedRequest.of(headers, body.getBytes(StandardCharsets.UTF_8)),
                List.of(secret), Duration.ofMinutes(5), Instant.now());
    }

    private double unroutable(String reason) {
        var counter = meters.find("hub.subscriptions.unroutable").tag("reason", reason).counter();
        return counter == null ? 0 : counter.count();
    }

    private Exchange exchange(String body) {
        var exchange = new DefaultExchange(camel);
        exchange.getIn().setBody(body);
        return exchange;
    }

    /** A CloudEvent as the outbox publishes it, with the formatting a byte-exact copy must keep. */
    static String event(String id, String type, UUID tenant) {
        return "{\"specversion\":\"1.0\",\"id\":\"" + id + "\",\"source\":\"/partners/stripe\",\"type\":\"" + type
                + "\",  \"subject\":\"pi_1\",\"tenantid\":\"" + tenant + "\",\n\"data\":{\"amount\": 1.50}}";
    }

    UUID tenant() {
        return tenants.create(new NewTenant("Clinic", "subs-" + UUID.randomUUID() + ".example.com", Map.of())).id();
    }

    UUID subscribe(UUID tenant, String name, List<String> events, String secret, boolean active) {
        return transactions.inTenant(tenant, db -> subscriptions.save(db, tenant, name,
                "https://partner.example.com/" + name, events, secret, active)).subscription().id();
    }
}
