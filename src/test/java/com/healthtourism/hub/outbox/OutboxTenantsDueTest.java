package com.healthtourism.hub.outbox;

import static com.healthtourism.hub.outbox.OutboxFixtures.createTenant;
import static org.assertj.core.api.Assertions.assertThat;

import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.UUID;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.client.TestRestTemplate;
import org.springframework.core.env.Environment;

import com.healthtourism.hub.local.HubTest;

/**
 * Which tenants the relay claims for (outbox_tenants_due): those whose queue's head is due. Rows are written and the
 * function asked in one transaction, rolled back, so the running relay never sees them.
 */
@HubTest
class OutboxTenantsDueTest {

    private static final String ROW = """
            INSERT INTO outbox (tenant_id, available_at, event_topic, event_key, event_id, event_type, event_json)
            VALUES (?, now() + make_interval(secs => ?), 'hub.case', 'k', ?, 'case.updated', '{}')""";

    @Autowired
    TestRestTemplate http;

    @Autowired
    Environment environment;

    @Test
    void aTenantWhoseHeadIsHeldBackIsNotListedThoughRowsBehindItAreDue() throws SQLException {
        var heldBack = createTenant(http);
        var due = createTenant(http);
        try (var db = DriverManager.getConnection(environment.getRequiredProperty("spring.flyway.url"),
                environment.getRequiredProperty("spring.flyway.user"), environment.getProperty("spring.flyway.password", ""))) {
            db.setAutoCommit(false);
            try {
                // the held-back tenant's head waits out a backoff; the rows behind it, older than the other tenant's
                // row, are due but cannot be claimed before it
                row(db, heldBack, 3600);
                row(db, heldBack, -60);
                row(db, heldBack, -60);
                row(db, due, -60);

                var listed = new ArrayList<UUID>();
                try (var query = db.prepareStatement("SELECT tenant_id FROM outbox_tenants_due(100000)");
                     var rows = query.executeQuery()) {
                    while (rows.next()) {
                        listed.add(rows.getObject(1, UUID.class));
                    }
                }

                assertThat(listed).contains(due).doesNotContain(heldBack);
            } finally {
                db.rollback();
            }
        }
    }

    private static void row(java.sql.Connection db, UUID tenant, int dueInSeconds) throws SQLException {
        try (var insert = db.prepareStatement(ROW)) {
            insert.setObject(1, tenant);
            insert.setInt(2, dueInSeconds);
            insert.setString(3, UUID.randomUUID().toString());
            insert.executeUpdate();
        }
    }
}
