package com.healthtourism.hub.webhooks;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
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

/**
 * Partner sources in PostgreSQL, secrets encrypted with Tink and bound to tenant and source. Intake
 * reads them through a short in-memory cache (tenant in the key); a change made here evicts it at
 * once, a change made by another instance shows within {@code hub.webhooks.source-cache-ttl}.
 */
@Repository
public class PartnerSources {

    private static final TypeReference<List<String>> STRINGS = new TypeReference<>() { };
    private static final String COLUMNS = "s.tenant_id, s.source, s.scheme, s.secrets, s.secret_fingerprints, "
            + "s.enabled AND t.active AS enabled, s.tolerance_seconds, s.created_at, s.updated_at, "
            // a value the hub cannot use (stored before TenantSettings checked it) is no limit of its own: the default
            + "CASE WHEN t.settings ->> 'webhookRateLimitPerMinute' ~ '^[1-9][0-9]{0,9}$' "
            + "THEN LEAST((t.settings ->> 'webhookRateLimitPerMinute')::bigint, 2147483647)::int END AS rate_per_minute, "
            + "s.api_credentials_fingerprint, s.api_base_url";

    private final TenantTransactions transactions;
    private final FieldCipher cipher;
    private final ObjectMapper json;
    private final Cache<String, Optional<PartnerSource>> active;
    private final Cache<String, Optional<ApiCredentials>> credentials;

    public PartnerSources(TenantTransactions transactions, FieldCipher cipher, ObjectMapper json,
                          WebhookProperties properties) {
        this.transactions = transactions;
        this.cipher = cipher;
        this.json = json;
        this.active = Caffeine.newBuilder().maximumSize(10_000)
                .expireAfterWrite(properties.sourceCacheTtl()).build();
        this.credentials = Caffeine.newBuilder().maximumSize(10_000)
                .expireAfterWrite(properties.sourceCacheTtl()).build();
    }

    /** The credentials the hub calls the partner's API with, decrypted; cached briefly like the source. */
    public Optional<ApiCredentials> apiCredentials(UUID tenantId, String source) {
        return credentials.get(cacheKey(tenantId, source), key -> transactions.inTenant(tenantId, db -> db.sql(
                        "SELECT api_credentials FROM partner_sources WHERE tenant_id = ? AND source = ? AND enabled"
                                + " AND api_credentials IS NOT NULL")
                .params(tenantId, source).query((row, n) -> fromCredentials(
                        cipher.decrypt(row.getBytes(1), credentialsContext(tenantId, source)))).optional()));
    }

    /** The source if it exists, is enabled and its tenant is active; cached briefly. */
    public Optional<PartnerSource> findActive(UUID tenantId, String source) {
        return active.get(cacheKey(tenantId, source),
                key -> find(tenantId, source).filter(PartnerSource::enabled));
    }

    public Optional<PartnerSource> find(UUID tenantId, String source) {
        return transactions.inTenant(tenantId, db -> db.sql("SELECT " + COLUMNS
                        + " FROM partner_sources s JOIN tenants t ON t.id = s.tenant_id"
                        + " WHERE s.tenant_id = ? AND s.source = ?")
                .params(tenantId, source).query(this::map).optional());
    }

    public List<PartnerSource> list(UUID tenantId) {
        return transactions.inTenant(tenantId, db -> db.sql("SELECT " + COLUMNS
                        + " FROM partner_sources s JOIN tenants t ON t.id = s.tenant_id"
                        + " WHERE s.tenant_id = ? ORDER BY s.source")
                .param(tenantId).query(this::map).list());
    }

    /** A saved source, and whether the save created it. */
    public record Saved(PartnerSource source, boolean created) {
    }

    /**
     * Creates or replaces a source; runs in the caller's tenant transaction. API credentials left null keep the
     * stored ones.
     */
    public Saved save(JdbcClient db, UUID tenantId, String source, String scheme, List<String> secrets,
                      boolean enabled, Duration tolerance, ApiCredentials api) {
        var fingerprints = secrets.stream().map(SecretFingerprint::of).toList();
        var saved = db.sql("""
                        INSERT INTO partner_sources (tenant_id, source, scheme, secrets, secret_fingerprints, enabled, tolerance_seconds)
                        VALUES (?, ?, ?, ?, ?, ?, ?)
                        ON CONFLICT (tenant_id, source) DO UPDATE SET scheme = EXCLUDED.scheme, secrets = EXCLUDED.secrets,
                            secret_fingerprints = EXCLUDED.secret_fingerprints, enabled = EXCLUDED.enabled,
                            tolerance_seconds = EXCLUDED.tolerance_seconds, updated_at = now()
                        RETURNING xmax = 0 AS created""")
                .params(tenantId, source, scheme, cipher.encrypt(toJson(secrets), context(tenantId, source)),
                        fingerprints.toArray(String[]::new), enabled, (int) tolerance.toSeconds())
                .query(Boolean.class).single();
        if (api != null) {
            db.sql("UPDATE partner_sources SET api_credentials = ?, api_credentials_fingerprint = ?, api_base_url = ?"
                            + " WHERE tenant_id = ? AND source = ?")
                    .params(cipher.encrypt(toJson(api), credentialsContext(tenantId, source)),
                            SecretFingerprint.of(api.clientSecret()), api.baseUrl(), tenantId, source)
                    .update();
        }
        forgetOnCommit(cacheKey(tenantId, source));
        return new Saved(db.sql("SELECT " + COLUMNS + " FROM partner_sources s JOIN tenants t ON t.id = s.tenant_id"
                        + " WHERE s.tenant_id = ? AND s.source = ?")
                .params(tenantId, source).query(this::map).single(), saved);
    }

    /** Forgets the cached source now and again once the change committed ({@link CacheEviction}). */
    private void forgetOnCommit(String key) {
        CacheEviction.nowAndAfterCompletion(() -> {
            active.invalidate(key);
            credentials.invalidate(key);
        });
    }

    /** A deactivated tenant, or changed rate limits, must not wait for the cache to expire. */
    @EventListener
    void forget(TenantChanged change) {
        var prefix = change.tenant().id() + ":";
        active.asMap().keySet().removeIf(key -> key.startsWith(prefix));
        credentials.asMap().keySet().removeIf(key -> key.startsWith(prefix));
    }

    private PartnerSource map(ResultSet row, int n) throws SQLException {
        var tenantId = row.getObject("tenant_id", UUID.class);
        var source = row.getString("source");
        var secrets = fromJson(cipher.decrypt(row.getBytes("secrets"), context(tenantId, source)));
        var fingerprints = List.of((String[]) row.getArray("secret_fingerprints").getArray());
        return new PartnerSource(tenantId, source, row.getString("scheme"), secrets, fingerprints,
                row.getBoolean("enabled"), Duration.ofSeconds(row.getInt("tolerance_seconds")),
                row.getObject("rate_per_minute", Integer.class),
                row.getObject("created_at", OffsetDateTime.class), row.getObject("updated_at", OffsetDateTime.class),
                row.getString("api_credentials_fingerprint"), row.getString("api_base_url"));
    }

    private static String cacheKey(UUID tenantId, String source) {
        return tenantId + ":" + source;
    }

    private static String context(UUID tenantId, String source) {
        return "tenant:" + tenantId + ":partner_sources:" + source;
    }

    private static String credentialsContext(UUID tenantId, String source) {
        return "tenant:" + tenantId + ":partner_sources.api_credentials:" + source;
    }

    private byte[] toJson(Object secrets) {
        try {
            return json.writeValueAsBytes(secrets);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot encode secrets", e);
        }
    }

    private List<String> fromJson(byte[] plaintext) {
        try {
            return json.readValue(new String(plaintext, StandardCharsets.UTF_8), STRINGS);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("stored secrets are not a JSON list");
        }
    }

    private ApiCredentials fromCredentials(byte[] plaintext) {
        try {
            return json.readValue(plaintext, ApiCredentials.class);
        } catch (IOException e) {
            throw new IllegalStateException("stored API credentials are not a JSON object");
        }
    }
}
