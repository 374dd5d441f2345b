package com.healthtourism.hub.audit;

import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Pattern;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.servlet.http.HttpServletRequest;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.security.core.Authentication;
import org.springframework.stereotype.Component;

import com.healthtourism.hub.tenancy.TenantTransactions;

/**
 * Writes the audit trail (audit_logs). {@link #record(AuditEntry)} runs in its own tenant transaction
 * or joins the one already open; {@link #record(JdbcClient, AuditEntry)} is for code already inside
 * {@code inTenant(...)}, so the audit row commits or rolls back with the change it describes.
 */
@Component
public class AuditTrail {

    private static final int USER_AGENT_MAX = 512;
    private static final int ACTOR_MAX = 255;
    /** Metadata names that suggest a credential; such a key is a programming error, not data to store. */
    private static final Set<String> FORBIDDEN_KEY_PARTS =
            Set.of("password", "secret", "token", "authorization", "cookie", "credential", "apikey", "api_key");

    private final TenantTransactions transactions;
    private final ObjectMapper json;

    public AuditTrail(TenantTransactions transactions, ObjectMapper json) {
        this.transactions = transactions;
        this.json = json;
    }

    /** Writes the entry in the entry's tenant transaction (joining an open transaction if there is one). */
    public void record(AuditEntry entry) {
        transactions.inTenant(entry.tenantId(), db -> {
            insert(db, entry);
            return null;
        });
    }

    /** Writes the entry on a JdbcClient of an open {@code inTenant(entry.tenantId(), ...)} transaction. */
    public void record(JdbcClient db, AuditEntry entry) {
        insert(db, entry);
    }

    /** Shorthand for an operator request: actor, ip and user agent come from the request and login. */
    public void recordRequest(HttpServletRequest request, Authentication authentication, UUID tenantId,
                              String action, String resource, UUID resourceId, boolean success,
                              Map<String, Object> metadata) {
        record(AuditEntry.from(request, authentication, tenantId, action, resource, resourceId, success, metadata));
    }

    private void insert(JdbcClient db, AuditEntry entry) {
        db.sql("""
                        INSERT INTO audit_logs (tenant_id, actor, action, resource, resource_id, ip_address,
                                                user_agent, result, metadata)
                        VALUES (?, ?, ?, ?, ?, CAST(? AS inet), ?, CAST(? AS audit_result), CAST(? AS jsonb))""")
                .params(entry.tenantId(), truncate(entry.actor(), ACTOR_MAX), entry.action(), entry.resource(),
                        entry.resourceId(), ipOrNull(entry.ip()), truncate(entry.userAgent(), USER_AGENT_MAX),
                        entry.success() ? "success" : "failure", metadataJson(entry.metadata()))
                .update();
    }

    private String metadataJson(Map<String, Object> metadata) {
        for (String key : metadata.keySet()) {
            var lower = key.toLowerCase(Locale.ROOT);
            if (FORBIDDEN_KEY_PARTS.stream().anyMatch(lower::contains)) {
                throw new IllegalArgumentException("audit metadata must not carry credentials (key '" + key + "')");
            }
        }
        try {
            return json.writeValueAsString(metadata);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("audit metadata is not serializable", e);
        }
    }

    private static final Pattern IPV4 =
            Pattern.compile("((25[0-5]|2[0-4]\\d|1?\\d?\\d)\\.){3}(25[0-5]|2[0-4]\\d|1?\\d?\\d)");
    private static final Pattern IPV6 = Pattern.compile("[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*");

    /** Only a literal address is stored (the container's peer address); anything else is dropped. */
    private static String ipOrNull(String ip) {
        if (ip == null) {
            return null;
        }
        var zone = ip.indexOf('%');
        var address = zone >= 0 ? ip.substring(0, zone) : ip;
        return IPV4.matcher(address).matches() || IPV6.matcher(address).matches() ? address : null;
    }

    private static String truncate(String value, int max) {
        return value == null || value.length() <= max ? value : value.substring(0, max);
    }
}
