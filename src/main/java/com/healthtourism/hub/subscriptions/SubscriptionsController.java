package com.healthtourism.hub.subscriptions;

import java.net.URI;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Pattern;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.validation.Valid;
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
import com.healthtourism.hub.crypto.FieldCipher;
import com.healthtourism.hub.crypto.SecretFingerprint;
import com.healthtourism.hub.problems.BadRequest;
import com.healthtourism.hub.problems.NotFound;
import com.healthtourism.hub.signatures.SignatureSchemes;
import com.healthtourism.hub.signatures.StandardWebhooksScheme;
import com.healthtourism.hub.tenancy.TenantRepository;
import com.healthtourism.hub.tenancy.TenantTransactions;

/**
 * Admin API of a tenant's outbound webhook subscriptions. The signing secret is encrypted at rest, shown only as a
 * fingerprint, and returned once: in the answer that generated it. Every change is audited.
 */
@RestController
@RequestMapping("/admin/tenants/{tenantId}/subscriptions")
public class SubscriptionsController {

    private static final String RESOURCE = "webhook_subscription";
    private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9_-]{0,63}");
    private static final Pattern EVENT = Pattern.compile("[a-z]+\\.([a-z_]+|\\*)");
    private static final int SECRET_BYTES = 24;

    private final TenantTransactions transactions;
    private final TenantRepository tenants;
    private final Subscriptions subscriptions;
    private final SignatureSchemes schemes;
    private final FieldCipher cipher;
    private final AuditTrail audit;
    private final SecureRandom random = new SecureRandom();

    public SubscriptionsController(TenantTransactions transactions, TenantRepository tenants, Subscriptions subscriptions,
                                   SignatureSchemes schemes, FieldCipher cipher, AuditTrail audit) {
        this.transactions = transactions;
        this.tenants = tenants;
        this.subscriptions = subscriptions;
        this.schemes = schemes;
        this.cipher = cipher;
        this.audit = audit;
    }

    @PutMapping("/{name}")
    public ResponseEntity<SubscriptionView> put(@PathVariable UUID tenantId, @PathVariable String name,
                                                @Valid @RequestBody SubscriptionSettings settings,
                                                HttpServletRequest request, Authentication operator) {
        checkName(name);
        checkUrl(settings.url());
        var events = settings.events() == null ? List.<String>of() : List.copyOf(settings.events());
        if (!events.stream().allMatch(event -> event != null && EVENT.matcher(event).matches())) {
            throw new BadRequest("events", "events: each must be an event type (payment.succeeded) or a family (case.*)");
        }
        if (settings.secret() != null && !schemes.acceptsSecret(StandardWebhooksScheme.NAME, settings.secret())) {
            throw new BadRequest("secret", "secret: must be a Standard Webhooks secret, whsec_<base64>");
        }
        tenants.find(tenantId).orElseThrow(() -> new NotFound("tenant", tenantId));
        var active = settings.active() == null || settings.active();
        return transactions.inTenant(tenantId, db -> {
            var existing = subscriptions.byName(db, name);
            String generated = null;
            UUID id;
            if (existing.isEmpty()) {
                id = UUID.randomUUID();
                generated = settings.secret() == null ? newSecret() : null;
                var secret = settings.secret() == null ? generated : settings.secret();
                db.sql("""
                                INSERT INTO webhook_subscriptions (id, tenant_id, name, url, secret, secret_fingerprint,
                                                                   event_types, active)
                                VALUES (?, ?, ?, ?, ?, ?, ?, ?)""")
                        .params(id, tenantId, name, settings.url(),
                                cipher.encryptString(secret, Subscription.secretContext(tenantId, id)),
                                SecretFingerprint.of(secret), events.toArray(String[]::new), active)
                        .update();
            } else {
                id = existing.get().id();
                db.sql("""
                                UPDATE webhook_subscriptions SET url = ?, event_types = ?, active = ?, updated_at = now()
                                WHERE id = ?""")
                        .params(settings.url(), events.toArray(String[]::new), active, id).update();
                if (settings.secret() != null) {
                    db.sql("UPDATE webhook_subscriptions SET secret = ?, secret_fingerprint = ? WHERE id = ?")
                            .params(cipher.encryptString(settings.secret(), Subscription.secretContext(tenantId, id)),
                                    SecretFingerprint.of(settings.secret()), id)
                            .update();
                }
            }
            var saved = subscriptions.byId(db, id).orElseThrow();
            audit.record(db, AuditEntry.from(request, operator, tenantId,
                    existing.isEmpty() ? "subscription.created" : "subscription.updated", RESOURCE, id, true,
                    Map.of("name", name, "events", events, "active", active, "fingerprint", saved.secretFingerprint())));
            return ResponseEntity.status(existing.isEmpty() ? HttpStatus.CREATED : HttpStatus.OK)
                    .body(SubscriptionView.of(saved, generated));
        });
    }

    @GetMapping
    public List<SubscriptionView> list(@PathVariable UUID tenantId) {
        return transactions.inTenant(tenantId, db -> subscriptions.list(db)).stream()
                .map(subscription -> SubscriptionView.of(subscription, null)).toList();
    }

    @GetMapping("/{name}")
    public SubscriptionView get(@PathVariable UUID tenantId, @PathVariable String name) {
        checkName(name);
        return transactions.inTenant(tenantId, db -> subscriptions.byName(db, name))
                .map(subscription -> SubscriptionView.of(subscription, null))
                .orElseThrow(() -> new NotFound("subscription", tenantId + "/" + name));
    }

    /** Deactivates: deliveries stop, the record of what was delivered stays. */
    @DeleteMapping("/{name}")
    public ResponseEntity<Void> delete(@PathVariable UUID tenantId, @PathVariable String name,
                                       HttpServletRequest request, Authentication operator) {
        checkName(name);
        var found = transactions.inTenant(tenantId, db -> subscriptions.byName(db, name).map(subscription -> {
            db.sql("UPDATE webhook_subscriptions SET active = false, updated_at = now() WHERE id = ?")
                    .param(subscription.id()).update();
            audit.record(db, AuditEntry.from(request, operator, tenantId, "subscription.deactivated", RESOURCE,
                    subscription.id(), true, Map.of("name", name)));
            return subscription;
        }));
        if (found.isEmpty()) {
            throw new NotFound("subscription", tenantId + "/" + name);
        }
        return ResponseEntity.noContent().build();
    }

    private String newSecret() {
        var key = new byte[SECRET_BYTES];
        random.nextBytes(key);
        return "whsec_" + Base64.getEncoder().encodeToString(key);
    }

    private static void checkName(String name) {
        if (!NAME.matcher(name).matches()) {
            throw new BadRequest("name", "name: lower-case letters, digits, '-' or '_' (at most 64)");
        }
    }

    private static void checkUrl(String url) {
        try {
            var uri = URI.create(url);
            if (uri.isAbsolute() && ("https".equals(uri.getScheme()) || "http".equals(uri.getScheme()))
                    && uri.getHost() != null && uri.getRawQuery() == null && uri.getUserInfo() == null) {
                return;
            }
        } catch (IllegalArgumentException e) {
            // answered below
        }
        throw new BadRequest("url", "url: must be an absolute http(s) URL without credentials or query");
    }
}
