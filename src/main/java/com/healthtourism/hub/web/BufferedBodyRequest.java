package com.healthtourism.hub.web;

import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;

import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;

/**
 * A request whose body a filter has already read: later readers (a controller, a Camel
 * consumer) get the same bytes again, as a stream or a reader.
 */
public final class BufferedBodyRequest extends HttpServletRequestWrapper {

    /**
     * Declared lengths up to this are read into an array of their size at once; above it the array grows as bytes
     * arrive, so a sender that declares a large body and sends none holds no more memory than it sent.
     */
    static final int EXACT_UP_TO = 64 * 1024;

    private final byte[] body;

    public BufferedBodyRequest(HttpServletRequest request, byte[] body) {
        super(request);
        this.body = body;
    }

    /** The stream's bytes, or null when there are more than {@code max}: nothing past max + 1 is read. */
    public static byte[] readAtMost(InputStream in, int max) throws IOException {
        var bytes = in.readNBytes(max + 1);
        return bytes.length > max ? null : bytes;
    }

    /** Thrown when the whole body did not arrive within its time. */
    public static final class TooSlow extends IOException {
        public TooSlow(Duration deadline) {
            super("the body did not arrive within " + deadline.toMillis() + " ms");
        }
    }

    /**
     * As {@link #readAtMost(InputStream, int)}, but the whole body must arrive within {@code deadline}: a sender that
     * trickles it (or stops sending) fails with {@link TooSlow} at the first read that returns after the deadline.
     * Each read blocks at most the server's read timeout, so the request ends within about deadline + that timeout.
     */
    public static byte[] readAtMost(InputStream in, int max, Duration deadline) throws IOException {
        return readAtMost(in, max, deadline, -1);
    }

    /**
     * As {@link #readAtMost(InputStream, int, Duration)}, for a body whose sender declared its length ({@code -1}: not
     * declared). A declared length within {@code max} and {@link #EXACT_UP_TO} is read straight into an array of that
     * size, the array returned: no buffer, no copy. The declaration is not trusted: a stream that goes on past it is
     * read on up to {@code max} (and is then too large), one that ends early gives what arrived.
     */
    public static byte[] readAtMost(InputStream in, int max, Duration deadline, long declaredLength) throws IOException {
        var end = System.nanoTime() + deadline.toNanos();
        if (declaredLength < 0 || declaredLength > Math.min(max, EXACT_UP_TO)) {
            return readOn(in, new ByteArrayOutputStream(Math.min(max + 1, 8192)), max, end, deadline);
        }
        var body = new byte[(int) declaredLength];
        int filled = 0;
        int read;
        while (filled < body.length && (read = in.read(body, filled, body.length - filled)) >= 0) {
            inTime(end, deadline);
            filled += read;
        }
        if (filled < body.length) {
            return Arrays.copyOf(body, filled);
        }
        var next = in.read();
        if (next < 0) {
            return body;
        }
        inTime(end, deadline);
        var out = new ByteArrayOutputStream(Math.min(max + 1, body.length + 8192));
        out.write(body);
        out.write(next);
        return readOn(in, out, max, end, deadline);
    }

    private static byte[] readOn(InputStream in, ByteArrayOutputStream out, int max, long end, Duration deadline)
            throws IOException {
        var buffer = new byte[8192];
        int read;
        while (out.size() <= max && (read = in.read(buffer, 0, Math.min(buffer.length, max + 1 - out.size()))) >= 0) {
            inTime(end, deadline);
            out.write(buffer, 0, read);
        }
        return out.size() > max ? null : out.toByteArray();
    }

    private static void inTime(long end, Duration deadline) throws TooSlow {
        if (System.nanoTime() - end > 0) {
            throw new TooSlow(deadline);
        }
    }

    @Override
    public ServletInputStream getInputStream() {
        var in = new ByteArrayInputStream(body);
        return new ServletInputStream() {
            @Override
            public boolean isFinished() {
                return in.available() == 0;
            }

            @Override
            public boolean isReady() {
                return true;
            }

            @Override
            public void setReadListener(ReadListener listener) {
                throw new UnsupportedOperationException("the body is already buffered");
            }

            @Override
            public int read() {
                return in.read();
            }

            @Override
            public int read(byte[] buffer, int offset, int length) {
                return in.read(buffer, offset, length);
            }
        };
    }

    @Override
    public BufferedReader getReader() {
        var encoding = getCharacterEncoding();
        var charset = encoding == null ? StandardCharsets.UTF_8 : Charset.forName(encoding);
        return new BufferedReader(new InputStreamReader(getInputStream(), charset));
    }

    @Override
    public int getContentLength() {
        return body.length;
    }

    @Override
    public long getContentLengthLong() {
        return body.length;
    }
}
