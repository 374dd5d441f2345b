package com.healthtourism.hub.tenancy;

import java.net.URI;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.Authentication;
import org.springframework.validation.annotation.Validated;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PatchMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

import com.healthtourism.hub.audit.AuditEntry;
import com.healthtourism.hub.audit.AuditTrail;
import com.healthtourism.hub.problems.NotFound;
import com.healthtourism.hub.problems.ProblemException;

/**
 * Admin API for the tenant registry. Tenants are deactivated, never deleted. Every write is audited
 * under the tenant concerned, in the same transaction as the write; a refused change to an existing
 * tenant is audited as a failure.
 */
@RestController
@RequestMapping("/admin/tenants")
@Validated
public class TenantController {

    private final TenantRepository tenants;
    private final TenantEvents events;
    private final TenantTransactions transactions;
    private final AuditTrail audit;

    public TenantController(TenantRepository tenants, TenantEvents events, TenantTransactions transactions,
                            AuditTrail audit) {
        this.tenants = tenants;
        this.events = events;
        this.transactions = transactions;
        this.audit = audit;
    }

    @PostMapping
    public ResponseEntity<Tenant> create(@Valid @RequestBody NewTenant request, HttpServletRequest http,
                                         Authentication operator) {
        TenantSettings.check(request.settings());
        // One transaction: the tenant row and its audit row commit together.
        var tenant = transactions.withoutTenant(db -> {
            var created = tenants.create(request);
            audit.record(AuditEntry.from(http, operator, created.id(), "tenant.create", "tenant", created.id(), true,
                    Map.of("fields", request.settings() == null ? List.of("name", "domain")
                            : List.of("name", "domain", "settings"))));
            return created;
        });
        events.created(tenant);
        return ResponseEntity.created(URI.create("/admin/tenants/" + tenant.id())).body(tenant);
    }

    @GetMapping
    public TenantPage list(@RequestParam(required = false) UUID after,
                           @RequestParam(defaultValue = "50") @Min(1) @Max(500) int limit) {
        List<Tenant> page = tenants.list(after, limit);
        UUID next = page.size() == limit ? page.get(page.size() - 1).id() : null;
        return new TenantPage(page, next);
    }

    @GetMapping("/{id}")
    public Tenant get(@PathVariable UUID id) {
        return tenants.get(id);
    }

    @PatchMapping("/{id}")
    public Tenant update(@PathVariable UUID id, @Valid @RequestBody TenantPatch patch, HttpServletRequest http,
                         Authentication operator) {
        TenantSettings.check(patch.settings());
        return audited(AuditEntry.from(http, operator, id, "tenant.update", "tenant", id, true,
                Map.of("fields", changedFields(patch))), patch);
    }

    @PostMapping("/{id}/deactivate")
    public Tenant deactivate(@PathVariable UUID id, HttpServletRequest http, Authentication operator) {
        return audited(AuditEntry.from(http, operator, id, "tenant.deactivate", "tenant", id, true, Map.of()),
                new TenantPatch(null, null, null, false));
    }

    private Tenant audited(AuditEntry entry, TenantPatch patch) {
        try {
            var updated = transactions.withoutTenant(db -> {
                var changed = tenants.update(entry.tenantId(), patch);
                audit.record(entry);
                return changed;
            });
            events.changed(updated);
            return updated;
        } catch (NotFound e) {
            throw e; // no tenant to file the entry under
        } catch (ProblemException e) {
            var failure = new LinkedHashMap<String, Object>(entry.metadata());
            failure.put("status", e.status().value());
            if (e.field() != null) {
                failure.put("field", e.field());
            }
            audit.record(entry.failed(failure));
            throw e;
        }
    }

    private static List<String> changedFields(TenantPatch patch) {
        var fields = new ArrayList<String>();
        if (patch.name() != null) {
            fields.add("name");
        }
        if (patch.domain() != null) {
            fields.add("domain");
        }
        if (patch.settings() != null) {
            fields.add("settings");
        }
        if (patch.active() != null) {
            fields.add("active");
        }
        return fields;
    }

    public record TenantPage(List<Tenant> items, UUID next) {
    }
}
