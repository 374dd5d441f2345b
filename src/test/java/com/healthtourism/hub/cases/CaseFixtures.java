package com.healthtourism.hub.cases;

import java.util.UUID;

import com.healthtourism.hub.patients.PersonalData;
import com.healthtourism.hub.tenancy.TenantTransactions;

/**
 * Patients and cases written as the Doktor365 inbound path will write them: through the tenant transaction, with
 * the patient columns encrypted by the hub's convention.
 */
final class CaseFixtures {

    static final String NAME = "Ayse Yilmaz";
    static final String EMAIL = "ayse.yilmaz@example.com";
    static final String PHONE = "+90 532 555 01 23";
    static final String SYMPTOMS = "recurring knee pain after a ski accident";
    static final String HISTORY = "{\"conditions\":[\"hypertension\"],\"surgeries\":[\"appendectomy 2015\"]}";

    private CaseFixtures() {
    }

    record Seeded(UUID tenantId, UUID caseId, UUID patientId) {
    }

    static Seeded patientCase(TenantTransactions transactions, PersonalData columns, UUID tenant, String status,
                              String priority) {
        var patient = UUID.randomUUID();
        var caseId = UUID.randomUUID();
        transactions.inTenant(tenant, db -> {
            db.sql("INSERT INTO users (id, tenant_id, name, email, phone, role) VALUES (?, ?, ?, ?, ?, 'patient')")
                    .params(patient, tenant, columns.encrypt(tenant, "users.name", patient, NAME),
                            columns.encrypt(tenant, "users.email", patient, EMAIL),
                            columns.encrypt(tenant, "users.phone", patient, PHONE))
                    .update();
            return db.sql("""
                            INSERT INTO cases (id, tenant_id, patient_id, status, priority, symptoms, medical_history)
                            VALUES (?, ?, ?, CAST(? AS case_status), CAST(? AS case_priority), ?, to_jsonb(CAST(? AS text)))""")
                    .params(caseId, tenant, patient, status, priority,
                            columns.encrypt(tenant, "cases.symptoms", caseId, SYMPTOMS),
                            columns.encrypt(tenant, "cases.medical_history", caseId, HISTORY))
                    .update();
        });
        return new Seeded(tenant, caseId, patient);
    }

    static UUID provider(TenantTransactions transactions, UUID tenant, String name) {
        var id = UUID.randomUUID();
        transactions.inTenant(tenant, db -> db.sql(
                        "INSERT INTO providers (id, tenant_id, name, specialty, country, city) VALUES (?, ?, ?, 'orthopedics', 'TR', 'Istanbul')")
                .params(id, tenant, name).update());
        return id;
    }
}
