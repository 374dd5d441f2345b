package com.healthtourism.hub.crypto;

/**
 * Encryption or decryption failed: a wrong key, a context that is not the one the value was sealed with,
 * or a corrupted ciphertext. The message never carries plaintext, ciphertext or key material.
 */
public class CipherFailure extends RuntimeException {

    CipherFailure(String message) {
        super(message);
    }
}
