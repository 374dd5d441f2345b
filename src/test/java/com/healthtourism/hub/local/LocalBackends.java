package com.healthtourism.hub.local;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts, once per JVM, every backend the hub needs and is not configured: the machine's PostgreSQL
 * and Redis when they answer (embedded ones otherwise), a KRaft Kafka broker, an S3 server and a
 * Qdrant-protocol gRPC server in the JVM. Local mode keeps its data under .local/; a test run gets
 * a fresh database of its own. Doktor365 is its WireMock sandbox unless HUB_DOKTOR365_BASE_URL names one.
 */
public final class LocalBackends {

    private static final Logger log = LoggerFactory.getLogger(LocalBackends.class);
    private static final Duration PROBE_TIMEOUT = Duration.ofMillis(500);
    private static final String OWNER = "postgres";

    public enum Mode { LOCAL, TEST }

    private static LocalBackends instance;

    private final Map<String, Object> properties = new LinkedHashMap<>();
    private final List<AutoCloseable> started = new ArrayList<>();
    private String adminJdbcUrl;
    private String database;

    private LocalBackends() {
    }

    /**
     * Starts what {@code configured} says is missing and returns the properties that point the hub
     * at it. {@code configured} answers whether an environment name is already set.
     */
    public static synchronized Map<String, Object> start(Mode mode, Predicate<String> configured) {
        if (instance == null) {
            var backends = new LocalBackends();
            Runtime.getRuntime().addShutdownHook(new Thread(backends::stop, "local-backends-stop"));
            backends.startAll(mode, configured);
            instance = backends;
        }
        return Map.copyOf(instance.properties);
    }

    /** JDBC URL of the hub's database as its owner, for tests that inspect raw tables. */
    public static synchronized String ownerJdbcUrl() {
        return instance.adminJdbcUrl.replace("/postgres", "/" + instance.database);
    }

    private void startAll(Mode mode, Predicate<String> configured) {
        var dataDir = Path.of(".local");
        if (!configured.test("HUB_DB_URL")) {
            startPostgres(mode);
        }
        if (!configured.test("HUB_REDIS_URL")) {
            startRedis(mode);
        }
        if (!configured.test("HUB_KAFKA_BOOTSTRAP_SERVERS")) {
            var kafka = closeLater(new LocalKafka().start());
            properties.put("hub.kafka.bootstrap-servers", kafka.bootstrapServers());
        }
        if (!configured.test("HUB_S3_URL")) {
            var s3 = closeLater(mode == Mode.LOCAL
                    ? new LocalS3Server(dataDir.resolve("s3").toAbsolutePath(), LocalS3Server.DEFAULT_ACCESS_KEY, "hub-local-secret")
                    : new LocalS3Server()).start();
            properties.put("hub.s3.url", s3.endpoint());
            properties.put("hub.s3.access-key", s3.accessKey());
            properties.put("hub.s3.secret-key", s3.secretKey());
        }
        if (!configured.test("HUB_QDRANT_HOST")) {
            var qdrant = closeLater(new InProcessQdrantServer().start());
            properties.put("hub.qdrant.host", "127.0.0.1");
            properties.put("hub.qdrant.port", qdrant.port());
        }
        if (!configured.test("HUB_DOKTOR365_BASE_URL")) {
            var doktor365 = closeLater(Doktor365Sandbox.start());
            properties.put("hub.doktor365.base-url", doktor365.baseUrl());
            log.info("Doktor365 sandbox (WireMock, src/test/resources/sandboxes/doktor365) on {}", doktor365.baseUrl());
        }
        log.info("local backends ready: {}", properties.keySet());
    }

    private void startPostgres(Mode mode) {
        int port;
        if (!forceEmbeddedPostgres() && Probe.answers("127.0.0.1", 5432, PROBE_TIMEOUT)) {
            port = 5432;
            log.info("using the PostgreSQL that answers on 127.0.0.1:5432");
        } else {
            var postgres = closeLater((mode == Mode.LOCAL
                    ? new EmbeddedPostgres(EmbeddedPostgres.defaultCacheRoot().resolve("local-data"))
                    : new EmbeddedPostgres()).start());
            port = postgres.port();
            log.info("no PostgreSQL on 127.0.0.1:5432: started an embedded one on port {}", port);
        }
        adminJdbcUrl = "jdbc:postgresql://127.0.0.1:" + port + "/postgres";
        database = mode == Mode.LOCAL ? "hub" : "hub_test_" + ProcessHandle.current().pid();
        prepareDatabase(mode);
        var url = "jdbc:postgresql://127.0.0.1:" + port + "/" + database;
        properties.put("spring.datasource.url", url);
        properties.put("spring.flyway.url", url);
        properties.put("spring.flyway.user", OWNER);
    }

    /** HUB_LOCAL_EMBEDDED_POSTGRES=true acts as if 127.0.0.1:5432 did not answer. */
    private static boolean forceEmbeddedPostgres() {
        return Boolean.parseBoolean(System.getenv("HUB_LOCAL_EMBEDDED_POSTGRES"))
                || Boolean.getBoolean("hub.local.embedded-postgres");
    }

    private void prepareDatabase(Mode mode) {
        try (Connection admin = DriverManager.getConnection(adminJdbcUrl, OWNER, "");
             var statement = admin.createStatement()) {
            if (mode == Mode.TEST) {
                dropStaleTestDatabases(admin);
                statement.execute("DROP DATABASE IF EXISTS " + database + " WITH (FORCE)");
            }
            try (var exists = statement.executeQuery("SELECT 1 FROM pg_database WHERE datname = '" + database + "'")) {
                if (!exists.next()) {
                    statement.execute("CREATE DATABASE " + database);
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot prepare the local database " + database, e);
        }
        if (mode == Mode.TEST) {
            closeLater(this::dropTestDatabase);
        }
    }

    /** Test databases of JVMs that are gone (a killed run) are dropped so they do not pile up. */
    private static void dropStaleTestDatabases(Connection admin) throws SQLException {
        var stale = new ArrayList<String>();
        try (var rows = admin.createStatement().executeQuery(
                "SELECT datname FROM pg_database WHERE datname LIKE 'hub\\_test\\_%'")) {
            while (rows.next()) {
                var name = rows.getString(1);
                var pid = Long.parseLong(name.substring("hub_test_".length()));
                if (ProcessHandle.of(pid).isEmpty()) {
                    stale.add(name);
                }
            }
        }
        for (var name : stale) {
            admin.createStatement().execute("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
        }
    }

    private void dropTestDatabase() throws SQLException {
        try (Connection admin = DriverManager.getConnection(adminJdbcUrl, OWNER, "")) {
            admin.createStatement().execute("DROP DATABASE IF EXISTS " + database + " WITH (FORCE)");
        }
    }

    private void startRedis(Mode mode) {
        int database = mode == Mode.LOCAL ? 0 : 1;
        if (EmbeddedRedis.machineRedisAnswers()) {
            properties.put("spring.data.redis.url", "redis://127.0.0.1:6379/" + database);
        } else {
            var redis = closeLater(new EmbeddedRedis().start());
            properties.put("spring.data.redis.url", "redis://" + redis.host() + ":" + redis.port() + "/" + database);
        }
    }

    private <T extends AutoCloseable> T closeLater(T backend) {
        started.add(backend);
        return backend;
    }

    private void stop() {
        for (int i = started.size() - 1; i >= 0; i--) {
            try {
                started.get(i).close();
            } catch (Exception e) {
                log.warn("stopping a local backend failed: {}", e.toString());
            }
        }
    }
}
