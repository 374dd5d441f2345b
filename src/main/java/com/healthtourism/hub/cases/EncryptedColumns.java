package com.healthtourism.hub.cases;

import java.util.Base64;
import java.util.UUID;

import org.springframework.stereotype.Component;

import com.healthtourism.hub.crypto.FieldCipher;

/**
 * The hub's convention for encrypted patient columns: TEXT holding base64 of Tink AEAD ciphertext sealed with the
 * context {@code tenant:<tenant>:<table>.<column>:<row>}, so a value copied to another row, column or tenant does not
 * decrypt. The same signatures as the patient-data bean, which replaces this class once it is on main.
 */
@Component
public class EncryptedColumns {

    private final FieldCipher cipher;

    public EncryptedColumns(FieldCipher cipher) {
        this.cipher = cipher;
    }

    /** @param column {@code <table>.<column>}, e.g. {@code users.email} */
    public String encrypt(UUID tenantId, String column, UUID rowId, String plaintext) {
        return Base64.getEncoder().encodeToString(cipher.encryptString(plaintext, context(tenantId, column, rowId)));
    }

    /** @return null for a null column */
    public String decrypt(UUID tenantId, String column, UUID rowId, String stored) {
        if (stored == null) {
            return null;
        }
        return cipher.decryptString(Base64.getDecoder().decode(stored), context(tenantId, column, rowId));
    }

    static String context(UUID tenantId, String column, UUID rowId) {
        return "tenant:" + tenantId + ":" + column + ":" + rowId;
    }
}
