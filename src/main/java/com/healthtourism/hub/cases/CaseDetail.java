package com.healthtourism.hub.cases;

import com.fasterxml.jackson.annotation.JsonUnwrapped;
import com.fasterxml.jackson.databind.JsonNode;

/**
 * One case for the tenant API. Patient data ({@code patient}, {@code symptoms}, {@code medicalHistory}) is present
 * only for a key allowed to see it; it is decrypted for that answer and never cached.
 */
public record CaseDetail(@JsonUnwrapped CaseSummary summary, Patient patient, String symptoms, JsonNode medicalHistory) {

    public record Patient(String name, String email, String phone) {
    }

    static CaseDetail withoutPii(CaseSummary summary) {
        return new CaseDetail(summary, null, null, null);
    }
}
