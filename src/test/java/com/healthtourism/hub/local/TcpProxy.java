package com.healthtourism.hub.local;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A TCP proxy on 127.0.0.1 in front of one backend, so a test can simulate that backend's outage
 * ({@link #cut()}) and recovery ({@link #restore()}), or a backend that answers slowly ({@link #slow}),
 * without touching the shared service itself.
 */
public final class TcpProxy implements AutoCloseable {

    private static final int UPSTREAM_CONNECT_TIMEOUT_MILLIS = 5_000;

    private final String upstreamHost;
    private final int upstreamPort;
    private final Set<Socket> openSockets = ConcurrentHashMap.newKeySet();
    private final AtomicInteger threadIds = new AtomicInteger();
    private final ExecutorService threads = Executors.newCachedThreadPool(task -> {
        var thread = new Thread(task, "tcp-proxy-" + threadIds.incrementAndGet());
        thread.setDaemon(true);
        return thread;
    });
    private volatile boolean cut;
    private volatile long answerDelayMillis;
    private ServerSocket server;

    public TcpProxy(String upstreamHost, int upstreamPort) {
        this.upstreamHost = upstreamHost;
        this.upstreamPort = upstreamPort;
    }

    public synchronized TcpProxy start() {
        if (server != null) {
            return this;
        }
        try {
            server = new ServerSocket();
            server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot bind the proxy on 127.0.0.1", e);
        }
        threads.execute(this::acceptLoop);
        return this;
    }

    public String host() {
        return "127.0.0.1";
    }

    public int port() {
        return server.getLocalPort();
    }

    /** Closes every open connection; new connections are accepted and reset at once until {@link #restore()}. */
    public void cut() {
        cut = true;
        openSockets.forEach(this::drop);
    }

    public void restore() {
        cut = false;
    }

    /** Holds back everything the backend sends (its answers) by {@code delay} before passing it on; zero ends that. */
    public void slow(Duration delay) {
        answerDelayMillis = delay.toMillis();
    }

    public boolean isCut() {
        return cut;
    }

    @Override
    public synchronized void close() {
        cut = true;
        if (server != null) {
            closeQuietly(server);
        }
        openSockets.forEach(this::drop);
        threads.shutdownNow();
    }

    private void acceptLoop() {
        while (!server.isClosed()) {
            try {
                var client = server.accept();
                if (cut) {
                    drop(client);
                } else {
                    threads.execute(() -> connect(client));
                }
            } catch (IOException closedOrFailed) {
                if (server.isClosed()) {
                    return;
                }
            }
        }
    }

    private void connect(Socket client) {
        var upstream = new Socket();
        openSockets.add(client);
        openSockets.add(upstream);
        try {
            upstream.connect(new InetSocketAddress(upstreamHost, upstreamPort), UPSTREAM_CONNECT_TIMEOUT_MILLIS);
        } catch (IOException unreachable) {
            drop(client);
            drop(upstream);
            return;
        }
        // cut() may have swept the open sockets while this connection was being set up
        if (cut) {
            drop(client);
            drop(upstream);
            return;
        }
        threads.execute(() -> pump(client, upstream, false));
        threads.execute(() -> pump(upstream, client, true));
    }

    private void pump(Socket from, Socket to, boolean answers) {
        var buffer = new byte[16 * 1024];
        try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
            int read;
            while ((read = in.read(buffer)) != -1) {
                var delay = answerDelayMillis;
                if (answers && delay > 0) {
                    Thread.sleep(delay);
                }
                out.write(buffer, 0, read);
                out.flush();
            }
        } catch (IOException connectionGone) {
            // either side closed or the proxy was cut: tear down both directions below
        } catch (InterruptedException closing) {
            Thread.currentThread().interrupt();
        } finally {
            release(from);
            release(to);
        }
    }

    private void release(Socket socket) {
        openSockets.remove(socket);
        closeQuietly(socket);
    }

    /** Closes with SO_LINGER 0 so the peer sees a reset at once rather than a graceful end of stream. */
    private void drop(Socket socket) {
        openSockets.remove(socket);
        try {
            if (!socket.isClosed()) {
                socket.setSoLinger(true, 0);
            }
        } catch (SocketException alreadyGone) {
            // closing below is all that is left to do
        }
        closeQuietly(socket);
    }

    private static void closeQuietly(AutoCloseable closeable) {
        try {
            closeable.close();
        } catch (Exception ignored) {
            // best effort: the resource is being discarded
        }
    }
}
