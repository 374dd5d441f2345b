package com.healthtourism.hub.crypto;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;

import com.google.crypto.tink.Aead;
import com.google.crypto.tink.InsecureSecretKeyAccess;
import com.google.crypto.tink.KeysetHandle;
import com.google.crypto.tink.RegistryConfiguration;
import com.google.crypto.tink.TinkJsonProtoKeysetFormat;
import com.google.crypto.tink.aead.AeadConfig;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The one {@link FieldCipher}. Without a configured keyset the hub refuses to start: a random key would
 * silently make everything encrypted so far unreadable after the next restart.
 */
@Configuration(proxyBeanMethods = false)
public class CryptoConfiguration {

    @Bean
    FieldCipher fieldCipher(CryptoProperties properties) {
        return new FieldCipher(aead(properties));
    }

    /** The AEAD primitive of the configured keyset; every failure says what to fix and never echoes key material. */
    static Aead aead(CryptoProperties properties) {
        String json = keysetJson(properties);
        try {
            AeadConfig.register();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("Tink AEAD could not be registered", e);
        }
        KeysetHandle handle;
        try {
            handle = TinkJsonProtoKeysetFormat.parseKeyset(json, InsecureSecretKeyAccess.get());
        } catch (GeneralSecurityException | RuntimeException e) {
            // The cause is left out on purpose: parser messages may quote the keyset.
            throw new IllegalStateException("The encryption keyset (" + source(properties)
                    + ") is not a valid Tink JSON keyset (" + e.getClass().getSimpleName() + ")");
        }
        try {
            return handle.getPrimitive(RegistryConfiguration.get(), Aead.class);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("The encryption keyset (" + source(properties)
                    + ") holds no AEAD key; generate one with: tinkey create-keyset --key-template AES256_GCM");
        }
    }

    private static String keysetJson(CryptoProperties properties) {
        boolean inline = CryptoProperties.isSet(properties.keyset());
        boolean file = CryptoProperties.isSet(properties.keysetFile());
        if (inline && file) {
            throw new IllegalStateException(
                    "Both HUB_ENCRYPTION_KEYSET and HUB_ENCRYPTION_KEYSET_FILE are set; set only one");
        }
        if (inline) {
            return properties.keyset();
        }
        if (file) {
            Path path = Path.of(properties.keysetFile());
            try {
                return Files.readString(path, StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new IllegalStateException("HUB_ENCRYPTION_KEYSET_FILE " + path + " cannot be read ("
                        + e.getClass().getSimpleName() + ")");
            }
        }
        throw new IllegalStateException("No encryption keyset configured: set HUB_ENCRYPTION_KEYSET (a Tink JSON "
                + "cleartext AES256_GCM keyset) or HUB_ENCRYPTION_KEYSET_FILE (a file holding one). "
                + "The hub does not start with a random key.");
    }

    private static String source(CryptoProperties properties) {
        return CryptoProperties.isSet(properties.keyset())
                ? "HUB_ENCRYPTION_KEYSET"
                : "HUB_ENCRYPTION_KEYSET_FILE " + properties.keysetFile();
    }
}
