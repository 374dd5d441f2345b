package com.healthtourism.hub.signatures;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Stripe: {@code Stripe-Signature: t=<unix seconds>,v1=<hex>[,v1=<hex>...]}, the hex being HMAC-SHA256 over
 * {@code t + "." + body} keyed by the endpoint secret's UTF-8 bytes as given ({@code whsec_} prefix included).
 * Any {@code v1} may match; {@code v0} and unknown keys are ignored.
 */
public final class StripeScheme implements SignatureScheme {

    public static final String NAME = "stripe";
    static final String HEADER = "stripe-signature";
    private static final int SIGNATURE_BYTES = 32;

    private final Hmac hmac = new Hmac();

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Verification verify(SignedRequest request, List<String> secrets, Duration tolerance, Instant now) {
        Objects.requireNonNull(tolerance, "tolerance");
        Objects.requireNonNull(now, "now");
        String header = request.header(HEADER);
        if (header == null || header.isBlank()) {
            return Verification.MISSING_SIGNATURE;
        }
        String timestamp = null;
        var signatures = new ArrayList<byte[]>(2);
        int length = header.length();
        for (int start = 0; start < length; ) {
            int end = header.indexOf(',', start);
            if (end < 0) {
                end = length;
            }
            int keyStart = skipSpaces(header, start, end);
            int equals = header.indexOf('=', keyStart);
            if (equals > keyStart && equals < end) {
                int valueEnd = trimEnd(header, equals + 1, end);
                int keyLength = equals - keyStart;
                if (keyLength == 1 && header.charAt(keyStart) == 't') {
                    timestamp = header.substring(equals + 1, valueEnd);
                } else if (keyLength == 2 && header.startsWith("v1", keyStart)) {
                    byte[] signature = Hmac.unhex(header, equals + 1, valueEnd);
                    if (signature != null && signature.length == SIGNATURE_BYTES) {
                        signatures.add(signature);
                    }
                }
            }
            start = end + 1;
        }
        if (timestamp == null || signatures.isEmpty()) {
            return Verification.BAD_SIGNATURE;
        }
        long seconds = Hmac.parseSeconds(timestamp, 0, timestamp.length());
        if (seconds == Hmac.NOT_A_NUMBER) {
            return Verification.BAD_SIGNATURE;
        }
        byte[] signedPrefix = Hmac.utf8(timestamp + ".");
        for (String secret : secrets) {
            if (secret == null || secret.isEmpty()) {
                continue;
            }
            byte[] expected = Hmac.sign(hmac.keyed(Hmac.utf8(secret)), signedPrefix, request.rawBody());
            for (byte[] signature : signatures) {
                if (Hmac.constantTimeEquals(expected, signature)) {
                    return Hmac.withinTolerance(seconds, tolerance, now)
                            ? Verification.VALID
                            : Verification.STALE_TIMESTAMP;
                }
            }
        }
        return Verification.BAD_SIGNATURE;
    }

    /** The {@code Stripe-Signature} value Stripe would send, for tests and benches that play the sender. */
    public static String signatureHeader(String secret, long epochSeconds, byte[] body) {
        String timestamp = Long.toString(epochSeconds);
        byte[] signature = Hmac.sign(Hmac.freshKeyed(Hmac.utf8(secret)), Hmac.utf8(timestamp + "."), body);
        return "t=" + timestamp + ",v1=" + Hmac.hex(signature);
    }

    private static int skipSpaces(String s, int from, int to) {
        while (from < to && s.charAt(from) == ' ') {
            from++;
        }
        return from;
    }

    private static int trimEnd(String s, int from, int to) {
        while (to > from && s.charAt(to - 1) == ' ') {
            to--;
        }
        return to;
    }
}
