package com.healthtourism.hub.partners.doktor365;

import static com.github.tomakehurst.wiremock.client.WireMock.absent;
import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.matching;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.put;
import static com.github.tomakehurst.wiremock.client.WireMock.putRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.tomakehurst.wiremock.stubbing.StubMapping;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;

import com.healthtourism.hub.approvals.OpsClient;
import com.healthtourism.hub.cases.TenantApiClient;
import com.healthtourism.hub.local.Doktor365Sandbox;
import com.healthtourism.hub.local.HubTest;
import com.healthtourism.hub.patients.PatientRecords;
import com.healthtourism.hub.tenancy.TenantTransactions;
import com.healthtourism.hub.webhooks.WebhookClient;

/**
 * Keeping a tenant's cases in step with Doktor365 both ways, against the Doktor365 sandbox: the reconciliation applies
 * the cases changed since the tenant's checkpoint (and applying them again changes nothing), and a case move the hub
 * makes on a Doktor365 case is pushed back to Doktor365.
 */
@HubTest
class Doktor365SyncTest {

    private static Doktor365Sandbox sandbox;

    @LocalServerPort
    int port;
    @Autowired
    Doktor365Reconciliation reconciliation;
    @Autowired
    TenantTransactions transactions;
    @Autowired
    PatientRecords records;

    @BeforeAll
    static void startSandbox() {
        sandbox = Doktor365Sandbox.start();
    }

    @AfterAll
    static void stopSandbox() {
        sandbox.close();
    }

    @Test
    void reconciliationAppliesTheCasesChangedSinceTheCheckpointOnceAndMovesTheCheckpoint() throws Throwable {
        var tenant = tenantWithCredentials(new TenantApiClient(port).admin());
        assertThat(reconciliation.tenants()).contains(tenant);
        transactions.inTenant(tenant, db -> db.sql("""
                        INSERT INTO doktor365_checkpoints (tenant_id, updated_since) VALUES (?, '2025-01-01T00:00:00Z')""")
                .param(tenant).update());

        reconciliation.reconcile(tenant);

        assertThat(count(tenant, "cases")).isEqualTo(3);
        assertThat(count(tenant, "users")).isEqualTo(1);
        var travelling = transactions.inTenant(tenant, db -> db.sql("""
                        SELECT c.id FROM cases c JOIN external_refs r ON r.local_id = c.id
                        WHERE r.kind = 'case' AND r.external_id = 'c-1003'""").query(UUID.class).single());
        assertThat(records.patientCase(tenant, travelling).orElseThrow().status()).isEqualTo("travel");
        assertThat(sandbox.server().findAll(getRequestedFor(urlPathEqualTo("/v1/cases"))))
                .anySatisfy(list -> assertThat(list.queryParameter("updated_since").firstValue())
                        .startsWith("2025-01-01T00:00"));
        assertThat(checkpoint(tenant)).as("the newest change applied")
                .isEqualTo(OffsetDateTime.parse("2025-02-01T12:00:00Z"));
        var changedBefore = lastChange(tenant);

        reconciliation.reconcile(tenant);

        assertThat(count(tenant, "cases")).isEqualTo(3);
        assertThat(lastChange(tenant)).as("applying the same cases again changes nothing").isEqualTo(changedBefore);
    }

    @Test
    void aCaseTheHubCannotUseWaitsForApprovalAndTheRunGoesOnPastIt() throws Throwable {
        var tenant = tenantWithCredentials(new TenantApiClient(port).admin());
        reconcileFrom(tenant, "2025-06-01T00:00:00Z", """
                        {"data": [
                          {"id": "c-9001", "patient_id": null, "status": "intake", "treatment": "dental implants",
                           "updated_at": "2025-06-02T10:00:00Z"},
                          {"id": "c-9002", "patient_id": "p-1001", "status": "intake", "treatment": "hair transplant",
                           "updated_at": "2025-06-02T11:00:00Z"}
                        ], "has_more": false, "next_cursor": null}""");

        assertThat(count(tenant, "cases")).as("the usable case is applied").isEqualTo(1);
        assertThat(checkpoint(tenant)).as("past both").isEqualTo(OffsetDateTime.parse("2025-06-02T11:00:00Z"));
        var ops = new OpsClient(port, OpsClient.OPS);
        var items = ops.get("/ops/api/approvals?status=pending&tenant=" + tenant).body().get("items");
        assertThat(items).hasSize(1);
        assertThat(items.get(0).get("routeId").asText()).isEqualTo("doktor365-reconcile-case");
        assertThat(items.get(0).get("errorMessage").asText()).isEqualTo("the case has no patient_id");

        var granted = ops.post("/ops/api/approvals/" + items.get(0).get("id").asText() + "/grant", Map.of("reason", "retry"));
        assertThat(granted.body().get("status").asText()).as("still unusable: pending again").isEqualTo("pending");
        assertThat(granted.body().get("attempts").asInt()).isEqualTo(2);
    }

    @Test
    void casesWhoseFaultsWouldRecurOnEveryRunAreParkedAndTheRunGoesOn() throws Throwable {
        var tenant = tenantWithCredentials(new TenantApiClient(port).admin());
        reconcileFrom(tenant, "2025-07-01T00:00:00Z", """
                        {"data": [
                          {"id": "c-9101", "patient_id": "p-missing", "status": "intake", "updated_at": "2025-07-02T09:00:00Z"},
                          {"id": "c-9102", "patient_id": "p-1001", "status": "intake", "updated_at": "2025-07-02 10:00"},
                          {"id": "c-9103", "patient_id": "p 1001", "status": "intake", "updated_at": "2025-07-02T10:30:00Z"},
                          {"id": "c-9104", "patient_id": "p-1001", "status": "intake", "updated_at": "2025-07-02T11:00:00Z"}
                        ], "has_more": false, "next_cursor": null}""");

        assertThat(count(tenant, "cases")).as("the usable case is applied").isEqualTo(1);
        assertThat(checkpoint(tenant)).as("past all four").isEqualTo(OffsetDateTime.parse("2025-07-02T11:00:00Z"));
        var items = new OpsClient(port, OpsClient.OPS).get("/ops/api/approvals?status=pending&tenant=" + tenant).body()
                .get("items");
        assertThat(items).extracting(item -> item.get("errorMessage").asText()).containsExactlyInAnyOrder(
                "the case's patient is not found in Doktor365", "the case's updated_at is not a date-time",
                "the case's patient_id is not a Doktor365 id");
    }

    @Test
    void aCaseChangedInTheFutureWaitsForApprovalAndHoldsNeitherTheCaseNorTheCheckpoint() throws Throwable {
        var tenant = tenantWithCredentials(new TenantApiClient(port).admin());
        reconcileFrom(tenant, "2025-10-01T00:00:00Z", """
                        {"data": [
                          {"id": "c-9401", "patient_id": "p-9401", "status": "intake", "updated_at": "2099-01-01T00:00:00Z"},
                          {"id": "c-9402", "patient_id": "p-1001", "status": "intake", "updated_at": "2025-10-02T09:00:00Z"}
                        ], "has_more": false, "next_cursor": null}""");

        assertThat(count(tenant, "cases")).isEqualTo(1);
        assertThat(checkpoint(tenant)).as("not moved into the future").isEqualTo(OffsetDateTime.parse("2025-10-02T09:00:00Z"));
        var items = new OpsClient(port, OpsClient.OPS).get("/ops/api/approvals?status=pending&tenant=" + tenant).body()
                .get("items");
        assertThat(items).extracting(item -> item.get("errorMessage").asText())
                .containsExactly("the case's updated_at is in the future");
        assertThat(sandbox.server().findAll(getRequestedFor(urlPathEqualTo("/v1/patients/p-9401"))))
                .as("refused before its patient is read").isEmpty();
    }

    @Test
    void aCursorDoktor365GivesAgainEndsTheRunAndTheNextRunReadsTheWindowAfresh() throws Throwable {
        var tenant = tenantWithCredentials(new TenantApiClient(port).admin());
        var since = "2025-08-01T00:00:00Z";
        var circle = """
                {"data": [{"id": "c-9201", "patient_id": "p-1001", "status": "intake", "updated_at": "2025-08-02T09:00:00Z"}],
                 "has_more": true, "next_cursor": "round-and-round"}""";

        assertTimeoutPreemptively(Duration.ofSeconds(30), () -> reconcileFrom(tenant, since, circle));

        assertThat(count(tenant, "cases")).isEqualTo(1);
        assertThat(checkpoint(tenant)).as("the window stays").isEqualTo(OffsetDateTime.parse(since));
        assertThat(cursor(tenant)).isNull();
    }

    @Test
    void aRunReadsAtMostItsPagesAndTheNextGoesOnFromTheCursor() throws Throwable {
        var tenant = tenantWithCredentials(new TenantApiClient(port).admin());
        var since = "2025-09-01T00:00:00Z";
        var stubs = new ArrayList<StubMapping>();
        for (int i = 0; i < 5; i++) {
            var list = get(urlPathEqualTo("/v1/cases")).withQueryParam("updated_since", matching("2025-09-01T00:00.*"));
            list = i == 0 ? list.withQueryParam("cursor", absent()) : list.withQueryParam("cursor", equalTo("page-" + i));
            stubs.add(sandbox.server().stubFor(list.atPriority(1).willReturn(okJson("""
                    {"data": [{"id": "c-93%02d", "patient_id": "p-1001", "status": "intake",
                               "updated_at": "2025-09-02T%02d:00:00Z"}],
                     "has_more": %s, "next_cursor": "page-%d"}""".formatted(i, i, i < 4, i + 1)))));
        }
        try {
            reconcileFrom(tenant, since, null);
            assertThat(count(tenant, "cases")).as("three pages (hub.doktor365.reconcile-max-pages)").isEqualTo(3);
            assertThat(cursor(tenant)).isEqualTo("page-3");
            assertThat(checkpoint(tenant)).isEqualTo(OffsetDateTime.parse(since));

            reconciliation.reconcile(tenant);

            assertThat(count(tenant, "cases")).isEqualTo(5);
            assertThat(cursor(tenant)).isNull();
            assertThat(checkpoint(tenant)).isEqualTo(OffsetDateTime.parse("2025-09-02T04:00:00Z"));
        } finally {
            stubs.forEach(sandbox.server()::removeStub);
        }
    }

    /**
     * One reconciliation of the tenant from {@code since}, Doktor365 answering its case list with {@code page} (null:
     * as the sandbox's stubs answer).
     */
    private void reconcileFrom(UUID tenant, String since, String page) throws Throwable {
        transactions.inTenant(tenant, db -> db.sql(
                        "INSERT INTO doktor365_checkpoints (tenant_id, updated_since) VALUES (?, CAST(? AS timestamptz))")
                .params(tenant, since).update());
        if (page == null) {
            reconciliation.reconcile(tenant);
            return;
        }
        var stub = sandbox.server().stubFor(get(urlPathEqualTo("/v1/cases"))
                .withQueryParam("updated_since", matching(since.substring(0, 16) + ".*")).atPriority(1)
                .willReturn(okJson(page)));
        try {
            reconciliation.reconcile(tenant);
        } finally {
            sandbox.server().removeStub(stub);
        }
    }

    @Test
    void aRunThatFailsKeepsTheCheckpointAndAppliesNothingTwice() {
        var tenant = tenantWithCredentials(new TenantApiClient(port).admin());
        transactions.inTenant(tenant, db -> db.sql("""
                        INSERT INTO doktor365_checkpoints (tenant_id, updated_since) VALUES (?, '2025-01-01T00:00:00Z')""")
                .param(tenant).update());
        sandbox.down(503);
        try {
            assertThatThrownBy(() -> reconciliation.reconcile(tenant)).isInstanceOf(Doktor365Unavailable.class);
        } finally {
            sandbox.reset();
        }

        assertThat(checkpoint(tenant)).isEqualTo(OffsetDateTime.parse("2025-01-01T00:00:00Z"));
        assertThat(count(tenant, "cases")).isZero();
    }

    @Test
    void aCaseMoveTheHubMakesOnADoktor365CaseIsPushedToDoktor365() throws Throwable {
        var api = new TenantApiClient(port);
        var tenant = tenantWithCredentials(api.admin());
        var caseId = reconciledCase(tenant, "c-1001");
        var key = api.key(tenant, false);

        var moved = api.move(key, caseId, "eligibility");

        assertThat(moved.status()).isEqualTo(200);
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() ->
                assertThat(sandbox.server().findAll(anyRequestedFor(urlPathEqualTo("/v1/cases/c-1001/status"))))
                        .anySatisfy(push -> assertThat(push.getBodyAsString()).contains("eligibility")));
    }

    @Test
    void aParkedPushGrantedAfterTheCaseMovedOnIsNotSent() throws Throwable {
        var api = new TenantApiClient(port);
        var tenant = tenantWithCredentials(api.admin());
        var caseId = reconciledCase(tenant, "c-1001");
        var key = api.key(tenant, false);
        var pushes = urlPathEqualTo("/v1/cases/c-1001/status");
        var ops = new OpsClient(port, OpsClient.OPS);
        var item = parkedPush(api, key, tenant, caseId, "eligibility");
        assertThat(item.get("routeId").asText()).isEqualTo("doktor365-push-status");
        assertThat(api.move(key, caseId, "travel").status()).isEqualTo(200);
        await().atMost(Duration.ofSeconds(60)).until(() -> sandbox.server().findAll(putRequestedFor(pushes)).stream()
                .anyMatch(push -> push.getBodyAsString().contains("travel")));
        var eligibilityPushes = eligibilityPushes();

        var granted = ops.post("/ops/api/approvals/" + item.get("id").asText() + "/grant", Map.of("reason", "retry"));

        assertThat(granted.body().get("status").asText()).as("its replay ends without sending").isEqualTo("replayed");
        assertThat(eligibilityPushes()).as("Doktor365 is not set back to eligibility").isEqualTo(eligibilityPushes);
    }

    /** Moves the case to {@code status} while Doktor365 refuses its push (422): the push's approval item. */
    private JsonNode parkedPush(TenantApiClient api, String key, UUID tenant, UUID caseId, String status) {
        var refused = sandbox.server().stubFor(put(urlPathEqualTo("/v1/cases/c-1001/status")).atPriority(1)
                .willReturn(aResponse().withStatus(422).withHeader("Content-Type", "application/json")
                        .withBody("{\"error\": \"case_locked\"}")));
        try {
            assertThat(api.move(key, caseId, status).status()).isEqualTo(200);
            var ops = new OpsClient(port, OpsClient.OPS);
            return await().atMost(Duration.ofSeconds(60)).until(
                    () -> ops.get("/ops/api/approvals?status=pending&tenant=" + tenant).body().get("items"),
                    items -> items.size() == 1).get(0);
        } finally {
            sandbox.server().removeStub(refused);
        }
    }

    /** Reconciles the tenant with the sandbox's cases and returns the hub's id of the partner's case. */
    private UUID reconciledCase(UUID tenant, String partnerCaseId) throws Throwable {
        reconciliation.reconcile(tenant);
        return transactions.inTenant(tenant, db -> db.sql("""
                        SELECT c.id FROM cases c JOIN external_refs r ON r.local_id = c.id
                        WHERE r.kind = 'case' AND r.external_id = ?""").param(partnerCaseId).query(UUID.class).single());
    }

    @Test
    void doktor365ReportingAStatusTheHubPushedIsNoMoveOfItsOwnAndKeepsTheHubsLaterMove() throws Throwable {
        var api = new TenantApiClient(port);
        var tenant = tenantWithCredentials(api.admin());
        var caseId = reconciledCase(tenant, "c-1001");
        var key = api.key(tenant, false);
        var pushes = urlPathEqualTo("/v1/cases/c-1001/status");
        assertThat(api.move(key, caseId, "eligibility").status()).isEqualTo(200);
        // Doktor365 took the push (and the hub noted what it told Doktor365)
        await().atMost(Duration.ofSeconds(60)).until(() -> "eligibility".equals(transactions.inTenant(tenant, db -> db.sql(
                "SELECT partner_status FROM external_refs WHERE kind = 'case' AND external_id = 'c-1001'")
                .query(String.class).single())));
        // the next move's push is refused for now: it waits in the approval queue
        var ops = new OpsClient(port, OpsClient.OPS);
        var item = parkedPush(api, key, tenant, caseId, "travel");

        // Doktor365 reports the case as the hub's first push left it
        var page = sandbox.server().stubFor(get(urlPathEqualTo("/v1/cases")).atPriority(1).willReturn(okJson("""
                {"data": [{"id": "c-1001", "patient_id": "p-1001", "status": "quotation", "treatment": "hair transplant",
                           "updated_at": "%s"}], "has_more": false, "next_cursor": null}"""
                .formatted(OffsetDateTime.now().minusMinutes(1)))));
        try {
            reconciliation.reconcile(tenant);
        } finally {
            sandbox.server().removeStub(page);
        }

        assertThat(records.patientCase(tenant, caseId).orElseThrow().status()).as("the hub's later move stands")
                .isEqualTo("travel");
        var granted = ops.post("/ops/api/approvals/" + item.get("id").asText() + "/grant", Map.of("reason", "retry"));
        assertThat(granted.body().get("status").asText()).isEqualTo("replayed");
        assertThat(sandbox.server().findAll(putRequestedFor(pushes)))
                .anySatisfy(push -> assertThat(push.getBodyAsString()).contains("travel"));
    }

    private long eligibilityPushes() {
        return sandbox.server().findAll(putRequestedFor(urlPathEqualTo("/v1/cases/c-1001/status"))).stream()
                .filter(push -> push.getBodyAsString().contains("eligibility")).count();
    }

    private UUID tenantWithCredentials(WebhookClient hub) {
        var tenant = hub.tenantWithSources(Map.of("doktor365RatePerSecond", 100));
        var put = hub.source(tenant, "doktor365", Map.of("secrets", List.of(WebhookClient.STANDARD_SECRET),
                "credentials", Map.of("clientId", "hub-" + UUID.randomUUID(), "clientSecret", "s3cr3t-" + UUID.randomUUID(),
                        "baseUrl", sandbox.baseUrl())));
        assertThat(put.status()).isEqualTo(200);
        return tenant;
    }

    private long count(UUID tenant, String table) {
        return transactions.inTenant(tenant, db -> db.sql("SELECT count(*) FROM " + table).query(Long.class).single());
    }

    private OffsetDateTime lastChange(UUID tenant) {
        return transactions.inTenant(tenant, db -> db.sql("SELECT max(updated_at) FROM cases").query(OffsetDateTime.class)
                .single());
    }

    private OffsetDateTime checkpoint(UUID tenant) {
        return transactions.inTenant(tenant, db -> db.sql("SELECT updated_since FROM doktor365_checkpoints")
                .query(OffsetDateTime.class).single());
    }

    private String cursor(UUID tenant) {
        return transactions.inTenant(tenant, db -> db.sql("SELECT cursor FROM doktor365_checkpoints")
                .query(String.class).optional().orElse(null));
    }
}
