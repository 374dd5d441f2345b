package com.healthtourism.hub.patients;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.read.ListAppender;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.crypto.tink.Aead;
import com.google.crypto.tink.InsecureSecretKeyAccess;
import com.google.crypto.tink.KeysetHandle;
import com.google.crypto.tink.RegistryConfiguration;
import com.google.crypto.tink.TinkJsonProtoKeysetFormat;
import com.google.crypto.tink.aead.PredefinedAeadParameters;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.core.env.Environment;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.core.io.ClassPathResource;

import com.healthtourism.hub.cases.CaseMoves;
import com.healthtourism.hub.cases.CaseStateCache;
import com.healthtourism.hub.cases.CaseStatus;
import com.healthtourism.hub.crypto.CipherFailure;
import com.healthtourism.hub.crypto.FieldCipher;
import com.healthtourism.hub.local.HubTest;
import com.healthtourism.hub.local.OwnerDatabase;
import com.healthtourism.hub.tenancy.NewTenant;
import com.healthtourism.hub.tenancy.TenantRepository;
import com.healthtourism.hub.tenancy.TenantTransactions;

/** Doktor365 patients and cases kept in users and cases: once per partner id, encrypted, found by email hash. */
@HubTest
class PatientRecordsTest {

    private static final String SOURCE = "doktor365";
    /** Every plaintext personal or health value of the samples; none may show up in a table or a log line. */
    private static final List<String> PII = List.of("Ayse", "Yilmaz", "ayse.yilmaz", "example.com", "+905321234567",
            "5321234567", "U12345678", "1986-04-12", "hypertension", "FUE hair transplant", "3000 grafts");

    @Autowired
    PatientRecords records;

    @Autowired
    PersonalData personal;

    @Autowired
    ExternalRefs refs;

    @Autowired
    TenantTransactions transactions;

    @Autowired
    TenantRepository tenants;

    @Autowired
    ObjectMapper json;

    @Autowired
    CaseStateCache caseStates;

    @Autowired
    StringRedisTemplate redis;
    @Autowired
    CaseMoves moves;

    @Autowired
    Environment environment;

    UUID tenant;
    UUID otherTenant;

    @BeforeEach
    void twoTenants() {
        tenant = tenants.create(new NewTenant("Clinic", "p-" + UUID.randomUUID() + ".example.org", null)).id();
        otherTenant = tenants.create(new NewTenant("Other", "o-" + UUID.randomUUID() + ".example.org", null)).id();
    }

    private JsonNode caseData(String event) throws IOException {
        try (var in = new ClassPathResource("mappings/doktor365/" + event + ".input.json").getInputStream()) {
            return json.readTree(in).path("data");
        }
    }

    /** The embedded patient as Doktor365 sends it inside a case, with its id beside it. */
    private ObjectNode patientData(String event) throws IOException {
        var data = caseData(event);
        return ((ObjectNode) data.path("patient").deepCopy()).put("patient_id", data.path("patient_id").asText());
    }

    /** What the webhook route does with one Doktor365 case event: the patient, then the case. */
    private UUID deliver(UUID tenantId, String event) throws IOException {
        UUID patient = records.upsertPatient(tenantId, SOURCE, patientData(event));
        return records.upsertCase(tenantId, SOURCE, caseData(event), patient);
    }

    private long count(UUID tenantId, String table) {
        return transactions.inTenant(tenantId, db -> db.sql("SELECT count(*) FROM " + table).query(Long.class).single());
    }

    private OffsetDateTime updatedAt(UUID tenantId, String table, UUID id) {
        return transactions.inTenant(tenantId, db -> db.sql("SELECT updated_at FROM " + table + " WHERE id = ?")
                .param(id).query(OffsetDateTime.class).single());
    }

    @Test
    void thePatientAndCaseDeliveredTwiceMakeOneUserAndOneCaseAndTheSecondChangesNothing() throws IOException {
        UUID caseId = deliver(tenant, "case.created");
        UUID patientId = records.patientCase(tenant, caseId).orElseThrow().patientId();
        var patientStamp = updatedAt(tenant, "users", patientId);
        var caseStamp = updatedAt(tenant, "cases", caseId);

        assertThat(deliver(tenant, "case.created")).isEqualTo(caseId);

        assertThat(count(tenant, "users")).isEqualTo(1);
        assertThat(count(tenant, "cases")).isEqualTo(1);
        assertThat(updatedAt(tenant, "users", patientId)).isEqualTo(patientStamp);
        assertThat(updatedAt(tenant, "cases", caseId)).isEqualTo(caseStamp);
        var patient = records.patient(tenant, patientId).orElseThrow();
        assertThat(patient.name()).isEqualTo("Ayse Yilmaz");
        assertThat(patient.email()).isEqualTo("ayse.yilmaz@example.com");
        assertThat(patient.phone()).isEqualTo("+905321234567");
        assertThat(patient.passportNumber()).isEqualTo("U12345678");
        var stored = records.patientCase(tenant, caseId).orElseThrow();
        assertThat(stored.status()).isEqualTo("intake");
        assertThat(stored.priority()).isEqualTo("medium");
        assertThat(stored.symptoms()).isEqualTo("Patient reports mild hypertension.");
        assertThat(json.readTree(stored.medicalHistory()).path("treatment").asText())
                .isEqualTo("FUE hair transplant, 3000 grafts");
    }

    @Test
    void laterStagesMoveTheSameCaseAndAnOlderChangeArrivingLateUndoesNothing() throws IOException {
        UUID caseId = deliver(tenant, "case.created");
        assertThat(deliver(tenant, "case.status_changed")).isEqualTo(caseId);
        assertThat(records.patientCase(tenant, caseId).orElseThrow().status()).isEqualTo("travel");

        var newer = ((ObjectNode) caseData("case.assigned")).put("updated_at", "2024-03-17T10:15:00Z");
        var older = ((ObjectNode) caseData("case.updated")).put("updated_at", "2024-03-15T10:15:00Z");
        UUID patientId = records.patientCase(tenant, caseId).orElseThrow().patientId();
        records.upsertCase(tenant, SOURCE, newer, patientId);
        records.upsertCase(tenant, SOURCE, older, null);

        assertThat(records.patientCase(tenant, caseId).orElseThrow().status()).isEqualTo("itinerary");
        assertThat(count(tenant, "cases")).isEqualTo(1);
    }

    @Test
    void aRepeatOfTheAppliedContentWithALaterTimeKeepsAnOlderChangeArrivingAfterItFromApplying() throws IOException {
        UUID caseId = deliver(tenant, "case.created");
        UUID patientId = records.patientCase(tenant, caseId).orElseThrow().patientId();
        var applied = ((ObjectNode) caseData("case.assigned")).put("updated_at", "2024-03-15T10:15:00Z");
        records.upsertCase(tenant, SOURCE, applied, patientId);
        var version = version(caseId);

        // the partner sends that content again, as it stands at a later time ...
        records.upsertCase(tenant, SOURCE, applied.deepCopy().put("updated_at", "2024-03-17T10:15:00Z"), patientId);
        // ... and then a change from between the two arrives (a replay from the approval queue, say)
        var between = ((ObjectNode) caseData("case.status_changed")).put("updated_at", "2024-03-16T10:15:00Z");
        records.upsertCase(tenant, SOURCE, between, patientId);

        assertThat(records.patientCase(tenant, caseId).orElseThrow().status()).isEqualTo("itinerary");
        assertThat(version(caseId)).isEqualTo(version);
    }

    @Test
    void aPatientRepeatedWithALaterTimeKeepsAnOlderChangeArrivingAfterItFromApplying() throws IOException {
        var patient = patientData("case.created").put("updated_at", "2024-03-15T10:15:00Z");
        UUID patientId = records.upsertPatient(tenant, SOURCE, patient);
        records.upsertPatient(tenant, SOURCE, patient.deepCopy().put("updated_at", "2024-03-17T10:15:00Z"));

        records.upsertPatient(tenant, SOURCE, patient.deepCopy().put("updated_at", "2024-03-16T10:15:00Z")
                .put("phone", "+905329999999"));

        assertThat(records.patient(tenant, patientId).orElseThrow().phone()).isEqualTo("+905321234567");
    }

    @Test
    void aChangeTimeInTheFutureIsRefusedAndLaterRealChangesStillApply() throws IOException {
        UUID caseId = deliver(tenant, "case.created");
        UUID patientId = records.patientCase(tenant, caseId).orElseThrow().patientId();
        var future = ((ObjectNode) caseData("case.assigned")).put("updated_at", "2099-01-01T00:00:00Z");

        assertThatThrownBy(() -> records.upsertCase(tenant, SOURCE, future, patientId))
                .isInstanceOf(UnusablePartnerRecord.class).hasMessage("the case's updated_at is in the future");
        records.upsertCase(tenant, SOURCE, ((ObjectNode) caseData("case.status_changed"))
                .put("updated_at", OffsetDateTime.now().minusMinutes(1).toString()), patientId);

        assertThat(records.patientCase(tenant, caseId).orElseThrow().status()).isEqualTo("travel");
    }

    @Test
    void aPartnerUpdateStillCarryingItsOldStageKeepsTheHubsMoveButItsOwnStageChangeApplies() throws IOException {
        UUID caseId = deliver(tenant, "case.created");
        UUID patientId = records.patientCase(tenant, caseId).orElseThrow().patientId();
        moves.move(new CaseMoves.Actor(tenant, "coordinator", "127.0.0.1", "test"), caseId, CaseStatus.ELIGIBILITY,
                null, null);

        // a coordinator edits the notes at Doktor365, which has not heard of the hub's move yet: the stage is still intake
        records.upsertCase(tenant, SOURCE, ((ObjectNode) caseData("case.created")).put("notes", "Follow-up call booked.")
                .put("updated_at", OffsetDateTime.now().minusMinutes(2).toString()), patientId);

        var afterNotes = records.patientCase(tenant, caseId).orElseThrow();
        assertThat(afterNotes.status()).as("the hub's move stands").isEqualTo("eligibility");
        assertThat(afterNotes.symptoms()).isEqualTo("Follow-up call booked.");

        records.upsertCase(tenant, SOURCE, ((ObjectNode) caseData("case.status_changed"))
                .put("updated_at", OffsetDateTime.now().minusMinutes(1).toString()), patientId);

        assertThat(records.patientCase(tenant, caseId).orElseThrow().status()).as("the partner's own move applies")
                .isEqualTo("travel");
    }

    @Test
    void aPartnerChangeMovesTheCaseVersionAndDropsItsCachedState() throws IOException {
        UUID caseId = deliver(tenant, "case.created");
        var versionBefore = version(caseId);
        redis.opsForValue().set("case:state:" + caseId, "{\"status\":\"intake\"}");

        deliver(tenant, "case.status_changed");

        assertThat(version(caseId)).as("an optimistic move read before this change must fail").isGreaterThan(versionBefore);
        assertThat(redis.opsForValue().get("case:state:" + caseId)).as("the state gone, the change's version marked")
                .isEqualTo("{\"version\":" + version(caseId) + ",\"changed\":true}");
    }

    private long version(UUID caseId) {
        return transactions.inTenant(tenant, db -> db.sql("SELECT version FROM cases WHERE id = ?").param(caseId)
                .query(Long.class).single());
    }

    @Test
    void concurrentFirstDeliveriesOfOnePatientMakeOneUser() throws Exception {
        var start = new CountDownLatch(1);
        var deliveries = new ArrayList<CompletableFuture<UUID>>();
        for (int i = 0; i < 4; i++) {
            deliveries.add(CompletableFuture.supplyAsync(() -> {
                try {
                    start.await();
                    return records.upsertPatient(tenant, SOURCE, patientData("case.created"));
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }));
        }
        start.countDown();
        var ids = new ArrayList<UUID>();
        for (var delivery : deliveries) {
            ids.add(delivery.get(30, TimeUnit.SECONDS));
        }
        assertThat(ids).containsOnly(ids.get(0));
        assertThat(count(tenant, "users")).isEqualTo(1);
    }

    @Test
    void anotherPartnerRecordWithThePatientsEmailIsTheSamePatient() throws IOException {
        UUID ayse = records.upsertPatient(tenant, SOURCE, patientData("case.created"));
        UUID again = records.upsertPatient(tenant, SOURCE, json.createObjectNode().put("id", "d365-pat-duplicate")
                .put("email", "AYSE.YILMAZ@example.com").put("phone", "+905559998877"));
        assertThat(again).isEqualTo(ayse);
        assertThat(count(tenant, "users")).isEqualTo(1);
        var patient = records.patient(tenant, ayse).orElseThrow();
        assertThat(patient.phone()).isEqualTo("+905559998877");
        assertThat(patient.name()).as("a field the partner left out keeps its value").isEqualTo("Ayse Yilmaz");
    }

    @Test
    void aCaseOfAPatientTheHubDoesNotKnowIsRefused() {
        assertThatThrownBy(() -> records.upsertCase(tenant, SOURCE, caseData("case.created"), null))
                .isInstanceOf(UnusablePartnerRecord.class).hasMessageNotContaining("d365-pat");
        assertThat(count(tenant, "cases")).isZero();
    }

    @Test
    void lookupByEmailUsesTheHashAndNeverDecrypts() throws Exception {
        UUID patientId = records.upsertPatient(tenant, SOURCE, patientData("case.created"));
        String storedHash = transactions.inTenant(tenant, db -> db.sql("SELECT email_hash FROM users WHERE id = ?")
                .param(patientId).query(String.class).single());
        assertThat(storedHash).isEqualTo(personal.emailHash("ayse.yilmaz@example.com")).hasSize(64);

        try (Connection owner = ownerIn(tenant)) {
            // ciphertexts no key can open: a look-up that decrypted anything would fail now
            owner.createStatement().execute("UPDATE users SET email = 'garbage', name = 'garbage' WHERE id = '"
                    + patientId + "'");
        }
        assertThat(records.patientByEmail(tenant, "  Ayse.Yilmaz@Example.COM ")).contains(patientId);
        assertThat(records.patientByEmail(tenant, "someone.else@example.com")).isEmpty();
        assertThat(records.patientByEmail(otherTenant, "ayse.yilmaz@example.com")).isEmpty();
    }

    @Test
    void ciphertextCopiedToAnotherRowOrTenantDoesNotDecrypt() throws Exception {
        UUID ayse = records.upsertPatient(tenant, SOURCE, patientData("case.created"));
        UUID other = records.upsertPatient(tenant, SOURCE, json.createObjectNode().put("id", "d365-pat-2")
                .put("first_name", "Can").put("phone", "+901111111111"));
        UUID elsewhere = records.upsertPatient(otherTenant, SOURCE, json.createObjectNode().put("id", "d365-pat-3")
                .put("first_name", "Deniz").put("phone", "+902222222222"));

        try (Connection owner = ownerIn(tenant)) {
            copyPhone(owner, ayse, other);
        }
        try (Connection owner = ownerIn(otherTenant)) {
            owner.createStatement().execute("SELECT set_config('app.tenant_id', '', false)");
            copyPhone(owner, ayse, elsewhere);
        }
        assertThatThrownBy(() -> records.patient(tenant, other)).isInstanceOf(CipherFailure.class)
                .hasMessageNotContaining("5321234567");
        assertThatThrownBy(() -> records.patient(otherTenant, elsewhere)).isInstanceOf(CipherFailure.class);
        assertThat(records.patient(tenant, ayse).orElseThrow().phone()).isEqualTo("+905321234567");
    }

    @Test
    void afterRotationNewRowsUseTheNewPrimaryKeyAndOldRowsStillDecrypt() throws Exception {
        UUID before = records.upsertPatient(tenant, SOURCE, patientData("case.created"));
        KeysetHandle current = TinkJsonProtoKeysetFormat.parseKeyset(
                environment.getRequiredProperty("hub.crypto.keyset"), InsecureSecretKeyAccess.get());
        KeysetHandle rotated = KeysetHandle.newBuilder(current)
                .addEntry(KeysetHandle.generateEntryFromParameters(PredefinedAeadParameters.AES256_GCM)
                        .withRandomId().makePrimary())
                .build();
        var rotatedData = new PersonalData(new FieldCipher(rotated.getPrimitive(RegistryConfiguration.get(), Aead.class)),
                new EmailHashProperties(environment.getRequiredProperty("hub.patients.email-hash-key")));
        var rotatedRecords = new PatientRecords(transactions, rotatedData, refs, json, caseStates);

        UUID after = rotatedRecords.upsertPatient(tenant, SOURCE, json.createObjectNode().put("id", "d365-pat-new")
                .put("first_name", "Elif").put("email", "elif@example.net").put("passport_number", "P7654321"));

        assertThat(rotatedRecords.patient(tenant, before).orElseThrow().passportNumber()).isEqualTo("U12345678");
        assertThat(rotatedRecords.patient(tenant, after).orElseThrow().passportNumber()).isEqualTo("P7654321");
        assertThatThrownBy(() -> records.patient(tenant, after))
                .as("the new row is sealed with the new key, which the old keyset lacks")
                .isInstanceOf(CipherFailure.class);
        assertThat(rotatedRecords.patientByEmail(tenant, "ayse.yilmaz@example.com")).contains(before);
    }

    @Test
    void theRawTablesHoldNoPlaintextPersonalOrHealthData() throws Exception {
        UUID caseId = deliver(tenant, "case.created");
        deliver(tenant, "case.updated");
        deliver(tenant, "case.completed");

        var dump = new StringBuilder();
        try (Connection owner = ownerIn(tenant)) {
            for (String table : List.of("users", "cases", "external_refs", "audit_logs", "outbox")) {
                try (var rows = owner.createStatement().executeQuery(
                        "SELECT t::text FROM " + table + " t WHERE tenant_id = '" + tenant + "'")) {
                    while (rows.next()) {
                        dump.append(table).append(": ").append(rows.getString(1)).append('\n');
                    }
                }
            }
        }
        assertThat(dump.toString()).contains(caseId.toString()).contains("d365-case-88412");
        for (String value : PII) {
            assertThat(dump.toString()).as("plaintext %s in the raw tables", value).doesNotContainIgnoringCase(value);
        }
    }

    @Test
    void theUpsertFlowLogsNoPersonalOrHealthData() throws Exception {
        var root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        var hub = (Logger) LoggerFactory.getLogger("com.healthtourism");
        Level hubLevel = hub.getLevel();
        var appender = new ListAppender<ILoggingEvent>();
        appender.start();
        root.addAppender(appender);
        hub.setLevel(Level.TRACE);
        try {
            deliver(tenant, "case.created");
            deliver(tenant, "case.created");
            deliver(tenant, "case.status_changed");
            var lookedUp = records.patientByEmail(tenant, "ayse.yilmaz@example.com");
            assertThat(lookedUp).isPresent();
            var unknownPatient = ((ObjectNode) caseData("case.created")).put("patient_id", "d365-pat-unknown");
            assertThatThrownBy(() -> records.upsertCase(tenant, SOURCE, unknownPatient, null))
                    .isInstanceOf(UnusablePartnerRecord.class);
        } finally {
            hub.setLevel(hubLevel);
            root.detachAppender(appender);
        }

        assertThat(appender.list).as("the flow logs at debug, so the capture is not empty by accident")
                .anyMatch(event -> event.getLoggerName().equals(PatientRecords.class.getName()));
        for (ILoggingEvent event : appender.list) {
            String line = event.getFormattedMessage()
                    + (event.getThrowableProxy() == null ? "" : ThrowableProxyUtil.asString(event.getThrowableProxy()))
                    + event.getMDCPropertyMap();
            for (String value : PII) {
                assertThat(line).as("plaintext %s in a log line", value).doesNotContainIgnoringCase(value);
            }
        }
    }

    /** A connection as the schema owner, scoped to the tenant in case the owner is subject to row-level security. */
    private Connection ownerIn(UUID tenantId) throws SQLException {
        Connection owner = OwnerDatabase.connect(environment);
        owner.createStatement().execute("SELECT set_config('app.tenant_id', '" + tenantId + "', false)");
        return owner;
    }

    private static void copyPhone(Connection owner, UUID from, UUID to) throws SQLException {
        try (var copy = owner.prepareStatement("UPDATE users SET phone = (SELECT phone FROM users WHERE id = ?) WHERE id = ?")) {
            copy.setObject(1, from);
            copy.setObject(2, to);
            assertThat(copy.executeUpdate()).isEqualTo(1);
        }
    }
}
