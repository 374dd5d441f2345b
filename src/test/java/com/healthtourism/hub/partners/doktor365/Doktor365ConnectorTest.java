package com.healthtourism.hub.partners.doktor365;

import static com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.putRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.core.env.Environment;
import org.springframework.data.redis.core.StringRedisTemplate;

import com.healthtourism.hub.approvals.OpsClient;
import com.healthtourism.hub.crypto.SecretFingerprint;
import com.healthtourism.hub.local.Doktor365Sandbox;
import com.healthtourism.hub.local.HubTest;
import com.healthtourism.hub.local.OwnerDatabase;
import com.healthtourism.hub.webhooks.WebhookClient;

/**
 * The connector against the Doktor365 sandbox, through the real routes. Every test has a tenant of its own whose
 * credentials point at this class's sandbox (the tenant's base URL overrides hub.doktor365.base-url). Test profile:
 * 2 retries of 20 ms doubling, a breaker of 4 calls that reopens after 1 s, a call time limit of 2 s.
 */
@HubTest
class Doktor365ConnectorTest {

    private static final int ATTEMPTS = 3;
    private static Doktor365Sandbox sandbox;

    @LocalServerPort
    int port;
    @Autowired
    Doktor365 doktor365;
    @Autowired
    Doktor365TenantRoutes routes;
    @Autowired
    StringRedisTemplate redis;
    @Autowired
    Doktor365Tokens tokens;
    @Autowired
    Environment environment;

    @BeforeAll
    static void startSandbox() {
        sandbox = Doktor365Sandbox.start();
    }

    @AfterAll
    static void stopSandbox() {
        sandbox.close();
    }

    @BeforeEach
    void resetSandbox() {
        sandbox.reset();
    }

    private UUID tenant(String clientId, Map<String, Object> settings) {
        var hub = new WebhookClient(port);
        var tenant = hub.tenantWithSources(settings);
        var put = hub.source(tenant, "doktor365", Map.of("secrets", List.of(WebhookClient.STANDARD_SECRET),
                "credentials", Map.of("clientId", clientId, "clientSecret", "s3cr3t-" + UUID.randomUUID(),
                        "baseUrl", sandbox.baseUrl())));
        assertThat(put.status()).isEqualTo(200);
        return tenant;
    }

    private UUID tenant() {
        return tenant("hub-" + UUID.randomUUID(), Map.of("doktor365RatePerSecond", 100));
    }

    /** The tenant's cached access token (the value is the credentials' fingerprint, a space, the token). */
    private String token(UUID tenant) {
        var cached = redis.opsForValue().get("d365:token:" + tenant);
        return cached == null ? null : cached.substring(cached.indexOf(' ') + 1);
    }

    private List<LoggedRequest> tokenRequests() {
        return sandbox.server().findAll(postRequestedFor(urlEqualTo("/oauth/token")));
    }

    private List<LoggedRequest> apiRequests() {
        return sandbox.server().findAll(anyRequestedFor(urlPathMatching("/v1/.*")));
    }

    @Test
    void apiCredentialsAreEncryptedAtRestAndShownOnlyAsAFingerprint() throws Exception {
        var hub = new WebhookClient(port);
        var tenant = hub.tenantWithSources(Map.of());
        var secret = "client-secret-" + UUID.randomUUID();
        var credentials = Map.of("clientId", "clinic-42", "clientSecret", secret, "baseUrl", sandbox.baseUrl());

        var put = hub.source(tenant, "doktor365", Map.of("secrets", List.of(WebhookClient.STANDARD_SECRET),
                "credentials", credentials));
        var kept = hub.source(tenant, "doktor365", Map.of("secrets", List.of(WebhookClient.STANDARD_SECRET)));
        var read = hub.admin("GET", "/admin/tenants/" + tenant + "/sources/doktor365", null);

        for (var answer : List.of(put, kept, read)) {
            assertThat(answer.status()).isEqualTo(200);
            assertThat(answer.body().at("/credentials/clientSecretFingerprint").asText())
                    .isEqualTo(SecretFingerprint.of(secret));
            assertThat(answer.body().at("/credentials/baseUrl").asText()).isEqualTo(sandbox.baseUrl());
            assertThat(answer.response().body()).doesNotContain(secret).doesNotContain("clinic-42");
        }
        try (var db = OwnerDatabase.connect(environment);
             var query = db.prepareStatement("SELECT encode(api_credentials, 'escape') FROM partner_sources"
                     + " WHERE tenant_id = ? AND source = 'doktor365'");
             var audit = db.prepareStatement("SELECT metadata::text FROM audit_logs WHERE tenant_id = ?"
                     + " AND resource = 'partner_source'")) {
            query.setObject(1, tenant);
            try (var row = query.executeQuery()) {
                row.next();
                assertThat(row.getString(1)).isNotNull().doesNotContain(secret).doesNotContain("clinic-42");
            }
            audit.setObject(1, tenant);
            try (var rows = audit.executeQuery()) {
                while (rows.next()) {
                    assertThat(rows.getString(1)).doesNotContain(secret);
                }
            }
        }
        assertThat(doktor365.patient(tenant, "p-7").get("id").asText()).as("the stored credentials work").isEqualTo("p-7");
        assertThat(tokenRequests().get(0).getBodyAsString()).contains("client_id=clinic-42");
    }

    @Test
    void aTokenIsCachedInRedisFor55MinutesAndReusedByLaterCalls() {
        var tenant = tenant();

        var patient = doktor365.patient(tenant, "p-1001");
        doktor365.caseById(tenant, "c-1001");
        doktor365.caseNotes(tenant, "c-1001");

        assertThat(patient.get("id").asText()).isEqualTo("p-1001");
        assertThat(tokenRequests()).hasSize(1);
        var token = token(tenant);
        assertThat(apiRequests()).hasSize(3).allSatisfy(request ->
                assertThat(request.getHeader("Authorization")).isEqualTo("Bearer " + token));
        assertThat(redis.getExpire("d365:token:" + tenant, TimeUnit.SECONDS)).isBetween(54 * 60L, 55 * 60L);
    }

    @Test
    void newCredentialsAreNeverSentTheOldOnesToken() {
        var tenant = tenant();
        doktor365.patient(tenant, "p-1001");
        var old = token(tenant);
        var otherClient = "hub-" + UUID.randomUUID();

        var put = new WebhookClient(port).source(tenant, "doktor365", Map.of("secrets", List.of(WebhookClient.STANDARD_SECRET),
                "credentials", Map.of("clientId", otherClient, "clientSecret", "s3cr3t-" + UUID.randomUUID(),
                        "baseUrl", sandbox.baseUrl())));
        assertThat(put.status()).isEqualTo(200);
        doktor365.patient(tenant, "p-1001");

        assertThat(tokenRequests()).hasSize(2);
        assertThat(tokenRequests().get(1).getBodyAsString()).contains("client_id=" + otherClient);
        var requests = apiRequests();
        assertThat(requests.get(requests.size() - 1).getHeader("Authorization")).isNotEqualTo("Bearer " + old);
    }

    @Test
    void aTokenTheOldCredentialsFetchAfterTheChangeIsNotUsedWithTheNewOnes() {
        var clientId = "hub-" + UUID.randomUUID();
        var secret = "s3cr3t-" + UUID.randomUUID();
        var hub = new WebhookClient(port);
        var tenant = hub.tenantWithSources(Map.of("doktor365RatePerSecond", 100));
        assertThat(hub.source(tenant, "doktor365", Map.of("secrets", List.of(WebhookClient.STANDARD_SECRET),
                "credentials", Map.of("clientId", clientId, "clientSecret", secret, "baseUrl", sandbox.baseUrl())))
                .status()).isEqualTo(200);
        doktor365.patient(tenant, "p-1001");
        var otherClient = "hub-" + UUID.randomUUID();
        assertThat(hub.source(tenant, "doktor365", Map.of("secrets", List.of(WebhookClient.STANDARD_SECRET),
                "credentials", Map.of("clientId", otherClient, "clientSecret", "s3cr3t-" + UUID.randomUUID(),
                        "baseUrl", sandbox.baseUrl()))).status()).isEqualTo(200);

        // a call that began with the old credentials (a retry, another instance's 5 s cache) refreshes after the change
        var stale = tokens.refresh(new Doktor365Tokens.Client(tenant, clientId, secret, sandbox.baseUrl()), null);
        doktor365.patient(tenant, "p-1001");

        assertThat(tokenRequests()).hasSize(3);
        assertThat(tokenRequests().get(2).getBodyAsString()).contains("client_id=" + otherClient);
        var requests = apiRequests();
        assertThat(requests.get(requests.size() - 1).getHeader("Authorization")).isNotEqualTo("Bearer " + stale)
                .isEqualTo("Bearer " + token(tenant));
    }

    @Test
    void aTokenWithAnExpiryOfZeroOrAbsurdlyLargeIsStillUsable() {
        for (var expiresIn : List.of("0", "-5", "9223372036854775807")) {
            var clientId = "odd-expiry-" + UUID.randomUUID();
            sandbox.server().stubFor(post(urlEqualTo("/oauth/token")).atPriority(1)
                    .withRequestBody(containing("client_id=" + clientId))
                    .willReturn(okJson("{\"access_token\":\"d365_odd_expiry_token\",\"token_type\":\"Bearer\","
                            + "\"expires_in\":" + expiresIn + "}")));
            var tenant = tenant(clientId, Map.of("doktor365RatePerSecond", 100));

            assertThat(doktor365.patient(tenant, "p-1001").get("id").asText()).as(expiresIn).isEqualTo("p-1001");
            assertThat(redis.getExpire("d365:token:" + tenant, TimeUnit.SECONDS)).as(expiresIn).isBetween(0L, 55 * 60L);
        }
    }

    @Test
    void aTokenIsFetchedAgainOnceItsCacheExpired() {
        var tenant = tenant("short-lived", Map.of("doktor365RatePerSecond", 100));
        doktor365.patient(tenant, "p-1");
        var first = token(tenant);
        assertThat(redis.getExpire("d365:token:" + tenant, TimeUnit.MILLISECONDS)).as("11/12 of expires_in 2 s")
                .isPositive().isLessThanOrEqualTo(1834);

        await().atMost(Duration.ofSeconds(5)).until(() -> !Boolean.TRUE.equals(redis.hasKey("d365:token:" + tenant)));
        doktor365.patient(tenant, "p-1");

        assertThat(tokenRequests()).hasSize(2);
        assertThat(token(tenant)).isNotNull().isNotEqualTo(first);
    }

    @Test
    void a401RefreshesTheTokenOnceAndRetriesTheCallOnce() {
        var tenant = tenant();
        doktor365.patient(tenant, "p-1");
        var expired = token(tenant);
        sandbox.expire(expired);

        var patient = doktor365.patient(tenant, "p-2");

        assertThat(patient.get("id").asText()).isEqualTo("p-2");
        assertThat(tokenRequests()).hasSize(2);
        var fresh = token(tenant);
        assertThat(fresh).isNotEqualTo(expired);
        var calls = apiRequests();
        assertThat(calls).extracting(request -> request.getHeader("Authorization"))
                .containsExactly("Bearer " + expired, "Bearer " + expired, "Bearer " + fresh);
    }

    @Test
    void a401ThatAFreshTokenDoesNotCureIsARefusalNotRetried() {
        var tenant = tenant();
        sandbox.down(401);

        assertThatThrownBy(() -> doktor365.patient(tenant, "p-1")).isInstanceOf(Doktor365Rejected.class)
                .hasMessageContaining("401");
        assertThat(tokenRequests()).hasSize(2);
        assertThat(apiRequests()).as("one call, one retry after the refresh").hasSize(2);
    }

    @Test
    void twentyConcurrentCallsOfATenantShareOneTokenRefresh() throws Exception {
        var tenant = tenant();
        var pool = Executors.newFixedThreadPool(20);
        try {
            var calls = new ArrayList<Callable<JsonNode>>();
            for (int i = 0; i < 20; i++) {
                var id = "p-" + i;
                calls.add(() -> doktor365.patient(tenant, id));
            }
            var answers = new ArrayList<JsonNode>();
            for (Future<JsonNode> answer : pool.invokeAll(calls, 60, TimeUnit.SECONDS)) {
                answers.add(answer.get());
            }
            assertThat(answers).hasSize(20);
        } finally {
            pool.shutdownNow();
        }
        assertThat(tokenRequests()).hasSize(1);
        assertThat(apiRequests()).hasSize(20);
    }

    @Test
    void a429WithRetryAfterIsWaitedOutBeforeTheRetry() {
        var tenant = tenant();
        doktor365.patient(tenant, "p-0");
        sandbox.server().resetRequests();
        sandbox.rateLimited(1, 1);

        var patient = doktor365.patient(tenant, "p-1");

        assertThat(patient.get("id").asText()).isEqualTo("p-1");
        var calls = apiRequests();
        assertThat(calls).hasSize(2);
        var waited = Duration.between(calls.get(0).getLoggedDate().toInstant(), calls.get(1).getLoggedDate().toInstant());
        assertThat(waited).as("Retry-After 1 s, not the 20 ms backoff").isGreaterThanOrEqualTo(Duration.ofMillis(950));
    }

    @Test
    void theBreakerOpensUnder5xxStopsCallingAndClosesAgainOnceDoktor365Recovers() {
        var tenant = tenant();
        doktor365.patient(tenant, "p-0");
        assertThat(routes.breakerState(tenant)).contains("CLOSED");
        sandbox.down(503);

        assertThatThrownBy(() -> doktor365.patient(tenant, "p-1")).isInstanceOf(Doktor365Unavailable.class);
        assertThatThrownBy(() -> doktor365.patient(tenant, "p-1")).isInstanceOf(RuntimeException.class);
        assertThat(routes.breakerState(tenant)).contains("OPEN");
        var reachedWhileOpen = apiRequests().size();
        assertThatThrownBy(() -> doktor365.patient(tenant, "p-1")).isInstanceOf(RuntimeException.class);
        assertThat(apiRequests()).as("an open breaker does not call Doktor365").hasSize(reachedWhileOpen);
        var other = tenant();
        sandbox.reset();
        assertThat(doktor365.patient(other, "p-9").get("id").asText()).as("another tenant's breaker is its own")
                .isEqualTo("p-9");

        await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(200)).ignoreExceptions().untilAsserted(() -> {
            assertThat(doktor365.patient(tenant, "p-2").get("id").asText()).isEqualTo("p-2");
            assertThat(routes.breakerState(tenant)).contains("CLOSED");
        });
    }

    @Test
    void theThrottleHoldsTheTenantsCallsPerSecond() throws Exception {
        var tenant = tenant("hub-" + UUID.randomUUID(), Map.of("doktor365RatePerSecond", 4));
        doktor365.patient(tenant, "p-warm");
        sandbox.server().resetRequests();
        var pool = Executors.newFixedThreadPool(12);
        try {
            var calls = new ArrayList<Callable<JsonNode>>();
            for (int i = 0; i < 12; i++) {
                var id = "p-" + i;
                calls.add(() -> doktor365.patient(tenant, id));
            }
            for (var answer : pool.invokeAll(calls, 60, TimeUnit.SECONDS)) {
                answer.get();
            }
        } finally {
            pool.shutdownNow();
        }
        var times = apiRequests().stream().map(request -> request.getLoggedDate().toInstant()).sorted().toList();
        assertThat(times).hasSize(12);
        for (int i = 0; i + 4 < times.size(); i++) {
            assertThat(Duration.between(times.get(i), times.get(i + 4)))
                    .as("no 5 calls within one second at 4 per second").isGreaterThanOrEqualTo(Duration.ofMillis(900));
        }
    }

    @Test
    void aSlowAnswerPastTheTimeLimitFailsTheCall() {
        var tenant = tenant();
        doktor365.patient(tenant, "p-0");
        sandbox.slow(3_000);
        var started = Instant.now();

        assertThatThrownBy(() -> doktor365.patient(tenant, "p-1")).isInstanceOf(RuntimeException.class);

        assertThat(Duration.between(started, Instant.now())).as("three attempts of at most 2 s each")
                .isLessThan(Duration.ofSeconds(8));
    }

    @Test
    void casesUpdatedSinceComePageByPage() {
        var tenant = tenant();

        var first = doktor365.casePage(tenant, Instant.parse("2025-02-01T00:00:00Z"), null);
        var second = doktor365.casePage(tenant, Instant.parse("2025-02-01T00:00:00Z"), first.get("next_cursor").asText());

        assertThat(first.get("data")).hasSize(2);
        assertThat(first.get("has_more").asBoolean()).isTrue();
        assertThat(second.get("data").get(0).get("id").asText()).isEqualTo("c-1003");
        assertThat(second.get("has_more").asBoolean()).isFalse();
        assertThat(apiRequests().get(0).queryParameter("updated_since").firstValue()).isEqualTo("2025-02-01T00:00:00Z");
    }

    @Test
    void anUnknownPatientIsARefusalNotRetried() {
        var tenant = tenant();

        assertThatThrownBy(() -> doktor365.patient(tenant, "p-missing")).isInstanceOf(Doktor365Rejected.class)
                .satisfies(e -> assertThat(((Doktor365Rejected) e).error()).isEqualTo("not_found"));
        assertThat(apiRequests()).hasSize(1);
        assertThat(routes.breakerState(tenant)).contains("CLOSED");
    }

    @Test
    void aStatusPushReachesDoktor365() {
        var tenant = tenant();

        doktor365.pushStatus(tenant, "c-1001", "docs");

        var pushed = sandbox.server().findAll(putRequestedFor(urlEqualTo("/v1/cases/c-1001/status")));
        assertThat(pushed).hasSize(1);
        assertThat(pushed.get(0).getBodyAsString()).isEqualTo("{\"status\":\"docs\"}");
        assertThat(pushed.get(0).getHeaders().keys()).noneMatch(name -> name.toLowerCase().startsWith("hub"));
    }

    @Test
    void aPartnerDownPastTheRetriesLeavesOneApprovalItemWithTheOriginalMessage() {
        var tenant = tenant();
        sandbox.down(503);

        doktor365.pushStatus(tenant, "c-2002", "travel");

        assertThat(sandbox.server().findAll(putRequestedFor(urlEqualTo("/v1/cases/c-2002/status")))).hasSize(ATTEMPTS);
        var ops = new OpsClient(port, OpsClient.OPS);
        var items = ops.get("/ops/api/approvals?status=pending&tenant=" + tenant).body().get("items");
        assertThat(items).hasSize(1);
        var item = items.get(0);
        assertThat(item.get("routeId").asText()).isEqualTo("doktor365-push-status");
        var original = new OpsClient(port, OpsClient.ADMIN).get("/ops/api/approvals/" + item.get("id").asText() + "/payload");
        assertThat(original.response().body()).isEqualTo("{\"caseId\":\"c-2002\",\"status\":\"travel\"}");

        sandbox.reset();
        var granted = ops.post("/ops/api/approvals/" + item.get("id").asText() + "/grant", null);
        assertThat(granted.body().get("status").asText()).isEqualTo("replayed");
        assertThat(sandbox.server().findAll(putRequestedFor(urlEqualTo("/v1/cases/c-2002/status")))).hasSize(1);
    }
}
