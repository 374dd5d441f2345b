package com.healthtourism.hub.webhooks;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Pattern;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.validation.Valid;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.Authentication;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

import com.healthtourism.hub.audit.AuditEntry;
import com.healthtourism.hub.audit.AuditTrail;
import com.healthtourism.hub.problems.BadRequest;
import com.healthtourism.hub.problems.NotFound;
import com.healthtourism.hub.signatures.SignatureSchemes;
import com.healthtourism.hub.tenancy.TenantRepository;
import com.healthtourism.hub.tenancy.TenantTransactions;

/** Admin API of a tenant's partner sources. Secrets go in, fingerprints come out. */
@RestController
@RequestMapping("/admin/tenants/{tenantId}/sources")
public class SourcesController {

    private static final Pattern SOURCE_NAME = Pattern.compile("[a-z0-9][a-z0-9_-]{0,63}");
    private static final Duration DEFAULT_TOLERANCE = Duration.ofMinutes(5);

    private final PartnerSources sources;
    private final TenantRepository tenants;
    private final TenantTransactions transactions;
    private final SignatureSchemes schemes;
    private final AuditTrail audit;
    private final ApplicationEventPublisher events;

    public SourcesController(PartnerSources sources, TenantRepository tenants, TenantTransactions transactions,
                             SignatureSchemes schemes, AuditTrail audit, ApplicationEventPublisher events) {
        this.sources = sources;
        this.events = events;
        this.tenants = tenants;
        this.transactions = transactions;
        this.schemes = schemes;
        this.audit = audit;
    }

    @PutMapping("/{source}")
    public ResponseEntity<SourceView> put(@PathVariable UUID tenantId, @PathVariable String source,
                                          @Valid @RequestBody SourceSettings settings,
                                          HttpServletRequest request, Authentication operator) {
        checkName(source);
        tenants.find(tenantId).orElseThrow(() -> new NotFound("tenant", tenantId));
        var scheme = settings.scheme() == null ? schemes.defaultFor(source) : settings.scheme();
        if (!schemes.names().contains(scheme)) {
            throw new BadRequest("scheme", "scheme must be one of " + schemes.names());
        }
        if (!settings.secrets().stream().allMatch(secret -> schemes.acceptsSecret(scheme, secret))) {
            throw new BadRequest("secrets", "a secret does not have the form the " + scheme + " scheme needs");
        }
        var tolerance = settings.toleranceSeconds() == null ? DEFAULT_TOLERANCE
                : Duration.ofSeconds(settings.toleranceSeconds());
        var saved = transactions.inTenant(tenantId, db -> {
            var result = sources.save(db, tenantId, source, scheme, settings.secrets(),
                    settings.enabled() == null || settings.enabled(), tolerance, settings.credentials());
            var row = result.source();
            var metadata = new LinkedHashMap<String, Object>(Map.of("source", source, "scheme", scheme,
                    "enabled", row.enabled(), "fingerprints", row.fingerprints()));
            if (row.apiFingerprint() != null) {
                metadata.put("apiFingerprint", row.apiFingerprint());
            }
            audit.record(db, AuditEntry.from(request, operator, tenantId,
                    result.created() ? "source.created" : "source.updated", "partner_source", null, true, metadata));
            return result;
        });
        if (settings.credentials() != null) {
            events.publishEvent(new PartnerCredentialsChanged(tenantId, source));
        }
        return ResponseEntity.status(saved.created() ? HttpStatus.CREATED : HttpStatus.OK)
                .body(SourceView.of(saved.source()));
    }

    @GetMapping("/{source}")
    public SourceView get(@PathVariable UUID tenantId, @PathVariable String source) {
        checkName(source);
        return sources.find(tenantId, source).map(SourceView::of)
                .orElseThrow(() -> new NotFound("source", tenantId + "/" + source));
    }

    @GetMapping
    public List<SourceView> list(@PathVariable UUID tenantId) {
        return sources.list(tenantId).stream().map(SourceView::of).toList();
    }

    private static void checkName(String source) {
        if (!SOURCE_NAME.matcher(source).matches()) {
            throw new BadRequest("source", "source must be lower-case letters, digits, '-' or '_' (at most 64)");
        }
    }
}
