package com.healthtourism.hub.subscriptions;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** The webhook_subscriptions table, on a JdbcClient of an open tenant transaction. */
@Repository
public class Subscriptions {

    private static final String COLUMNS = """
            id, tenant_id, name, url, event_types, active, secret_fingerprint, secret, created_at, updated_at""";

    public List<Subscription> list(JdbcClient db) {
        return db.sql("SELECT " + COLUMNS + " FROM webhook_subscriptions ORDER BY name").query(this::map).list();
    }

    public List<Subscription> active(JdbcClient db) {
        return db.sql("SELECT " + COLUMNS + " FROM webhook_subscriptions WHERE active ORDER BY name").query(this::map).list();
    }

    public Optional<Subscription> byName(JdbcClient db, String name) {
        return db.sql("SELECT " + COLUMNS + " FROM webhook_subscriptions WHERE name = ?").param(name).query(this::map).optional();
    }

    public Optional<Subscription> byId(JdbcClient db, UUID id) {
        return db.sql("SELECT " + COLUMNS + " FROM webhook_subscriptions WHERE id = ?").param(id).query(this::map).optional();
    }

    private Subscription map(ResultSet rs, int row) throws SQLException {
        var events = (String[]) rs.getArray("event_types").getArray();
        return new Subscription(rs.getObject("id", UUID.class), rs.getObject("tenant_id", UUID.class),
                rs.getString("name"), rs.getString("url"), Arrays.asList(events), rs.getBoolean("active"),
                rs.getString("secret_fingerprint"), rs.getBytes("secret"),
                rs.getObject("created_at", OffsetDateTime.class), rs.getObject("updated_at", OffsetDateTime.class));
    }
}
