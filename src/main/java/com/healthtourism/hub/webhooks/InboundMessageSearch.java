package com.healthtourism.hub.webhooks;

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

/**
 * Reads and replays a tenant's inbound messages for ops. Every method runs on a JdbcClient of an
 * open {@code inTenant(tenantId, ...)} transaction, so the caller can write its audit row in the
 * same transaction.
 */
@Repository
public class InboundMessageSearch {

    private static final String COLUMNS = """
            id, tenant_id, source, event_type, partner_event_id, status::text AS status, attempts, error,
            received_at, published_at, headers::text AS headers""";
    private static final TypeReference<Map<String, Object>> HEADERS = new TypeReference<>() { };

    private final ObjectMapper json;

    public InboundMessageSearch(ObjectMapper json) {
        this.json = json;
    }

    /** A page of a search, newest first; {@code next} is the cursor of the following page, or null. */
    public record Page(List<MessageView> items, String next) {
    }

    /** A message's stored body (ciphertext) and the content type it came with, if any. */
    public record StoredBody(MessageView message, byte[] ciphertext, String contentType) {
    }

    /** Newest first, keyset on (received_at, id); {@code after} is a cursor from a previous page. */
    public Page search(JdbcClient db, UUID tenantId, MessageQuery query, int limit, String after) {
        var where = new Where(tenantId, query);
        if (after != null) {
            var cursor = KeysetCursor.decode(after, "after");
            where.add("(received_at, id) < (?, ?)", cursor.time(), cursor.id());
        }
        var params = new ArrayList<>(where.params);
        params.add(limit + 1);
        var rows = db.sql("SELECT " + COLUMNS + " FROM inbound_messages WHERE " + where.sql
                        + " ORDER BY received_at DESC, id DESC LIMIT ?")
                .params(params).query(this::map).list();
        if (rows.size() <= limit) {
            return new Page(rows, null);
        }
        var items = rows.subList(0, limit);
        var last = items.get(limit - 1);
        return new Page(List.copyOf(items), new KeysetCursor(last.receivedAt(), last.id()).encode());
    }

    public Optional<MessageView> find(JdbcClient db, UUID tenantId, UUID id) {
        return db.sql("SELECT " + COLUMNS + " FROM inbound_messages WHERE tenant_id = ? AND id = ?")
                .params(tenantId, id).query(this::map).optional();
    }

    public Optional<StoredBody> body(JdbcClient db, UUID tenantId, UUID id) {
        return db.sql("SELECT " + COLUMNS + ", body, headers->>'content-type' AS content_type"
                        + " FROM inbound_messages WHERE tenant_id = ? AND id = ?")
                .params(tenantId, id)
                .query((rs, row) -> new StoredBody(map(rs, row), rs.getBytes("body"), rs.getString("content_type")))
                .optional();
    }

    /**
     * Sets the matching messages (oldest first, at most {@code max}) back to accepted with no error and
     * queues each on the outbox again, in one statement; returns their ids, oldest first.
     */
    public List<UUID> replay(JdbcClient db, UUID tenantId, MessageQuery query, int max) {
        return replay(db, tenantId, new Where(tenantId, query), max);
    }

    public List<UUID> replay(JdbcClient db, UUID tenantId, UUID id) {
        var where = new Where(tenantId, new MessageQuery(null, null, null, null, null));
        where.add("id = ?", id);
        return replay(db, tenantId, where, 1);
    }

    /** How many messages match, counting no further than {@code upTo}. */
    public int count(JdbcClient db, UUID tenantId, MessageQuery query, int upTo) {
        var where = new Where(tenantId, query);
        var params = new ArrayList<>(where.params);
        params.add(upTo);
        return db.sql("SELECT count(*) FROM (SELECT 1 FROM inbound_messages WHERE " + where.sql + " LIMIT ?) AS hits")
                .params(params).query(Integer.class).single();
    }

    private List<UUID> replay(JdbcClient db, UUID tenantId, Where where, int max) {
        var params = new ArrayList<>(where.params);
        params.add(max);
        params.add(tenantId);
        params.add(tenantId);
        // A fresh outbox row per message: the relay publishes it again under the same CloudEvents id
        // (the message id), so a consumer that already saw it drops the repeat.
        return db.sql("""
                        WITH picked AS (
                            SELECT id FROM inbound_messages WHERE """ + " " + where.sql + """
                             ORDER BY received_at, id LIMIT ? FOR UPDATE
                        ), replayed AS (
                            UPDATE inbound_messages m SET status = 'accepted', error = NULL
                            FROM picked WHERE m.tenant_id = ? AND m.id = picked.id
                            RETURNING m.id, m.received_at
                        ), queued AS (
                            -- the outbox's order is the order of publication: in the order they were received,
                            -- not in whatever order the join returned them
                            INSERT INTO outbox (tenant_id, message_id) SELECT ?, id FROM replayed
                            ORDER BY received_at, id RETURNING message_id
                        )
                        SELECT replayed.id FROM replayed JOIN queued ON queued.message_id = replayed.id
                        ORDER BY replayed.received_at, replayed.id""")
                .params(params).query(UUID.class).list();
    }

    private MessageView map(ResultSet rs, int row) throws SQLException {
        return new MessageView(
                rs.getObject("id", UUID.class),
                rs.getObject("tenant_id", UUID.class),
                rs.getString("source"),
                rs.getString("event_type"),
                rs.getString("partner_event_id"),
                rs.getString("status"),
                rs.getInt("attempts"),
                rs.getString("error"),
                rs.getObject("received_at", OffsetDateTime.class),
                rs.getObject("published_at", OffsetDateTime.class),
                headers(rs.getString("headers")));
    }

    private Map<String, Object> headers(String text) {
        try {
            return json.readValue(text, HEADERS);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("stored message headers are not JSON", e);
        }
    }

    /** The WHERE clause of a filter, with its bind parameters in order. */
    private static final class Where {

        private final StringBuilder sql = new StringBuilder("tenant_id = ?");
        private final List<Object> params = new ArrayList<>();

        Where(UUID tenantId, MessageQuery query) {
            params.add(tenantId);
            if (query.source() != null) {
                add("source = ?", query.source());
            }
            if (query.type() != null) {
                add("event_type = ?", query.type());
            }
            if (query.status() != null) {
                add("status = CAST(? AS inbound_message_status)", query.status());
            }
            if (query.from() != null) {
                add("received_at >= ?", query.from());
            }
            if (query.to() != null) {
                add("received_at < ?", query.to());
            }
        }

        void add(String condition, Object... values) {
            sql.append(" AND ").append(condition);
            params.addAll(List.of(values));
        }
    }
}
