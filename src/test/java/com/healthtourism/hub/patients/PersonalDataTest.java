package com.healthtourism.hub.patients;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.util.Base64;
import java.util.UUID;

import com.google.crypto.tink.Aead;
import com.google.crypto.tink.InsecureSecretKeyAccess;
import com.google.crypto.tink.KeysetHandle;
import com.google.crypto.tink.RegistryConfiguration;
import com.google.crypto.tink.TinkJsonProtoKeysetFormat;
import com.google.crypto.tink.aead.AeadConfig;
import com.google.crypto.tink.aead.PredefinedAeadParameters;
import org.apache.commons.codec.digest.DigestUtils;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.config.YamlPropertiesFactoryBean;
import org.springframework.core.io.ClassPathResource;

import com.healthtourism.hub.crypto.CipherFailure;
import com.healthtourism.hub.crypto.FieldCipher;

class PersonalDataTest {

    private static final UUID TENANT_A = UUID.fromString("6f1c2a4e-0000-4000-8000-00000000000a");
    private static final UUID TENANT_B = UUID.fromString("6f1c2a4e-0000-4000-8000-00000000000b");
    private static final UUID ROW_1 = UUID.fromString("0d8f9b1c-0000-4000-8000-000000000001");
    private static final UUID ROW_2 = UUID.fromString("0d8f9b1c-0000-4000-8000-000000000002");
    private static final byte[] HASH_KEY = "0123456789abcdef0123456789abcdef".getBytes();
    private static final String EMAIL = "ayse.yilmaz@example.com";

    private static KeysetHandle keyset;

    @BeforeAll
    static void oneKey() throws Exception {
        AeadConfig.register();
        keyset = KeysetHandle.generateNew(PredefinedAeadParameters.AES256_GCM);
    }

    private static PersonalData personalData(KeysetHandle handle) throws Exception {
        return new PersonalData(new FieldCipher(handle.getPrimitive(RegistryConfiguration.get(), Aead.class)), HASH_KEY);
    }

    /** Tink's output prefix: version byte 0x01, then the 4-byte id of the key that sealed the value. */
    private static int keyIdOf(String stored) {
        byte[] sealed = Base64.getDecoder().decode(stored);
        assertThat(sealed[0]).isEqualTo((byte) 1);
        return ByteBuffer.wrap(sealed, 1, 4).getInt();
    }

    @Test
    void roundTripsAndStoresNoPlaintext() throws Exception {
        var data = personalData(keyset);
        String stored = data.encrypt(TENANT_A, "users.email", ROW_1, EMAIL);
        assertThat(stored).doesNotContain("ayse").doesNotContain("example");
        assertThat(new String(Base64.getDecoder().decode(stored))).doesNotContain("ayse");
        assertThat(data.decrypt(TENANT_A, "users.email", ROW_1, stored)).isEqualTo(EMAIL);
        assertThat(data.encrypt(TENANT_A, "users.email", ROW_1, EMAIL)).isNotEqualTo(stored);
        assertThat(data.encrypt(TENANT_A, "users.email", ROW_1, null)).isNull();
        assertThat(data.decrypt(TENANT_A, "users.email", ROW_1, null)).isNull();
    }

    @Test
    void ciphertextCopiedToAnotherRowColumnOrTenantDoesNotDecrypt() throws Exception {
        var data = personalData(keyset);
        String stored = data.encrypt(TENANT_A, "users.email", ROW_1, EMAIL);
        assertThatThrownBy(() -> data.decrypt(TENANT_A, "users.email", ROW_2, stored)).isInstanceOf(CipherFailure.class);
        assertThatThrownBy(() -> data.decrypt(TENANT_B, "users.email", ROW_1, stored)).isInstanceOf(CipherFailure.class);
        assertThatThrownBy(() -> data.decrypt(TENANT_A, "users.phone", ROW_1, stored))
                .isInstanceOf(CipherFailure.class)
                .hasMessageNotContaining(EMAIL);
    }

    @Test
    void alteredCiphertextDoesNotDecrypt() throws Exception {
        var data = personalData(keyset);
        byte[] sealed = Base64.getDecoder().decode(data.encrypt(TENANT_A, "users.name", ROW_1, "Ayse Yilmaz"));
        sealed[sealed.length - 1] ^= 1;
        String altered = Base64.getEncoder().encodeToString(sealed);
        assertThatThrownBy(() -> data.decrypt(TENANT_A, "users.name", ROW_1, altered)).isInstanceOf(CipherFailure.class);
        assertThatThrownBy(() -> data.decrypt(TENANT_A, "users.name", ROW_1, "not base64 !"))
                .isInstanceOf(CipherFailure.class);
    }

    @Test
    void aNewPrimaryKeyEncryptsNewValuesWhileOldValuesStillDecrypt() throws Exception {
        var before = personalData(keyset);
        String old = before.encrypt(TENANT_A, "users.passport_number", ROW_1, "U12345678");

        KeysetHandle rotated = KeysetHandle.newBuilder(keyset)
                .addEntry(KeysetHandle.generateEntryFromParameters(PredefinedAeadParameters.AES256_GCM)
                        .withRandomId().makePrimary())
                .build();
        var after = personalData(rotated);
        String fresh = after.encrypt(TENANT_A, "users.passport_number", ROW_2, "X98765432");

        assertThat(after.decrypt(TENANT_A, "users.passport_number", ROW_1, old)).isEqualTo("U12345678");
        assertThat(after.decrypt(TENANT_A, "users.passport_number", ROW_2, fresh)).isEqualTo("X98765432");
        assertThat(keyIdOf(old)).isEqualTo(keyset.getPrimary().getId());
        assertThat(keyIdOf(fresh)).isEqualTo(rotated.getPrimary().getId()).isNotEqualTo(keyIdOf(old));
        assertThatThrownBy(() -> before.decrypt(TENANT_A, "users.passport_number", ROW_2, fresh))
                .as("the old keyset lacks the new key").isInstanceOf(CipherFailure.class);
    }

    @Test
    void rotationSurvivesTheKeysetsJsonForm() throws Exception {
        KeysetHandle rotated = KeysetHandle.newBuilder(keyset)
                .addEntry(KeysetHandle.generateEntryFromParameters(PredefinedAeadParameters.AES256_GCM)
                        .withRandomId().makePrimary())
                .build();
        String json = TinkJsonProtoKeysetFormat.serializeKeyset(rotated, InsecureSecretKeyAccess.get());
        var reloaded = personalData(TinkJsonProtoKeysetFormat.parseKeyset(json, InsecureSecretKeyAccess.get()));
        String old = personalData(keyset).encrypt(TENANT_A, "users.phone", ROW_1, "+905321234567");
        assertThat(reloaded.decrypt(TENANT_A, "users.phone", ROW_1, old)).isEqualTo("+905321234567");
    }

    @Test
    void emailHashIsAKeyedHashOfTheNormalizedEmail() throws Exception {
        var data = personalData(keyset);
        String hash = data.emailHash(EMAIL);
        assertThat(hash).hasSize(64).matches("[0-9a-f]{64}");
        assertThat(data.emailHash("  Ayse.Yilmaz@EXAMPLE.com ")).isEqualTo(hash);
        assertThat(data.emailHash("other@example.com")).isNotEqualTo(hash);
        assertThat(hash).as("keyed, not a bare digest anyone can compute").isNotEqualTo(DigestUtils.sha256Hex(EMAIL));
        var otherKey = new PersonalData(new FieldCipher(keyset.getPrimitive(RegistryConfiguration.get(), Aead.class)),
                "fedcba9876543210fedcba9876543210".getBytes());
        assertThat(otherKey.emailHash(EMAIL)).isNotEqualTo(hash);
        assertThat(data.emailHash(null)).isNull();
        assertThat(data.emailHash("  ")).isNull();
    }

    @Test
    void contentHashIsNeverAnEmailHash() throws Exception {
        var data = personalData(keyset);
        assertThat(data.contentHash("patient", EMAIL)).hasSize(64).isNotEqualTo(data.emailHash(EMAIL));
        assertThat(data.contentHash("case", EMAIL)).isNotEqualTo(data.contentHash("patient", EMAIL));
    }

    @Test
    void aMissingShortOrGarbledEmailHashKeyRefusesToStart() throws Exception {
        var cipher = new FieldCipher(keyset.getPrimitive(RegistryConfiguration.get(), Aead.class));
        assertThatThrownBy(() -> new PersonalData(cipher, new EmailHashProperties("")))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("HUB_EMAIL_HASH_KEY");
        assertThatThrownBy(() -> new PersonalData(cipher, new EmailHashProperties(null)))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("HUB_EMAIL_HASH_KEY");
        String short16 = Base64.getEncoder().encodeToString(new byte[16]);
        assertThatThrownBy(() -> new PersonalData(cipher, new EmailHashProperties(short16)))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("at least 32 bytes");
        assertThatThrownBy(() -> new PersonalData(cipher, new EmailHashProperties("s3cr3t not base64!")))
                .isInstanceOf(IllegalStateException.class).hasMessageNotContaining("s3cr3t");
        assertThat(new EmailHashProperties(short16).toString()).doesNotContain(short16);
    }

    @Test
    void devEmailHashKeysOfTheTestAndLocalProfilesAreUsable() throws Exception {
        var cipher = new FieldCipher(keyset.getPrimitive(RegistryConfiguration.get(), Aead.class));
        for (String profile : new String[] {"application-test.yml", "application-local.yml"}) {
            var yaml = new YamlPropertiesFactoryBean();
            yaml.setResources(new ClassPathResource(profile));
            var properties = yaml.getObject();
            assertThat(properties.getProperty("hub.crypto.development-keys")).as(profile).isEqualTo("true");
            var data = new PersonalData(cipher, new EmailHashProperties(properties.getProperty("hub.patients.email-hash-key")));
            assertThat(data.emailHash(EMAIL)).as(profile).hasSize(64);
        }
    }
}
