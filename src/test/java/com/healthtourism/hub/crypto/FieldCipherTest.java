package com.healthtourism.hub.crypto;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;

import com.google.crypto.tink.InsecureSecretKeyAccess;
import com.google.crypto.tink.KeysetHandle;
import com.google.crypto.tink.TinkJsonProtoKeysetFormat;
import com.google.crypto.tink.aead.AeadConfig;
import com.google.crypto.tink.aead.PredefinedAeadParameters;
import com.google.crypto.tink.mac.MacConfig;
import com.google.crypto.tink.mac.PredefinedMacParameters;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.config.YamlPropertiesFactoryBean;
import org.springframework.core.io.ClassPathResource;

class FieldCipherTest {

    private static final String TENANT_A_BODY = "tenant:6f1c2a4e-0000-4000-8000-000000000001:inbound_messages.body";
    private static final String TENANT_B_BODY = "tenant:6f1c2a4e-0000-4000-8000-000000000002:inbound_messages.body";
    private static final String PLAINTEXT = "{\"patient\":\"Ayşe Yılmaz\",\"passport\":\"U12345678\"}";

    private static String keysetJson;

    @BeforeAll
    static void generateKeyset() throws Exception {
        AeadConfig.register();
        keysetJson = TinkJsonProtoKeysetFormat.serializeKeyset(
                KeysetHandle.generateNew(PredefinedAeadParameters.AES256_GCM), InsecureSecretKeyAccess.get());
    }

    private static FieldCipher cipher(String json) {
        return new FieldCipher(CryptoConfiguration.aead(new CryptoProperties(json, "")));
    }

    @Test
    void roundTripsUnderTheSameContext() {
        var cipher = cipher(keysetJson);
        byte[] sealed = cipher.encryptString(PLAINTEXT, TENANT_A_BODY);
        assertThat(cipher.decryptString(sealed, TENANT_A_BODY)).isEqualTo(PLAINTEXT);
        byte[] raw = {0, 1, 2, (byte) 0xFF};
        assertThat(cipher.decrypt(cipher.encrypt(raw, TENANT_A_BODY), TENANT_A_BODY)).containsExactly(raw);
    }

    @Test
    void ciphertextDiffersFromPlaintextAndBetweenTwoEncryptions() {
        var cipher = cipher(keysetJson);
        byte[] first = cipher.encryptString(PLAINTEXT, TENANT_A_BODY);
        byte[] second = cipher.encryptString(PLAINTEXT, TENANT_A_BODY);
        assertThat(new String(first, UTF_8)).doesNotContain("Ayşe").doesNotContain("U12345678");
        assertThat(first).isNotEqualTo(PLAINTEXT.getBytes(UTF_8)).isNotEqualTo(second);
    }

    @Test
    void ciphertextMovedToAnotherTenantOrColumnDoesNotDecryptAndTheFailureHoldsNoPlaintext() {
        var cipher = cipher(keysetJson);
        byte[] sealed = cipher.encryptString(PLAINTEXT, TENANT_A_BODY);
        for (String otherContext : new String[] {TENANT_B_BODY, "tenant:6f1c2a4e-0000-4000-8000-000000000001:cases.notes"}) {
            assertThatThrownBy(() -> cipher.decryptString(sealed, otherContext))
                    .isInstanceOf(CipherFailure.class)
                    .hasMessageNotContaining("Ayşe")
                    .hasMessageNotContaining("U12345678")
                    .hasNoCause();
        }
    }

    @Test
    void anotherKeyCannotDecrypt() throws Exception {
        String otherKeyset = TinkJsonProtoKeysetFormat.serializeKeyset(
                KeysetHandle.generateNew(PredefinedAeadParameters.AES256_GCM), InsecureSecretKeyAccess.get());
        byte[] sealed = cipher(keysetJson).encryptString(PLAINTEXT, TENANT_A_BODY);
        assertThatThrownBy(() -> cipher(otherKeyset).decryptString(sealed, TENANT_A_BODY)).isInstanceOf(CipherFailure.class);
    }

    @Test
    void corruptedCiphertextFails() {
        var cipher = cipher(keysetJson);
        byte[] sealed = cipher.encryptString(PLAINTEXT, TENANT_A_BODY);
        sealed[sealed.length - 1] ^= 1;
        assertThatThrownBy(() -> cipher.decryptString(sealed, TENANT_A_BODY)).isInstanceOf(CipherFailure.class);
        assertThatThrownBy(() -> cipher.decrypt(new byte[3], TENANT_A_BODY)).isInstanceOf(CipherFailure.class);
    }

    @Test
    void keysetIsReadFromAFile(@TempDir Path dir) throws Exception {
        Path file = Files.writeString(dir.resolve("keyset.json"), keysetJson);
        var fromFile = new FieldCipher(CryptoConfiguration.aead(new CryptoProperties("", file.toString())));
        byte[] sealed = cipher(keysetJson).encryptString(PLAINTEXT, TENANT_A_BODY);
        assertThat(fromFile.decryptString(sealed, TENANT_A_BODY)).isEqualTo(PLAINTEXT);
    }

    @Test
    void noKeysetRefusesToStartAndSaysWhatToSet() {
        assertThatThrownBy(() -> CryptoConfiguration.aead(new CryptoProperties("", "")))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("HUB_ENCRYPTION_KEYSET")
                .hasMessageContaining("HUB_ENCRYPTION_KEYSET_FILE");
        assertThatThrownBy(() -> CryptoConfiguration.aead(new CryptoProperties(null, null)))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("No encryption keyset configured");
    }

    @Test
    void garbageKeysetIsAClearErrorThatDoesNotEchoIt() {
        String secretLooking = "{\"primaryKeyId\": 1, \"key\": \"s3cr3t-material\"}";
        assertThatThrownBy(() -> CryptoConfiguration.aead(new CryptoProperties(secretLooking, "")))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("not a valid Tink JSON keyset")
                .hasMessageNotContaining("s3cr3t-material")
                .hasNoCause();
        assertThatThrownBy(() -> CryptoConfiguration.aead(new CryptoProperties("not json at all", "")))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("not a valid Tink JSON keyset");
    }

    @Test
    void keysetWithoutAnAeadKeyIsAClearError() throws Exception {
        MacConfig.register();
        String macKeyset = TinkJsonProtoKeysetFormat.serializeKeyset(
                KeysetHandle.generateNew(PredefinedMacParameters.HMAC_SHA256_256BITTAG), InsecureSecretKeyAccess.get());
        assertThatThrownBy(() -> CryptoConfiguration.aead(new CryptoProperties(macKeyset, "")))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("no AEAD key");
    }

    @Test
    void missingKeysetFileIsAClearError(@TempDir Path dir) {
        String missing = dir.resolve("absent.json").toString();
        assertThatThrownBy(() -> CryptoConfiguration.aead(new CryptoProperties("", missing)))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("HUB_ENCRYPTION_KEYSET_FILE")
                .hasMessageContaining("cannot be read");
    }

    @Test
    void bothSourcesAtOnceIsAnError() {
        assertThatThrownBy(() -> CryptoConfiguration.aead(new CryptoProperties(keysetJson, "/etc/keyset.json")))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("set only one");
    }

    @Test
    void propertiesNeverPrintTheKeyset() {
        assertThat(new CryptoProperties(keysetJson, "").toString()).doesNotContain(keysetJson).contains("(set)");
    }

    @Test
    void devKeysetsOfTheTestAndLocalProfilesAreUsable() {
        for (String profile : new String[] {"application-test.yml", "application-local.yml"}) {
            var yaml = new YamlPropertiesFactoryBean();
            yaml.setResources(new ClassPathResource(profile));
            String devKeyset = yaml.getObject().getProperty("hub.crypto.keyset");
            assertThat(devKeyset).as(profile).isNotBlank();
            var cipher = cipher(devKeyset);
            assertThat(cipher.decryptString(cipher.encryptString(PLAINTEXT, TENANT_A_BODY), TENANT_A_BODY))
                    .isEqualTo(PLAINTEXT);
        }
    }
}
