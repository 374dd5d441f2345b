package com.healthtourism.hub.signatures;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * HMAC-SHA256 and the small text codecs the schemes share. Parsing helpers return a sentinel instead of
 * throwing, so a garbage header costs no exception.
 */
final class Hmac {

    private static final String ALGORITHM = "HmacSHA256";
    private static final char[] HEX = "0123456789abcdef".toCharArray();
    static final long NOT_A_NUMBER = Long.MIN_VALUE;

    /** One Mac per thread: {@code Mac.getInstance} is a provider lookup we need not pay per request. */
    private final ThreadLocal<Mac> macs = ThreadLocal.withInitial(Hmac::newMac);

    /** A Mac keyed with {@code key}, ready for {@code update}/{@code doFinal}. */
    Mac keyed(byte[] key) {
        return init(macs.get(), key);
    }

    /** For the static signing helpers (tests, benches): a fresh Mac, nothing shared. */
    static Mac freshKeyed(byte[] key) {
        return init(newMac(), key);
    }

    private static Mac init(Mac mac, byte[] key) {
        try {
            mac.init(new SecretKeySpec(key, ALGORITHM));
            return mac;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 rejected a key", e);
        }
    }

    private static Mac newMac() {
        try {
            return Mac.getInstance(ALGORITHM);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is not available in this JVM", e);
        }
    }

    /** HMAC of {@code signedPrefix} followed by {@code body}, without copying the body. */
    static byte[] sign(Mac mac, byte[] signedPrefix, byte[] body) {
        mac.update(signedPrefix);
        return mac.doFinal(body);
    }

    static boolean constantTimeEquals(byte[] expected, byte[] actual) {
        return actual != null && MessageDigest.isEqual(expected, actual);
    }

    static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    static String hex(byte[] bytes) {
        var out = new char[bytes.length * 2];
        for (int i = 0; i < bytes.length; i++) {
            out[2 * i] = HEX[(bytes[i] >> 4) & 0xF];
            out[2 * i + 1] = HEX[bytes[i] & 0xF];
        }
        return new String(out);
    }

    /** Hex (either case) of {@code s[from, to)} decoded, or {@code null} if it is not hex. */
    static byte[] unhex(String s, int from, int to) {
        int length = to - from;
        if (length <= 0 || (length & 1) != 0) {
            return null;
        }
        var out = new byte[length / 2];
        for (int i = 0; i < out.length; i++) {
            int high = Character.digit(s.charAt(from + 2 * i), 16);
            int low = Character.digit(s.charAt(from + 2 * i + 1), 16);
            if (high < 0 || low < 0) {
                return null;
            }
            out[i] = (byte) ((high << 4) | low);
        }
        return out;
    }

    /** Decimal digits of {@code s[from, to)} as a long, or {@link #NOT_A_NUMBER}. */
    static long parseSeconds(String s, int from, int to) {
        if (to <= from || to - from > 18) {
            return NOT_A_NUMBER;
        }
        long value = 0;
        for (int i = from; i < to; i++) {
            char c = s.charAt(i);
            if (c < '0' || c > '9') {
                return NOT_A_NUMBER;
            }
            value = value * 10 + (c - '0');
        }
        return value;
    }

    static boolean withinTolerance(long epochSeconds, Duration tolerance, Instant now) {
        return Math.abs(now.getEpochSecond() - epochSeconds) <= tolerance.getSeconds();
    }
}
