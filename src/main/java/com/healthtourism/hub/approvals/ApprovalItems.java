package com.healthtourism.hub.approvals;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

import com.healthtourism.hub.web.KeysetCursor;

/** Reads of the approval queue, on a JdbcClient of a tenant or ops transaction (RLS decides what it sees). */
@Repository
public class ApprovalItems {

    /**
     * The items that wait for a person (SQL condition): pending, replay failed, or granted so long ago that the
     * instance which was to replay it must have died before it could ({@link ApprovalDecisions#STALE_GRANT_MINUTES}).
     */
    static final String AWAITING_DECISION = "(status IN ('pending', 'replay_failed') OR status = 'granted'"
            + " AND decided_at < now() - make_interval(mins => " + ApprovalDecisions.STALE_GRANT_MINUTES + "))";

    private static final String COLUMNS = """
            id, tenant_id, route_id, endpoint, error_type, error_message, attempts, first_failed_at, last_failed_at,
            status::text AS status, decided_by, decided_at, reason""";
    private static final TypeReference<Map<String, String>> HEADERS = new TypeReference<>() {
    };

    private final ObjectMapper json;

    public ApprovalItems(ObjectMapper json) {
        this.json = json;
    }

    /** A page of items, newest last failure first; {@code next} is the cursor of the following page, or null. */
    public record Page(List<ApprovalView> items, String next) {
    }

    public record RouteCount(String routeId, long pending) {
    }

    public record TenantCount(UUID tenantId, long pending) {
    }

    public record Summary(long pending, OffsetDateTime oldestPendingAt, Long oldestPendingAgeSeconds,
                         List<RouteCount> byRoute, List<TenantCount> byTenant) {
    }

    /** What a grant replays: where to, and the stored message. */
    record Stored(ApprovalView item, String entryUri, byte[] ciphertext, Map<String, String> headers) {
    }

    /** The associated data binding an item's encrypted body to its tenant and id. */
    public static String bodyContext(UUID tenantId, UUID itemId) {
        return "tenant:" + tenantId + ":approval_items:" + itemId;
    }

    public Page search(JdbcClient db, ApprovalFilter filter, int limit, String after) {
        var where = new Where(filter);
        if (after != null) {
            var cursor = KeysetCursor.decode(after, "after");
            where.add("(last_failed_at, id) < (?, ?)", cursor.time(), cursor.id());
        }
        var params = new ArrayList<>(where.params);
        params.add(limit + 1);
        var rows = db.sql("SELECT " + COLUMNS + " FROM approval_items WHERE " + where.sql
                        + " ORDER BY last_failed_at DESC, id DESC LIMIT ?")
                .params(params).query(this::view).list();
        if (rows.size() <= limit) {
            return new Page(rows, null);
        }
        var items = rows.subList(0, limit);
        var last = items.get(limit - 1);
        return new Page(List.copyOf(items), new KeysetCursor(last.lastFailedAt(), last.id()).encode());
    }

    /**
     * The items a bulk action acts on: those waiting for a decision (pending, or replay_failed) that match the
     * filter, oldest first, at most {@code limit}.
     */
    public List<ApprovalView> pending(JdbcClient db, ApprovalFilter filter, int limit) {
        var where = new Where(filter.withStatus(null)).awaitingDecision();
        var params = new ArrayList<>(where.params);
        params.add(limit);
        return db.sql("SELECT " + COLUMNS + " FROM approval_items WHERE " + where.sql
                        + " ORDER BY last_failed_at, id LIMIT ?")
                .params(params).query(this::view).list();
    }

    /** Counts of the items waiting for a decision (pending, replay_failed, or granted and never replayed). */
    public Summary summary(JdbcClient db, ApprovalFilter filter) {
        var where = new Where(filter.withStatus(null)).awaitingDecision();
        var byRoute = db.sql("SELECT route_id, count(*) AS n FROM approval_items WHERE " + where.sql
                        + " GROUP BY route_id ORDER BY n DESC, route_id")
                .params(where.params).query((rs, n) -> new RouteCount(rs.getString("route_id"), rs.getLong("n"))).list();
        var byTenant = db.sql("SELECT tenant_id, count(*) AS n FROM approval_items WHERE " + where.sql
                        + " GROUP BY tenant_id ORDER BY n DESC, tenant_id")
                .params(where.params)
                .query((rs, n) -> new TenantCount(rs.getObject("tenant_id", UUID.class), rs.getLong("n"))).list();
        var oldest = db.sql("SELECT min(last_failed_at) FROM approval_items WHERE " + where.sql)
                .params(where.params).query(OffsetDateTime.class).optional().orElse(null);
        var total = byRoute.stream().mapToLong(RouteCount::pending).sum();
        Long age = oldest == null ? null : Math.max(0, OffsetDateTime.now().toEpochSecond() - oldest.toEpochSecond());
        return new Summary(total, oldest, age, byRoute, byTenant);
    }

    public Optional<ApprovalView> find(JdbcClient db, UUID id) {
        return db.sql("SELECT " + COLUMNS + ", headers FROM approval_items WHERE id = ?")
                .param(id).query((rs, n) -> withHeaders(view(rs, n), rs.getString("headers"))).optional();
    }

    Optional<Stored> stored(JdbcClient db, UUID id) {
        return db.sql("SELECT " + COLUMNS + ", headers, entry_uri, body FROM approval_items WHERE id = ?")
                .param(id)
                .query((rs, n) -> {
                    var headers = headers(rs.getString("headers"));
                    return new Stored(view(rs, n), rs.getString("entry_uri"), rs.getBytes("body"), headers);
                })
                .optional();
    }

    private ApprovalView view(ResultSet rs, int row) throws SQLException {
        return new ApprovalView(rs.getObject("id", UUID.class), rs.getObject("tenant_id", UUID.class),
                rs.getString("route_id"), rs.getString("endpoint"), rs.getString("error_type"),
                rs.getString("error_message"), rs.getInt("attempts"),
                rs.getObject("first_failed_at", OffsetDateTime.class), rs.getObject("last_failed_at", OffsetDateTime.class),
                rs.getString("status"), rs.getString("decided_by"), rs.getObject("decided_at", OffsetDateTime.class),
                rs.getString("reason"), null);
    }

    private ApprovalView withHeaders(ApprovalView view, String headers) {
        return new ApprovalView(view.id(), view.tenantId(), view.routeId(), view.endpoint(), view.errorType(),
                view.errorMessage(), view.attempts(), view.firstFailedAt(), view.lastFailedAt(), view.status(),
                view.decidedBy(), view.decidedAt(), view.reason(), headers(headers));
    }

    private Map<String, String> headers(String stored) {
        try {
            return json.readValue(stored, HEADERS);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("stored headers are not JSON", e);
        }
    }

    /** The WHERE clause of a filter, with its bind parameters in order. */
    private static final class Where {

        private final StringBuilder sql = new StringBuilder("true");
        private final List<Object> params = new ArrayList<>();

        Where(ApprovalFilter filter) {
            if (filter.tenant() != null) {
                add("tenant_id = ?", filter.tenant());
            }
            if (filter.route() != null) {
                add("route_id = ?", filter.route());
            }
            if (filter.status() != null) {
                add("status = CAST(? AS approval_status)", filter.status());
            }
            if (filter.errorType() != null) {
                // a full class name, or its simple name (whose characters are literal, not LIKE's wildcards)
                add("(error_type = ? OR error_type LIKE ? ESCAPE '\\')", filter.errorType(), "%." + likeLiteral(filter.errorType()));
            }
            if (filter.olderThanMinutes() != null) {
                add("last_failed_at <= now() - make_interval(mins => ?)", filter.olderThanMinutes());
            }
        }

        private static String likeLiteral(String value) {
            return value.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_");
        }

        void add(String condition, Object... values) {
            sql.append(" AND ").append(condition);
            params.addAll(List.of(values));
        }

        /** The items that wait for a person ({@link #AWAITING_DECISION}). */
        Where awaitingDecision() {
            add(AWAITING_DECISION);
            return this;
        }
    }
}
