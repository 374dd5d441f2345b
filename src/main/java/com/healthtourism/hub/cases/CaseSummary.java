package com.healthtourism.hub.cases;

import java.time.OffsetDateTime;
import java.util.UUID;

/** A case without patient data: what lists, events' subjects, the state cache and keys without PII see. */
public record CaseSummary(UUID id, UUID tenantId, UUID patientId, String status, String priority, UUID providerId,
                          long version, OffsetDateTime createdAt, OffsetDateTime updatedAt) {

    public CaseStatus caseStatus() {
        return CaseStatus.parse(status).orElseThrow();
    }
}
