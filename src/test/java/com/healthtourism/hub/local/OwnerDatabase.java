package com.healthtourism.hub.local;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;

import org.springframework.core.env.Environment;

/** A connection as the schema owner (Flyway's), for tests that inspect or change what the runtime role cannot. */
public final class OwnerDatabase {

    private OwnerDatabase() {
    }

    public static Connection connect(Environment environment) throws SQLException {
        return DriverManager.getConnection(
                environment.getRequiredProperty("spring.flyway.url"),
                environment.getRequiredProperty("spring.flyway.user"),
                environment.getProperty("spring.flyway.password", ""));
    }
}
