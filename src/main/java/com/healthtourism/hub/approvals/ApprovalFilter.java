package com.healthtourism.hub.approvals;

import java.util.Set;
import java.util.UUID;

import com.healthtourism.hub.problems.BadRequest;

/**
 * Which items an operator means: tenant, route, status, error type (full class name or simple name) and a
 * minimum age of the last failure. Every field is optional; {@link #isEmpty()} tells a bulk action it has no filter.
 */
public record ApprovalFilter(UUID tenant, String route, String status, String errorType, Integer olderThanMinutes) {

    static final Set<String> STATUSES = Set.of("pending", "granted", "denied", "replayed", "replay_failed");

    public static ApprovalFilter parse(String tenant, String route, String status, String errorType, String olderThan) {
        UUID tenantId = null;
        if (present(tenant)) {
            try {
                tenantId = UUID.fromString(tenant.strip());
            } catch (IllegalArgumentException e) {
                throw new BadRequest("tenant", "must be a tenant id (UUID)");
            }
        }
        if (present(status) && !STATUSES.contains(status.strip())) {
            throw new BadRequest("status", "must be one of " + String.join(", ", STATUSES.stream().sorted().toList()));
        }
        Integer minutes = null;
        if (present(olderThan)) {
            try {
                minutes = Integer.valueOf(olderThan.strip());
            } catch (NumberFormatException e) {
                throw new BadRequest("olderThan", "must be a whole number of minutes");
            }
            if (minutes < 0) {
                throw new BadRequest("olderThan", "must not be negative");
            }
        }
        return new ApprovalFilter(tenantId, blankToNull(route), blankToNull(status), blankToNull(errorType), minutes);
    }

    public boolean isEmpty() {
        return tenant == null && route == null && status == null && errorType == null && olderThanMinutes == null;
    }

    ApprovalFilter withStatus(String newStatus) {
        return new ApprovalFilter(tenant, route, newStatus, errorType, olderThanMinutes);
    }

    private static boolean present(String value) {
        return value != null && !value.isBlank();
    }

    private static String blankToNull(String value) {
        return present(value) ? value.strip() : null;
    }
}
