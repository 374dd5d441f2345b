package com.healthtourism.hub.local;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import com.sun.security.auth.module.UnixSystem;

/**
 * A PostgreSQL server run from zonky's binaries, for machines where nothing answers on 127.0.0.1:5432.
 *
 * <p>It listens on a free port of 127.0.0.1 only (no unix socket), trusts every connection and has the
 * superuser {@value #USER}. PostgreSQL refuses to run as root, so when this JVM is root the server
 * runs as the unprivileged user {@value #UNPRIVILEGED_USER}; the data directory then belongs to that user
 * and every directory above it must be traversable by it.
 *
 * <p>Without a directory the data lives in a throwaway run directory under the cache root, deleted on
 * close; with one (local mode) it is kept across restarts. A server left running by a killed JVM is
 * stopped on the next start.
 */
public final class EmbeddedPostgres implements AutoCloseable {

    public static final String HOST = "127.0.0.1";
    public static final int MACHINE_PORT = 5432;
    public static final String USER = "postgres";

    private static final String UNPRIVILEGED_USER = "nobody";
    private static final String RUN_PREFIX = "run-";
    private static final String OWNER_FILE = "owner.pid";
    private static final Duration COMMAND_TIMEOUT = Duration.ofMinutes(2);
    private static final Duration READY_TIMEOUT = Duration.ofSeconds(60);

    private final Path cacheRoot;
    private final Path keptDir;
    private Path runDir;
    private Path installDir;
    private int port;
    private Thread shutdownHook;

    /** A throwaway server: its data is deleted on {@link #close()}. */
    public EmbeddedPostgres() {
        this(defaultCacheRoot(), null);
    }

    /** A server whose data is kept in {@code dataHome} across restarts. */
    public EmbeddedPostgres(Path dataHome) {
        this(defaultCacheRoot(), dataHome);
    }

    /**
     * @param cacheRoot where binaries are unpacked and throwaway data lives; when running as root,
     *                  {@value #UNPRIVILEGED_USER} must be able to traverse every directory above it
     * @param keptDir   where data is kept across restarts, or {@code null} for throwaway data
     */
    public EmbeddedPostgres(Path cacheRoot, Path keptDir) {
        this.cacheRoot = cacheRoot;
        this.keptDir = keptDir == null ? null : keptDir.toAbsolutePath();
    }

    /** {@code ${java.io.tmpdir}/hub-embedded-pg}: binaries per version, throwaway run directories. */
    public static Path defaultCacheRoot() {
        return Path.of(System.getProperty("java.io.tmpdir"), "hub-embedded-pg");
    }

    /** True when the machine's own PostgreSQL answers on 127.0.0.1:5432, in which case this class is not needed. */
    public static boolean machinePostgresAnswers() {
        return Probe.answers(HOST, MACHINE_PORT, Duration.ofMillis(500));
    }

    public synchronized EmbeddedPostgres start() {
        if (shutdownHook != null) {
            return this;
        }
        try {
            installDir = PostgresBinaries.installIn(cacheRoot);
            deleteAbandonedRuns();
            runDir = keptDir != null ? claim(keptDir) : createThrowawayRunDir();
            shutdownHook = new Thread(this::stopServer, "embedded-postgres-shutdown");
            Runtime.getRuntime().addShutdownHook(shutdownHook);
            stopLeftoverServer(dataDir());
            if (!Files.exists(dataDir().resolve("PG_VERSION"))) {
                initdb();
            }
            port = Probe.freePort();
            pgCtl(dataDir(), "start", "-w", "-t", String.valueOf(READY_TIMEOUT.toSeconds()),
                    "-l", runDir.resolve("postgres.log").toString(), "-o", "-p " + port);
            await("PostgreSQL on port " + port + " accepts connections")
                    .atMost(READY_TIMEOUT)
                    .pollInterval(Duration.ofMillis(100))
                    .ignoreExceptions()
                    .until(this::acceptsConnections);
            return this;
        } catch (IOException | RuntimeException e) {
            try {
                close();
            } catch (RuntimeException cleanupFailure) {
                e.addSuppressed(cleanupFailure);
            }
            throw e instanceof IOException io ? new UncheckedIOException("embedded PostgreSQL did not start", io)
                    : (RuntimeException) e;
        }
    }

    public String host() {
        return HOST;
    }

    public int port() {
        return port;
    }

    public String username() {
        return USER;
    }

    /** e.g. {@code jdbc:postgresql://127.0.0.1:41234/hub?user=postgres}; no password is needed. */
    public String jdbcUrl(String database) {
        return "jdbc:postgresql://" + HOST + ":" + port + "/" + database + "?user=" + USER;
    }

    @Override
    public synchronized void close() {
        if (shutdownHook == null) {
            return;
        }
        try {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        } catch (IllegalStateException jvmAlreadyShuttingDown) {
            // the hook is running or about to run and stops the server itself
        }
        shutdownHook = null;
        stopServer();
    }

    private synchronized void stopServer() {
        if (runDir == null) {
            return;
        }
        try {
            if (Files.exists(dataDir().resolve("postmaster.pid"))) {
                pgCtl(dataDir(), "stop", "-m", "fast", "-w", "-t", String.valueOf(READY_TIMEOUT.toSeconds()));
            }
            if (keptDir == null) {
                PostgresBinaries.deleteRecursively(runDir);
            } else {
                Files.deleteIfExists(runDir.resolve(OWNER_FILE));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("embedded PostgreSQL in " + runDir + " did not stop cleanly", e);
        } finally {
            runDir = null;
        }
    }

    private boolean acceptsConnections() throws SQLException {
        try (var connection = DriverManager.getConnection(jdbcUrl("postgres"))) {
            return connection.isValid(1);
        }
    }

    private Path dataDir() {
        return runDir.resolve("data");
    }

    private void initdb() throws IOException {
        var command = new ArrayList<>(List.of(installDir.resolve("bin/initdb").toString(),
                "-D", dataDir().toString(), "-U", USER, "-A", "trust", "-E", "UTF8", "--no-locale",
                "--no-instructions"));
        if (keptDir == null) {
            command.add("--no-sync");
        }
        run(command);
        var settings = new StringBuilder()
                .append("\n# written by ").append(EmbeddedPostgres.class.getName()).append('\n')
                .append("listen_addresses = '").append(HOST).append("'\n")
                .append("unix_socket_directories = ''\n");
        if (keptDir == null) {
            // throwaway data: durability is not worth the disk flushes
            settings.append("fsync = off\nsynchronous_commit = off\nfull_page_writes = off\n");
        }
        Files.writeString(dataDir().resolve("postgresql.conf"), settings, StandardOpenOption.APPEND);
    }

    private Path createThrowawayRunDir() throws IOException {
        var dir = cacheRoot.resolve(OwnerProcess.name(RUN_PREFIX));
        Files.createDirectory(dir);
        handToServerUser(dir);
        return dir;
    }

    /** Marks a kept directory as used by this JVM, refusing one that another live JVM is using. */
    private Path claim(Path dir) throws IOException {
        Files.createDirectories(dir);
        var ownerFile = dir.resolve(OWNER_FILE);
        if (Files.exists(ownerFile)) {
            var owner = parsePid(Files.readString(ownerFile));
            if (owner != ProcessHandle.current().pid() && OwnerProcess.isAlive(owner)) {
                throw new IllegalStateException(dir + " is in use by the running process " + owner);
            }
        }
        Files.writeString(ownerFile, String.valueOf(ProcessHandle.current().pid()));
        handToServerUser(dir);
        return dir;
    }

    /** Run directories whose JVM is gone were left by a killed run: stop their server and delete them. */
    private void deleteAbandonedRuns() throws IOException {
        try (var entries = Files.list(cacheRoot)) {
            for (var dir : entries.filter(p -> p.getFileName().toString().startsWith(RUN_PREFIX)).toList()) {
                if (!OwnerProcess.isAlive(OwnerProcess.pidInName(dir, RUN_PREFIX))) {
                    stopLeftoverServer(dir.resolve("data"));
                    PostgresBinaries.deleteRecursively(dir);
                }
            }
        }
    }

    /** Stops a postmaster still running on {@code dataDir} after its JVM was killed, and clears its pid file. */
    private void stopLeftoverServer(Path dataDir) throws IOException {
        var pidFile = dataDir.resolve("postmaster.pid");
        if (!Files.exists(pidFile)) {
            return;
        }
        var lines = Files.readAllLines(pidFile);
        var pid = lines.isEmpty() ? -1 : parsePid(lines.get(0));
        var postmaster = ProcessHandle.of(pid)
                .filter(ProcessHandle::isAlive)
                .filter(process -> process.info().command().map(c -> c.endsWith("/postgres")).orElse(false));
        if (postmaster.isPresent()) {
            pgCtl(dataDir, "stop", "-m", "immediate", "-w", "-t", String.valueOf(READY_TIMEOUT.toSeconds()));
        }
        Files.deleteIfExists(pidFile);
    }

    private static long parsePid(String text) {
        try {
            return Long.parseLong(text.trim());
        } catch (NumberFormatException truncatedByACrash) {
            return -1;
        }
    }

    private void pgCtl(Path dataDir, String... arguments) throws IOException {
        var command = new ArrayList<>(List.of(installDir.resolve("bin/pg_ctl").toString(), "-D", dataDir.toString()));
        command.addAll(List.of(arguments));
        run(command);
    }

    /** Runs a PostgreSQL tool, as {@value #UNPRIVILEGED_USER} when this JVM is root, and fails with its output. */
    private void run(List<String> command) throws IOException {
        var fullCommand = new ArrayList<>(asServerUser());
        fullCommand.addAll(command);
        var output = Files.createTempFile("hub-embedded-pg-", ".out");
        try {
            var process = new ProcessBuilder(fullCommand)
                    .directory(installDir.toFile())
                    .redirectErrorStream(true)
                    .redirectOutput(output.toFile())
                    .start();
            if (!process.waitFor(COMMAND_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new IllegalStateException(String.join(" ", command) + " did not finish within " + COMMAND_TIMEOUT);
            }
            if (process.exitValue() != 0) {
                throw new IllegalStateException(String.join(" ", command) + " exited with " + process.exitValue()
                        + ":\n" + Files.readString(output, StandardCharsets.UTF_8) + serverLogTail());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while running " + command.get(0), e);
        } finally {
            Files.deleteIfExists(output);
        }
    }

    private String serverLogTail() throws IOException {
        var log = runDir == null ? null : runDir.resolve("postgres.log");
        if (log == null || !Files.exists(log)) {
            return "";
        }
        var lines = Files.readAllLines(log);
        return "\nserver log:\n" + String.join("\n", lines.subList(Math.max(0, lines.size() - 20), lines.size()));
    }

    private static boolean runningAsRoot() {
        return new UnixSystem().getUid() == 0;
    }

    private static List<String> asServerUser() throws IOException {
        if (!runningAsRoot()) {
            return List.of();
        }
        for (var dir : List.of("/usr/sbin", "/sbin", "/usr/bin", "/bin")) {
            var runuser = Path.of(dir, "runuser");
            if (Files.isExecutable(runuser)) {
                return List.of(runuser.toString(), "-u", UNPRIVILEGED_USER, "--");
            }
        }
        // no runuser (e.g. Alpine): setpriv wants numeric ids
        var account = Files.readAllLines(Path.of("/etc/passwd")).stream()
                .map(line -> line.split(":"))
                .filter(fields -> fields.length > 3 && fields[0].equals(UNPRIVILEGED_USER))
                .findFirst()
                .orElseThrow(() -> new IllegalStateException("running as root but there is no user "
                        + UNPRIVILEGED_USER + " to run PostgreSQL as"));
        return List.of("setpriv", "--reuid=" + account[2], "--regid=" + account[3], "--clear-groups", "--");
    }

    private static void handToServerUser(Path dir) throws IOException {
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
        if (runningAsRoot()) {
            var lookup = dir.getFileSystem().getUserPrincipalLookupService();
            Files.setOwner(dir, lookup.lookupPrincipalByName(UNPRIVILEGED_USER));
        }
    }
}
