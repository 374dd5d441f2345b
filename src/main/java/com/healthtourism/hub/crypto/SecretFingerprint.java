package com.healthtourism.hub.crypto;

import org.apache.commons.codec.digest.DigestUtils;

/**
 * Which secret is configured, without showing it: the first 12 hex characters (48 bits) of the SHA-256 of the
 * secret's UTF-8 bytes. Enough to tell two configured secrets apart (e.g. old and new during a rotation) in an
 * API answer or a log line. Not reversible for random secrets (webhook secrets, API keys); do not fingerprint
 * guessable values such as human passwords, which a dictionary could find from the hash.
 */
public final class SecretFingerprint {

    private static final int HEX_CHARS = 12;

    private SecretFingerprint() {
    }

    /** The fingerprint of {@code secret}, or an empty string when there is no secret. */
    public static String of(String secret) {
        if (secret == null || secret.isEmpty()) {
            return "";
        }
        return DigestUtils.sha256Hex(secret).substring(0, HEX_CHARS);
    }
}
