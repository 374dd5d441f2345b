package com.healthtourism.hub.audit;

import java.util.Map;
import java.util.Objects;
import java.util.UUID;

import jakarta.servlet.http.HttpServletRequest;
import org.springframework.http.HttpHeaders;
import org.springframework.security.core.Authentication;

/**
 * One line of the audit trail: who did what to which resource of which tenant, from where, and
 * whether it worked. Metadata describes the action (counts, ids, changed field names), never
 * secrets or personal data: {@link AuditTrail} refuses keys that look like credentials.
 */
public record AuditEntry(
        UUID tenantId,
        String actor,
        String action,
        String resource,
        UUID resourceId,
        String ip,
        String userAgent,
        boolean success,
        Map<String, Object> metadata) {

    public AuditEntry {
        Objects.requireNonNull(tenantId, "tenantId");
        Objects.requireNonNull(action, "action");
        Objects.requireNonNull(resource, "resource");
        metadata = metadata == null ? Map.of() : Map.copyOf(metadata);
    }

    /**
     * An entry for an operator's HTTP request: actor is the logged-in name, ip the peer address the
     * container saw, user agent as sent.
     */
    public static AuditEntry from(HttpServletRequest request, Authentication authentication, UUID tenantId,
                                  String action, String resource, UUID resourceId, boolean success,
                                  Map<String, Object> metadata) {
        return new AuditEntry(tenantId, actorOf(authentication), action, resource, resourceId,
                request == null ? null : request.getRemoteAddr(),
                request == null ? null : request.getHeader(HttpHeaders.USER_AGENT),
                success, metadata);
    }

    /** The same entry with another outcome and metadata, for recording a failed attempt. */
    public AuditEntry failed(Map<String, Object> failureMetadata) {
        return new AuditEntry(tenantId, actor, action, resource, resourceId, ip, userAgent, false, failureMetadata);
    }

    private static String actorOf(Authentication authentication) {
        return authentication == null || !authentication.isAuthenticated() ? "anonymous" : authentication.getName();
    }
}
