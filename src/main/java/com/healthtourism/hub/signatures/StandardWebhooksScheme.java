package com.healthtourism.hub.signatures;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Standard Webhooks (standardwebhooks.com): headers {@code webhook-id}, {@code webhook-timestamp} and
 * {@code webhook-signature} (space-separated {@code v1,<base64>} entries); the signature is base64
 * HMAC-SHA256 over {@code id + "." + timestamp + "." + body}, keyed by the base64 part of a
 * {@code whsec_<base64>} secret. Entries of other versions ({@code v1a}, ...) are ignored.
 */
public final class StandardWebhooksScheme implements SignatureScheme {

    public static final String NAME = "standard-webhooks";
    static final String ID_HEADER = "webhook-id";
    static final String TIMESTAMP_HEADER = "webhook-timestamp";
    static final String SIGNATURE_HEADER = "webhook-signature";
    private static final String SECRET_PREFIX = "whsec_";
    private static final String VERSION_PREFIX = "v1,";

    private final Hmac hmac = new Hmac();

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Verification verify(SignedRequest request, List<String> secrets, Duration tolerance, Instant now) {
        Objects.requireNonNull(tolerance, "tolerance");
        Objects.requireNonNull(now, "now");
        String id = request.header(ID_HEADER);
        String timestamp = request.header(TIMESTAMP_HEADER);
        String header = request.header(SIGNATURE_HEADER);
        if (isBlank(id) || isBlank(timestamp) || isBlank(header)) {
            return Verification.MISSING_SIGNATURE;
        }
        long seconds = Hmac.parseSeconds(timestamp, 0, timestamp.length());
        if (seconds == Hmac.NOT_A_NUMBER) {
            return Verification.BAD_SIGNATURE;
        }
        List<byte[]> signatures = v1Signatures(header);
        if (signatures.isEmpty()) {
            return Verification.BAD_SIGNATURE;
        }
        byte[] signedPrefix = Hmac.utf8(id + "." + timestamp + ".");
        for (String secret : secrets) {
            byte[] key = secretKey(secret);
            if (key == null) {
                continue;
            }
            byte[] expected = Base64.getEncoder().encode(Hmac.sign(hmac.keyed(key), signedPrefix, request.rawBody()));
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

    /** The {@code webhook-signature} value ({@code v1,<base64>}) a Standard Webhooks sender would send. */
    public static String signature(String secret, String messageId, long epochSeconds, byte[] body) {
        byte[] key = secretKey(secret);
        if (key == null) {
            throw new IllegalArgumentException("not a whsec_<base64> secret");
        }
        byte[] prefix = Hmac.utf8(messageId + "." + epochSeconds + ".");
        return VERSION_PREFIX + Base64.getEncoder().encodeToString(Hmac.sign(Hmac.freshKeyed(key), prefix, body));
    }

    /** All three headers a Standard Webhooks sender would send, names lower-cased. */
    public static Map<String, String> headers(String secret, String messageId, long epochSeconds, byte[] body) {
        return Map.of(
                ID_HEADER, messageId,
                TIMESTAMP_HEADER, Long.toString(epochSeconds),
                SIGNATURE_HEADER, signature(secret, messageId, epochSeconds, body));
    }

    /** The key bytes of a {@code whsec_<base64>} secret (prefix optional), or {@code null} if it is not base64. */
    static byte[] secretKey(String secret) {
        if (secret == null) {
            return null;
        }
        String encoded = secret.startsWith(SECRET_PREFIX) ? secret.substring(SECRET_PREFIX.length()) : secret;
        try {
            byte[] key = Base64.getDecoder().decode(encoded);
            return key.length == 0 ? null : key;
        } catch (IllegalArgumentException notBase64) {
            return null;
        }
    }

    private static List<byte[]> v1Signatures(String header) {
        var signatures = new ArrayList<byte[]>(1);
        int length = header.length();
        for (int start = 0; start < length; ) {
            int end = header.indexOf(' ', start);
            if (end < 0) {
                end = length;
            }
            if (end - start > VERSION_PREFIX.length() && header.startsWith(VERSION_PREFIX, start)) {
                signatures.add(header.substring(start + VERSION_PREFIX.length(), end)
                        .getBytes(StandardCharsets.ISO_8859_1));
            }
            start = end + 1;
        }
        return signatures;
    }

    private static boolean isBlank(String s) {
        return s == null || s.isBlank();
    }
}
