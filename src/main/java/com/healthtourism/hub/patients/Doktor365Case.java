package com.healthtourism.hub.patients;

import java.time.OffsetDateTime;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * A Doktor365 case (lead) as the hub keeps it. Doktor365's {@code stage} is its pipeline step and maps onto the
 * hub's statuses (intake → eligibility → travel → docs → approval → itinerary → complete); a {@code status} of
 * {@code completed} is complete whatever the stage. A stage the hub does not know leaves the status as it is (a new
 * case starts at intake). {@code notes} is the patient's complaint (symptoms); {@code treatment} goes to the medical
 * history. Both are health data and are stored encrypted.
 */
record Doktor365Case(String externalId, String patientExternalId, String status, String priority, String symptoms,
                     String treatment, OffsetDateTime updatedAt) {

    private static final Map<String, String> STAGES = Map.ofEntries(
            Map.entry("new", "intake"),
            Map.entry("lead", "intake"),
            Map.entry("inquiry", "intake"),
            Map.entry("intake", "intake"),
            Map.entry("qualification", "eligibility"),
            Map.entry("assessment", "eligibility"),
            Map.entry("eligibility", "eligibility"),
            Map.entry("quotation", "eligibility"),
            Map.entry("travel", "travel"),
            Map.entry("documents", "docs"),
            Map.entry("docs", "docs"),
            Map.entry("visa", "docs"),
            Map.entry("approval", "approval"),
            Map.entry("consent", "approval"),
            Map.entry("itinerary", "itinerary"),
            Map.entry("scheduled", "itinerary"),
            Map.entry("treatment", "itinerary"),
            Map.entry("aftercare", "complete"),
            // the API's own case status (openapi CaseStatus), which the reconciliation passes as the stage
            Map.entry("complete", "complete"),
            Map.entry("completed", "complete"),
            Map.entry("closed", "complete"));

    private static final Map<String, String> PRIORITIES = Map.of(
            "low", "low", "normal", "medium", "medium", "medium", "high", "high", "urgent", "urgent");

    static Doktor365Case from(JsonNode record) {
        return new Doktor365Case(
                PartnerFields.requiredId(record, "case", "case_id", "id"),
                PartnerFields.text(record, "patient_id"),
                hubStatus(PartnerFields.text(record, "stage"), PartnerFields.text(record, "status")),
                lookup(PRIORITIES, PartnerFields.text(record, "priority")),
                PartnerFields.text(record, "notes"),
                PartnerFields.text(record, "treatment"),
                PartnerFields.updatedAt(record, "case"));
    }

    /** The hub status for Doktor365's stage and status, or null when they name none the hub knows. */
    static String hubStatus(String stage, String status) {
        if ("completed".equalsIgnoreCase(status)) {
            return "complete";
        }
        return lookup(STAGES, stage);
    }

    /** What a re-delivery must match to change nothing (the partner's change time aside). */
    String content(UUID patientId) {
        return PartnerFields.content(patientId.toString(), status, priority, symptoms, treatment);
    }

    private static String lookup(Map<String, String> map, String key) {
        return key == null ? null : map.get(key.toLowerCase(Locale.ROOT));
    }

}
