package com.healthtourism.hub.tenancy;

import java.net.URI;
import java.util.List;
import java.util.UUID;

import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import org.springframework.http.ResponseEntity;
import org.springframework.validation.annotation.Validated;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PatchMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** Admin API for the tenant registry. Tenants are deactivated, never deleted. */
@RestController
@RequestMapping("/admin/tenants")
@Validated
public class TenantController {

    private final TenantRepository tenants;
    private final TenantEvents events;

    public TenantController(TenantRepository tenants, TenantEvents events) {
        this.tenants = tenants;
        this.events = events;
    }

    @PostMapping
    public ResponseEntity<Tenant> create(@Valid @RequestBody NewTenant request) {
        var tenant = tenants.create(request);
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
    public Tenant update(@PathVariable UUID id, @Valid @RequestBody TenantPatch patch) {
        return tenants.update(id, patch);
    }

    @PostMapping("/{id}/deactivate")
    public Tenant deactivate(@PathVariable UUID id) {
        return tenants.update(id, new TenantPatch(null, null, null, false));
    }

    public record TenantPage(List<Tenant> items, UUID next) {
    }
}
