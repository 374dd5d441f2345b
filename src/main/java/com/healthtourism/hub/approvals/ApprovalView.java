package com.healthtourism.hub.approvals;

import java.time.OffsetDateTime;
import java.util.Map;
import java.util.UUID;

import com.fasterxml.jackson.annotation.JsonInclude;

/** An approval item as operators see it: never its payload, which has its own audited reads. */
@JsonInclude(JsonInclude.Include.ALWAYS)
public record ApprovalView(UUID id, UUID tenantId, String routeId, String endpoint, String errorType,
                           String errorMessage, int attempts, OffsetDateTime firstFailedAt,
                           OffsetDateTime lastFailedAt, String status, String decidedBy, OffsetDateTime decidedAt,
                           String reason, @JsonInclude(JsonInclude.Include.NON_NULL) Map<String, String> headers) {

    ApprovalView withoutHeaders() {
        return new ApprovalView(id, tenantId, routeId, endpoint, errorType, errorMessage, attempts, firstFailedAt,
                lastFailedAt, status, decidedBy, decidedAt, reason, null);
    }
}
