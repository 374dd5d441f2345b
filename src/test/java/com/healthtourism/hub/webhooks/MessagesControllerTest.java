package com.healthtourism.hub.webhooks;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
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

import com.healthtourism.hub.crypto.FieldCipher;
import com.healthtourism.hub.idempotency.IdempotencyKeyFilter;
import com.healthtourism.hub.local.HubTest;
import com.healthtourism.hub.tenancy.NewTenant;
import com.healthtourism.hub.tenancy.TenantRepository;
import com.healthtourism.hub.tenancy.TenantTransactions;

@HubTest
class MessagesControllerTest {

    /** What a replayed message may look like once the outbox relay (where it runs) has handled it. */
    /** Replayed rows are queued again; the relay may settle them at once (these event types have no mapping). */
    private static final List<String> REPLAYED_STATUSES = List.of("accepted", "published", "unmapped");

    @Autowired
    TestRestTemplate http;

    @Autowired
    TenantTransactions transactions;

    @Autowired
    TenantRepository tenants;

    @Autowired
    FieldCipher cipher;

    @Autowired
    InboundMessageSearch search;

    private final OffsetDateTime base = OffsetDateTime.now(ZoneOffset.UTC).truncatedTo(ChronoUnit.SECONDS).minusDays(1);

    private TestRestTemplate admin() {
        return http.withBasicAuth("test-admin", "test-admin-password");
    }

    private TestRestTemplate ops() {
        return http.withBasicAuth("test-ops", "test-ops-password");
    }

    private UUID tenant() {
        return tenants.create(new NewTenant("Messages", "msg-" + UUID.randomUUID() + ".example.com", null)).id();
    }

    private UUID message(UUID tenant, String source, String type, String status, OffsetDateTime receivedAt,
                         byte[] body, String contentType) {
        var id = UUID.randomUUID();
        var ciphertext = cipher.encrypt(body, InboundMessages.bodyContext(tenant, id));
        var headers = contentType == null ? "{}" : "{\"content-type\":\"" + contentType + "\",\"user-agent\":\"Stripe/1.0\"}";
        transactions.inTenant(tenant, db -> db.sql("""
                        INSERT INTO inbound_messages (id, tenant_id, source, event_type, partner_event_id, dedupe_key,
                                                      headers, body, status, error, received_at)
                        VALUES (?, ?, ?, ?, ?, ?, CAST(? AS jsonb), ?, CAST(? AS inbound_message_status), ?, ?)""")
                .params(id, tenant, source, type, "evt_" + id, id.toString().replace("-", ""), headers, ciphertext,
                        status, "failed".equals(status) ? "mapping failed" : null, receivedAt)
                .update());
        return id;
    }

    private UUID message(UUID tenant, String source, String type, String status, OffsetDateTime receivedAt) {
        return message(tenant, source, type, status, receivedAt, "{}".getBytes(StandardCharsets.UTF_8), "application/json");
    }

    private ResponseEntity<Map> get(TestRestTemplate client, String path) {
        return client.getForEntity(path, Map.class);
    }

    private ResponseEntity<Map> post(TestRestTemplate client, String path, String json, String idempotencyKey) {
        var headers = new HttpHeaders();
        headers.setContentType(MediaType.APPLICATION_JSON);
        if (idempotencyKey != null) {
            headers.set(IdempotencyKeyFilter.KEY_HEADER, idempotencyKey);
        }
        return client.exchange(path, HttpMethod.POST, new HttpEntity<>(json, headers), Map.class);
    }

    @SuppressWarnings("unchecked")
    private static List<String> ids(ResponseEntity<Map> page) {
        return ((List<Map<String, Object>>) page.getBody().get("items")).stream()
                .map(item -> (String) item.get("id")).toList();
    }

    private List<String> allPages(UUID tenant, String filter, int limit) {
        var seen = new ArrayList<String>();
        String next = null;
        int pages = 0;
        do {
            var page = get(ops(), "/ops/tenants/" + tenant + "/messages?limit=" + limit + filter
                    + (next == null ? "" : "&after=" + next));
            assertThat(page.getStatusCode()).isEqualTo(HttpStatus.OK);
            assertThat(ids(page).size()).isLessThanOrEqualTo(limit);
            seen.addAll(ids(page));
            next = (String) page.getBody().get("next");
            assertThat(++pages).as("pages end").isLessThan(50);
        } while (next != null);
        return seen;
    }

    private Map<String, Object> row(UUID tenant, UUID id) {
        return transactions.inTenant(tenant, db -> db.sql("""
                        SELECT status::text AS status, error,
                               (SELECT count(*) FROM outbox o WHERE o.tenant_id = m.tenant_id AND o.message_id = m.id) AS queued
                        FROM inbound_messages m WHERE id = ?""")
                .param(id).query().singleRow());
    }

    private List<Map<String, Object>> audit(UUID tenant, String action) {
        return transactions.inTenant(tenant, db -> db.sql("""
                        SELECT actor, resource_id, result::text AS result, metadata::text AS metadata
                        FROM audit_logs WHERE tenant_id = ? AND action = ? ORDER BY "timestamp\"""")
                .params(tenant, action).query().listOfRows());
    }

    private static void assertProblem(ResponseEntity<Map> response, HttpStatus status, String field) {
        assertThat(response.getStatusCode()).isEqualTo(status);
        assertThat(response.getHeaders().getContentType()).isEqualTo(MediaType.APPLICATION_PROBLEM_JSON);
        if (field != null) {
            assertThat(response.getBody()).containsEntry("field", field);
        }
    }

    private static void assertReplayed(Map<String, Object> row) {
        assertThat((String) row.get("status")).isIn(REPLAYED_STATUSES);
        assertThat(row.get("error")).isNull();
        if ("accepted".equals(row.get("status"))) {
            assertThat((Long) row.get("queued")).as("queued on the outbox").isPositive();
        }
    }

    private static void assertUntouched(Map<String, Object> row) {
        assertThat(row).containsEntry("status", "failed").containsEntry("error", "mapping failed")
                .containsEntry("queued", 0L);
    }

    @Test
    void searchPagesNewestFirstWithoutGapsOrRepeats() {
        var tenant = tenant();
        record Stored(OffsetDateTime receivedAt, String id) { }
        var stored = new ArrayList<Stored>();
        for (int i = 0; i < 9; i++) {
            // Pairs share a received_at, so the id must break ties for the keyset to be exact.
            var receivedAt = base.plusMinutes(i / 2);
            var id = message(tenant, i % 3 == 0 ? "iyzico" : "stripe", "charge.refunded", "published", receivedAt);
            stored.add(new Stored(receivedAt, id.toString()));
        }
        // PostgreSQL orders uuids by their bytes, which is the order of their lower-case text.
        var newestFirst = stored.stream()
                .sorted(Comparator.comparing(Stored::receivedAt).thenComparing(Stored::id).reversed())
                .map(Stored::id).toList();

        assertThat(allPages(tenant, "", 2)).containsExactlyElementsOf(newestFirst);
        assertThat(allPages(tenant, "", 500)).containsExactlyElementsOf(newestFirst);
        assertThat(allPages(tenant, "&source=iyzico", 1)).hasSize(3).isSubsetOf(newestFirst);
    }

    @Test
    void searchFiltersBySourceTypeStatusAndTime() {
        var tenant = tenant();
        var stripeRefund = message(tenant, "stripe", "charge.refunded", "published", base);
        var stripeFailed = message(tenant, "stripe", "payment_intent.succeeded", "failed", base.plusHours(1));
        var iyzico = message(tenant, "iyzico", "CHECKOUT_FORM_AUTH", "unmapped", base.plusHours(2));

        assertThat(allPages(tenant, "&source=stripe", 10))
                .containsExactly(stripeFailed.toString(), stripeRefund.toString());
        assertThat(allPages(tenant, "&type=CHECKOUT_FORM_AUTH", 10)).containsExactly(iyzico.toString());
        assertThat(allPages(tenant, "&status=failed", 10)).containsExactly(stripeFailed.toString());
        assertThat(allPages(tenant, "&from=" + base.plusMinutes(30) + "&to=" + base.plusHours(2), 10))
                .containsExactly(stripeFailed.toString());
        assertThat(allPages(tenant, "&source=stripe&status=published", 10)).containsExactly(stripeRefund.toString());

        var one = get(ops(), "/ops/tenants/" + tenant + "/messages/" + stripeFailed);
        assertThat(one.getStatusCode()).isEqualTo(HttpStatus.OK);
        assertThat(one.getBody()).containsEntry("id", stripeFailed.toString())
                .containsEntry("tenantId", tenant.toString()).containsEntry("source", "stripe")
                .containsEntry("eventType", "payment_intent.succeeded").containsEntry("status", "failed")
                .containsEntry("partnerEventId", "evt_" + stripeFailed).containsEntry("attempts", 0)
                .containsEntry("error", "mapping failed").containsKey("receivedAt").doesNotContainKey("body")
                .containsEntry("headers", Map.of("content-type", "application/json", "user-agent", "Stripe/1.0"));
    }

    @Test
    void anotherTenantsMessageIsInvisible() {
        var owner = tenant();
        var other = tenant();
        var id = message(owner, "stripe", "charge.refunded", "published", base);

        assertProblem(get(admin(), "/ops/tenants/" + other + "/messages/" + id), HttpStatus.NOT_FOUND, null);
        assertProblem(get(admin(), "/ops/tenants/" + other + "/messages/" + id + "/payload"), HttpStatus.NOT_FOUND, null);
        assertProblem(post(admin(), "/ops/tenants/" + other + "/messages/" + id + "/replay", "", null),
                HttpStatus.NOT_FOUND, null);
        assertThat(ids(get(admin(), "/ops/tenants/" + other + "/messages"))).isEmpty();
        assertThat(get(admin(), "/ops/tenants/" + owner + "/messages/" + id).getStatusCode()).isEqualTo(HttpStatus.OK);
    }

    @Test
    void thePayloadIsByteExactForAdminsAuditedAndForbiddenToOps() {
        var tenant = tenant();
        var body = "{ \"type\" : \"charge.refunded\",\n\t\"amount\": 1200 , \"name\":\"Zeynep Çelik\" }\r\n"
                .getBytes(StandardCharsets.UTF_8);
        var id = message(tenant, "stripe", "charge.refunded", "published", base, body, "application/json; charset=utf-8");

        var read = admin().getForEntity("/ops/tenants/" + tenant + "/messages/" + id + "/payload", byte[].class);

        assertThat(read.getStatusCode()).isEqualTo(HttpStatus.OK);
        assertThat(read.getBody()).isEqualTo(body);
        assertThat(read.getHeaders().getContentType()).isEqualTo(MediaType.parseMediaType("application/json; charset=utf-8"));
        assertThat(read.getHeaders().getFirst(HttpHeaders.CONTENT_DISPOSITION)).startsWith("attachment");
        assertThat(audit(tenant, "message.payload.read")).singleElement().satisfies(row -> {
            assertThat(row).containsEntry("actor", "test-admin").containsEntry("resource_id", id)
                    .containsEntry("result", "success");
            assertThat((String) row.get("metadata")).contains("stripe").doesNotContain("Zeynep", "amount");
        });

        assertProblem(get(ops(), "/ops/tenants/" + tenant + "/messages/" + id + "/payload"), HttpStatus.FORBIDDEN, null);
        // MVC answers HEAD with the GET handler, which would decrypt the payload and audit the read
        assertThat(ops().exchange("/ops/tenants/" + tenant + "/messages/" + id + "/payload", HttpMethod.HEAD, null, Void.class)
                .getStatusCode()).isEqualTo(HttpStatus.FORBIDDEN);
        assertThat(audit(tenant, "message.payload.read")).hasSize(1);
    }

    @Test
    void aFilteredReplayQueuesItsMessagesInTheOrderTheyWereReceived() {
        var tenant = tenant();
        // stored newest first, so the table holds them against the order they were received in
        var received = new ArrayList<UUID>();
        for (int i = 5; i >= 0; i--) {
            received.add(0, message(tenant, "stripe", "refund.created", "failed", base.plusMinutes(i)));
        }

        // the outbox read in the replay's own transaction, before the relay can take the rows; the join that finds the
        // picked messages made a hash join, which returns them in the table's order
        var queued = transactions.inTenant(tenant, db -> {
            db.sql("SET LOCAL enable_nestloop = off").update();
            db.sql("SET LOCAL enable_mergejoin = off").update();
            search.replay(db, tenant, new MessageQuery(null, null, "failed", null, null), 100);
            return db.sql("SELECT message_id FROM outbox WHERE tenant_id = ? ORDER BY id").param(tenant)
                    .query(UUID.class).list();
        });

        assertThat(queued).containsExactlyElementsOf(received);
    }

    @Test
    void replayingOneMessageQueuesItAgainAndIsAudited() {
        var tenant = tenant();
        var failed = message(tenant, "stripe", "refund.created", "failed", base);
        var bystander = message(tenant, "stripe", "refund.created", "failed", base.plusMinutes(1));

        var replay = post(admin(), "/ops/tenants/" + tenant + "/messages/" + failed + "/replay", "", null);

        assertThat(replay.getStatusCode()).isEqualTo(HttpStatus.ACCEPTED);
        assertThat(replay.getBody()).containsEntry("replayed", 1).containsEntry("ids", List.of(failed.toString()));
        assertReplayed(row(tenant, failed));
        assertUntouched(row(tenant, bystander));
        assertThat(audit(tenant, "message.replay")).singleElement().satisfies(row -> {
            assertThat(row).containsEntry("actor", "test-admin").containsEntry("resource_id", failed);
            assertThat((String) row.get("metadata")).contains(failed.toString());
        });
        assertProblem(post(ops(), "/ops/tenants/" + tenant + "/messages/" + failed + "/replay", "", null),
                HttpStatus.FORBIDDEN, null);
        assertProblem(post(admin(), "/ops/tenants/" + tenant + "/messages/" + UUID.randomUUID() + "/replay", "", null),
                HttpStatus.NOT_FOUND, null);
    }

    @Test
    void aFilteredReplayTouchesOnlyTheMatchingMessages() {
        var tenant = tenant();
        var iyzicoFailed1 = message(tenant, "iyzico", "BKM_AUTH", "failed", base);
        var iyzicoFailed2 = message(tenant, "iyzico", "BKM_AUTH", "failed", base.plusMinutes(5));
        var iyzicoLate = message(tenant, "iyzico", "BKM_AUTH", "failed", base.plusHours(3));
        var stripeFailed = message(tenant, "stripe", "refund.created", "failed", base.plusMinutes(1));
        var otherTenant = tenant();
        var elsewhere = message(otherTenant, "iyzico", "BKM_AUTH", "failed", base);

        var replay = post(admin(), "/ops/tenants/" + tenant + "/messages/replay",
                "{\"source\":\"iyzico\",\"status\":\"failed\",\"to\":\"" + base.plusHours(1) + "\"}", null);

        assertThat(replay.getStatusCode()).isEqualTo(HttpStatus.ACCEPTED);
        assertThat(replay.getBody()).containsEntry("replayed", 2)
                .containsEntry("ids", List.of(iyzicoFailed1.toString(), iyzicoFailed2.toString()))
                .containsEntry("more", false);
        assertReplayed(row(tenant, iyzicoFailed1));
        assertReplayed(row(tenant, iyzicoFailed2));
        assertUntouched(row(tenant, iyzicoLate));
        assertUntouched(row(tenant, stripeFailed));
        assertUntouched(row(otherTenant, elsewhere));
        assertThat(audit(tenant, "message.replay")).singleElement().satisfies(row ->
                assertThat((String) row.get("metadata")).contains("\"count\": 2", iyzicoFailed1.toString(),
                        iyzicoFailed2.toString(), "\"source\": \"iyzico\""));
    }

    @Test
    void aBulkReplayNeedsAFilterOrAll() {
        var tenant = tenant();
        var id = message(tenant, "stripe", "refund.created", "failed", base);

        assertProblem(post(admin(), "/ops/tenants/" + tenant + "/messages/replay", "{}", null),
                HttpStatus.BAD_REQUEST, "all");
        assertUntouched(row(tenant, id));
        assertProblem(post(admin(), "/ops/tenants/" + tenant + "/messages/replay", "{\"status\":\"lost\"}", null),
                HttpStatus.BAD_REQUEST, "status");
        assertProblem(post(ops(), "/ops/tenants/" + tenant + "/messages/replay", "{\"all\":true}", null),
                HttpStatus.FORBIDDEN, null);
        assertProblem(post(admin(), "/ops/tenants/" + UUID.randomUUID() + "/messages/replay", "{\"all\":true}", null),
                HttpStatus.NOT_FOUND, null);
        assertUntouched(row(tenant, id));

        var all = post(admin(), "/ops/tenants/" + tenant + "/messages/replay", "{\"all\":true}", null);
        assertThat(all.getStatusCode()).isEqualTo(HttpStatus.ACCEPTED);
        assertThat(all.getBody()).containsEntry("replayed", 1);
        assertReplayed(row(tenant, id));
    }

    @Test
    void aReplayRetriedWithItsIdempotencyKeyRunsOnce() {
        var tenant = tenant();
        var id = message(tenant, "stripe", "refund.created", "failed", base);
        var key = UUID.randomUUID().toString();
        var path = "/ops/tenants/" + tenant + "/messages/" + id + "/replay";

        var first = post(admin(), path, "", key);
        var retry = post(admin(), path, "", key);

        assertThat(first.getStatusCode()).isEqualTo(HttpStatus.ACCEPTED);
        assertThat(retry.getStatusCode()).isEqualTo(HttpStatus.ACCEPTED);
        assertThat(retry.getHeaders().getFirst(IdempotencyKeyFilter.REPLAYED_HEADER)).isEqualTo("true");
        assertThat(retry.getBody()).isEqualTo(first.getBody());
        assertThat(audit(tenant, "message.replay")).hasSize(1);
    }

    @Test
    void badFiltersAreA400NamingTheField() {
        var tenant = tenant();
        var search = "/ops/tenants/" + tenant + "/messages?";
        assertProblem(get(ops(), search + "status=lost"), HttpStatus.BAD_REQUEST, "status");
        assertProblem(get(ops(), search + "from=yesterday"), HttpStatus.BAD_REQUEST, "from");
        assertProblem(get(ops(), search + "to=2025-13-01T00:00:00Z"), HttpStatus.BAD_REQUEST, "to");
        assertProblem(get(ops(), search + "from=2025-02-01T00:00:00Z&to=2025-01-01T00:00:00Z"),
                HttpStatus.BAD_REQUEST, "to");
        assertProblem(get(ops(), search + "limit=0"), HttpStatus.BAD_REQUEST, "limit");
        assertProblem(get(ops(), search + "limit=501"), HttpStatus.BAD_REQUEST, "limit");
        assertProblem(get(ops(), search + "limit=ten"), HttpStatus.BAD_REQUEST, "limit");
        assertProblem(get(ops(), search + "after=not-a-cursor"), HttpStatus.BAD_REQUEST, "after");
        assertProblem(get(ops(), "/ops/tenants/not-a-uuid/messages"), HttpStatus.BAD_REQUEST, "tenantId");
        assertProblem(get(ops(), "/ops/tenants/" + tenant + "/messages/not-a-uuid"), HttpStatus.BAD_REQUEST, "id");
        assertProblem(http.getForEntity(search, Map.class), HttpStatus.UNAUTHORIZED, null);
    }
}
