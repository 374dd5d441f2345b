package com.healthtourism.hub.webhooks;

import static com.healthtourism.hub.webhooks.WebhookClient.HMAC_SECRET;
import static com.healthtourism.hub.webhooks.WebhookClient.IYZICO_SECRET;
import static com.healthtourism.hub.webhooks.WebhookClient.STANDARD_SECRET;
import static com.healthtourism.hub.webhooks.WebhookClient.STRIPE_SECRET;
import static com.healthtourism.hub.webhooks.WebhookClient.stripeEvent;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.Executors;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.core.env.Environment;
import org.springframework.data.redis.core.StringRedisTemplate;

import com.healthtourism.hub.crypto.FieldCipher;
import com.healthtourism.hub.local.HubTest;
import com.healthtourism.hub.local.OwnerDatabase;
import com.healthtourism.hub.outbox.OutboxFixtures;

@HubTest
class WebhookIntakeTest {

    @LocalServerPort
    int port;
    @Autowired
    Environment environment;
    @Autowired
    StringRedisTemplate redis;
    @Autowired
    FieldCipher cipher;

    WebhookClient partner;
    UUID tenant;

    @BeforeEach
    void tenantWithSources() {
        partner = new WebhookClient(port);
        tenant = partner.tenantWithSources(Map.of());
    }

    private static String eventId() {
        return "evt_" + UUID.randomUUID().toString().replace("-", "");
    }

    @Test
    void acceptedEventIsCommittedWithItsOutboxRowBeforeTheAnswer() throws SQLException {
        var body = stripeEvent(eventId(), "payment_intent.succeeded");

        var answer = partner.stripe(tenant, body);

        assertThat(answer.status()).isEqualTo(202);
        assertThat(answer.body().get("status").asText()).isEqualTo("accepted");
        var id = UUID.fromString(answer.body().get("id").asText());
        var row = message(id);
        assertThat(row.source()).isEqualTo("stripe");
        assertThat(row.eventType()).isEqualTo("payment_intent.succeeded");
        assertThat(row.storedBody()).isNotEqualTo(body.getBytes(StandardCharsets.UTF_8));
        assertThat(cipher.decrypt(row.storedBody(), InboundMessages.bodyContext(tenant, id)))
                .isEqualTo(body.getBytes(StandardCharsets.UTF_8));
        assertThat(row.headers()).contains("content-type").doesNotContain("stripe-signature").doesNotContain("v1=");
        assertThat(row.queued()).as("outbox row or already published").isTrue();
    }

    @Test
    void aRepeatedEventAnswersTheFirstIdAsDuplicate() {
        var body = stripeEvent(eventId(), "payment_intent.succeeded");
        var first = partner.stripe(tenant, body);

        var again = partner.stripe(tenant, body);

        assertThat(again.status()).isEqualTo(200);
        assertThat(again.body().get("status").asText()).isEqualTo("duplicate");
        assertThat(again.body().get("id").asText()).isEqualTo(first.body().get("id").asText());
    }

    @Test
    void answersAreSentWholeWithTheirLengthNotInChunks() {
        var body = stripeEvent(eventId(), "payment_intent.succeeded");

        var accepted = partner.stripe(tenant, body);
        var refused = partner.post(tenant, "stripe", body, Map.of("Stripe-Signature", "t=1,v1=00"));

        for (var answer : List.of(accepted, refused)) {
            assertThat(answer.header("transfer-encoding")).as("status %d", answer.status()).isNull();
            assertThat(answer.header("content-length")).as("status %d", answer.status())
                    .isEqualTo(String.valueOf(answer.response().body().getBytes(StandardCharsets.UTF_8).length));
        }
        assertThat(refused.status()).isEqualTo(401);
    }

    @Test
    void fiftyConcurrentDeliveriesOfOneEventStoreOneMessage() throws Exception {
        var body = stripeEvent(eventId(), "payment_intent.succeeded");
        var pool = Executors.newFixedThreadPool(50);
        try {
            var calls = new ArrayList<Callable<WebhookClient.Answer>>();
            for (int i = 0; i < 50; i++) {
                calls.add(() -> partner.stripe(tenant, body));
            }
            var answers = new ArrayList<WebhookClient.Answer>();
            for (var future : pool.invokeAll(calls)) {
                answers.add(future.get());
            }
            assertThat(answers).extracting(WebhookClient.Answer::status).containsOnly(200, 202);
            assertThat(answers).filteredOn(a -> a.status() == 202).hasSize(1);
            assertThat(answers).extracting(a -> a.body().get("id").asText()).containsOnly(
                    answers.get(0).body().get("id").asText());
            assertThat(countMessages("stripe")).isEqualTo(1);
        } finally {
            pool.shutdownNow();
        }
        var id = answersId(body);
        try (var consumer = OutboxFixtures.consumer(environment.getProperty("hub.kafka.bootstrap-servers"), "hub.payment")) {
            var events = OutboxFixtures.poll(consumer, record -> id.equals(OutboxFixtures.header(record, "ce_id")),
                    seen -> false, Duration.ofSeconds(8));
            assertThat(events).as("one Kafka event for fifty deliveries").hasSize(1);
        }
    }

    @Test
    void anAcceptedEventIsRememberedInRedisForAnHourAfterItsCommit() {
        var body = stripeEvent(eventId(), "payment_intent.succeeded");
        var id = partner.stripe(tenant, body).body().get("id").asText();

        var pattern = "idem:" + tenant + ":stripe:*";
        var key = await().atMost(Duration.ofSeconds(5)).until(() -> redis.keys(pattern).stream()
                .filter(k -> id.equals(redis.opsForValue().get(k))).findFirst(), Optional::isPresent).get();
        assertThat(redis.getExpire(key)).isBetween(3500L, 3600L);
        // a repeat is answered from what Redis remembers (the fast path), without asking PostgreSQL
        var marker = UUID.randomUUID().toString();
        redis.opsForValue().set(key, marker);
        var again = partner.stripe(tenant, body);
        assertThat(again.status()).isEqualTo(200);
        assertThat(again.body().get("id").asText()).isEqualTo(marker);
    }

    @Test
    void redisForgettingEverythingStillDeduplicates() {
        var body = stripeEvent(eventId(), "payment_intent.succeeded");
        var first = partner.stripe(tenant, body);
        redis.execute((org.springframework.data.redis.core.RedisCallback<Object>) connection -> {
            connection.serverCommands().flushDb();
            return null;
        });

        var again = partner.stripe(tenant, body);

        assertThat(again.status()).isEqualTo(200);
        assertThat(again.body().get("id").asText()).isEqualTo(first.body().get("id").asText());
        assertThat(countMessages("stripe")).isEqualTo(1);
    }

    @Test
    void standardWebhooksIyzicoAndHmacSourcesAreVerified() {
        var now = Instant.now().getEpochSecond();
        var caseEvent = "{\"type\":\"case.updated\",\"timestamp\":\"2026-11-25T10:00:00Z\",\"data\":{\"id\":\"case_1\",\"stage\":\"travel\"}}";
        var doktor = partner.post(tenant, "doktor365", caseEvent, Map.of("webhook-id", "msg_" + UUID.randomUUID(),
                "webhook-timestamp", Long.toString(now),
                "webhook-signature", PartnerSigner.standardWebhooks(STANDARD_SECRET, "", now, caseEvent)));
        assertThat(doktor.status()).as("signature over another id").isEqualTo(401);
        var msgId = "msg_" + UUID.randomUUID();
        doktor = partner.post(tenant, "doktor365", caseEvent, Map.of("webhook-id", msgId,
                "webhook-timestamp", Long.toString(now),
                "webhook-signature", PartnerSigner.standardWebhooks(STANDARD_SECRET, msgId, now, caseEvent)));
        assertThat(doktor.status()).isEqualTo(202);

        var iyzico = "{\"iyziEventType\":\"API_AUTH\",\"iyziEventTime\":1732528800000,\"iyziReferenceCode\":\"ref-1\","
                + "\"paymentId\":\"22484059\",\"paymentConversationId\":\"conversationId\",\"status\":\"SUCCESS\","
                + "\"merchantId\":\"3396\"}";
        var signed = partner.post(tenant, "iyzico", iyzico, Map.of("X-IYZ-SIGNATURE-V3",
                PartnerSigner.iyzico(IYZICO_SECRET, "API_AUTH", "22484059", "conversationId", "SUCCESS")));
        assertThat(signed.status()).isEqualTo(202);
        var unsignedIdAdded = iyzico.replace("\"merchantId\"", "\"iyziPaymentId\":99999999,\"merchantId\"");
        var replayed = partner.post(tenant, "iyzico", unsignedIdAdded, Map.of("X-IYZ-SIGNATURE-V3",
                PartnerSigner.iyzico(IYZICO_SECRET, "API_AUTH", "22484059", "conversationId", "SUCCESS")));
        assertThat(replayed.status()).as("a captured notification with an unsigned payment id added").isEqualTo(200);
        assertThat(replayed.body().get("status").asText()).isEqualTo("duplicate");

        var plain = "{\"type\":\"hotel.booked\",\"id\":\"bk-1\"}";
        var acme = partner.post(tenant, "acme", plain, Map.of("X-Hub-Signature-256", PartnerSigner.hubSignature(HMAC_SECRET, plain)));
        assertThat(acme.status()).isEqualTo(202);
    }

    @Test
    void anEventTypeOrIdWithANulCharacterIsStoredWithoutIt() {
        var body = stripeEvent("evt_nul\\u0000_" + UUID.randomUUID(), "payment_intent.succeeded\\u0000");

        var accepted = partner.stripe(tenant, body);

        assertThat(accepted.status()).as("PostgreSQL's text holds no NUL: not a 503 for this and its group").isEqualTo(202);
    }

    @Test
    void wrongSignatureTamperedBodyAndStaleTimestampAre401() {
        var body = stripeEvent(eventId(), "payment_intent.succeeded");
        var now = Instant.now().getEpochSecond();
        var wrongSecret = partner.post(tenant, "stripe", body,
                Map.of("Stripe-Signature", PartnerSigner.stripe("whsec_other", now, body)));
        var tampered = partner.post(tenant, "stripe", body.replace("120000", "1"),
                Map.of("Stripe-Signature", PartnerSigner.stripe(STRIPE_SECRET, now, body)));
        var stale = partner.post(tenant, "stripe", body,
                Map.of("Stripe-Signature", PartnerSigner.stripe(STRIPE_SECRET, now - 301, body)));
        var missing = partner.post(tenant, "stripe", body, Map.of());

        for (var answer : List.of(wrongSecret, tampered, stale, missing)) {
            assertProblem(answer, 401);
        }
        assertThat(countMessages("stripe")).isZero();
    }

    @Test
    void aRotatedSecretVerifiesAlongsideTheOldOne() {
        partner.source(tenant, "stripe", Map.of("secrets", List.of(STRIPE_SECRET, "whsec_rotated")));
        var now = Instant.now().getEpochSecond();
        var old = stripeEvent(eventId(), "payment_intent.succeeded");
        var rotated = stripeEvent(eventId(), "payment_intent.succeeded");

        assertThat(partner.post(tenant, "stripe", old, Map.of("Stripe-Signature",
                PartnerSigner.stripe(STRIPE_SECRET, now, old))).status()).isEqualTo(202);
        assertThat(partner.post(tenant, "stripe", rotated, Map.of("Stripe-Signature",
                PartnerSigner.stripe("whsec_rotated", now, rotated))).status()).isEqualTo(202);

        partner.source(tenant, "stripe", Map.of("secrets", List.of("whsec_rotated")));
        var retired = stripeEvent(eventId(), "payment_intent.succeeded");
        assertProblem(partner.post(tenant, "stripe", retired, Map.of("Stripe-Signature",
                PartnerSigner.stripe(STRIPE_SECRET, now, retired))), 401);
    }

    @Test
    void unknownTenantUnknownSourceAndDisabledSourceGetTheSame404() {
        var body = stripeEvent(eventId(), "payment_intent.succeeded");
        partner.source(tenant, "hotels", Map.of("secrets", List.of(STANDARD_SECRET), "enabled", false));

        var unknownTenant = partner.stripe(UUID.randomUUID(), body);
        var notATenant = partner.post("/webhooks/not-a-uuid/stripe", "application/json", body.getBytes(), Map.of());
        var unknownSource = partner.post(tenant, "paypal", body, Map.of());
        var disabled = partner.post(tenant, "hotels", body, Map.of());

        for (var answer : List.of(unknownTenant, notATenant, unknownSource, disabled)) {
            assertProblem(answer, 404);
            assertThat(answer.response().body()).isEqualTo(unknownTenant.response().body());
        }
    }

    @Test
    void aDeactivatedTenantsWebhooksAre404AtOnce() {
        assertThat(partner.stripe(tenant, stripeEvent(eventId(), "payment_intent.succeeded")).status()).isEqualTo(202);

        partner.admin("POST", "/admin/tenants/" + tenant + "/deactivate", null);

        assertProblem(partner.stripe(tenant, stripeEvent(eventId(), "payment_intent.succeeded")), 404);
    }

    @Test
    void aBodyOverTheLimitIs413() {
        var huge = new byte[1024 * 1024 + 1];
        java.util.Arrays.fill(huge, (byte) ' ');

        assertProblem(partner.post("/webhooks/" + tenant + "/stripe", "application/json", huge, Map.of()), 413);
    }

    @Test
    void aBodyThatTricklesInIs408AndFreesItsThreadWithinTheDeadline() throws Exception {
        try (var socket = new java.net.Socket("127.0.0.1", port)) {
            socket.setSoTimeout(15_000);
            var out = socket.getOutputStream();
            out.write(("POST /webhooks/" + UUID.randomUUID() + "/stripe HTTP/1.1\r\nHost: localhost\r\n"
                    + "Content-Type: application/json\r\nContent-Length: 1000\r\n\r\n{\"id\":").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            var started = System.nanoTime();
            // a byte a second, each well within the read timeout: only the body's deadline (2 s in tests) ends it
            var answer = new StringBuilder();
            var in = socket.getInputStream();
            for (int i = 0; i < 30 && in.available() == 0; i++) {
                out.write(' ');
                out.flush();
                Thread.sleep(500); // the sender's own pace, not a wait for the hub
            }
            var reader = new java.io.BufferedReader(new java.io.InputStreamReader(in, StandardCharsets.UTF_8));
            answer.append(reader.readLine());

            assertThat(answer.toString()).startsWith("HTTP/1.1 408");
            assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(10));
        }
    }

    @Test
    void aSignedBodyThatIsNotJsonIs400AndAnotherMediaTypeIs415() {
        var now = Instant.now().getEpochSecond();
        var broken = "{\"id\": \"evt_1\", ";
        assertProblem(partner.post(tenant, "stripe", broken,
                Map.of("Stripe-Signature", PartnerSigner.stripe(STRIPE_SECRET, now, broken))), 400);

        var text = "id=evt_1";
        var answer = partner.post("/webhooks/" + tenant + "/stripe", "text/plain", text.getBytes(),
                Map.of("Stripe-Signature", PartnerSigner.stripe(STRIPE_SECRET, now, text)));
        assertProblem(answer, 415);
    }

    @Test
    void theTenantsRateLimitAnswers429WithRetryAfter() {
        var limited = partner.tenantWithSources(Map.of("webhookRateLimitPerMinute", 3));
        var answers = new ArrayList<WebhookClient.Answer>();
        for (int i = 0; i < 4; i++) {
            answers.add(partner.stripe(limited, stripeEvent(eventId(), "payment_intent.succeeded")));
        }

        assertThat(answers.subList(0, 3)).extracting(WebhookClient.Answer::status).containsOnly(202);
        assertThat(answers.get(0).header("RateLimit-Remaining")).isEqualTo("2");
        var refused = answers.get(3);
        assertProblem(refused, 429);
        assertThat(Integer.parseInt(refused.header("Retry-After"))).isBetween(1, 60);
        assertThat(refused.header("RateLimit-Limit")).isEqualTo("3");
        assertThat(refused.header("RateLimit-Remaining")).isEqualTo("0");
    }

    @Test
    void aRateLimitSettingStoredUnusableIsNoStorageFailure() throws SQLException {
        // written before the admin API checked it: 503 "nothing was stored" would have partners retry for days
        try (var db = OwnerDatabase.connect(environment);
             var update = db.prepareStatement("UPDATE tenants SET settings = '{\"webhookRateLimitPerMinute\": 100.5}' WHERE id = ?")) {
            update.setObject(1, tenant);
            assertThat(update.executeUpdate()).isEqualTo(1);
        }

        assertThat(partner.stripe(tenant, WebhookClient.stripeEvent(eventId(), "payment_intent.succeeded")).status())
                .as("the default limit applies").isEqualTo(202);
    }

    @Test
    void concurrentDeliveriesAreCountedOneByOneAgainstTheLimit() throws Exception {
        var limited = partner.tenantWithSources(Map.of("webhookRateLimitPerMinute", 10));
        var pool = Executors.newFixedThreadPool(30);
        try {
            var calls = new ArrayList<Callable<WebhookClient.Answer>>();
            for (int i = 0; i < 30; i++) {
                var body = stripeEvent(eventId(), "payment_intent.succeeded");
                calls.add(() -> partner.stripe(limited, body));
            }
            var answers = new ArrayList<WebhookClient.Answer>();
            for (var future : pool.invokeAll(calls)) {
                answers.add(future.get());
            }
            // counted together in few Redis round trips, but each delivery has its own place in the window
            assertThat(answers).filteredOn(a -> a.status() == 202).hasSize(10);
            assertThat(answers).filteredOn(a -> a.status() == 429).hasSize(20);
            assertThat(answers).filteredOn(a -> a.status() == 202).extracting(a -> a.header("RateLimit-Remaining"))
                    .containsExactlyInAnyOrder("0", "1", "2", "3", "4", "5", "6", "7", "8", "9");
        } finally {
            pool.shutdownNow();
        }
    }

    private String answersId(String body) {
        return partner.stripe(tenant, body).body().get("id").asText();
    }

    private static void assertProblem(WebhookClient.Answer answer, int status) {
        assertThat(answer.status()).isEqualTo(status);
        assertThat(answer.contentType()).startsWith("application/problem+json");
        assertThat(answer.body().get("status").asInt()).isEqualTo(status);
        assertThat(answer.body().get("title").asText()).isNotBlank();
    }

    record StoredMessage(String source, String eventType, byte[] storedBody, String headers, boolean queued) {
    }

    private StoredMessage message(UUID id) throws SQLException {
        try (var db = OwnerDatabase.connect(environment);
             var query = db.prepareStatement("SELECT source, event_type, body, headers::text, status::text,"
                     + " EXISTS (SELECT 1 FROM outbox o WHERE o.message_id = m.id) AS queued"
                     + " FROM inbound_messages m WHERE id = ?")) {
            query.setObject(1, id);
            try (var row = query.executeQuery()) {
                assertThat(row.next()).as("message " + id + " stored").isTrue();
                return new StoredMessage(row.getString(1), row.getString(2), row.getBytes(3), row.getString(4),
                        row.getBoolean(6) || !row.getString(5).equals("accepted"));
            }
        }
    }

    private int countMessages(String source) {
        try (var db = OwnerDatabase.connect(environment);
             var query = db.prepareStatement("SELECT count(*) FROM inbound_messages WHERE tenant_id = ? AND source = ?")) {
            query.setObject(1, tenant);
            query.setString(2, source);
            try (var row = query.executeQuery()) {
                row.next();
                return row.getInt(1);
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }
}
