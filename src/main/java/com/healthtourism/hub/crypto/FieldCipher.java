package com.healthtourism.hub.crypto;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;

import com.google.crypto.tink.Aead;

/**
 * Encryption at rest for secrets, PII and raw bodies: Tink AEAD (AES256-GCM) with a context bound in as
 * associated data, e.g. {@code "tenant:<uuid>:inbound_messages.body"}. A ciphertext only decrypts under the
 * context it was sealed with, so it cannot be copied to another tenant's row or another column.
 */
public class FieldCipher {

    private final Aead aead;

    public FieldCipher(Aead aead) {
        this.aead = aead;
    }

    public byte[] encrypt(byte[] plaintext, String context) {
        try {
            return aead.encrypt(plaintext, associatedData(context));
        } catch (GeneralSecurityException e) {
            throw new CipherFailure("encryption failed (" + e.getClass().getSimpleName() + ")");
        }
    }

    /** @throws CipherFailure if the key, the context or the ciphertext is not the one it was sealed with */
    public byte[] decrypt(byte[] ciphertext, String context) {
        try {
            return aead.decrypt(ciphertext, associatedData(context));
        } catch (GeneralSecurityException e) {
            throw new CipherFailure("decryption failed: wrong key, wrong context or corrupted ciphertext");
        }
    }

    public byte[] encryptString(String plaintext, String context) {
        return encrypt(plaintext.getBytes(StandardCharsets.UTF_8), context);
    }

    public String decryptString(byte[] ciphertext, String context) {
        return new String(decrypt(ciphertext, context), StandardCharsets.UTF_8);
    }

    private static byte[] associatedData(String context) {
        if (context == null || context.isEmpty()) {
            throw new IllegalArgumentException("a cipher context is required (e.g. tenant:<uuid>:<table>.<column>)");
        }
        return context.getBytes(StandardCharsets.UTF_8);
    }
}
