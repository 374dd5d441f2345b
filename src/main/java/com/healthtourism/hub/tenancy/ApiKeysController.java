package com.healthtourism.hub.tenancy;

import java.util.List;
import java.util.Map;
import java.util.UUID;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.validation.Valid;
import org.springframework.http.CacheControl;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.Authentication;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

import com.healthtourism.hub.audit.AuditEntry;
import com.healthtourism.hub.audit.AuditTrail;
import com.healthtourism.hub.idempotency.IdempotencyKeyFilter;
import com.healthtourism.hub.problems.NotFound;

/** Admin API of a tenant's API keys: issued (the key shown once), listed without keys, revoked. Every write is audited. */
@RestController
@RequestMapping("/admin/tenants/{tenantId}/api-keys")
public class ApiKeysController {

    private static final String RESOURCE = "tenant_api_key";

    private final ApiKeys keys;
    private final TenantRepository tenants;
    private final TenantTransactions transactions;
    private final AuditTrail audit;

    public ApiKeysController(ApiKeys keys, TenantRepository tenants, TenantTransactions transactions, AuditTrail audit) {
        this.keys = keys;
        this.tenants = tenants;
        this.transactions = transactions;
        this.audit = audit;
    }

    @PostMapping
    public ResponseEntity<ApiKeyView> issue(@PathVariable UUID tenantId, @Valid @RequestBody NewApiKey request,
                                            HttpServletRequest http, Authentication operator) {
        tenants.get(tenantId);
        var pii = Boolean.TRUE.equals(request.pii());
        var issued = transactions.inTenant(tenantId, db -> {
            var key = keys.issue(db, tenantId, request.name(), pii);
            audit.record(db, AuditEntry.from(http, operator, tenantId, "api_key.issued", RESOURCE, key.id(), true,
                    Map.of("name", key.name(), "pii", pii)));
            return key;
        });
        // The only answer that carries the key: no cache, and no X-Idempotency-Key replay, may keep it.
        http.setAttribute(IdempotencyKeyFilter.DO_NOT_KEEP, Boolean.TRUE);
        return ResponseEntity.status(HttpStatus.CREATED).cacheControl(CacheControl.noStore()).body(issued);
    }

    @GetMapping
    public List<ApiKeyView> list(@PathVariable UUID tenantId) {
        tenants.get(tenantId);
        return keys.list(tenantId);
    }

    @DeleteMapping("/{keyId}")
    public ResponseEntity<Void> revoke(@PathVariable UUID tenantId, @PathVariable UUID keyId,
                                       HttpServletRequest http, Authentication operator) {
        tenants.get(tenantId);
        transactions.inTenant(tenantId, db -> {
            var revoked = keys.revoke(db, keyId).orElseThrow(() -> new NotFound("api key", keyId));
            audit.record(db, AuditEntry.from(http, operator, tenantId, "api_key.revoked", RESOURCE, keyId, true,
                    Map.of("name", revoked.name())));
            return revoked;
        });
        return ResponseEntity.noContent().build();
    }
}
