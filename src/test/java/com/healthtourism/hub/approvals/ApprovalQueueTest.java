package com.healthtourism.hub.approvals;

import static com.healthtourism.hub.outbox.OutboxFixtures.consumer;
import static com.healthtourism.hub.outbox.OutboxFixtures.poll;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.micrometer.core.instrument.MeterRegistry;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.http.base.HttpOperationFailedException;
import org.apache.camel.support.DefaultExchange;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.core.env.Environment;
import org.springframework.data.redis.core.StringRedisTemplate;

import com.healthtourism.hub.crypto.CipherFailure;
import com.healthtourism.hub.local.HubTest;
import com.healthtourism.hub.local.OwnerDatabase;
import com.healthtourism.hub.tenancy.TenantTransactions;
import com.healthtourism.hub.webhooks.WebhookClient;

/**
 * The approval queue behind the shared dead-letter channel: items are parked through the real direct:dead-letter
 * route exactly as Camel's dead letter channel hands them over, and decided through the ops API.
 */
@HubTest
class ApprovalQueueTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String PAYLOAD = "{\"id\":\"evt_1\",\"type\":\"payment.succeeded\",\"amount\":1200,"
            + "\"patient\":{\"email\":\"ayse@example.com\",\"name\":\"Ayse Yilmaz\"}}";

    @LocalServerPort
    int port;
    @Autowired
    ProducerTemplate producer;
    @Autowired
    CamelContext camel;
    @Autowired
    Environment environment;
    @Autowired
    StringRedisTemplate redis;
    @Autowired
    ApprovalMonitor monitor;
    @Autowired
    MeterRegistry meters;
    @Autowired
    TenantTransactions transactions;
    @Autowired
    ApprovalItems items;
    @Value("${hub.kafka.bootstrap-servers}")
    String bootstrapServers;

    @Test
    void aParkedMessageIsOnePendingItemOfItsTenantHeldByteExactAndEncrypted() throws SQLException {
        var tenant = tenant();
        var id = park(tenant, "partner-webhook-delivery", "sub:evt_1", PAYLOAD, http503());

        var item = ops().get("/ops/api/approvals/" + id);
        assertThat(item.status()).isEqualTo(200);
        assertThat(item.body().get("tenantId").asText()).isEqualTo(tenant.toString());
        assertThat(item.body().get("routeId").asText()).isEqualTo("partner-webhook-delivery");
        assertThat(item.body().get("status").asText()).isEqualTo("pending");
        assertThat(item.body().get("attempts").asInt()).isEqualTo(1);
        assertThat(item.body().get("errorType").asText()).isEqualTo(HttpOperationFailedException.class.getName());
        assertThat(item.body().get("errorMessage").asText()).isEqualTo("HTTP 503 Service Unavailable");
        assertThat(item.body().get("headers").toString()).contains("sub:evt_1").doesNotContain("secret-token");
        assertThat(item.response().body()).doesNotContain("ayse");

        var raw = admin().get("/ops/api/approvals/" + id + "/payload");
        assertThat(raw.status()).isEqualTo(200);
        assertThat(raw.response().body()).isEqualTo(PAYLOAD);
        try (var db = OwnerDatabase.connect(environment);
             var query = db.prepareStatement("SELECT body FROM approval_items WHERE id = ?")) {
            query.setObject(1, id);
            try (var row = query.executeQuery()) {
                row.next();
                assertThat(new String(row.getBytes(1), StandardCharsets.ISO_8859_1)).as("encrypted at rest")
                        .doesNotContain("ayse").doesNotContain("evt_1");
            }
        }
        assertThat(redis.opsForList().range(ApprovalIndex.KEY, 0, -1)).contains(tenant + ":" + id);
    }

    @Test
    void theSameMessageFailingAgainIsTheSameItemWithOneMoreAttemptAndTheNewError() {
        var tenant = tenant();
        var first = park(tenant, "partner-webhook-delivery", "sub:evt_again", PAYLOAD, http503());
        var second = park(tenant, "partner-webhook-delivery", "sub:evt_again", PAYLOAD,
                new IllegalStateException("partner said no to ayse@example.com"));

        assertThat(second).isEqualTo(first);
        var item = ops().get("/ops/api/approvals/" + first).body();
        assertThat(item.get("attempts").asInt()).isEqualTo(2);
        assertThat(item.get("errorMessage").asText()).isEqualTo("IllegalStateException");
        var list = ops().get("/ops/api/approvals?tenant=" + tenant).body();
        assertThat(list.get("items")).hasSize(1);
    }

    @Test
    void aDenialNeedsAReasonIsRecordedWithTheOperatorAndEmitsApprovalDenied() throws SQLException {
        var tenant = tenant();
        var id = park(tenant, "partner-webhook-delivery", "sub:evt_deny", PAYLOAD, http503());

        var noReason = ops().post("/ops/api/approvals/" + id + "/deny", Map.of("reason", " "));
        assertThat(noReason.status()).isEqualTo(400);
        assertThat(noReason.contentType()).contains("application/problem+json");

        try (var events = consumer(bootstrapServers, "hub.approval")) {
            var denied = ops().post("/ops/api/approvals/" + id + "/deny", Map.of("reason", "partner retired this endpoint"));
            assertThat(denied.status()).isEqualTo(200);
            assertThat(denied.body().get("status").asText()).isEqualTo("denied");
            assertThat(denied.body().get("decidedBy").asText()).isEqualTo(OpsClient.OPS);
            assertThat(denied.body().get("reason").asText()).isEqualTo("partner retired this endpoint");

            var records = poll(events, record -> record.key().equals(tenant + ":" + id),
                    seen -> seen.stream().anyMatch(r -> r.value().contains("approval.denied")), Duration.ofSeconds(30));
            var types = records.stream().map(r -> read(r.value()).get("type").asText()).toList();
            assertThat(types).containsSubsequence("approval.required", "approval.denied");
            var deniedEvent = records.stream().map(r -> read(r.value()))
                    .filter(e -> e.get("type").asText().equals("approval.denied")).findFirst().orElseThrow();
            assertThat(deniedEvent.at("/data/reason").asText()).isEqualTo("partner retired this endpoint");
            assertThat(deniedEvent.get("tenantid").asText()).isEqualTo(tenant.toString());
        }

        var again = ops().post("/ops/api/approvals/" + id + "/deny", Map.of("reason", "twice"));
        assertThat(again.status()).isEqualTo(409);
        assertThat(auditCount(tenant, "approval.deny", OpsClient.OPS)).isEqualTo(1);
        assertThat(redis.opsForList().range(ApprovalIndex.KEY, 0, -1)).doesNotContain(tenant + ":" + id);
    }

    @Test
    void aMessageFailingAgainAfterItsItemWasDeniedLeavesTheItemDenied() {
        var tenant = tenant();
        var id = park(tenant, "partner-webhook-delivery", "sub:evt_denied_again", PAYLOAD, http503());
        assertThat(ops().post("/ops/api/approvals/" + id + "/deny", Map.of("reason", "order cancelled")).status())
                .isEqualTo(200);
        var dropped = meters.counter("hub.approvals.denied.dropped", "route", "partner-webhook-delivery");
        var before = dropped.count();

        var again = park(tenant, "partner-webhook-delivery", "sub:evt_denied_again", PAYLOAD, http503());

        assertThat(again).isEqualTo(id);
        var item = ops().get("/ops/api/approvals/" + id).body();
        assertThat(item.get("status").asText()).as("a denial is final").isEqualTo("denied");
        assertThat(item.get("reason").asText()).isEqualTo("order cancelled");
        assertThat(item.get("attempts").asInt()).isEqualTo(1);
        assertThat(ops().get("/ops/api/approvals?status=pending&tenant=" + tenant).body().get("items")).isEmpty();
        assertThat(dropped.count()).isEqualTo(before + 1);
    }

    @Test
    void badInputToTheOpsApiIsA400NeverA500AndAWildcardIsNoFilter() {
        var tenant = tenant();
        var id = park(tenant, "partner-webhook-delivery", "sub:evt_bad_input", PAYLOAD, http503());

        assertThat(ops().get("/ops/api/approvals?route=%00").status()).isEqualTo(400);
        assertThat(ops().get("/ops/api/approvals?errorType=a%00b").status()).isEqualTo(400);
        var farFuture = java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(
                ("+300000-01-01T00:00:00Z," + UUID.randomUUID()).getBytes(StandardCharsets.UTF_8));
        var cursor = ops().get("/ops/api/approvals?after=" + farFuture);
        assertThat(cursor.status()).isEqualTo(400);
        assertThat(cursor.contentType()).contains("application/problem+json");
        var longReason = ops().post("/ops/api/approvals/" + id + "/deny",
                Map.of("reason", "x".repeat(ApprovalDecisions.MAX_REASON + 1)));
        assertThat(longReason.status()).as("an approval.denied event too long to publish").isEqualTo(400);
        var nulReason = ops().post("/ops/api/approvals/" + id + "/grant", Map.of("reason", "a\u0000b"));
        assertThat(nulReason.status()).isEqualTo(400);

        var wildcard = ops().post("/ops/api/approvals/deny",
                Map.of("tenant", tenant.toString(), "errorType", "%", "reason", "everything?"));
        assertThat(wildcard.status()).isEqualTo(200);
        assertThat(wildcard.body().get("count").asInt()).as("'%' is a literal, matching no error type").isZero();
        assertThat(ops().get("/ops/api/approvals/" + id).body().get("status").asText()).isEqualTo("pending");
    }

    @Test
    void theFailedEndpointIsShownWithoutItsQueryOrUserInfo() {
        assertThat(ApprovalQueue.shown("https://user:pw@partner.example:8443/hook?code=s3cr3t&sig=abc"))
                .isEqualTo("https://partner.example:8443/hook");
        assertThat(ApprovalQueue.shown("http://partner.example/hook")).isEqualTo("http://partner.example/hook");
        assertThat(ApprovalQueue.shown("kafka:hub.payment?brokers=localhost:9092")).isEqualTo("kafka:hub.payment");
    }

    @Test
    void aMessageWhosePartnerUrlIsLongerThanAnItemKeepsIsParkedWithTheUrlCut() {
        var tenant = tenant();
        // a subscription may name a URL of up to 2,048 characters; an item keeps 1,000 of the failed endpoint
        var url = "https://partner.example/" + "a".repeat(1100);

        var id = park(tenant, "partner-webhook-delivery", "sub:evt_long_url", PAYLOAD, http503(), url);

        var endpoint = ops().get("/ops/api/approvals/" + id).body().get("endpoint").asText();
        assertThat(endpoint).hasSize(1000).startsWith("https://partner.example/aaaa").endsWith("\u2026");
    }

    @Test
    void theSameIdempotencyKeyDecidesOnce() throws SQLException {
        var tenant = tenant();
        var id = park(tenant, "partner-webhook-delivery", "sub:evt_key", PAYLOAD, http503());
        var key = Map.of("X-Idempotency-Key", "deny-" + id);

        var first = ops().post("/ops/api/approvals/" + id + "/deny", Map.of("reason", "duplicate order"), key);
        var second = ops().post("/ops/api/approvals/" + id + "/deny", Map.of("reason", "duplicate order"), key);

        assertThat(first.status()).isEqualTo(200);
        assertThat(second.status()).isEqualTo(200);
        assertThat(second.response().body()).isEqualTo(first.response().body());
        assertThat(auditCount(tenant, "approval.deny", OpsClient.OPS)).isEqualTo(1);
    }

    @Test
    void bulkActionsActOnlyOnTheirFilterAndNeedOne() {
        var tenantA = tenant();
        var tenantB = tenant();
        var aDelivery = park(tenantA, "partner-webhook-delivery", "sub:a1", PAYLOAD, http503());
        var aOther = park(tenantA, "admin-idempotency-sweep", "sub:a2", PAYLOAD, http503());
        var bDelivery = park(tenantB, "partner-webhook-delivery", "sub:b1", PAYLOAD, http503());

        assertThat(ops().post("/ops/api/approvals/deny", Map.of("reason", "no filter")).status()).isEqualTo(400);
        var result = ops().post("/ops/api/approvals/deny",
                Map.of("tenant", tenantA.toString(), "route", "partner-webhook-delivery", "reason", "bulk cleanup"));

        assertThat(result.status()).isEqualTo(200);
        assertThat(result.body().get("count").asInt()).isEqualTo(1);
        assertThat(result.body().get("ids").get(0).asText()).isEqualTo(aDelivery.toString());
        assertThat(status(aDelivery)).isEqualTo("denied");
        assertThat(status(aOther)).isEqualTo("pending");
        assertThat(status(bDelivery)).isEqualTo("pending");

        var summary = ops().get("/ops/api/approvals/summary?tenant=" + tenantA).body();
        assertThat(summary.get("pending").asInt()).isEqualTo(1);
        assertThat(summary.get("byRoute").get(0).get("routeId").asText()).isEqualTo("admin-idempotency-sweep");
        assertThat(summary.get("byTenant").get(0).get("tenantId").asText()).isEqualTo(tenantA.toString());
        var filtered = ops().get("/ops/api/approvals?status=pending&errorType=HttpOperationFailedException&route="
                + "partner-webhook-delivery&tenant=" + tenantB).body();
        assertThat(filtered.get("items")).hasSize(1);
        assertThat(filtered.get("items").get(0).get("id").asText()).isEqualTo(bDelivery.toString());
    }

    @Test
    void aBulkGrantReplaysOnlyTheItemsOfItsFilter() throws SQLException {
        var tenant = tenant();
        var other = tenant();
        // a timer route's entry takes no message: each replay runs and fails, so it is visible as replay_failed
        var first = park(tenant, "admin-idempotency-sweep", "sub:bulk1", PAYLOAD, http503());
        var second = park(tenant, "admin-idempotency-sweep", "sub:bulk2", PAYLOAD, http503());
        var untouched = park(other, "admin-idempotency-sweep", "sub:bulk3", PAYLOAD, http503());

        var granted = ops().post("/ops/api/approvals/grant", Map.of("tenant", tenant.toString(), "reason", "partner is back"));

        assertThat(granted.status()).isEqualTo(200);
        assertThat(granted.body().get("count").asInt()).isEqualTo(2);
        assertThat(status(first)).isEqualTo("replay_failed");
        assertThat(status(second)).isEqualTo("replay_failed");
        assertThat(status(untouched)).isEqualTo("pending");
        assertThat(auditCount(tenant, "approval.grant", OpsClient.OPS)).isEqualTo(2);
        assertThat(auditCount(other, "approval.grant", OpsClient.OPS)).isZero();
    }

    @Test
    void everyPayloadReadIsAuditedAndOnlyAdminsSeeItUnmasked() throws SQLException {
        var tenant = tenant();
        var id = park(tenant, "partner-webhook-delivery", "sub:evt_read", PAYLOAD, http503());

        var preview = ops().get("/ops/api/approvals/" + id + "/preview");
        assertThat(preview.status()).isEqualTo(200);
        assertThat(preview.body().at("/payload/amount").asInt()).isEqualTo(1200);
        assertThat(preview.body().at("/payload/patient/email").asText()).isEqualTo("***");
        assertThat(preview.response().body()).doesNotContain("ayse", "Yilmaz");
        assertThat(ops().get("/ops/api/approvals/" + id + "/payload").status()).isEqualTo(403);
        assertThat(ops().head("/ops/api/approvals/" + id + "/payload").status()).as("HEAD reads it as GET does").isEqualTo(403);
        assertThat(admin().get("/ops/api/approvals/" + id + "/payload").status()).isEqualTo(200);

        assertThat(auditCount(tenant, "approval.payload.preview", OpsClient.OPS)).isEqualTo(1);
        assertThat(auditCount(tenant, "approval.payload.read", OpsClient.ADMIN)).isEqualTo(1);
    }

    @Test
    void aGrantWhoseReplayCannotRunIsReplayFailedAndStaysDecidable() {
        var tenant = tenant();
        // a timer route's entry takes no message: the replay itself fails
        var id = park(tenant, "admin-idempotency-sweep", "sub:evt_timer", PAYLOAD, http503());

        var granted = ops().post("/ops/api/approvals/" + id + "/grant", null);

        assertThat(granted.status()).isEqualTo(200);
        assertThat(granted.body().get("status").asText()).isEqualTo("replay_failed");
        assertThat(granted.body().get("attempts").asInt()).isEqualTo(2);
        assertThat(ops().get("/ops/api/approvals/summary?tenant=" + tenant).body().get("pending").asInt())
                .as("a failed replay still waits for a decision").isEqualTo(1);
        assertThat(redis.opsForList().range(ApprovalIndex.KEY, 0, -1)).as("and is on the consoles' list again")
                .contains(tenant + ":" + id);
        var denied = ops().post("/ops/api/approvals/deny", Map.of("tenant", tenant.toString(), "reason", "cannot be replayed"));
        assertThat(denied.body().get("count").asInt()).isEqualTo(1);
        assertThat(status(id)).isEqualTo("denied");
    }

    @Test
    void aGrantWhoseStoredBodyCannotBeDecryptedIsReplayFailedNotLeftGranted() throws SQLException {
        var tenant = tenant();
        var id = park(tenant, "admin-idempotency-sweep", "sub:evt_broken", PAYLOAD, http503());
        try (var db = OwnerDatabase.connect(environment);
             var tamper = db.prepareStatement("UPDATE approval_items SET body = set_byte(body, 40, get_byte(body, 40) # 1) WHERE id = ?")) {
            tamper.setObject(1, id);
            assertThat(tamper.executeUpdate()).isOne();
        }

        var granted = ops().post("/ops/api/approvals/" + id + "/grant", null);

        assertThat(granted.status()).isEqualTo(200);
        assertThat(granted.body().get("status").asText()).isEqualTo("replay_failed");
        assertThat(granted.body().get("errorType").asText()).isEqualTo(CipherFailure.class.getName());
    }

    @Test
    void anItemLeftGrantedByAnInstanceThatDiedBeforeTheReplayCanBeDecidedAgain() throws SQLException {
        var tenant = tenant();
        var stale = park(tenant, "admin-idempotency-sweep", "sub:evt_stale", PAYLOAD, http503());
        var recent = park(tenant, "admin-idempotency-sweep", "sub:evt_recent", PAYLOAD, http503());
        try (var db = OwnerDatabase.connect(environment);
             var halfDone = db.prepareStatement("UPDATE approval_items SET status = 'granted', decided_at = now() - "
                     + "make_interval(mins => ?) WHERE id = ?")) {
            halfDone.setInt(1, ApprovalDecisions.STALE_GRANT_MINUTES + 1);
            halfDone.setObject(2, stale);
            halfDone.executeUpdate();
            halfDone.setInt(1, 1);
            halfDone.setObject(2, recent);
            halfDone.executeUpdate();
        }

        assertThat(ops().get("/ops/api/approvals/summary?tenant=" + tenant).body().get("pending").asInt())
                .as("the stale grant waits for a person; the recent one may still be replaying").isEqualTo(1);
        monitor.refresh();
        var gauge = meters.find("hub.approvals.pending").tags("route", "admin-idempotency-sweep", "tenant", tenant.toString())
                .gauge();
        assertThat(gauge).as("alerts on the gauge see the stale grant too").isNotNull();
        assertThat(gauge.value()).isEqualTo(1.0);
        ops().post("/ops/api/approvals/index/rebuild", null);
        assertThat(redis.opsForList().range(ApprovalIndex.KEY, 0, -1)).contains(tenant + ":" + stale)
                .doesNotContain(tenant + ":" + recent);
        var bulk = ops().post("/ops/api/approvals/grant", Map.of("tenant", tenant.toString()));
        assertThat(bulk.body().get("ids")).extracting(JsonNode::asText).containsExactly(stale.toString());
        assertThat(status(stale)).as("its replay ran now").isEqualTo("replay_failed");
        assertThat(ops().post("/ops/api/approvals/" + recent + "/grant", null).status())
                .as("a grant whose replay may still be under way is not decided twice").isEqualTo(409);
    }

    @Test
    void theConsoleListIsRebuiltFromPostgresAndGaugesCountPendingItems() {
        var tenant = tenant();
        var id = park(tenant, "partner-webhook-delivery", "sub:evt_index", PAYLOAD, http503());

        var newer = park(tenant, "partner-webhook-delivery", "sub:evt_index_newer", PAYLOAD, http503());
        redis.delete(ApprovalIndex.KEY);

        var rebuilt = ops().post("/ops/api/approvals/index/rebuild", null);
        monitor.refresh();

        assertThat(rebuilt.status()).isEqualTo(200);
        var list = redis.opsForList().range(ApprovalIndex.KEY, 0, -1);
        assertThat(list).as("newest failure first, as parking keeps it").containsSubsequence(tenant + ":" + newer, tenant + ":" + id);
        var gauge = meters.find("hub.approvals.pending").tags("route", "partner-webhook-delivery", "tenant", tenant.toString())
                .gauge();
        assertThat(gauge).isNotNull();
        assertThat(gauge.value()).isEqualTo(2.0);
        assertThat(meters.find("hub.approvals.oldest.age").gauge()).isNotNull();
    }

    @Test
    void aTenantTransactionSeesOnlyItsOwnItemsAndOnlyTheOpsScopeSeesAcrossTenants() {
        var tenantA = tenant();
        var tenantB = tenant();
        var a = park(tenantA, "partner-webhook-delivery", "sub:iso_a", PAYLOAD, http503());
        var b = park(tenantB, "partner-webhook-delivery", "sub:iso_b", PAYLOAD, http503());
        var everything = new ApprovalFilter(null, null, null, null, null);

        var seenByA = transactions.inTenant(tenantA, db -> items.search(db, everything, 200, null)).items();
        var seenWithoutTenant = transactions.withoutTenant(db -> items.search(db, everything, 200, null)).items();
        var seenByOps = transactions.readForOps(db -> items.search(db, everything, 200, null)).items();

        assertThat(seenByA).extracting(ApprovalView::id).contains(a).doesNotContain(b);
        assertThat(seenByA).extracting(ApprovalView::tenantId).containsOnly(tenantA);
        assertThat(seenWithoutTenant).isEmpty();
        assertThat(seenByOps).extracting(ApprovalView::id).contains(a, b);
        assertThat(ops().get("/ops/api/approvals/" + b).body().get("tenantId").asText()).isEqualTo(tenantB.toString());
    }

    private UUID park(UUID tenant, String routeId, String originKey, String body, Throwable error) {
        return park(tenant, routeId, originKey, body, error, "http://partner.example/hook");
    }

    private UUID park(UUID tenant, String routeId, String originKey, String body, Throwable error, String endpoint) {
        var exchange = new DefaultExchange(camel);
        exchange.getMessage().setBody(body);
        exchange.getMessage().setHeader("hubTenant", tenant.toString());
        exchange.getMessage().setHeader("hubOriginKey", originKey);
        exchange.getMessage().setHeader("Authorization", "Bearer secret-token");
        exchange.setProperty(Exchange.FAILURE_ROUTE_ID, routeId);
        exchange.setProperty(Exchange.FAILURE_ENDPOINT, endpoint);
        exchange.setProperty(Exchange.EXCEPTION_CAUGHT, error);
        var result = producer.send("direct:dead-letter", exchange);
        assertThat(result.getException()).isNull();
        return result.getProperty(ApprovalQueue.PARKED_ITEM, UUID.class);
    }

    private static HttpOperationFailedException http503() {
        return new HttpOperationFailedException("http://partner.example/hook", 503, "Service Unavailable", null, Map.of(),
                "{\"error\":\"down for ayse@example.com\"}");
    }

    private UUID tenant() {
        return new WebhookClient(port).tenantWithSources(Map.of());
    }

    private OpsClient ops() {
        return new OpsClient(port, OpsClient.OPS);
    }

    private OpsClient admin() {
        return new OpsClient(port, OpsClient.ADMIN);
    }

    private String status(UUID id) {
        return ops().get("/ops/api/approvals/" + id).body().get("status").asText();
    }

    private int auditCount(UUID tenant, String action, String actor) throws SQLException {
        try (var db = OwnerDatabase.connect(environment);
             var query = db.prepareStatement("SELECT count(*) FROM audit_logs WHERE tenant_id = ? AND action = ? AND actor = ?")) {
            query.setObject(1, tenant);
            query.setString(2, action);
            query.setString(3, actor);
            try (var row = query.executeQuery()) {
                row.next();
                return row.getInt(1);
            }
        }
    }

    private static com.fasterxml.jackson.databind.JsonNode read(String json) {
        try {
            return JSON.readTree(json);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

}
