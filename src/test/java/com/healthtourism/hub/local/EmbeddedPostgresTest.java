package com.healthtourism.hub.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.UUID;

import org.junit.jupiter.api.Test;

class EmbeddedPostgresTest {

    @Test
    void servesPostgres15OnItsOwnPortAndStopsOnClose() throws SQLException {
        int port;
        try (var postgres = new EmbeddedPostgres().start()) {
            port = postgres.port();
            assertThat(port).isNotEqualTo(EmbeddedPostgres.MACHINE_PORT);

            try (var admin = DriverManager.getConnection(postgres.jdbcUrl("postgres"))) {
                admin.createStatement().execute("CREATE DATABASE hub_probe");
            }
            try (var connection = DriverManager.getConnection(postgres.jdbcUrl("hub_probe"));
                    var statement = connection.createStatement()) {
                statement.execute("CREATE TABLE visit (id int PRIMARY KEY, clinic text NOT NULL)");
                statement.execute("INSERT INTO visit VALUES (1, 'İstanbul Klinik')");
                var clinic = statement.executeQuery("SELECT clinic FROM visit WHERE id = 1");
                assertThat(clinic.next()).isTrue();
                assertThat(clinic.getString(1)).isEqualTo("İstanbul Klinik");

                var version = statement.executeQuery("SELECT current_setting('server_version_num')::int");
                version.next();
                assertThat(version.getInt(1)).isGreaterThanOrEqualTo(150000);
                var encoding = statement.executeQuery("SHOW server_encoding");
                encoding.next();
                assertThat(encoding.getString(1)).isEqualTo("UTF8");
            }
        }
        assertThat(Probe.answers(EmbeddedPostgres.HOST, port, Duration.ofMillis(500))).isFalse();
    }

    @Test
    void keptDataSurvivesAServerLeftRunningByAKilledRun() throws Exception {
        // a directory nobody can traverse to when tests run as root; JUnit's @TempDir is private to root
        var dataHome = EmbeddedPostgres.defaultCacheRoot().resolve("test-kept-" + UUID.randomUUID());
        var orphan = new EmbeddedPostgres(dataHome).start();
        try {
            try (var connection = DriverManager.getConnection(orphan.jdbcUrl("postgres"))) {
                connection.createStatement().execute("CREATE TABLE kept (note text); INSERT INTO kept VALUES ('still here')");
            }
            // what a JVM killed with SIGKILL leaves behind: its server still running, its owner file naming a dead pid
            Files.writeString(dataHome.resolve("owner.pid"), String.valueOf(deadPid()));

            try (var restarted = new EmbeddedPostgres(dataHome).start()) {
                assertThat(Probe.answers(EmbeddedPostgres.HOST, orphan.port(), Duration.ofMillis(500)))
                        .as("the orphaned server was stopped")
                        .isFalse();
                try (var connection = DriverManager.getConnection(restarted.jdbcUrl("postgres"))) {
                    var note = connection.createStatement().executeQuery("SELECT note FROM kept");
                    assertThat(note.next()).isTrue();
                    assertThat(note.getString(1)).isEqualTo("still here");
                }
            }
        } finally {
            orphan.close();
            PostgresBinaries.deleteRecursively(dataHome);
        }
    }

    @Test
    void refusesKeptDataThatAnotherLiveProcessIsUsing() throws Exception {
        var dataHome = EmbeddedPostgres.defaultCacheRoot().resolve("test-kept-" + UUID.randomUUID());
        var liveOwner = ProcessHandle.current().parent().orElseThrow().pid();
        try {
            Files.createDirectories(dataHome);
            Files.writeString(dataHome.resolve("owner.pid"), String.valueOf(liveOwner));

            assertThatThrownBy(() -> new EmbeddedPostgres(dataHome).start())
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("in use by the running process " + liveOwner);
            assertThat(dataHome.resolve("data")).doesNotExist();
        } finally {
            PostgresBinaries.deleteRecursively(dataHome);
        }
    }

    @Test
    void probeTellsAnsweringPortFromSilentOne() throws IOException {
        try (var listening = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            assertThat(Probe.answers("127.0.0.1", listening.getLocalPort(), Duration.ofMillis(500))).isTrue();
        }
        assertThat(Probe.answers("127.0.0.1", Probe.freePort(), Duration.ofMillis(500))).isFalse();
    }

    private static long deadPid() throws Exception {
        var process = new ProcessBuilder("true").start();
        process.waitFor();
        return process.pid();
    }
}
