package com.healthtourism.hub.local;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Set;

/**
 * The in-JVM backends alone, for benchmarks that run the production jar in a process of its own:
 * Kafka, S3 and the Qdrant-protocol server (PostgreSQL and Redis are the machine's). Writes the
 * hub's command-line properties that point at them to the given file, then
 * runs until killed. Started by {@code LocalHub --backends-only=<file>} (one main class, so
 * {@code spring-boot:test-run} finds it).
 */
public final class BackendsOnly {

    private BackendsOnly() {
    }

    static void run(Path target) throws IOException, InterruptedException {
        var machineServices = Set.of("HUB_DB_URL", "HUB_REDIS_URL");
        var properties = LocalBackends.start(LocalBackends.Mode.TEST, machineServices::contains);
        var lines = new ArrayList<String>();
        properties.forEach((name, value) -> lines.add("--" + name + "=" + value));
        Files.write(target.resolveSibling(target.getFileName() + ".tmp"), lines);
        Files.move(target.resolveSibling(target.getFileName() + ".tmp"), target,
                java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        Thread.currentThread().join();
    }
}
