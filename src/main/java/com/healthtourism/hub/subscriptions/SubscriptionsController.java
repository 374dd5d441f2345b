package com.healthtourism.hub.subscriptions;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.regex.Pattern;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.validation.Valid;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.http.CacheControl;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.Authentication;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

import com.healthtourism.hub.audit.AuditEntry;
import com.healthtourism.hub.audit.AuditTrail;
import com.healthtourism.hub.events.EventFamily;
import com.healthtourism.hub.idempotency.IdempotencyKeyFilter;
import com.healthtourism.hub.problems.BadRequest;
import com.healthtourism.hub.problems.Conflict;
import com.healthtourism.hub.problems.NotFound;
import com.healthtourism.hub.tenancy.TenantRepository;
import com.healthtourism.hub.tenancy.TenantTransactions;

/**
 * Admin API of a tenant's outbound webhook subscriptions. A secret goes in (or is generated and shown once),
 * only its fingerprint comes out.
 */
@RestController
@RequestMapping("/admin/tenants/{tenantId}/subscriptions")
public class SubscriptionsController {

    private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9_-]{0,63}");
    private static final int MIN_SECRET_BYTES = 24;
    private static final int MAX_SECRET_BYTES = 64;
    private static final String RESOURCE = "webhook_subscription";

    private final Subscriptions subscriptions;
    private final TenantRepository tenants;
    private final TenantTransactions transactions;
    private final AuditTrail audit;
    private final PartnerBreakers breakers;
    private final Set<String> fannedOut;

    /**
     * @param topics the topics the fan-out sends to partners (hub.partner-webhooks.topics): a subscription may only
     *               want events of their families, or it would be accepted and never get one
     */
    public SubscriptionsController(Subscriptions subscriptions, TenantRepository tenants,
                                   TenantTransactions transactions, AuditTrail audit, PartnerBreakers breakers,
                                   @Value("${hub.partner-webhooks.topics}") List<String> topics) {
        this.fannedOut = new TreeSet<>(topics);
        this.subscriptions = subscriptions;
        this.breakers = breakers;
        this.tenants = tenants;
        this.transactions = transactions;
        this.audit = audit;
    }

    @PutMapping("/{name}")
    public ResponseEntity<SubscriptionView> put(@PathVariable UUID tenantId, @PathVariable String name,
                                                @Valid @RequestBody SubscriptionSettings settings,
                                                HttpServletRequest request, Authentication operator) {
        checkName(name);
        var url = checkUrl(settings.url());
        var events = checkEvents(settings.events());
        checkSecret(settings.secret());
        tenants.find(tenantId).orElseThrow(() -> new NotFound("tenant", tenantId));
        var active = settings.active() == null || settings.active();
        Subscriptions.Saved saved;
        try {
            saved = transactions.inTenant(tenantId, db -> {
                var result = subscriptions.save(db, tenantId, name, url, events, settings.secret(), active);
                var row = result.subscription();
                audit.record(db, AuditEntry.from(request, operator, tenantId,
                        result.created() ? "subscription.created" : "subscription.updated", RESOURCE, row.id(), true,
                        auditMetadata(row, settings.secret() != null || result.created())));
                return result;
            });
        } catch (DuplicateKeyException concurrentCreate) {
            throw new Conflict("name", "the subscription was created by a concurrent request; retry");
        }
        // an operator's change (a fixed URL, typically) gives the partner a fresh start: no breaker left open
        breakers.forget(saved.subscription().id());
        var answer = ResponseEntity.status(saved.created() ? HttpStatus.CREATED : HttpStatus.OK);
        if (saved.generatedSecret() != null) {
            // The only answer that carries a secret: no cache, and no X-Idempotency-Key replay, may keep it.
            request.setAttribute(IdempotencyKeyFilter.DO_NOT_KEEP, Boolean.TRUE);
            answer.cacheControl(CacheControl.noStore());
        }
        return answer.body(SubscriptionView.withGeneratedSecret(saved.subscription(), saved.generatedSecret()));
    }

    @GetMapping("/{name}")
    public SubscriptionView get(@PathVariable UUID tenantId, @PathVariable String name) {
        checkName(name);
        return subscriptions.find(tenantId, name).map(SubscriptionView::of)
                .orElseThrow(() -> new NotFound("subscription", tenantId + "/" + name));
    }

    @GetMapping
    public List<SubscriptionView> list(@PathVariable UUID tenantId) {
        return subscriptions.list(tenantId).stream().map(SubscriptionView::of).toList();
    }

    @DeleteMapping("/{name}")
    public ResponseEntity<Void> delete(@PathVariable UUID tenantId, @PathVariable String name,
                                       HttpServletRequest request, Authentication operator) {
        checkName(name);
        var deactivated = transactions.inTenant(tenantId, db -> {
            var row = subscriptions.deactivate(db, tenantId, name)
                    .orElseThrow(() -> new NotFound("subscription", tenantId + "/" + name));
            audit.record(db, AuditEntry.from(request, operator, tenantId, "subscription.deactivated", RESOURCE,
                    row.id(), true, auditMetadata(row, false)));
            return row;
        });
        breakers.forget(deactivated.id());
        return ResponseEntity.noContent().build();
    }

    /** What the audit trail keeps: the URL's host only, since a partner URL may carry a token in its query. */
    private static LinkedHashMap<String, Object> auditMetadata(Subscription row, boolean secretSet) {
        var metadata = new LinkedHashMap<String, Object>();
        metadata.put("name", row.name());
        metadata.put("host", URI.create(row.url()).getHost());
        metadata.put("events", row.events());
        metadata.put("active", row.active());
        metadata.put("fingerprint", row.secretFingerprint());
        metadata.put("keyChanged", secretSet);
        return metadata;
    }

    private static void checkName(String name) {
        if (!NAME.matcher(name).matches()) {
            throw new BadRequest("name", "name must be lower-case letters, digits, '-' or '_' (at most 64)");
        }
    }

    private static String checkUrl(String url) {
        try {
            var uri = new URI(url.strip());
            var scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
            if (!uri.isAbsolute() || !(scheme.equals("https") || scheme.equals("http")) || uri.getHost() == null) {
                throw new BadRequest("url", "url must be an absolute http or https URL");
            }
            if (uri.getRawUserInfo() != null) {
                throw new BadRequest("url", "url must not carry credentials; the signature authenticates the hub");
            }
            return uri.toString();
        } catch (URISyntaxException e) {
            throw new BadRequest("url", "url must be an absolute http or https URL");
        }
    }

    private List<String> checkEvents(List<String> events) {
        if (events == null) {
            return List.of();
        }
        for (var event : events) {
            EventPatterns.problem(event).ifPresent(problem -> {
                throw new BadRequest("events", problem);
            });
            if (!EventFamily.of(event).map(EventFamily::topic).filter(fannedOut::contains).isPresent()) {
                throw new BadRequest("events", "partners are sent the events of " + String.join(", ", fannedOut)
                        + " only (hub.partner-webhooks.topics)");
            }
        }
        return events.stream().distinct().toList();
    }

    /** A given secret must be a Standard Webhooks secret: whsec_ and the base64 of 24 to 64 bytes. */
    private static void checkSecret(String secret) {
        if (secret == null) {
            return;
        }
        var problem = new BadRequest("secret", "secret must be whsec_ followed by the base64 of 24 to 64 random bytes");
        if (!secret.startsWith(Subscriptions.SECRET_PREFIX)) {
            throw problem;
        }
        try {
            var key = Base64.getDecoder().decode(secret.substring(Subscriptions.SECRET_PREFIX.length()));
            if (key.length < MIN_SECRET_BYTES || key.length > MAX_SECRET_BYTES) {
                throw problem;
            }
        } catch (IllegalArgumentException notBase64) {
            throw problem;
        }
    }
}
