package com.healthtourism.hub.crypto;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Where the encryption keyset comes from: exactly one of {@code keyset} (HUB_ENCRYPTION_KEYSET, a Tink JSON
 * cleartext keyset) or {@code keysetFile} (HUB_ENCRYPTION_KEYSET_FILE, a path to one).
 */
@ConfigurationProperties("hub.crypto")
public record CryptoProperties(String keyset, String keysetFile) {

    @Override
    public String toString() {
        return "CryptoProperties[keyset=" + (isSet(keyset) ? "(set)" : "(unset)") + ", keysetFile=" + keysetFile + "]";
    }

    static boolean isSet(String value) {
        return value != null && !value.isBlank();
    }
}
