package com.healthtourism.hub.cases;

import static com.healthtourism.hub.cases.CaseFixtures.patientCase;
import static com.healthtourism.hub.outbox.OutboxFixtures.consumer;
import static com.healthtourism.hub.outbox.OutboxFixtures.poll;
import static org.assertj.core.api.Assertions.assertThat;

import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.core.env.Environment;
import org.springframework.data.redis.core.StringRedisTemplate;

import com.healthtourism.hub.patients.PersonalData;
import com.healthtourism.hub.local.HubTest;
import com.healthtourism.hub.local.OwnerDatabase;
import com.healthtourism.hub.tenancy.TenantTransactions;
import com.healthtourism.hub.webhooks.WebhookClient.Answer;

/** The tenant API's cases: the journey's rules, one mover per case, tenant isolation, patient data only where allowed. */
@HubTest
class CaseOrchestrationApiTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @LocalServerPort
    int port;
    @Autowired
    TenantTransactions transactions;
    @Autowired
    PersonalData columns;
    @Autowired
    StringRedisTemplate redis;
    @Autowired
    Environment environment;
    @Value("${hub.kafka.bootstrap-servers}")
    String bootstrapServers;

    @Test
    void invalidTransitionsAre409ProblemJsonNamingTheAllowedMoves() {
        var api = new TenantApiClient(port);
        var tenant = api.tenant();
        var key = api.key(tenant, false);
        var seeded = patientCase(transactions, columns, tenant, "travel", "high");

        var skip = api.move(key, seeded.caseId(), "approval");
        var backWithoutReason = api.move(key, seeded.caseId(), "eligibility");
        var unknownStatus = api.move(key, seeded.caseId(), "teleported");

        assertThat(skip.status()).isEqualTo(409);
        assertThat(skip.contentType()).startsWith("application/problem+json");
        assertThat(TenantApiClient.allowedMoves(skip)).containsExactly("docs", "intake", "eligibility");
        assertThat(skip.body().get("detail").asText()).contains("docs");
        assertThat(backWithoutReason.status()).isEqualTo(409);
        assertThat(backWithoutReason.body().get("detail").asText()).contains("a step back needs a reason");
        assertThat(unknownStatus.status()).isEqualTo(400);
        assertThat(unknownStatus.body().get("field").asText()).isEqualTo("to");
        assertThat(api.get(key, "/api/cases/" + seeded.caseId()).body().get("version").asLong())
                .as("nothing moved").isEqualTo(0);
    }

    @Test
    void movesAreAuditedAndEmitCaseUpdatedAndCaseCompletedWithoutPatientData() throws SQLException {
        var api = new TenantApiClient(port);
        var tenant = api.tenant();
        var key = api.key(tenant, false);
        var seeded = patientCase(transactions, columns, tenant, "approval", "medium");

        try (var events = consumer(bootstrapServers, "hub.case")) {
            var back = api.post(key, "/api/cases/" + seeded.caseId() + "/transitions",
                    Map.of("to", "docs", "reason", "the visa letter was rejected", "expectedVersion", 0));
            var forward = api.move(key, seeded.caseId(), "approval");
            api.move(key, seeded.caseId(), "itinerary");
            var complete = api.move(key, seeded.caseId(), "complete");

            assertThat(back.status()).isEqualTo(200);
            assertThat(back.body().get("status").asText()).isEqualTo("docs");
            assertThat(forward.body().get("version").asLong()).isEqualTo(2);
            assertThat(complete.body().get("status").asText()).isEqualTo("complete");
            assertThat(complete.body().get("version").asLong()).isEqualTo(4);

            var records = poll(events, record -> record.key().equals(tenant + ":" + seeded.caseId()),
                    seen -> seen.size() >= 5, Duration.ofSeconds(60));
            var types = records.stream().map(record -> read(record.value()).get("type").asText()).toList();
            assertThat(types).containsExactly("case.updated", "case.updated", "case.updated", "case.updated", "case.completed");
            var first = read(records.get(0).value());
            assertThat(first.get("tenantid").asText()).isEqualTo(tenant.toString());
            assertThat(first.get("subject").asText()).isEqualTo(seeded.caseId().toString());
            assertThat(first.at("/data/from").asText()).isEqualTo("approval");
            assertThat(first.at("/data/status").asText()).isEqualTo("docs");
            assertThat(first.at("/data/direction").asText()).isEqualTo("back");
            for (var record : records) {
                assertThat(record.value()).doesNotContain("Ayse", "ayse", "knee", "hypertension", "visa letter");
            }
        }
        try (var db = OwnerDatabase.connect(environment);
             var query = db.prepareStatement("SELECT action, actor, metadata::text FROM audit_logs"
                     + " WHERE tenant_id = ? AND resource = 'case' AND resource_id = ? ORDER BY \"timestamp\"")) {
            query.setObject(1, tenant);
            query.setObject(2, seeded.caseId());
            var rows = new ArrayList<String>();
            try (var row = query.executeQuery()) {
                while (row.next()) {
                    assertThat(row.getString(2)).startsWith("api-key:");
                    rows.add(row.getString(1) + " " + row.getString(3));
                }
            }
            assertThat(rows).hasSize(4).allMatch(row -> row.startsWith("case.moved"));
            assertThat(rows.get(0)).contains("the visa letter was rejected");
        }
    }

    @Test
    void twoConcurrentMovesOfOneCaseOneWinsTheOtherGets409() throws Exception {
        var api = new TenantApiClient(port);
        var tenant = api.tenant();
        var key = api.key(tenant, false);
        var seeded = patientCase(transactions, columns, tenant, "eligibility", "urgent");
        var start = new CountDownLatch(1);

        List<Answer> answers = new ArrayList<>();
        var pool = Executors.newFixedThreadPool(2);
        try {
            var futures = new ArrayList<Future<Answer>>();
            for (int i = 0; i < 2; i++) {
                futures.add(pool.submit(() -> {
                    start.await();
                    return api.move(key, seeded.caseId(), "travel");
                }));
            }
            start.countDown();
            for (var future : futures) {
                answers.add(future.get(60, TimeUnit.SECONDS));
            }
        } finally {
            pool.shutdownNow();
        }

        assertThat(answers.stream().map(Answer::status).sorted()).containsExactly(200, 409);
        assertThat(answers.stream().filter(a -> a.status() == 409).findFirst().orElseThrow().contentType())
                .startsWith("application/problem+json");
        var now = api.get(key, "/api/cases/" + seeded.caseId()).body();
        assertThat(now.get("status").asText()).isEqualTo("travel");
        assertThat(now.get("version").asLong()).isEqualTo(1);
        assertThat(redis.hasKey(CaseLocks.key(seeded.caseId()))).as("the winner released its lock").isFalse();
    }

    @Test
    void whenTheLockIsHeldAMoveIs409AndDoesNotReleaseTheOwnersLock() {
        var api = new TenantApiClient(port);
        var tenant = api.tenant();
        var key = api.key(tenant, false);
        var seeded = patientCase(transactions, columns, tenant, "intake", "low");
        redis.opsForValue().set(CaseLocks.key(seeded.caseId()), "another-worker", Duration.ofMinutes(5));

        var blocked = api.move(key, seeded.caseId(), "eligibility");

        assertThat(blocked.status()).isEqualTo(409);
        assertThat(redis.opsForValue().get(CaseLocks.key(seeded.caseId()))).isEqualTo("another-worker");
        redis.delete(CaseLocks.key(seeded.caseId()));
        assertThat(api.move(key, seeded.caseId(), "eligibility").status()).isEqualTo(200);
    }

    @Test
    void withoutALockTheVersionDecides() {
        var api = new TenantApiClient(port);
        var tenant = api.tenant();
        var key = api.key(tenant, false);
        var seeded = patientCase(transactions, columns, tenant, "docs", "medium");
        assertThat(api.move(key, seeded.caseId(), "approval").status()).isEqualTo(200);

        // a worker that read version 0 before that move, arriving after its lock expired
        var stale = api.post(key, "/api/cases/" + seeded.caseId() + "/transitions",
                Map.of("to", "itinerary", "expectedVersion", 0));

        assertThat(stale.status()).isEqualTo(409);
        assertThat(stale.body().get("field").asText()).isEqualTo("expectedVersion");
        assertThat(stale.body().get("detail").asText()).contains("version 1");
    }

    @Test
    void aTenantsKeyCannotReadListOrMoveAnotherTenantsCase() {
        var api = new TenantApiClient(port);
        var a = api.tenant();
        var b = api.tenant();
        var keyOfB = api.key(b, true);
        var casesOfA = patientCase(transactions, columns, a, "intake", "high");
        var providerOfB = CaseFixtures.provider(transactions, b, "Clinic of B");

        var read = api.get(keyOfB, "/api/cases/" + casesOfA.caseId());
        var moved = api.move(keyOfB, casesOfA.caseId(), "eligibility");
        var assigned = api.put(keyOfB, "/api/cases/" + casesOfA.caseId() + "/provider", Map.of("providerId", providerOfB));
        var listed = api.get(keyOfB, "/api/cases");

        assertThat(read.status()).isEqualTo(404);
        assertThat(moved.status()).isEqualTo(404);
        assertThat(assigned.status()).isEqualTo(404);
        assertThat(read.contentType()).startsWith("application/problem+json");
        assertThat(listed.response().body()).doesNotContain(casesOfA.caseId().toString());
        var keyOfA = api.key(a, false);
        assertThat(api.get(keyOfA, "/api/cases/" + casesOfA.caseId()).body().get("status").asText())
                .as("unmoved").isEqualTo("intake");
    }

    @Test
    void onlyAKeyAllowedToSeePatientDataGetsItDecrypted() {
        var api = new TenantApiClient(port);
        var tenant = api.tenant();
        var seeded = patientCase(transactions, columns, tenant, "docs", "medium");

        var withPii = api.get(api.key(tenant, true), "/api/cases/" + seeded.caseId());
        var withoutPii = api.get(api.key(tenant, false), "/api/cases/" + seeded.caseId());

        assertThat(withPii.status()).isEqualTo(200);
        assertThat(withPii.body().at("/patient/name").asText()).isEqualTo(CaseFixtures.NAME);
        assertThat(withPii.body().at("/patient/email").asText()).isEqualTo(CaseFixtures.EMAIL);
        assertThat(withPii.body().at("/patient/phone").asText()).isEqualTo(CaseFixtures.PHONE);
        assertThat(withPii.body().get("symptoms").asText()).isEqualTo(CaseFixtures.SYMPTOMS);
        assertThat(withPii.body().at("/medicalHistory/conditions/0").asText()).isEqualTo("hypertension");
        assertThat(withoutPii.status()).isEqualTo(200);
        assertThat(withoutPii.body().get("status").asText()).isEqualTo("docs");
        assertThat(withoutPii.body().get("patientId").asText()).isEqualTo(seeded.patientId().toString());
        assertThat(withoutPii.response().body()).doesNotContain("Ayse", "ayse", "+90", "knee", "hypertension")
                .doesNotContain("patient\"", "symptoms", "medicalHistory");
        assertThat(redis.opsForValue().get(CaseStateCache.key(seeded.caseId()))).as("cached without PII")
                .contains("\"docs\"").doesNotContain("Ayse", "knee");
    }

    @Test
    void theCachedStateIsDroppedOnEveryChangeAndMarkedWithItsVersion() {
        var api = new TenantApiClient(port);
        var tenant = api.tenant();
        var key = api.key(tenant, false);
        var seeded = patientCase(transactions, columns, tenant, "itinerary", "medium");
        var provider = CaseFixtures.provider(transactions, tenant, "Anadolu Ortho");
        var cacheKey = CaseStateCache.key(seeded.caseId());

        api.get(key, "/api/cases/" + seeded.caseId());
        assertThat(redis.getExpire(cacheKey)).isBetween(3500L, 3600L);
        api.move(key, seeded.caseId(), "complete");
        assertThat(redis.opsForValue().get(cacheKey)).as("no state, only the mark of the change's version")
                .contains("\"changed\":true").doesNotContain("itinerary");
        assertThat(api.get(key, "/api/cases/" + seeded.caseId()).body().get("status").asText()).isEqualTo("complete");
        api.put(key, "/api/cases/" + seeded.caseId() + "/provider", Map.of("providerId", provider));
        assertThat(redis.opsForValue().get(cacheKey)).contains("\"changed\":true");
        assertThat(api.get(key, "/api/cases/" + seeded.caseId()).body().get("providerId").asText())
                .isEqualTo(provider.toString());
    }

    @Test
    void assigningAProviderEmitsCaseAssigned() {
        var api = new TenantApiClient(port);
        var tenant = api.tenant();
        var key = api.key(tenant, false);
        var seeded = patientCase(transactions, columns, tenant, "eligibility", "medium");
        var provider = CaseFixtures.provider(transactions, tenant, "Anadolu Ortho");

        try (var events = consumer(bootstrapServers, "hub.case")) {
            var unknown = api.put(key, "/api/cases/" + seeded.caseId() + "/provider", Map.of("providerId", UUID.randomUUID()));
            var assigned = api.put(key, "/api/cases/" + seeded.caseId() + "/provider", Map.of("providerId", provider));

            assertThat(unknown.status()).isEqualTo(404);
            assertThat(assigned.status()).isEqualTo(200);
            assertThat(assigned.body().get("providerId").asText()).isEqualTo(provider.toString());
            var records = poll(events, record -> record.key().equals(tenant + ":" + seeded.caseId()),
                    seen -> !seen.isEmpty(), Duration.ofSeconds(60));
            var event = read(records.get(0).value());
            assertThat(event.get("type").asText()).isEqualTo("case.assigned");
            assertThat(event.at("/data/providerId").asText()).isEqualTo(provider.toString());
            assertThat(event.at("/data/status").asText()).isEqualTo("eligibility");
        }
    }

    @Test
    void theListFiltersByStatusAndPriorityInKeysetPages() {
        var api = new TenantApiClient(port);
        var tenant = api.tenant();
        var key = api.key(tenant, false);
        var urgentTravel = new ArrayList<String>();
        for (int i = 0; i < 5; i++) {
            urgentTravel.add(patientCase(transactions, columns, tenant, "travel", "urgent").caseId().toString());
        }
        patientCase(transactions, columns, tenant, "travel", "low");
        patientCase(transactions, columns, tenant, "docs", "urgent");

        var seen = new ArrayList<String>();
        String after = null;
        int pages = 0;
        do {
            var page = api.get(key, "/api/cases?status=travel&priority=urgent&limit=2" + (after == null ? "" : "&after=" + after));
            assertThat(page.status()).isEqualTo(200);
            page.body().get("items").forEach(item -> seen.add(item.get("id").asText()));
            after = page.body().hasNonNull("next") ? page.body().get("next").asText() : null;
            pages++;
        } while (after != null && pages < 10);

        assertThat(pages).isEqualTo(3);
        assertThat(seen).containsExactlyInAnyOrderElementsOf(urgentTravel).doesNotHaveDuplicates();
        assertThat(api.get(key, "/api/cases").body().get("items")).hasSize(7);
        assertThat(api.get(key, "/api/cases?status=nope").status()).isEqualTo(400);
        assertThat(api.get(key, "/api/cases?after=garbage").status()).isEqualTo(400);
    }

    private static JsonNode read(String value) {
        try {
            return JSON.readTree(value);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
