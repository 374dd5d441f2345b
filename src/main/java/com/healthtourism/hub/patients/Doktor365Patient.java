package com.healthtourism.hub.patients;

import java.time.OffsetDateTime;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * A Doktor365 patient as the hub keeps it: the partner's id ({@code id}, or {@code patient_id} when the patient is
 * embedded in a case), the name ({@code first_name} + {@code last_name}), email, phone and passport number. Date of
 * birth and nationality are not kept: the hub has no use for them yet, and what is not stored cannot leak.
 */
record Doktor365Patient(String externalId, String name, String email, String phone, String passportNumber,
                        OffsetDateTime updatedAt) {

    static Doktor365Patient from(JsonNode patient) {
        String first = PartnerFields.text(patient, "first_name");
        String last = PartnerFields.text(patient, "last_name");
        String name = first == null ? last : last == null ? first : first + " " + last;
        return new Doktor365Patient(
                PartnerFields.requiredId(patient, "patient", "id", "patient_id"),
                name,
                PartnerFields.text(patient, "email"),
                PartnerFields.text(patient, "phone"),
                PartnerFields.text(patient, "passport_number"),
                PartnerFields.updatedAt(patient, "patient"));
    }

    /** What a re-delivery must match to change nothing (the partner's change time aside). */
    String content() {
        return PartnerFields.content(name, email, phone, passportNumber);
    }

}
