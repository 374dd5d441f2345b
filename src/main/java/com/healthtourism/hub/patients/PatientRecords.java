package com.healthtourism.hub.patients;

import java.time.OffsetDateTime;
import java.util.Optional;
import java.util.UUID;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;

import com.healthtourism.hub.cases.CaseStateCache;
import com.healthtourism.hub.tenancy.TenantTransactions;

/**
 * A partner's patients and cases kept as the hub's {@code users} (role patient) and {@code cases}, by the partner's
 * own ids ({@code external_refs}): a replayed or re-delivered record finds the row it made the first time, and one
 * that carries nothing new (the same content, or a change older than the one applied) changes nothing at all.
 * Personal and health data are stored encrypted ({@link PersonalData}); a patient is found by email through the
 * keyed email hash, never by decrypting.
 */
@Service
public class PatientRecords {

    static final String PATIENT = "patient";
    static final String CASE = "case";

    private static final Logger log = LoggerFactory.getLogger(PatientRecords.class);

    private final TenantTransactions transactions;
    private final PersonalData personal;
    private final ExternalRefs refs;
    private final ObjectMapper json;
    private final CaseStateCache caseStates;

    public PatientRecords(TenantTransactions transactions, PersonalData personal, ExternalRefs refs, ObjectMapper json,
                          CaseStateCache caseStates) {
        this.caseStates = caseStates;
        this.transactions = transactions;
        this.personal = personal;
        this.refs = refs;
        this.json = json;
    }

    /**
     * Refuses a partner's change time more than a few minutes ahead of the hub's clock (UnusablePartnerRecord), as the
     * upserts do: kept, it would hold back every real change of the record until then.
     */
    public static void refuseFutureChange(OffsetDateTime updatedAt, String what) {
        PartnerFields.notAhead(updatedAt, what);
    }

    /**
     * Creates or updates the patient {@code d365Patient} (Doktor365's shape: {@code id} or {@code patient_id},
     * {@code first_name}, {@code last_name}, {@code email}, {@code phone}, {@code passport_number}, optional
     * {@code updated_at}). A field the partner leaves out keeps its stored value. A new partner patient whose email
     * a patient of the tenant already has is that patient.
     *
     * @return the hub's user id
     * @throws UnusablePartnerRecord without an id, or when another user of the tenant has the email
     */
    public UUID upsertPatient(UUID tenant, String source, JsonNode d365Patient) {
        var patient = Doktor365Patient.from(d365Patient);
        String emailHash = personal.emailHash(patient.email());
        String contentHmac = personal.contentHash("patient", patient.content());
        return transactions.inTenant(tenant, db -> {
            UUID proposed = patientWithHash(db, emailHash).orElseGet(UUID::randomUUID);
            var ref = refs.claim(db, tenant, source, PATIENT, patient.externalId(), proposed);
            if (ref.alreadyApplied(contentHmac, patient.updatedAt())) {
                refs.seen(db, source, PATIENT, patient.externalId(), patient.updatedAt());
                log.debug("patient {} from {}: nothing new", ref.localId(), source);
                return ref.localId();
            }
            UUID id = ref.localId();
            if (emailHash != null && db.sql("SELECT count(*) FROM users WHERE email_hash = ? AND id <> ?")
                    .params(emailHash, id).query(Long.class).single() > 0) {
                throw new UnusablePartnerRecord("another user of the tenant has the patient's email");
            }
            String name = personal.encrypt(tenant, "users.name", id, patient.name());
            String email = personal.encrypt(tenant, "users.email", id, patient.email());
            String phone = personal.encrypt(tenant, "users.phone", id, patient.phone());
            String passport = personal.encrypt(tenant, "users.passport_number", id, patient.passportNumber());
            int updated = db.sql("""
                            UPDATE users SET name = COALESCE(?, name), email = COALESCE(?, email),
                                   email_hash = COALESCE(?, email_hash), phone = COALESCE(?, phone),
                                   passport_number = COALESCE(?, passport_number), updated_at = now()
                            WHERE id = ?""")
                    .params(name, email, emailHash, phone, passport, id).update();
            if (updated == 0) {
                db.sql("""
                                INSERT INTO users (id, tenant_id, role, name, email, email_hash, phone, passport_number)
                                VALUES (?, ?, 'patient', ?, ?, ?, ?, ?)""")
                        .params(id, tenant, name, email, emailHash, phone, passport).update();
            }
            refs.applied(db, source, PATIENT, patient.externalId(), contentHmac, patient.updatedAt(), null);
            log.debug("patient {} from {}: {}", id, source, updated == 0 ? "created" : "updated");
            return id;
        });
    }

    /**
     * Creates or updates the case {@code d365Case} (Doktor365's shape: {@code case_id}, {@code patient_id},
     * {@code status}, {@code stage}, {@code treatment}, {@code notes}, optional {@code priority} and
     * {@code updated_at}) of the hub's patient {@code patientId}; null looks the patient up by the case's
     * {@code patient_id}. The stage maps onto the hub's status (see {@link Doktor365Case}); a field the partner
     * leaves out keeps its stored value.
     *
     * @return the hub's case id
     * @throws UnusablePartnerRecord without a case id, or when the patient is not known
     */
    public UUID upsertCase(UUID tenant, String source, JsonNode d365Case, UUID patientId) {
        var record = Doktor365Case.from(d365Case);
        var upserted = transactions.inTenant(tenant, db -> {
            UUID patient = patientId != null ? patientId : knownPatient(db, source, record);
            String contentHmac = personal.contentHash("case", record.content(patient));
            var ref = refs.claim(db, tenant, source, CASE, record.externalId(), UUID.randomUUID());
            if (ref.alreadyApplied(contentHmac, record.updatedAt())) {
                refs.seen(db, source, CASE, record.externalId(), record.updatedAt());
                log.debug("case {} from {}: nothing new", ref.localId(), source);
                return new Upserted(ref.localId(), null);
            }
            UUID id = ref.localId();
            String symptoms = personal.encrypt(tenant, "cases.symptoms", id, record.symptoms());
            String history = medicalHistory(tenant, id, record);
            if (ref.created()) {
                db.sql("""
                                INSERT INTO cases (id, tenant_id, patient_id, status, priority, symptoms, medical_history)
                                VALUES (?, ?, ?, COALESCE(?::case_status, 'intake'), COALESCE(?::case_priority, 'medium'),
                                        ?, ?::jsonb)""")
                        .params(id, tenant, patient, record.status(), record.priority(), symptoms, history).update();
            } else {
                db.sql("""
                                UPDATE cases SET patient_id = ?, status = COALESCE(?::case_status, status),
                                       priority = COALESCE(?::case_priority, priority),
                                       symptoms = COALESCE(?, symptoms),
                                       medical_history = COALESCE(?::jsonb, medical_history), updated_at = now(),
                                       version = version + 1
                                WHERE id = ?""")
                        .params(patient, movedByPartner(ref, record.status()), record.priority(), symptoms, history, id)
                        .update();
            }
            refs.applied(db, source, CASE, record.externalId(), contentHmac, record.updatedAt(), record.status());
            log.debug("case {} from {}: {}", id, source, ref.created() ? "created" : "updated");
            return new Upserted(id, db.sql("SELECT version FROM cases WHERE id = ?").param(id).query(Long.class).single());
        });
        if (upserted.version() != null) {
            // a partner change is a change of the case like any move: the version moved, the cached state goes
            caseStates.drop(upserted.id(), upserted.version());
        }
        return upserted.id();
    }

    private record Upserted(UUID id, Long version) {
    }

    /** The partner's own id of a hub case, when the case came from that partner (for pushing changes back). */
    public Optional<String> externalCaseId(UUID tenant, String source, UUID caseId) {
        return transactions.inTenant(tenant, db -> refs.externalId(db, source, CASE, caseId));
    }

    /**
     * The status a partner's delivery moves the case to: its own, when the partner's status changed since its last
     * delivery; none (the case keeps the hub's status) when the partner still carries the status it sent before, so
     * an update of other fields does not undo a move the hub made meanwhile and has not pushed to the partner yet.
     */
    private static String movedByPartner(ExternalRefs.Ref ref, String partnerStatus) {
        return partnerStatus != null && partnerStatus.equals(ref.partnerStatus()) ? null : partnerStatus;
    }

    /**
     * The partner accepted the hub's push of {@code status} for its case: that is the status the partner's record
     * carries from now on, so its next delivery saying so is no move of the partner's own (see movedByPartner).
     */
    public void statusPushed(UUID tenant, String source, String externalCaseId, String status) {
        transactions.inTenant(tenant, db -> {
            refs.told(db, source, CASE, externalCaseId, status);
            return null;
        });
    }

    /** The hub's status of the partner's case {@code externalCaseId}, if the hub has the case. */
    public Optional<String> caseStatus(UUID tenant, String source, String externalCaseId) {
        return transactions.inTenant(tenant, db -> refs.find(db, source, CASE, externalCaseId)
                .flatMap(id -> db.sql("SELECT status::text FROM cases WHERE id = ?").param(id).query(String.class)
                        .optional()));
    }

    /** The tenant's patient with this email, found by its keyed hash; no row is decrypted. */
    public Optional<UUID> patientByEmail(UUID tenant, String email) {
        String hash = personal.emailHash(email);
        if (hash == null) {
            return Optional.empty();
        }
        return transactions.inTenant(tenant, db -> patientWithHash(db, hash));
    }

    /** The patient's personal data, decrypted. */
    public Optional<Patient> patient(UUID tenant, UUID id) {
        return transactions.inTenant(tenant, db -> db.sql("""
                        SELECT name, email, phone, passport_number FROM users WHERE id = ? AND role = 'patient'""")
                .param(id)
                .query((rs, n) -> new Patient(id,
                        personal.decrypt(tenant, "users.name", id, rs.getString(1)),
                        personal.decrypt(tenant, "users.email", id, rs.getString(2)),
                        personal.decrypt(tenant, "users.phone", id, rs.getString(3)),
                        personal.decrypt(tenant, "users.passport_number", id, rs.getString(4))))
                .optional());
    }

    /** The case with its health data decrypted; the medical history is the JSON text that was encrypted. */
    public Optional<PatientCase> patientCase(UUID tenant, UUID id) {
        return transactions.inTenant(tenant, db -> db.sql("""
                        SELECT patient_id, status::text, priority::text, symptoms, medical_history #>> '{}'
                        FROM cases WHERE id = ?""")
                .param(id)
                .query((rs, n) -> new PatientCase(id, rs.getObject(1, UUID.class), rs.getString(2), rs.getString(3),
                        personal.decrypt(tenant, "cases.symptoms", id, rs.getString(4)),
                        personal.decrypt(tenant, "cases.medical_history", id, rs.getString(5))))
                .optional());
    }

    private static Optional<UUID> patientWithHash(JdbcClient db, String emailHash) {
        if (emailHash == null) {
            return Optional.empty();
        }
        return db.sql("SELECT id FROM users WHERE email_hash = ? AND role = 'patient' AND deleted_at IS NULL")
                .param(emailHash).query(UUID.class).optional();
    }

    private UUID knownPatient(JdbcClient db, String source, Doktor365Case record) {
        if (record.patientExternalId() == null) {
            throw new UnusablePartnerRecord("the case has no patient_id");
        }
        return refs.find(db, source, PATIENT, record.patientExternalId())
                .orElseThrow(() -> new UnusablePartnerRecord("the case's patient is not known to the hub yet"));
    }

    /** cases.medical_history stays JSONB: a JSON string holding the ciphertext of the history's JSON text. */
    private String medicalHistory(UUID tenant, UUID id, Doktor365Case record) {
        if (record.treatment() == null) {
            return null;
        }
        try {
            String history = json.writeValueAsString(json.createObjectNode().put("treatment", record.treatment()));
            return json.writeValueAsString(personal.encrypt(tenant, "cases.medical_history", id, history));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("the medical history could not be written as JSON");
        }
    }
}
