package com.healthtourism.hub.subscriptions;

import java.security.SecureRandom;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import org.springframework.context.event.EventListener;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

import com.healthtourism.hub.crypto.FieldCipher;
import com.healthtourism.hub.crypto.SecretFingerprint;
import com.healthtourism.hub.tenancy.CacheEviction;
import com.healthtourism.hub.tenancy.TenantChanged;
import com.healthtourism.hub.tenancy.TenantTransactions;
import com.healthtourism.hub.webhooks.WebhookProperties;

/**
 * Webhook subscriptions in PostgreSQL; secrets encrypted with Tink and bound to tenant and subscription id,
 * decrypted only to sign a delivery. Every method runs in the tenant's transaction.
 *
 * <p>The fan-out reads a tenant's active subscriptions for every hub event, so that list is kept in memory (keyed by
 * tenant) for {@code hub.webhooks.source-cache-ttl}: a change made through this instance applies to the next event,
 * one made by another instance within the TTL. The target and secret of each delivery are always read afresh.
 */
@Repository
public class Subscriptions {

    static final String SECRET_PREFIX = "whsec_";
    private static final int GENERATED_SECRET_BYTES = 24;
    private static final String COLUMNS = "s.id, s.tenant_id, s.name, s.url, s.secret_fingerprint, s.event_types, "
            + "s.active, s.created_at, s.updated_at";

    private final TenantTransactions transactions;
    private final FieldCipher cipher;
    private final SecureRandom random = new SecureRandom();
    private final Cache<UUID, Optional<List<Subscription>>> activeByTenant;

    public Subscriptions(TenantTransactions transactions, FieldCipher cipher, WebhookProperties properties) {
        this.transactions = transactions;
        this.cipher = cipher;
        this.activeByTenant = Caffeine.newBuilder().maximumSize(10_000)
                .expireAfterWrite(properties.sourceCacheTtl()).build();
    }

    public Optional<Subscription> find(UUID tenantId, String name) {
        return transactions.inTenant(tenantId, db -> find(db, tenantId, name));
    }

    public List<Subscription> list(UUID tenantId) {
        return transactions.inTenant(tenantId, db -> db.sql("SELECT " + COLUMNS
                        + " FROM webhook_subscriptions s WHERE s.tenant_id = ? ORDER BY s.name")
                .param(tenantId).query(Subscriptions::map).list());
    }

    /** A saved subscription, whether the save created it, and the secret the hub generated for it (else null). */
    public record Saved(Subscription subscription, boolean created, String generatedSecret) {
    }

    /**
     * Creates or updates a subscription in the caller's tenant transaction. A null {@code secret} keeps an
     * existing subscription's secret and generates one for a new subscription.
     */
    public Saved save(JdbcClient db, UUID tenantId, String name, String url, List<String> events, String secret,
                      boolean active) {
        forgetOnCommit(tenantId);
        var existing = db.sql("SELECT id FROM webhook_subscriptions WHERE tenant_id = ? AND name = ? FOR UPDATE")
                .params(tenantId, name).query(UUID.class).optional();
        var eventTypes = events.toArray(String[]::new);
        if (existing.isPresent()) {
            var id = existing.get();
            if (secret == null) {
                db.sql("""
                                UPDATE webhook_subscriptions SET url = ?, event_types = ?, active = ?, updated_at = now()
                                WHERE tenant_id = ? AND id = ?""")
                        .params(url, eventTypes, active, tenantId, id).update();
            } else {
                db.sql("""
                                UPDATE webhook_subscriptions SET url = ?, event_types = ?, active = ?, secret = ?,
                                    secret_fingerprint = ?, updated_at = now()
                                WHERE tenant_id = ? AND id = ?""")
                        .params(url, eventTypes, active, cipher.encryptString(secret, secretContext(tenantId, id)),
                                SecretFingerprint.of(secret), tenantId, id).update();
            }
            return new Saved(find(db, tenantId, name).orElseThrow(), false, null);
        }
        var id = UUID.randomUUID();
        var generated = secret == null ? generateSecret() : null;
        var stored = secret == null ? generated : secret;
        db.sql("""
                        INSERT INTO webhook_subscriptions (id, tenant_id, name, url, secret, secret_fingerprint, event_types, active)
                        VALUES (?, ?, ?, ?, ?, ?, ?, ?)""")
                .params(id, tenantId, name, url, cipher.encryptString(stored, secretContext(tenantId, id)),
                        SecretFingerprint.of(stored), eventTypes, active).update();
        return new Saved(find(db, tenantId, name).orElseThrow(), true, generated);
    }

    /** Deactivates a subscription in the caller's tenant transaction; empty if there is none by that name. */
    public Optional<Subscription> deactivate(JdbcClient db, UUID tenantId, String name) {
        forgetOnCommit(tenantId);
        return db.sql("UPDATE webhook_subscriptions s SET active = false, updated_at = now()"
                        + " WHERE s.tenant_id = ? AND s.name = ? RETURNING " + COLUMNS)
                .params(tenantId, name).query(Subscriptions::map).optional();
    }

    /**
     * The tenant's active subscriptions, or empty when the tenant does not exist or is inactive (then nothing
     * may be sent on its behalf).
     */
    Optional<List<Subscription>> activeOfTenant(UUID tenantId) {
        return activeByTenant.get(tenantId, this::readActiveOfTenant);
    }

    /** A deactivated tenant sends nothing more, at once. */
    @EventListener
    void forget(TenantChanged change) {
        activeByTenant.invalidate(change.tenant().id());
    }

    /**
     * Forgets the tenant's cached list now and again once the caller's transaction committed, so that no read made
     * in between keeps the old list until it expires.
     */
    private void forgetOnCommit(UUID tenantId) {
        CacheEviction.nowAndAfterCompletion(() -> activeByTenant.invalidate(tenantId));
    }

    private Optional<List<Subscription>> readActiveOfTenant(UUID tenantId) {
        return transactions.inTenant(tenantId, db -> {
            var tenantActive = db.sql("SELECT active FROM tenants WHERE id = ?").param(tenantId)
                    .query(Boolean.class).optional();
            if (tenantActive.isEmpty() || !tenantActive.get()) {
                return Optional.empty();
            }
            return Optional.of(db.sql("SELECT " + COLUMNS
                            + " FROM webhook_subscriptions s WHERE s.tenant_id = ? AND s.active ORDER BY s.name")
                    .param(tenantId).query(Subscriptions::map).list());
        });
    }

    /** Where and with which secret to send: only for an active subscription of an active tenant. */
    record Target(String url, String secret) {
        @Override
        public String toString() {
            return "Target[secret hidden]";
        }
    }

    Optional<Target> activeTarget(UUID tenantId, UUID subscriptionId) {
        return transactions.inTenant(tenantId, db -> db.sql("""
                        SELECT s.url, s.secret FROM webhook_subscriptions s JOIN tenants t ON t.id = s.tenant_id
                        WHERE s.tenant_id = ? AND s.id = ? AND s.active AND t.active""")
                .params(tenantId, subscriptionId)
                .query((row, n) -> new Target(row.getString("url"),
                        cipher.decryptString(row.getBytes("secret"), secretContext(tenantId, subscriptionId))))
                .optional());
    }

    /** A Standard Webhooks secret: {@code whsec_} and the base64 of 24 random bytes. */
    String generateSecret() {
        var key = new byte[GENERATED_SECRET_BYTES];
        random.nextBytes(key);
        return SECRET_PREFIX + Base64.getEncoder().encodeToString(key);
    }

    /** Associated data of a subscription secret's ciphertext: it decrypts only as this tenant's this subscription. */
    static String secretContext(UUID tenantId, UUID subscriptionId) {
        return "tenant:" + tenantId + ":webhook_subscriptions:" + subscriptionId;
    }

    private Optional<Subscription> find(JdbcClient db, UUID tenantId, String name) {
        return db.sql("SELECT " + COLUMNS + " FROM webhook_subscriptions s WHERE s.tenant_id = ? AND s.name = ?")
                .params(tenantId, name).query(Subscriptions::map).optional();
    }

    private static Subscription map(ResultSet row, int n) throws SQLException {
        return new Subscription(row.getObject("id", UUID.class), row.getObject("tenant_id", UUID.class),
                row.getString("name"), row.getString("url"), row.getString("secret_fingerprint"),
                List.of((String[]) row.getArray("event_types").getArray()), row.getBoolean("active"),
                row.getObject("created_at", OffsetDateTime.class), row.getObject("updated_at", OffsetDateTime.class));
    }
}
