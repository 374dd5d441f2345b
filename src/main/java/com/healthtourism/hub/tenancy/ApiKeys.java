package com.healthtourism.hub.tenancy;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * Tenant API keys: {@code htk_} and 32 random bytes (base64url). Only the key's SHA-256 is stored (a key this random
 * needs no slow hash); the key is shown once, when issued. A revoked key, or a key of an inactive tenant, no longer
 * authenticates.
 */
@Component
public class ApiKeys {

    public static final String PREFIX = "htk_";
    private static final int RANDOM_BYTES = 32;
    private static final String COLUMNS = "id, name, pii, created_at, revoked_at";

    private final TenantTransactions transactions;
    private final SecureRandom random = new SecureRandom();

    public ApiKeys(TenantTransactions transactions) {
        this.transactions = transactions;
    }

    /** Issues a key on a JdbcClient of an open {@code inTenant(tenantId, ...)} transaction; the answer carries the key. */
    public ApiKeyView issue(JdbcClient db, UUID tenantId, String name, boolean pii) {
        var bytes = new byte[RANDOM_BYTES];
        random.nextBytes(bytes);
        var key = PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
        return db.sql("INSERT INTO tenant_api_keys (id, tenant_id, name, key_hash, pii) VALUES (?, ?, ?, ?, ?) RETURNING "
                        + COLUMNS)
                .params(UUID.randomUUID(), tenantId, name.strip(), hash(key), pii)
                .query(ApiKeys::view).single().withKey(key);
    }

    public List<ApiKeyView> list(UUID tenantId) {
        return transactions.inTenant(tenantId, db -> db.sql(
                        "SELECT " + COLUMNS + " FROM tenant_api_keys ORDER BY created_at, id")
                .query(ApiKeys::view).list());
    }

    /** Revokes the key (a second revocation keeps the first date); empty if the tenant has no such key. */
    public Optional<ApiKeyView> revoke(JdbcClient db, UUID keyId) {
        return db.sql("UPDATE tenant_api_keys SET revoked_at = coalesce(revoked_at, now()) WHERE id = ? RETURNING "
                        + COLUMNS)
                .param(keyId).query(ApiKeys::view).optional();
    }

    /** The client a presented key belongs to, if it is a live key of an active tenant. */
    public Optional<ApiClient> authenticate(String presented) {
        if (presented == null || !presented.startsWith(PREFIX) || presented.length() > 100) {
            return Optional.empty();
        }
        return transactions.withoutTenant(db -> db.sql("SELECT id, tenant_id, name, pii FROM tenant_api_key(?)")
                .param(hash(presented))
                .query((rs, n) -> new ApiClient(rs.getObject("id", UUID.class), rs.getObject("tenant_id", UUID.class),
                        rs.getString("name"), rs.getBoolean("pii")))
                .optional());
    }

    static String hash(String key) {
        try {
            var digest = MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }

    private static ApiKeyView view(ResultSet rs, int row) throws SQLException {
        return new ApiKeyView(rs.getObject("id", UUID.class), rs.getString("name"), rs.getBoolean("pii"),
                rs.getObject("created_at", OffsetDateTime.class), rs.getObject("revoked_at", OffsetDateTime.class), null);
    }
}
