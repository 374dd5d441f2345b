package com.healthtourism.hub.local;

import java.io.File;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.Map;

import com.healthtourism.hub.HubApplication;

/**
 * The hub in a JVM of its own, on this JVM's local backends, so a test can kill it with SIGKILL
 * (no shutdown hook, no graceful anything) and start it again on the same port.
 */
public final class HubProcess implements AutoCloseable {

    private final int port;
    private final Map<String, Object> backends;
    private final Map<String, Object> extra;
    private final Path log;
    private Process process;

    public HubProcess(Map<String, Object> backends) {
        this.port = freePort();
        this.backends = backends;
        this.extra = new LinkedHashMap<>();
        try {
            this.log = Files.createTempFile("hub-process-", ".log");
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A property for the hub besides those pointing at the backends. */
    public HubProcess with(String name, Object value) {
        extra.put(name, value);
        return this;
    }

    public int port() {
        return port;
    }

    /** Starts the hub and waits until it reports ready. */
    public HubProcess start() {
        var command = new ArrayList<String>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("-Xmx512m");
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(HubApplication.class.getName());
        command.add("--spring.profiles.active=test");
        command.add("--server.port=" + port);
        backends.forEach((name, value) -> command.add("--" + name + "=" + value));
        extra.forEach((name, value) -> command.add("--" + name + "=" + value));
        try {
            process = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
        } catch (IOException e) {
            throw new IllegalStateException("cannot start the hub process", e);
        }
        awaitReady(Duration.ofSeconds(120));
        return this;
    }

    /** SIGKILL: the process gets no chance to finish anything. */
    public void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor();
    }

    public File log() {
        return log.toFile();
    }

    private void awaitReady(Duration timeout) {
        var client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
        var deadline = Instant.now().plus(timeout);
        while (Instant.now().isBefore(deadline)) {
            if (!process.isAlive()) {
                throw new IllegalStateException("the hub process exited; see " + log);
            }
            try {
                var response = client.send(HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + port + "/actuator/health/readiness")).build(),
                        HttpResponse.BodyHandlers.discarding());
                if (response.statusCode() == 200) {
                    return;
                }
            } catch (IOException e) {
                // not listening yet
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
            try {
                Thread.sleep(250);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
        throw new IllegalStateException("the hub process did not get ready in " + timeout + "; see " + log);
    }

    private static int freePort() {
        try (var socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        if (process != null && process.isAlive()) {
            process.destroyForcibly();
        }
    }
}
