package com.healthtourism.hub.local;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;

import redis.embedded.RedisServer;

/**
 * A Redis server process (codemonstur embedded-redis, Redis 6.2) on a free port of 127.0.0.1,
 * for machines where no Redis answers on 127.0.0.1:6379.
 */
public final class EmbeddedRedis implements AutoCloseable {

    public static final String HOST = "127.0.0.1";

    private RedisServer server;
    private int port;
    private Thread shutdownHook;

    public synchronized EmbeddedRedis start() {
        if (server != null) {
            return this;
        }
        port = Probe.freePort();
        try {
            server = RedisServer.newRedisServer()
                    .bind(HOST)
                    .port(port)
                    // a throwaway cache: nothing is written to disk
                    .setting("save \"\"")
                    .setting("appendonly no")
                    .build();
            server.start();
        } catch (IOException e) {
            server = null;
            throw new UncheckedIOException("embedded Redis did not start on port " + port, e);
        }
        shutdownHook = new Thread(this::stopServer, "embedded-redis-shutdown");
        Runtime.getRuntime().addShutdownHook(shutdownHook);
        return this;
    }

    public String host() {
        return HOST;
    }

    public int port() {
        return port;
    }

    /** True when something already answers on 127.0.0.1:6379, in which case this class is not needed. */
    public static boolean machineRedisAnswers() {
        return Probe.answers(HOST, 6379, Duration.ofMillis(500));
    }

    @Override
    public synchronized void close() {
        if (shutdownHook != null) {
            try {
                Runtime.getRuntime().removeShutdownHook(shutdownHook);
            } catch (IllegalStateException jvmAlreadyShuttingDown) {
                // the hook is running or about to run and stops the server itself
            }
            shutdownHook = null;
        }
        stopServer();
    }

    private synchronized void stopServer() {
        if (server == null) {
            return;
        }
        try {
            server.stop();
        } catch (IOException e) {
            throw new UncheckedIOException("embedded Redis on port " + port + " did not stop", e);
        } finally {
            server = null;
        }
    }
}
