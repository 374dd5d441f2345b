package com.healthtourism.hub.tenancy;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

import com.healthtourism.hub.problems.Conflict;
import com.healthtourism.hub.problems.NotFound;

@Repository
public class TenantRepository {

    private static final String COLUMNS = "id, name, domain, settings::text AS settings, active, created_at, updated_at";
    private static final TypeReference<Map<String, Object>> SETTINGS = new TypeReference<>() { };

    private final TenantTransactions transactions;
    private final ObjectMapper json;

    public TenantRepository(TenantTransactions transactions, ObjectMapper json) {
        this.transactions = transactions;
        this.json = json;
    }

    public Tenant create(NewTenant tenant) {
        try {
            return transactions.withoutTenant(db -> db.sql(
                            "INSERT INTO tenants (name, domain, settings) VALUES (?, ?, ?::jsonb) RETURNING " + COLUMNS)
                    .params(tenant.name().strip(), normalize(tenant.domain()), toJson(tenant.settings()))
                    .query(this::map).single());
        } catch (DuplicateKeyException e) {
            throw domainTaken();
        }
    }

    public Optional<Tenant> find(UUID id) {
        return transactions.withoutTenant(db -> db.sql("SELECT " + COLUMNS + " FROM tenants WHERE id = ?")
                .param(id).query(this::map).optional());
    }

    public Tenant get(UUID id) {
        return find(id).orElseThrow(() -> new NotFound("tenant", id));
    }

    /** Keyset page ordered by id: the next page starts after the last id of this one. */
    public List<Tenant> list(UUID after, int limit) {
        return transactions.withoutTenant(db -> {
            JdbcClient.StatementSpec query = after == null
                    ? db.sql("SELECT " + COLUMNS + " FROM tenants ORDER BY id LIMIT ?").param(limit)
                    : db.sql("SELECT " + COLUMNS + " FROM tenants WHERE id > ? ORDER BY id LIMIT ?").params(after, limit);
            return query.query(this::map).list();
        });
    }

    public List<String> activeIds() {
        return transactions.withoutTenant(db -> db.sql("SELECT id::text FROM tenants WHERE active ORDER BY id")
                .query(String.class).list());
    }

    public Tenant update(UUID id, TenantPatch patch) {
        try {
            return transactions.withoutTenant(db -> db.sql("""
                            UPDATE tenants SET
                                name = COALESCE(?, name),
                                domain = COALESCE(?, domain),
                                settings = COALESCE(?::jsonb, settings),
                                active = COALESCE(?, active),
                                updated_at = now()
                            WHERE id = ?
                            RETURNING """ + " " + COLUMNS)
                    .params(patch.name() == null ? null : patch.name().strip(), normalize(patch.domain()),
                            patch.settings() == null ? null : toJson(patch.settings()), patch.active(), id)
                    .query(this::map).optional()
                    .orElseThrow(() -> new NotFound("tenant", id)));
        } catch (DuplicateKeyException e) {
            throw domainTaken();
        }
    }

    private static String normalize(String domain) {
        return domain == null ? null : domain.toLowerCase(Locale.ROOT);
    }

    private static Conflict domainTaken() {
        return new Conflict("domain", "a tenant with this domain already exists");
    }

    private Tenant map(ResultSet rs, int row) throws SQLException {
        return new Tenant(
                rs.getObject("id", UUID.class),
                rs.getString("name"),
                rs.getString("domain"),
                fromJson(rs.getString("settings")),
                rs.getBoolean("active"),
                rs.getObject("created_at", OffsetDateTime.class),
                rs.getObject("updated_at", OffsetDateTime.class));
    }

    private String toJson(Map<String, Object> settings) {
        try {
            return json.writeValueAsString(settings == null ? Map.of() : settings);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("settings are not serializable", e);
        }
    }

    private Map<String, Object> fromJson(String settings) {
        try {
            return json.readValue(settings, SETTINGS);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("stored tenant settings are not JSON", e);
        }
    }
}
