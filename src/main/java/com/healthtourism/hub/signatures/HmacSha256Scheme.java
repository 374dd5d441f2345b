package com.healthtourism.hub.signatures;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * Plain HMAC-SHA256 over the body in the GitHub style: {@code X-Hub-Signature-256: sha256=<hex>}, keyed by
 * the secret's UTF-8 bytes. No timestamp, so no replay window: {@code tolerance} and {@code now} are ignored.
 */
public final class HmacSha256Scheme implements SignatureScheme {

    public static final String NAME = "hmac-sha256";
    static final String HEADER = "x-hub-signature-256";
    private static final String PREFIX = "sha256=";

    private final Hmac hmac = new Hmac();

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Verification verify(SignedRequest request, List<String> secrets, Duration tolerance, Instant now) {
        String header = request.header(HEADER);
        if (header == null || header.isBlank()) {
            return Verification.MISSING_SIGNATURE;
        }
        String value = header.strip();
        if (!value.startsWith(PREFIX)) {
            return Verification.BAD_SIGNATURE;
        }
        byte[] signature = Hmac.unhex(value, PREFIX.length(), value.length());
        if (signature == null) {
            return Verification.BAD_SIGNATURE;
        }
        for (String secret : secrets) {
            if (secret == null || secret.isEmpty()) {
                continue;
            }
            if (Hmac.constantTimeEquals(hmac.keyed(Hmac.utf8(secret)).doFinal(request.rawBody()), signature)) {
                return Verification.VALID;
            }
        }
        return Verification.BAD_SIGNATURE;
    }

    /** The {@code X-Hub-Signature-256} value a sender would send, for tests and benches. */
    public static String signatureHeader(String secret, byte[] body) {
        return PREFIX + Hmac.hex(Hmac.freshKeyed(Hmac.utf8(secret)).doFinal(body));
    }
}
