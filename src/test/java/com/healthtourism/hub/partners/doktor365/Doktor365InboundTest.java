package com.healthtourism.hub.partners.doktor365;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.read.ListAppender;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.core.env.Environment;

import com.healthtourism.hub.approvals.OpsClient;
import com.healthtourism.hub.local.HubTest;
import com.healthtourism.hub.local.OwnerDatabase;
import com.healthtourism.hub.patients.PatientRecords;
import com.healthtourism.hub.tenancy.TenantTransactions;
import com.healthtourism.hub.webhooks.PartnerSigner;
import com.healthtourism.hub.webhooks.WebhookClient;

/**
 * Doktor365 webhooks through the whole inbound path (signed intake, outbox, Kafka, doktor365-inbound): the patient and
 * the case land in the tenant's tables, encrypted, once per Doktor365 id however often the partner delivers them.
 */
@HubTest
class Doktor365InboundTest {

    private static final Duration DEADLINE = Duration.ofSeconds(60);

    @LocalServerPort
    int port;
    @Autowired
    TenantTransactions transactions;
    @Autowired
    PatientRecords records;
    @Autowired
    Environment environment;

    @Test
    void aPatientAndCaseDeliveredTwiceAreOneUserAndOneCaseWithNoPlaintextAtRestOrInTheLogs() throws SQLException {
        var partner = new WebhookClient(port);
        var tenant = partner.tenantWithSources(Map.of());
        var created = caseEvent("case.created", "2026-11-20T10:00:00Z", "intake");
        var root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        var hub = (Logger) LoggerFactory.getLogger("com.healthtourism");
        var hubLevel = hub.getLevel();
        var logs = new ListAppender<ILoggingEvent>();
        logs.start();
        root.addAppender(logs);
        hub.setLevel(Level.TRACE);
        try {
            flow(partner, tenant, created);
        } finally {
            hub.setLevel(hubLevel);
            root.detachAppender(logs);
        }

        assertThat(logs.list).as("the capture saw the flow").anyMatch(event -> event.getLoggerName().startsWith("com.healthtourism"));
        for (var event : logs.list) {
            var line = event.getFormattedMessage()
                    + (event.getThrowableProxy() == null ? "" : ThrowableProxyUtil.asString(event.getThrowableProxy()));
            assertThat(line).as("no PII in the logs of the flow")
                    .doesNotContain("Ayse", "Yilmaz", "ayse.yilmaz", "905321234567", "U12345678", "hypertension");
        }
    }

    private void flow(WebhookClient partner, UUID tenant, String created) throws SQLException {

        assertThat(deliver(partner, tenant, created).status()).isEqualTo(202);
        // the partner delivers the same case again as a new message (another webhook-id)
        assertThat(deliver(partner, tenant, created).status()).isEqualTo(202);
        assertThat(deliver(partner, tenant, caseEvent("case.status_changed", "2026-11-21T10:00:00Z", "travel")).status())
                .isEqualTo(202);

        await().atMost(DEADLINE).untilAsserted(() -> {
            assertThat(count(tenant, "users")).isEqualTo(1);
            assertThat(count(tenant, "cases")).isEqualTo(1);
            var caseId = transactions.inTenant(tenant, db -> db.sql("SELECT id FROM cases").query(UUID.class).single());
            assertThat(records.patientCase(tenant, caseId).orElseThrow().status()).isEqualTo("travel");
        });
        var patientId = records.patientByEmail(tenant, "Ayse.Yilmaz@Example.com").orElseThrow();
        assertThat(records.patient(tenant, patientId).orElseThrow().name()).contains("Ayse");
        try (var db = OwnerDatabase.connect(environment);
             var query = db.prepareStatement("SELECT u::text || c::text FROM users u JOIN cases c ON c.patient_id = u.id"
                     + " WHERE u.tenant_id = ?")) {
            query.setObject(1, tenant);
            try (var row = query.executeQuery()) {
                row.next();
                assertThat(row.getString(1)).as("no plaintext PII at rest")
                        .doesNotContain("Ayse", "Yilmaz", "ayse.yilmaz", "905321234567", "U12345678", "hypertension");
            }
        }
    }

    @Test
    void aLaterEventNamingThePatientWithoutItsRecordKeepsAnEarlierEventsRecordFromApplying() {
        var partner = new WebhookClient(port);
        var tenant = partner.tenantWithSources(Map.of());
        var assigned = "{\"type\": \"case.assigned\", \"timestamp\": \"2026-11-21T10:00:00Z\", \"data\":"
                + " {\"case_id\": \"d365-case-88412\", \"patient_id\": \"d365-pat-55120\", \"stage\": \"travel\"}}";

        // the later event, without the patient's record, arrives first
        assertThat(deliver(partner, tenant, assigned).status()).isEqualTo(202);
        await().atMost(DEADLINE).until(() -> count(tenant, "cases") == 1);
        assertThat(deliver(partner, tenant, caseEvent("case.created", "2026-11-20T10:00:00Z", "intake")).status())
                .isEqualTo(202);

        await().atMost(DEADLINE).untilAsserted(() -> {
            var patientId = records.patientByEmail(tenant, "ayse.yilmaz@example.com");
            assertThat(patientId).as("the earlier event's record of the patient applied").isPresent();
            assertThat(records.patient(tenant, patientId.get()).orElseThrow().name()).isEqualTo("Ayse Yilmaz");
        });
        assertThat(count(tenant, "users")).isEqualTo(1);
        var caseId = transactions.inTenant(tenant, db -> db.sql("SELECT id FROM cases").query(UUID.class).single());
        assertThat(records.patientCase(tenant, caseId).orElseThrow().status()).as("the case keeps the later stage")
                .isEqualTo("travel");
    }

    @Test
    void aCaseEventThatCannotBeAppliedWaitsInTheApprovalQueue() {
        var partner = new WebhookClient(port);
        var tenant = partner.tenantWithSources(Map.of());
        // a case event that maps (it has a case id) but names no patient: the upsert refuses it
        var withoutPatient = "{\"type\": \"case.updated\", \"timestamp\": \"2026-11-20T10:00:00Z\","
                + " \"data\": {\"case_id\": \"d365-case-1\", \"stage\": \"travel\"}}";

        assertThat(deliver(partner, tenant, withoutPatient).status()).isEqualTo(202);

        var ops = new OpsClient(port, OpsClient.OPS);
        var items = await().atMost(DEADLINE).until(() -> ops.get("/ops/api/approvals?tenant=" + tenant).body().get("items"),
                found -> found.size() == 1);
        assertThat(items.get(0).get("routeId").asText()).isEqualTo("doktor365-apply");
        assertThat(items.get(0).get("tenantId").asText()).isEqualTo(tenant.toString());
        assertThat(count(tenant, "cases")).isZero();
    }

    private static String caseEvent(String type, String timestamp, String stage) {
        return """
                {"type": "%s", "timestamp": "%s",
                 "data": {"case_id": "d365-case-88412", "patient_id": "d365-pat-55120",
                          "patient": {"first_name": "Ayse", "last_name": "Yilmaz", "email": "ayse.yilmaz@example.com",
                                      "phone": "+905321234567", "passport_number": "U12345678"},
                          "treatment": "FUE hair transplant", "notes": "Patient reports mild hypertension.",
                          "status": "new", "stage": "%s"}}""".formatted(type, timestamp, stage);
    }

    private static WebhookClient.Answer deliver(WebhookClient partner, UUID tenant, String body) {
        var id = "msg_" + UUID.randomUUID();
        var now = Instant.now().getEpochSecond();
        return partner.post("/webhooks/" + tenant + "/doktor365", "application/json", body.getBytes(StandardCharsets.UTF_8),
                Map.of("webhook-id", id, "webhook-timestamp", Long.toString(now),
                        "webhook-signature", PartnerSigner.standardWebhooks(WebhookClient.STANDARD_SECRET, id, now, body)));
    }

    private long count(UUID tenant, String table) {
        return transactions.inTenant(tenant, db -> db.sql("SELECT count(*) FROM " + table).query(Long.class).single());
    }
}
