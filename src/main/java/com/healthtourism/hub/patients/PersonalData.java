package com.healthtourism.hub.patients;

import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Locale;
import java.util.UUID;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Component;

import com.healthtourism.hub.crypto.FieldCipher;

/**
 * Personal data at rest. An encrypted column holds base64 of Tink AEAD ciphertext sealed with the context
 * {@code tenant:<tenant>:<table>.<column>:<row>}, so a value copied to another row, column or tenant does not
 * decrypt. {@link #emailHash} is the keyed hash that look-ups by email use instead of decrypting a table.
 */
@Component
public class PersonalData {

    static final int MIN_EMAIL_HASH_KEY_BYTES = 32;
    private static final String HMAC = "HmacSHA256";

    private final FieldCipher cipher;
    private final SecretKeySpec emailHashKey;

    @Autowired
    public PersonalData(FieldCipher cipher, EmailHashProperties properties) {
        this(cipher, decodeKey(properties.emailHashKey()));
    }

    PersonalData(FieldCipher cipher, byte[] emailHashKey) {
        if (emailHashKey.length < MIN_EMAIL_HASH_KEY_BYTES) {
            throw new IllegalStateException("HUB_EMAIL_HASH_KEY must hold at least " + MIN_EMAIL_HASH_KEY_BYTES
                    + " bytes (base64 of 32 random bytes: openssl rand -base64 32)");
        }
        this.cipher = cipher;
        this.emailHashKey = new SecretKeySpec(emailHashKey, HMAC);
    }

    /** The stored form of {@code plaintext} in {@code column} ("users.email") of row {@code rowId}; null stays null. */
    public String encrypt(UUID tenantId, String column, UUID rowId, String plaintext) {
        if (plaintext == null) {
            return null;
        }
        return Base64.getEncoder().encodeToString(cipher.encryptString(plaintext, context(tenantId, column, rowId)));
    }

    /**
     * The plaintext of a stored value; null stays null.
     *
     * @throws com.healthtourism.hub.crypto.CipherFailure if the value was sealed for another tenant, column or row,
     *         under a key the keyset no longer holds, or was altered
     */
    public String decrypt(UUID tenantId, String column, UUID rowId, String stored) {
        if (stored == null) {
            return null;
        }
        byte[] sealed;
        try {
            sealed = Base64.getDecoder().decode(stored);
        } catch (IllegalArgumentException e) {
            sealed = new byte[0];
        }
        return cipher.decryptString(sealed, context(tenantId, column, rowId));
    }

    /** HMAC-SHA256 (64 hex characters) of the trimmed, lower-cased email; null for no email. */
    public String emailHash(String email) {
        if (email == null || email.isBlank()) {
            return null;
        }
        return hmacHex(email.trim().toLowerCase(Locale.ROOT));
    }

    /**
     * A keyed hash of arbitrary content under a key derived from the email-hash key for {@code purpose}, so it can
     * never be confused with an email hash. Tells whether a partner sent the same content again without storing it.
     */
    String contentHash(String purpose, String content) {
        byte[] derived = mac(emailHashKey, "hub.patients." + purpose);
        return HexFormat.of().formatHex(mac(new SecretKeySpec(derived, HMAC), content));
    }

    static String context(UUID tenantId, String column, UUID rowId) {
        if (tenantId == null || rowId == null || column == null || !column.matches("[a-z_]+\\.[a-z_]+")) {
            throw new IllegalArgumentException("an encrypted column needs a tenant, a row id and a <table>.<column>");
        }
        return "tenant:" + tenantId + ":" + column + ":" + rowId;
    }

    private String hmacHex(String value) {
        return HexFormat.of().formatHex(mac(emailHashKey, value));
    }

    private static byte[] mac(SecretKeySpec key, String value) {
        try {
            Mac mac = Mac.getInstance(HMAC);
            mac.init(key);
            return mac.doFinal(value.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException | InvalidKeyException e) {
            throw new IllegalStateException("HMAC-SHA256 is not available (" + e.getClass().getSimpleName() + ")");
        }
    }

    private static byte[] decodeKey(String base64) {
        if (base64 == null || base64.isBlank()) {
            throw new IllegalStateException("No email hash key configured: set HUB_EMAIL_HASH_KEY (base64 of at least "
                    + MIN_EMAIL_HASH_KEY_BYTES + " random bytes: openssl rand -base64 32). The hub does not start "
                    + "with a random key.");
        }
        try {
            return Base64.getDecoder().decode(base64.trim());
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException("HUB_EMAIL_HASH_KEY is not base64");
        }
    }
}
