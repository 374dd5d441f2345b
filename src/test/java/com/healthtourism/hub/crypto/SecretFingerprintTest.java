package com.healthtourism.hub.crypto;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class SecretFingerprintTest {

    @Test
    void isTheFirstTwelveHexCharactersOfSha256() {
        // printf %s whsec_test_secret | sha256sum
        assertThat(SecretFingerprint.of("whsec_test_secret")).isEqualTo(EXPECTED_WHSEC_TEST_SECRET);
    }

    @Test
    void tellsSecretsApartWithoutShowingThem() {
        String old = SecretFingerprint.of("whsec_old_secret_value");
        String current = SecretFingerprint.of("whsec_new_secret_value");
        assertThat(old).hasSize(12).matches("[0-9a-f]{12}").isNotEqualTo(current);
        assertThat(SecretFingerprint.of("whsec_old_secret_value")).isEqualTo(old);
        assertThat(old).doesNotContain("whsec").doesNotContain("secret");
    }

    @Test
    void noSecretHasAnEmptyFingerprint() {
        assertThat(SecretFingerprint.of(null)).isEmpty();
        assertThat(SecretFingerprint.of("")).isEmpty();
    }

    private static final String EXPECTED_WHSEC_TEST_SECRET = "7a200eb89adb";
}
