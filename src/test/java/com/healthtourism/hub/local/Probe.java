package com.healthtourism.hub.local;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;

/** TCP-level checks used to decide whether a backend is already running on this machine. */
public final class Probe {

    private Probe() {
    }

    /** True when a TCP connection to {@code host:port} is accepted within {@code timeout}. */
    public static boolean answers(String host, int port, Duration timeout) {
        try (var socket = new Socket()) {
            socket.connect(new InetSocketAddress(host, port), Math.toIntExact(timeout.toMillis()));
            return true;
        } catch (IOException notListening) {
            return false;
        }
    }

    /** A port on 127.0.0.1 that was free a moment ago; a race with another process is possible but rare. */
    public static int freePort() {
        try (var socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            socket.setReuseAddress(true);
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("no free port on 127.0.0.1", e);
        }
    }
}
