package com.healthtourism.hub.patients;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * The key of {@code users.email_hash} (HUB_EMAIL_HASH_KEY): base64 of at least 32 random bytes, its own key, never
 * the encryption keyset. Required like the keyset: a random key would make every stored hash unfindable after the
 * next restart.
 */
@ConfigurationProperties("hub.patients")
public record EmailHashProperties(String emailHashKey) {

    @Override
    public String toString() {
        return "EmailHashProperties[emailHashKey=" + (emailHashKey == null || emailHashKey.isBlank() ? "(unset)" : "(set)")
                + "]";
    }
}
