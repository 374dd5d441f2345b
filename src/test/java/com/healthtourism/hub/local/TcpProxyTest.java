package com.healthtourism.hub.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class TcpProxyTest {

    /** Far above what a cut connection should take to fail, so a hang is told apart from a fast failure. */
    private static final int CLIENT_TIMEOUT_SECONDS = 10;
    private static final Duration FAST = Duration.ofSeconds(2);

    private static EmbeddedPostgres fallbackPostgres;
    private static int postgresPort;

    @BeforeAll
    static void findPostgres() {
        if (EmbeddedPostgres.machinePostgresAnswers()) {
            postgresPort = EmbeddedPostgres.MACHINE_PORT;
        } else {
            fallbackPostgres = new EmbeddedPostgres().start();
            postgresPort = fallbackPostgres.port();
        }
    }

    @AfterAll
    static void stopFallback() {
        if (fallbackPostgres != null) {
            fallbackPostgres.close();
        }
    }

    @Test
    void cutFailsOpenAndNewConnectionsFastAndRestoreBringsPostgresBack() throws SQLException {
        try (var proxy = new TcpProxy("127.0.0.1", postgresPort).start()) {
            var url = "jdbc:postgresql://" + proxy.host() + ":" + proxy.port() + "/postgres?user=postgres"
                    + "&connectTimeout=" + CLIENT_TIMEOUT_SECONDS + "&socketTimeout=" + CLIENT_TIMEOUT_SECONDS;

            try (var open = DriverManager.getConnection(url)) {
                assertThat(selectOne(open)).isEqualTo(1);

                proxy.cut();

                var started = System.nanoTime();
                assertThatThrownBy(() -> selectOne(open)).isInstanceOf(SQLException.class);
                assertThatThrownBy(() -> DriverManager.getConnection(url).close()).isInstanceOf(SQLException.class);
                assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(FAST);
            }

            proxy.restore();

            try (var reconnected = DriverManager.getConnection(url)) {
                assertThat(selectOne(reconnected)).isEqualTo(1);
            }
        }
    }

    @Test
    void closedProxyNoLongerRelaysToItsBackend() throws SQLException {
        var proxy = new TcpProxy("127.0.0.1", postgresPort).start();
        var url = "jdbc:postgresql://" + proxy.host() + ":" + proxy.port() + "/postgres?user=postgres"
                + "&connectTimeout=2&socketTimeout=2";
        try (var open = DriverManager.getConnection(url)) {
            assertThat(selectOne(open)).isEqualTo(1);
        }

        proxy.close();

        // Asserted on the PostgreSQL handshake rather than on a bare TCP connect: once the port is free, another
        // listener may take it, and Linux can even connect a socket to itself on an unused ephemeral port.
        assertThatThrownBy(() -> DriverManager.getConnection(url).close()).isInstanceOf(SQLException.class);
    }

    private static int selectOne(Connection connection) throws SQLException {
        try (var result = connection.createStatement().executeQuery("SELECT 1")) {
            result.next();
            return result.getInt(1);
        }
    }
}
