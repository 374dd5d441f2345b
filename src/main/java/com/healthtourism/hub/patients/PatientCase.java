package com.healthtourism.hub.patients;

import java.util.UUID;

/** A case with its health data decrypted, for code that is allowed to see it. Never log it. */
public record PatientCase(UUID id, UUID patientId, String status, String priority, String symptoms,
                          String medicalHistory) {

    @Override
    public String toString() {
        return "PatientCase[id=" + id + ", status=" + status + ", priority=" + priority + "]";
    }
}
